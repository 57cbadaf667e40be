// What the account's queue shows on a batch while it keeps running: waiting for its hours (a
// start time, a night window; and the timer that pumps it when they open) and sending fewer at
// once after RunComfy answered 429. Each is a
// batch condition (no one has to act; it ends by itself), shown only where no condition about
// the batch's own downloads is showing, and cleared once it is over.
import type { ItemRecord } from '../db/rows';
import { localClockText, type BatchConditionCode } from '../domain';
import { formatReason, reason } from '@common/reasons';
import type { BatchStates } from './batch-state';
import type { BatchRuntime, EngineContext } from './context';
import type { Outcome } from './outcome';

const HOURS: readonly BatchConditionCode[] = ['waiting_for_window', 'waiting_for_start'];
const QUEUE: readonly BatchConditionCode[] = [...HOURS, 'account_limit_lowered'];

export class QueueConditions {
  /** When each batch waiting for its hours is pumped next (clock time). */
  private readonly hoursWakes = new Map<number, number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly batches: BatchStates,
  ) {}

  /** Shows a queue condition unless one about the batch's downloads is showing. */
  show(runtime: BatchRuntime, condition: NonNullable<Outcome['condition']>): void {
    const current = this.ctx.store.batches.getBatch(runtime.id)?.condition;
    if (current && !QUEUE.includes(current.code)) return;
    this.batches.setCondition(runtime.id, condition);
    runtime.queueConditionShown = true;
  }

  /**
   * Pumps the batch when its hours open. Not a wake the engine counts as busy: a batch waiting
   * for tomorrow night is not work in progress (idle() would wait for it). One timer per batch and time.
   */
  pumpAt(batchId: number, at: number, pump: () => void): void {
    if (this.hoursWakes.get(batchId) === at) return;
    this.hoursWakes.set(batchId, at);
    this.ctx.clock
      .sleep(Math.max(0, at - this.ctx.clock.now()), this.ctx.closeSignal)
      .then(() => {
        if (this.hoursWakes.get(batchId) === at) this.hoursWakes.delete(batchId);
        pump();
      })
      .catch(() => {});
  }

  /** The batch may send now: its hours' condition is over, and the lowered limit once it ran out. */
  over(runtime: BatchRuntime): void {
    if (!runtime.queueConditionShown) return;
    const loweredNow = this.ctx.queue.lowered(this.ctx.clock.now()) !== null;
    this.batches.clearCondition(runtime.id, loweredNow ? HOURS : QUEUE);
    runtime.queueConditionShown = loweredNow;
  }

  /**
   * RunComfy refused a submit with 429 (too many at once on the account): the account's limit
   * goes down to what RunComfy has accepted and runs now (at least one) for a while, in the database, so every
   * process sends fewer instead of hammering; every batch this engine drives says so.
   */
  lowerLimit(item: ItemRecord): void {
    const now = this.ctx.clock.now();
    const simulated = this.ctx.store.batches.batchFixed(item.batchId)?.simulated ?? false;
    const limit = Math.max(1, this.ctx.queue.inFlight(simulated, true));
    const lowered = this.ctx.queue.lower(limit, now + this.ctx.limits.rateLimitedMs, now);
    const params = { limit: lowered.limit, until: localClockText(lowered.until, now, this.ctx.timeZone) };
    const detail = reason('account_limit_lowered', params);
    this.ctx.log('warn', `RunComfy answered 429: ${formatReason(detail)}`);
    for (const runtime of this.ctx.held.values())
      if (this.ctx.store.batches.batchFixed(runtime.id)?.simulated === simulated)
        this.show(runtime, { code: 'account_limit_lowered', params, message: formatReason(detail) });
  }
}
