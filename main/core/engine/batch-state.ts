// Batch state: running, paused (with a reason the user can act on), finished, cancelled, and
// the failure streak that pauses a batch when items keep failing. Called by the coordinator's
// settle path and by the engine's commands; it never starts work itself.
import type { BatchRecord } from '../db/rows';
import type { BatchConditionCode, BatchState, PauseReason, StateCounts } from '../domain';
import type { EngineContext } from './context';
import { text } from './messages';
import { formatReason, type Reason } from '@common/reasons';
import { UNFINISHED_STATES } from '@common/item-actions';

export class BatchStates {
  constructor(private readonly ctx: EngineContext) {}

  set(
    batchId: number,
    state: BatchState,
    pause: { reason: PauseReason; detail: Reason } | null,
    why: string,
  ): void {
    const batch = this.ctx.store.batches.setBatchState(batchId, state, pause, why, this.ctx.clock.now());
    this.ctx.hub.emit({ type: 'batch', batchId, state: batch.state, pauseReason: batch.pauseReason });
  }

  /** Pauses a running batch for a reason the user must act on. */
  pause(batchId: number, reason: PauseReason, detail: Reason): void {
    const batch = this.ctx.store.batches.getBatch(batchId);
    // A running batch pauses; a paused one takes the more urgent reason (a full disk, a bad key),
    // except a user's pause: it stays the user's, or a key change would resume it.
    if (!batch || (batch.state !== 'running' && batch.state !== 'paused') || batch.pauseReason === reason)
      return;
    if (batch.state === 'paused' && batch.pauseReason === 'user') return;
    if (
      batch.state === 'paused' &&
      (reason === 'budget_reached' || reason === 'daily_cap_reached' || reason === 'too_many_failures')
    )
      return;
    this.ctx.log('warn', `batch ${batchId} paused (${reason}): ${formatReason(detail)}`);
    this.set(batchId, 'paused', { reason, detail }, `paused: ${reason}`);
  }

  /**
   * Shows what holds the batch's downloads back while it keeps running (no one has to act).
   * The same condition again keeps its `since`, so the window can say for how long.
   */
  setCondition(
    batchId: number,
    condition: { code: BatchConditionCode; params: Record<string, string | number | null>; message: string },
  ): void {
    const batch = this.ctx.store.batches.getBatch(batchId);
    if (!batch || batch.state === 'finished' || batch.state === 'cancelled') return;
    const since = batch.condition?.code === condition.code ? batch.condition.since : this.ctx.clock.now();
    if (this.ctx.store.batches.setBatchCondition(batchId, { ...condition, since })) {
      if (batch.condition?.code !== condition.code)
        this.ctx.log('warn', `batch ${batchId}: ${condition.message}`);
      this.emit(batchId);
    }
  }

  /** Clears the batch's condition if it is one of `codes`. */
  clearCondition(batchId: number, codes: readonly BatchConditionCode[]): void {
    const batch = this.ctx.store.batches.getBatch(batchId);
    if (!batch?.condition || !codes.includes(batch.condition.code)) return;
    this.ctx.log('info', `batch ${batchId}: ${batch.condition.code} is over`);
    if (this.ctx.store.batches.setBatchCondition(batchId, null)) this.emit(batchId);
  }

  private emit(batchId: number): void {
    const batch = this.ctx.store.batches.getBatch(batchId);
    if (batch)
      this.ctx.hub.emit({ type: 'batch', batchId, state: batch.state, pauseReason: batch.pauseReason });
  }

  /** Account-level problems stop every batch this engine drives, not item after item. */
  pauseAll(reason: PauseReason, detail: Reason): void {
    for (const batchId of this.ctx.held.keys()) this.pause(batchId, reason, detail);
  }

  failed(batchId: number, last: Reason): void {
    const runtime = this.ctx.held.get(batchId);
    if (!runtime) return;
    runtime.consecutiveFailures++;
    if (runtime.consecutiveFailures >= this.ctx.limits.maxConsecutiveFailures)
      this.pause(batchId, 'too_many_failures', text.tooManyFailures(runtime.consecutiveFailures, last));
  }

  succeeded(batchId: number): void {
    const runtime = this.ctx.held.get(batchId);
    if (runtime) runtime.consecutiveFailures = 0;
  }

  /**
   * Marks the batch finished when no item needs the engine any more. Returns the final counts
   * when this engine's work on it ended (finished, or cancelled and drained): the caller then
   * releases the lease. Null while work remains.
   */
  finishIfDone(batchId: number): { batch: BatchRecord; counts: StateCounts } | null {
    // Asked after every settle: an EXISTS stops at the first unfinished item (a count would
    // read the whole batch each time), and while one is left the batch row is not read at all.
    if (this.ctx.store.itemQueries.anyInStates(batchId, UNFINISHED_STATES)) return null;
    const batch = this.ctx.store.batches.getBatch(batchId);
    if (!batch || batch.state === 'draft' || batch.state === 'finished') return null;
    // A watching batch stays open for the images still to come, until told to stop.
    if (batch.state !== 'cancelled' && batch.watch?.active) return null;
    const counts = this.ctx.store.itemQueries.counts(batchId);
    // Nothing is held back any more once nothing is left to download.
    if (batch.condition) this.ctx.store.batches.setBatchCondition(batchId, null);
    if (batch.state === 'cancelled') return this.ctx.held.has(batchId) ? { batch, counts } : null;
    this.set(batchId, 'finished', null, 'every item reached a final state');
    return { batch, counts };
  }
}
