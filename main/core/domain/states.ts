// The state vocabulary of items and batches, and the one table of item transitions. It sits
// below every layer (db, engine, the IPC contract) so they all derive from it. The item states
// themselves and what a person may do in each are pure lists beside the contract, where the
// renderer reads them too (preload/item-states.ts, preload/item-actions.ts); this module
// re-exports them. Every state change in the database goes through `JobStore.transition`, which
// checks TRANSITIONS inside the same IMMEDIATE transaction that writes the row and its event-log
// entry, so no code path can move an item in a way a person could not later explain from the
// log. A new state needs a new migration (the shipped ones hold their lists literally).
import { actionFor } from '../../../preload/item-actions';
import { ITEM_STATES, type ItemState } from '../../../preload/item-states';

export { ITEM_STATES, type ItemState };
export { actionFor, ITEM_ACTIONS, statesAllowing } from '../../../preload/item-actions';

/** States no further work happens in without the user asking (nothing to cancel or wait for). */
export const TERMINAL_STATES: readonly ItemState[] = ITEM_STATES.filter(
  (state) => actionFor(state) !== 'cancel' && actionFor(state) !== 'wait',
);
/**
 * The user's verdict on a finished video (the morning review); null is "not reviewed yet".
 * Stored in items.review (migration 8 holds this list literally).
 */
export const ITEM_REVIEWS = ['kept', 'rejected'] as const;
export type ItemReview = (typeof ITEM_REVIEWS)[number];

export const BATCH_STATES = ['draft', 'running', 'paused', 'finished', 'cancelled'] as const;
export type BatchState = (typeof BATCH_STATES)[number];

/** Why a whole batch stopped and what the user must do; `user` is a plain pause. */
export const PAUSE_REASONS = [
  'user',
  'bad_key', // 400004 / 401 / 403: ask for a key
  'no_balance', // 400002 / 402: top up
  'budget_reached', // spent + in flight would pass the cap
  // today's spend across all batches would pass the account's daily cap. Stored in the
  // batches.pause_reason column as 'budget_reached' (001's CHECK knows no other word; see
  // db/rows.ts) with the daily_cap_reached detail code that tells the two apart.
  'daily_cap_reached',
  'disk_full', // ENOSPC while downloading
  'too_many_failures', // consecutive failures passed the limit
  'lease_lost', // another process took the batch over
] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/**
 * What can hold a running batch's downloads back without pausing it (batches.condition_json,
 * migration 005): the engine re-checks and clears it by itself. Same codes as preload/reasons.ts.
 */
export const BATCH_CONDITION_CODES = [
  'output_unavailable', // the output folder (or the drive it is on) is gone or not writable
  'network_down', // the video links cannot be reached
  'disk_full', // the disk under the output folder is full: rechecked until there is room
  'saving_delayed', // transient file or database trouble while saving: retried until it works
  'output_blocked', // something a person must fix (a permission, a file in the way): rechecked
  'waiting_for_window', // outside its night window: nothing new is sent until it opens
  'waiting_for_start', // before its start time
  'account_limit_lowered', // RunComfy answered 429: fewer at once across the account for a while
] as const;
export type BatchConditionCode = (typeof BATCH_CONDITION_CODES)[number];

export const TRANSITIONS: Readonly<Record<ItemState, readonly ItemState[]>> = {
  // submitting: the intent is recorded before the request goes out.
  // failed: the image could not be read (nothing was sent).
  queued: ['submitting', 'cancelled', 'failed'],
  // in_queue: request_id stored. queued: provably never reached the server (refused, DNS, 429,
  // or an account error the server answered before creating anything). failed: the API said no.
  // unknown_submit: sent, answer lost.
  submitting: ['in_queue', 'queued', 'failed', 'unknown_submit'],
  // downloading straight from in_queue: the first poll after a short job already saw it succeed.
  in_queue: ['in_progress', 'downloading', 'failed', 'cancelled', 'expired'],
  in_progress: ['downloading', 'failed', 'cancelled', 'expired'],
  downloading: ['done', 'failed', 'expired'],
  done: [],
  // queued: the user asked for a new (paid) attempt. downloading: the generation succeeded and
  // only its download failed, so a retry fetches the same video again instead of paying twice.
  failed: ['queued', 'downloading'],
  cancelled: ['queued'],
  expired: ['queued'],
  // queued: the user accepts it may be paid twice. in_queue: the lost answer arrived after all
  // (the process that sent it had lost the batch to the one that called it unknown): the job
  // exists and is paid, so it is tracked and downloaded.
  unknown_submit: ['queued', 'in_queue'],
  rejected: [],
  skipped: [],
};

export function canTransition(from: ItemState, to: ItemState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly itemId: number,
    readonly from: ItemState,
    readonly to: ItemState,
  ) {
    super(
      `Item ${itemId} cannot move from '${from}' to '${to}'; allowed from '${from}': ` +
        `${TRANSITIONS[from].join(', ') || 'none (final state)'}. This is a bug in Stillmotion; please report it.`,
    );
    this.name = 'IllegalTransitionError';
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value ${JSON.stringify(value)}: a case is missing in an exhaustive switch.`);
}
