// The one table of item transitions. Every state change in the database goes through
// `JobStore.transition`, which checks this table inside the same IMMEDIATE transaction that
// writes the row and its event-log entry, so no code path can move an item in a way a person
// could not later explain from the log.
import type { ItemState } from '../domain';

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
  // queued: the user accepts it may be paid twice.
  unknown_submit: ['queued'],
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

/** What a person can do about an item in this state (the UI's action, the CLI's hint). */
export type ItemAction = 'wait' | 'cancel' | 'retry' | 'resubmit' | 'open' | 'none';

export function actionFor(state: ItemState): ItemAction {
  switch (state) {
    case 'queued':
    case 'submitting':
    case 'in_queue':
      return 'cancel';
    case 'in_progress':
    case 'downloading':
      return 'wait';
    case 'done':
      return 'open';
    case 'failed':
    case 'cancelled':
    case 'expired':
      return 'retry';
    case 'unknown_submit':
      return 'resubmit';
    case 'rejected':
    case 'skipped':
      return 'none';
    default:
      return assertNever(state);
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value ${JSON.stringify(value)}: a case is missing in an exhaustive switch.`);
}
