// The account's one queue in words every layer shares: when a batch may send (its schedule:
// a start time and a night window, in local time), whether it keeps watching its folders for
// new images, and the account-wide limit on generations in flight (with its lowering after
// RunComfy answered 429). The arithmetic of local time is in ./schedule.ts.
import type { Reason } from '@common/reasons';

/** A daily window of local wall-clock time, "HH:MM" each; `end` before `start` crosses midnight. */
export interface DailyWindow {
  start: string;
  end: string;
}

/** When a batch may send new work. Both null: any time. */
export interface BatchSchedule {
  /** Clock ms before which nothing is sent (a "start at 01:00" resolved to the next 01:00). */
  startAt: number | null;
  /** Only between these local times; outside, jobs in flight finish and download. */
  window: DailyWindow | null;
}

/** The default a new batch takes when it is given no schedule of its own. */
export interface DefaultSchedule {
  /** "HH:MM": a new batch starts at the next such local time. */
  startAt: string | null;
  window: DailyWindow | null;
}

/** A batch that takes in new images as they appear in its folders (absolute paths). */
export interface BatchWatch {
  folders: string[];
  /** False once the user stopped watching: the batch then ends when its work does. */
  active: boolean;
  /** The last image taken in, and when (clock ms). */
  lastTaken: { path: string; at: number } | null;
}

/** The account-wide limit on generations in flight, as the engine applies it now. */
export interface AccountLimit {
  /** What the user set (null: none beyond each batch's own). */
  configured: number | null;
  /** Lowered after RunComfy refused a submit with 429, until `until` (clock ms). */
  lowered: { limit: number; until: number } | null;
  /** What applies now: the lower of the two (null: no account-wide limit). */
  effective: number | null;
  /** Generations in flight now across every batch of the database (real mode). */
  inFlight: number;
}

/** Where a move in the queue takes a batch. */
export type QueueMove = 'top' | 'up' | 'down' | 'bottom';
export const QUEUE_MOVES: readonly QueueMove[] = ['top', 'up', 'down', 'bottom'];

/** What happened since a moment (the morning report; the finish webhook says the same). */
export interface ActivitySummary {
  since: number;
  /** Videos saved since then. */
  done: number;
  /** Items that ended without a video, grouped by why (the reason of one of them to show). */
  failed: { code: string | null; count: number; reason: Reason | null; message: string | null }[];
  /** Sent whose answer was lost: a person decides whether to send again. */
  unknown: number;
  /** Committed since then: real money, and simulated apart. */
  spentUsd: number;
  simulatedUsd: number;
  /** Batches paused for something only a person can fix. */
  waiting: { batchId: number; name: string; pauseReason: string; pauseDetail: Reason | null }[];
  /** The batches anything of this happened in. */
  batches: { batchId: number; name: string; done: number; failed: number }[];
}
