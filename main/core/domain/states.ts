// The one table of item transitions, with the state vocabulary it moves between. It sits
// below every layer (db, engine) so they all derive from it. The states themselves (of items and
// batches, why a batch pauses) and what a person may do in each are pure lists in common/, where
// the IPC contract and the renderer read them too (common/item-states.ts, common/batch-states.ts,
// common/item-actions.ts); this module re-exports them. Every state change in the database goes
// through `store.items.transition` (db/item-table.ts), which checks TRANSITIONS inside the same
// IMMEDIATE transaction that writes the row and its event-log entry, so no code path can move an
// item in a way a person could not later explain from the log. A new state needs a new migration (the shipped
// ones hold their lists literally).
import { ITEM_STATES, type ItemState } from '@common/item-states';

export { ITEM_STATES, type ItemState };
export { ITEM_REVIEWS, type ItemReview } from '@common/item-states';
export {
  BATCH_CONDITION_CODES,
  BATCH_STATES,
  PAUSE_REASONS,
  type BatchConditionCode,
  type BatchState,
  type PauseReason,
} from '@common/batch-states';
export { actionFor, ITEM_ACTIONS, statesAllowing, TERMINAL_STATES } from '@common/item-actions';

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
