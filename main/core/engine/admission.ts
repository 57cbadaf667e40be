// Admission: which queued items of a held batch may start now. It reads and decides; the
// coordinator applies the decision (starts the submits, takes the pause, schedules the wake).
// Gates, in order: the batch runs, the submit back-off is over, its hours allow (start time,
// night window), a generation slot is free (downloads falling behind count against the slots;
// then the account's limit across every batch and process, the batches before it in the queue
// first), a key is set, the batch's mode matches
// the API's, the budget holds the next video, and so does the account's daily cap (today's
// committed spend of every batch, plus the submits this engine is preparing for any batch).
// A video planned at $0 has no known price (the plan counts it at the user's ceiling per
// video when one was accepted): no cap can hold it, so under either cap it is not sent.
import type { ItemRecord } from '../db/rows';
import type { BatchSettings, PauseReason } from '../domain';
import type { BatchRuntime, EngineContext } from './context';
import { text } from './messages';
import { accountRoom, scheduleWait } from './account-slots';
import type { Outcome } from './outcome';
import type { Reason } from '@common/reasons';
import { GENERATING_STATES } from '@common/item-actions';

export type Admission =
  /** Not running here (paused, finished, not held, engine closing): nothing to do. */
  | { kind: 'closed' }
  /** In a submit back-off until this clock time. */
  | { kind: 'wait'; until: number }
  /** Every slot is taken (`account`: the account's, which another process may free). */
  | { kind: 'full'; account?: boolean }
  /** Outside its hours (start time, night window): nothing is sent until `opensAt`. */
  | { kind: 'scheduled'; opensAt: number | null; condition: NonNullable<Outcome['condition']> }
  /** Nothing queued is left to start. */
  | { kind: 'drained' }
  /** Start these (possibly none), then pause when `pause` is set. */
  | {
      kind: 'start';
      items: ItemRecord[];
      settings: BatchSettings;
      pause?: { reason: PauseReason; detail: Reason };
    };

