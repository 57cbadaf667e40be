// Which action a person may take on an item in each state (cancel, retry, resubmit, open and
// play): the one table that decides it. Pure and dependency-free like reasons.ts, so the engine's
// commands, the app's handlers, the CLI and the renderer all import this same value, and a button
// is shown exactly where its command is accepted. It has one entry for every item state
// (item-states.ts; checked at compile time); docs/state-machine.md lists it (checked by a test).
import { ITEM_STATES, type ItemState } from './item-states';

/** What a person can do about an item in a state (the UI's button, the CLI's hint). */
export type ItemAction = 'wait' | 'cancel' | 'retry' | 'resubmit' | 'open' | 'none';

/**
 * The table: one entry per item state (a missing or unknown state fails to compile). The order
 * of its entries is the order states are named in messages ("failed, expired or cancelled").
 */
export const ITEM_ACTIONS = {
  queued: 'cancel',
  submitting: 'cancel',
  in_queue: 'cancel',
  in_progress: 'wait', // generating: billed whatever happens, cannot be stopped
  downloading: 'wait',
  done: 'open',
  failed: 'retry',
  expired: 'retry',
  cancelled: 'retry',
  unknown_submit: 'resubmit', // maybe paid: sent again only when the user accepts paying twice
  rejected: 'none',
  skipped: 'none',
} as const satisfies Record<ItemState, ItemAction>;

export type ActionState = ItemState;
/** The states whose action is `A`. */
export type StatesAllowing<A extends ItemAction> = {
  [S in ActionState]: (typeof ITEM_ACTIONS)[S] extends A ? S : never;
}[ActionState];

export function actionFor(state: ActionState): ItemAction {
  const action = ITEM_ACTIONS[state] as ItemAction | undefined;
  // A state from a database written by a newer build, say: never guess an action for it.
  if (action === undefined)
    throw new Error(
      `No action is known for item state ${JSON.stringify(state)}; this build is older than its data.`,
    );
  return action;
}

/** Whether `state` allows `action` (narrows the state to those that do). */
export function allows<A extends ItemAction>(state: ActionState, action: A): state is StatesAllowing<A> {
  return actionFor(state) === action;
}

/** The states in which `action` is allowed, in the table's order. */
export function statesAllowing<A extends ItemAction>(action: A): StatesAllowing<A>[] {
  return (Object.keys(ITEM_ACTIONS) as ActionState[]).filter(
    (state): state is StatesAllowing<A> => ITEM_ACTIONS[state] === action,
  );
}

/**
 * What "Retry all failed" picks up: the states that allow a retry, but cancelled (a cancelled
 * item is retried only when chosen one by one: the user stopped it on purpose).
 */
export const RETRY_ALL_STATES = ['failed', 'expired'] as const satisfies readonly StatesAllowing<'retry'>[];

// The groups of states, each derived from the table (plus the one fact the table cannot say):
// adding a state with its action puts it in the right groups.

/** Still need the engine: the states whose action is to cancel or to wait (queued or in flight). */
export const UNFINISHED_STATES: readonly ItemState[] = ITEM_STATES.filter(
  (state) => ITEM_ACTIONS[state] === 'cancel' || ITEM_ACTIONS[state] === 'wait',
);
/** Nothing more happens to them unless a person asks: every state not unfinished. */
export const TERMINAL_STATES: readonly ItemState[] = ITEM_STATES.filter(
  (state) => !UNFINISHED_STATES.includes(state),
);
/** Sent and not yet settled, at RunComfy or on its way to the disk: unfinished but `queued` (not sent yet). */
export const IN_FLIGHT_STATES: readonly ItemState[] = UNFINISHED_STATES.filter((state) => state !== 'queued');
/** Holding a generation at RunComfy (the account's concurrency): in flight but `downloading`. */
export const GENERATING_STATES: readonly ItemState[] = IN_FLIGHT_STATES.filter(
  (state) => state !== 'downloading',
);
/** Accepted by RunComfy and not finished there, so polled: generating but `submitting` (no request id yet). */
export const POLLED_STATES: readonly ItemState[] = GENERATING_STATES.filter(
  (state) => state !== 'submitting',
);
/** Never meant to be sent (refused by the plan, or already generated): no action at all. */
export const NOT_PLANNED_STATES = statesAllowing('none');
/** Sent, and it went wrong in a way a person must look at: "Retry all failed"'s, and maybe paid. */
export const PROBLEM_STATES: readonly ItemState[] = [...RETRY_ALL_STATES, ...statesAllowing('resubmit')];

/** States named for a message: "failed, expired or cancelled". */
export function statesInWords(states: readonly string[]): string {
  if (states.length < 2) return states[0] ?? '';
  return `${states.slice(0, -1).join(', ')} or ${states[states.length - 1]}`;
}
