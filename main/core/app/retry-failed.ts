// "Retry all failed" (and retry of chosen items): one step for what was one click per item.
// Built on the engine's own per-item retry, so each retry is exactly what the item's Retry
// button does (a new paid attempt; a video that was generated but not downloaded is fetched
// again). Money is sacred, so it runs in two steps: the plan says how many and what they may
// cost against the cap, and the retry runs only with a confirmed cost that still covers it.
// The caps themselves (the batch's and the account's daily one) are enforced where every submit
// is admitted: a retry past one pauses the batch (budget_reached, daily_cap_reached) instead of
// sending more.
import type { EngineApi } from '../core-api';
import { actionFor, NotFoundError, StateError, type ItemState, type ItemView } from '../domain';
import { RETRY_ALL_STATES } from '@common/item-actions';
import { countOf } from '../util/count-words';
import { eachItem } from './all-items';

export interface RetryPlan {
  itemIds: number[];
  /** Chosen items that cannot be retried (done, queued...), with their state. */
  notRetryable: { itemId: number; fileName: string; state: ItemState }[];
  /** Upper bound: each is counted as a new paid generation at its estimate. */
  estimatedCostUsd: number;
  spentUsd: number;
  /** Still to be paid for work already queued or in flight. */
  remainingEstimateUsd: number;
  budgetUsd: number | null;
  /** spent + remaining + this retry would pass the cap: the batch will pause at it. */
  passesBudget: boolean;
  /** The account-wide cap per local day (null: none) and what all batches committed today. */
  dailyCapUsd: number | null;
  spentTodayUsd: number;
  /** Today's spend + this batch's remaining work + this retry would pass the daily cap. */
  passesDailyCap: boolean;
}

function failedItems(engine: EngineApi, batchId: number): ItemView[] {
  return [...eachItem(engine, { batchId, states: [...RETRY_ALL_STATES] })];
}

export function planRetry(engine: EngineApi, batchId: number, itemIds?: readonly number[]): RetryPlan {
  const batch = engine.getBatch(batchId);
  if (!batch)
    throw new NotFoundError(`Batch ${batchId} does not exist; list the batches to see the ids there are.`, {
      kind: 'batch_not_found',
      batchId,
    });
  const picked: ItemView[] = [];
  const notRetryable: RetryPlan['notRetryable'] = [];
  if (itemIds) {
    for (const itemId of new Set(itemIds)) {
      const item = engine.getItem(itemId);
      if (!item || item.batchId !== batchId) continue;
      if (actionFor(item.state) === 'retry') picked.push(item);
      else notRetryable.push({ itemId, fileName: item.relativePath, state: item.state });
    }
  } else picked.push(...failedItems(engine, batchId));
  const estimatedCostUsd = picked.reduce((sum, item) => sum + item.estimatedCostUsd, 0);
  const budgetUsd = batch.settings.budgetUsd;
  const daily = engine.dailySpend();
  return {
    itemIds: picked.map((item) => item.id),
    notRetryable,
    estimatedCostUsd,
    spentUsd: batch.spentUsd,
    remainingEstimateUsd: batch.remainingEstimateUsd,
    budgetUsd,
    passesBudget:
      budgetUsd !== null && batch.spentUsd + batch.remainingEstimateUsd + estimatedCostUsd > budgetUsd + 1e-9,
    dailyCapUsd: daily.capUsd,
    spentTodayUsd: daily.spentTodayUsd,
    // Simulated batches are not money: the daily cap does not hold them.
    passesDailyCap:
      !batch.simulated &&
      daily.capUsd !== null &&
      daily.spentTodayUsd + batch.remainingEstimateUsd + estimatedCostUsd > daily.capUsd + 1e-9,
  };
}

/** Cents are what a person confirmed; float sums may differ in the last bits. */
const CENT = 0.005;

/**
 * Retries what the plan picks now, but only if it may cost no more than `confirmedCostUsd`
 * (more items may have failed since the user read the confirmation). Returns how many went.
 */
export function retryPlanned(
  engine: EngineApi,
  batchId: number,
  confirmedCostUsd: number,
  itemIds?: readonly number[],
): RetryPlan & { retried: number } {
  const plan = planRetry(engine, batchId, itemIds);
  if (plan.estimatedCostUsd > confirmedCostUsd + CENT)
    throw new StateError(
      `Retrying ${countOf(plan.itemIds.length, 'item')} may now cost up to $${plan.estimatedCostUsd.toFixed(2)}, more than the ` +
        `$${confirmedCostUsd.toFixed(2)} that was confirmed (more items failed meanwhile). Nothing was retried; confirm again.`,
      {
        kind: 'invalid_value',
        field: 'confirmCostUsd',
        value: confirmedCostUsd.toFixed(2),
        expected: `at least ${plan.estimatedCostUsd.toFixed(2)}`,
      },
    );
  let retried = 0;
  for (const itemId of plan.itemIds) {
    try {
      engine.commands.retryItem(itemId);
      retried++;
    } catch (error) {
      // Another process or click retried it meanwhile: it is on its way, which is what was asked.
      if (!(error instanceof StateError)) throw error;
    }
  }
  // A batch paused because items failed in a row is answered by retrying them: carry on. Any
  // other pause (the cap, the key, the balance, the user's own) still waits for the user.
  const batch = engine.getBatch(batchId);
  if (retried > 0 && batch?.state === 'paused' && batch.pauseReason === 'too_many_failures')
    engine.commands.resumeBatch(batchId);
  return { ...plan, retried };
}
