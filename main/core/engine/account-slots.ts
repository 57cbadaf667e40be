// The account's slots: how many generations a batch may start now under the account-wide limit
// (shared by every batch and every process on the database), with the batches before it in the
// queue served first; the hard check made inside each submit's intent transaction; and what a
// batch outside its hours shows. Admission asks; the coordinator applies.
import type { BatchRecord, ItemRecord } from '../db/rows';
import { localClockText, scheduleGate, scheduleOpen, windowText } from '../domain';
import type { EngineContext } from './context';
import type { Outcome } from './outcome';
import { reason, formatReason } from '@common/reasons';
import { GENERATING_STATES } from '@common/item-actions';

/** The intent was not written: the account's limit on generations in flight is reached. */
export class AccountFullError extends Error {
  constructor(
    readonly itemId: number,
    readonly limit: number,
  ) {
    super(`Item ${itemId} was not sent: ${limit} generations are in flight across the account already.`);
    this.name = 'AccountFullError';
  }
}

/**
 * How many generations this batch may start now under the account's limit (Infinity: no
 * limit): the limit, less what is in flight across the database and what this engine is
 * preparing, less what the running batches before it in the queue would take now.
 */
export function accountRoom(ctx: EngineContext, batch: BatchRecord): number {
  const now = ctx.clock.now();
  const limit = ctx.queue.effectiveLimit(now);
  if (limit === null) return Infinity;
  let preparing = 0;
  for (const runtime of ctx.held.values())
    if (ctx.store.batches.batchFixed(runtime.id)?.simulated === batch.simulated)
      preparing += runtime.preparing.size;
  return limit - ctx.queue.inFlight(batch.simulated) - preparing - demandAhead(ctx, batch, now);
}

/**
 * What the running batches before `batch` in the queue would start now (their queued items,
 * within their own concurrency), if a live process drives them and their hours allow: a slot
 * freed anywhere goes to the first of them, whichever process sees it first.
 */
function demandAhead(ctx: EngineContext, batch: BatchRecord, now: number): number {
  let demand = 0;
  for (const other of ctx.store.batches.queuedBatches()) {
    if (other.id === batch.id) break;
    if (other.state !== 'running' || other.simulated !== batch.simulated) continue;
    const runtime = ctx.held.get(other.id);
    const driven = runtime !== undefined || (other.leaseOwner !== null && (other.leaseExpiresAt ?? 0) > now);
    if (!driven || !scheduleOpen(other.schedule, now, ctx.timeZone)) continue;
    if (runtime && runtime.submitBackoffUntil > now) continue;
    const queued = ctx.store.itemQueries.countInStates(other.id, ['queued']) - (runtime?.preparing.size ?? 0);
    const own =
      other.settings.concurrency -
      ctx.store.itemQueries.countInStates(other.id, GENERATING_STATES) -
      (runtime?.preparing.size ?? 0);
    demand += Math.max(0, Math.min(queued, own));
  }
  return demand;
}

/**
 * Throws AccountFullError when recording this item's intent would pass the account's limit
 * (another process took the last slot since admission). Runs inside the intent's transaction.
 */
export function assertAccountSlot(ctx: EngineContext, item: ItemRecord): Record<string, never> {
  const limit = ctx.queue.effectiveLimit(ctx.clock.now());
  if (limit === null) return {};
  const simulated = ctx.store.batches.batchFixed(item.batchId)?.simulated ?? false;
  if (ctx.queue.inFlight(simulated) >= limit) throw new AccountFullError(item.id, limit);
  return {};
}

/**
 * What a batch outside its hours waits for: when it may send again and the condition it shows
 * (null: it may send now).
 */
export function scheduleWait(
  ctx: EngineContext,
  batch: BatchRecord,
): { opensAt: number | null; condition: NonNullable<Outcome['condition']> } | null {
  const now = ctx.clock.now();
  if (scheduleOpen(batch.schedule, now, ctx.timeZone)) return null;
  const gate = scheduleGate(batch.schedule, now, ctx.timeZone);
  if (gate.open) return null;
  const opens = gate.opensAt === null ? '?' : localClockText(gate.opensAt, now, ctx.timeZone);
  const window = batch.schedule?.window;
  const code = gate.why === 'start_at' ? ('waiting_for_start' as const) : ('waiting_for_window' as const);
  const params = { opens, when: window ? windowText(window) : '' };
  return { opensAt: gate.opensAt, condition: { code, params, message: formatReason(reason(code, params)) } };
}
