// The batch states, why a whole batch pauses and what can hold its downloads back: pure lists
// like item-states.ts, read by the domain (and through it the database and the engine), the IPC
// contract and the renderer. A new one needs a new migration (the shipped ones hold their lists
// literally).

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
 * migration 005): the engine re-checks and clears it by itself. Same codes as common/reasons.ts.
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
