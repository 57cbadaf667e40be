// The transition table moved below the database, into the domain (main/core/domain/states.ts);
// this re-export keeps the engine's older import path working.
export {
  TRANSITIONS,
  canTransition,
  IllegalTransitionError,
  actionFor,
  assertNever,
  type ItemAction,
} from '../domain/states';