export function admit(ctx: EngineContext, runtime: BatchRuntime | undefined): Admission {
  if (!runtime || ctx.closeSignal.aborted) return { kind: 'closed' };
  const { store, limits } = ctx;
  const batchId = runtime.id;
  const batch = store.batches.getBatch(batchId);
  if (!batch || batch.state !== 'running') return { kind: 'closed' };
  if (ctx.clock.now() < runtime.submitBackoffUntil)
    return { kind: 'wait', until: runtime.submitBackoffUntil };
  const hours = scheduleWait(ctx, batch);
  if (hours) return { kind: 'scheduled', ...hours };
  // A finished generation frees its slot at once, unless downloads fall behind: videos
  // waiting for a download slot count against the concurrency, so generating never outruns
  // downloading and no paid video waits in a backlog until its link expires.
  const downloadBacklog = Math.max(
    0,
    store.itemQueries.countInStates(batchId, ['downloading']) - limits.downloadConcurrency,
  );
  const inFlight =
    store.itemQueries.countInStates(batchId, GENERATING_STATES) + runtime.preparing.size + downloadBacklog;
  const own = batch.settings.concurrency - inFlight;
  if (own <= 0) return { kind: 'full' };
  // The account's limit, shared with every batch and process, the batches before it first.
  const room = accountRoom(ctx, batch);
  if (room <= 0) return { kind: 'full', account: true };
  const free = Math.min(own, room);
  const next = store.itemQueries.nextQueued(batchId, free, [...runtime.preparing.keys()]);
  if (next.length === 0) return { kind: 'drained' };
  const settings = batch.settings;
  const credentials = ctx.credentials();
  // Nothing is sent without a key (it would only be refused); the batch waits for one and
  // resumes by itself when it is set (setCredentials).
  if (!credentials.apiKey)
    return { kind: 'start', items: [], settings, pause: { reason: 'bad_key', detail: text.noKey } };
  // Never turn a free demo batch into paid requests (or the reverse) behind the user's back.
  // In-flight items keep polling; only new submits stop. Paused as a credentials problem
  // ('bad_key'): the fix is in Settings, and the batch resumes by itself once the mode fits.
  if (batch.simulated !== credentials.simulated)
    return {
      kind: 'start',
      items: [],
      settings,
      pause: { reason: 'bad_key', detail: text.modeMismatch(batch.simulated) },
    };
  const cap = settings.budgetUsd;
  let preparingUsd = 0;
  for (const estimate of runtime.preparing.values()) preparingUsd += estimate;
  // Simulated spending is not money: the daily cap is about real batches only.
  const daily = batch.simulated ? null : dailyRoom(ctx);
  // Without either cap nothing is checked: the money query reads the whole batch, so skip it.
  if (cap === null && daily === null) return { kind: 'start', items: next, settings };
  let committed = cap === null ? 0 : store.itemQueries.money(batchId).committedUsd + preparingUsd;
  const items: ItemRecord[] = [];
  for (const item of next) {
    if (!priceKnown(item)) {
      const model = ctx.catalog.find(settings.modelId)?.displayName ?? settings.modelId;
      const pause =
        daily !== null
          ? { reason: 'daily_cap_reached' as const, detail: text.unpricedUnderDailyCap(model, daily.cap) }
          : { reason: 'budget_reached' as const, detail: text.unpricedUnderBudget(model, cap!) };
      return { kind: 'start', items, settings, pause };
    }
    if (daily && !fitsDailyCap(daily, item))
      return {
        kind: 'start',
        items,
        settings,
        pause: {
          reason: 'daily_cap_reached',
          detail: text.dailyCapReached(daily.cap, daily.committed),
        },
      };
    if (cap !== null && committed + item.estimatedCostUsd > cap + 1e-9) {
      // Items picked but not yet sent are still `queued` in the database: they are left too,
      // except the ones already counted as in flight above.
      const picked = runtime.preparing.size + items.length;
      const pickedUsd = items.reduce((sum, started) => sum + started.estimatedCostUsd, preparingUsd);
      const queuedLeft = store.itemQueries.counts(batchId).queued - picked;
      const leftUsd = store.itemQueries.money(batchId).queuedEstimateUsd - pickedUsd;
      return {
        kind: 'start',
        items,
        settings,
        pause: {
          reason: 'budget_reached',
          detail: text.budgetReached(cap, committed, item.estimatedCostUsd, queuedLeft, leftUsd),
        },
      };
    }
    committed += item.estimatedCostUsd;
    if (daily) daily.committed += item.estimatedCostUsd;
    items.push(item);
  }
  return { kind: 'start', items, settings };
}

/**
 * Whether the plan priced this video: a video of a model whose price is unknown is planned at
 * $0 (a real price is never 0: the catalog refuses one), unless the user accepted a ceiling.
 */
export function priceKnown(item: Pick<ItemRecord, 'estimatedCostUsd'>): boolean {
  return item.estimatedCostUsd > 0;
}

/** Whether `item` may go out under the daily cap (none: always); an unpriced one never may. */
export function fitsDailyCap(
  daily: { cap: number; committed: number } | null,
  item: Pick<ItemRecord, 'estimatedCostUsd'>,
): boolean {
  return daily === null || (priceKnown(item) && daily.committed + item.estimatedCostUsd <= daily.cap + 1e-9);
}

/**
 * The daily cap and what counts against it now: committed today in the database (every real
 * batch, every process) plus the submits this engine is preparing for any of its real batches
 * (picked, not yet recorded). Null when there is no daily cap.
 */
export function dailyRoom(ctx: EngineContext): { cap: number; committed: number } | null {
  const cap = ctx.account.dailyCap();
  if (cap === null) return null;
  let preparingUsd = 0;
  for (const runtime of ctx.held.values()) {
    if (ctx.store.batches.batchFixed(runtime.id)?.simulated) continue;
    for (const estimate of runtime.preparing.values()) preparingUsd += estimate;
  }
  const committed = ctx.account.committedSince(ctx.dayStart(ctx.clock.now())) + preparingUsd;
  return { cap, committed };
}
