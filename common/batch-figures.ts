// The figures a batch is shown by (done of planned, problems, generating, waiting, money, time
// left), each defined once here, so the batch header, History, the announcer, the tray, the OS
// notifications and the CLI never disagree. Pure; the groups of states it sums are the action
// table's (item-actions.ts).
import type { BatchState } from './batch-states';
import { IN_FLIGHT_STATES, NOT_PLANNED_STATES, PROBLEM_STATES } from './item-actions';
import type { ItemState } from './item-states';

/** The part of a batch view the figures are read from (the engine's BatchView has it all). */
export interface BatchFigureSource {
  state: BatchState;
  counts: Partial<Record<ItemState, number>>;
  total: number;
  spentUsd: number;
  unconfirmedUsd: number;
  remainingEstimateUsd: number;
  etaMs: number | null;
}

export interface BatchFigures {
  /** Videos on disk. */
  done: number;
  /**
   * The videos the batch set out to make: every item but those never meant to be sent. A
   * cancelled item still counts (a cancelled 12-item batch is "3 of 12 done", not "3 of 3").
   */
  planned: number;
  /** Items the plan did not send (refused, or already generated). */
  notPlanned: number;
  problems: number;
  generating: number;
  waiting: number;
  cancelled: number;
  /** done, problems and cancelled: nothing more happens to them unless the user acts. */
  settled: number;
  /** Billed, or billed for sure once generating (actual costs where RunComfy gave them). */
  spentUsd: number;
  /** Sent but the answer was lost: may be paid. Shown beside spentUsd, never added into it. */
  mayBePaidUsd: number;
  /** spentUsd plus what the waiting and generating items are estimated to cost. */
  estimatedTotalUsd: number;
  /**
   * Time left while the batch runs; null when nothing runs (a draft, a pause, the end) or when
   * only downloads are left, so a paused batch never reads "< 1 min left".
   */
  timeLeftMs: number | null;
}

/** How many of a batch's items are in any of `states`. */
export function countOf(batch: Pick<BatchFigureSource, 'counts'>, states: readonly ItemState[]): number {
  return states.reduce((n, state) => n + (batch.counts[state] ?? 0), 0);
}

export function batchFigures(batch: BatchFigureSource): BatchFigures {
  const { counts } = batch;
  const done = counts.done ?? 0;
  const notPlanned = countOf(batch, NOT_PLANNED_STATES);
  const problems = countOf(batch, PROBLEM_STATES);
  const cancelled = counts.cancelled ?? 0;
  return {
    done,
    planned: batch.total - notPlanned,
    notPlanned,
    problems,
    generating: countOf(batch, IN_FLIGHT_STATES),
    waiting: counts.queued ?? 0,
    cancelled,
    settled: done + problems + cancelled,
    spentUsd: batch.spentUsd,
    mayBePaidUsd: batch.unconfirmedUsd,
    estimatedTotalUsd: batch.spentUsd + batch.remainingEstimateUsd,
    timeLeftMs: batch.state === 'running' ? batch.etaMs : null,
  };
}

/** 0..1 of the planned videos done (0 when nothing is planned). */
export function doneShare(figures: BatchFigures): number {
  return figures.planned > 0 ? Math.min(1, figures.done / figures.planned) : 0;
}
