// Errors the core throws when a request does not fit what exists or the state it is in. They
// sit below every layer (the engine, the CLI and the app all see them) and carry, besides a
// sentence in English for logs and the CLI, a `detail` with the parameters a window needs to
// say the same thing in the user's language with the action to take. The app maps them to the
// contract's error codes by `code` (main/core/app/errors.ts); nothing here knows about IPC.

/** Who holds a batch's lease, parsed from the engine's owner name `<kind>:<host>:<pid>`. */
export interface LeaseHolderInfo {
  /** 'cli' or 'app' for Stillmotion's own processes; 'other' for anything else. */
  ownerKind: 'cli' | 'app' | 'other';
  host: string | null;
  pid: number | null;
  /** The holder runs on this computer. */
  sameHost: boolean;
  /** Seconds until its claim lapses if it stops renewing it (a killed process). */
  expiresInSeconds: number;
}

/** The parameters of an error, by kind; the renderer has one sentence per kind. */
export type ErrorDetail =
  | { kind: 'batch_not_found'; batchId: number }
  | { kind: 'item_not_found'; itemId: number }
  | ({ kind: 'batch_held'; batchId: number } & LeaseHolderInfo)
  | { kind: 'batch_cancelled'; batchId: number; batchName: string }
  | {
      kind: 'item_not_actionable';
      itemId: number;
      fileName: string;
      state: string;
      /**
       * What was asked: which states allow a retry or a resubmit is the action table's
       * (common/item-actions.ts); only done items (they have a video) are kept or rejected.
       */
      action: 'retry' | 'resubmit' | 'review';
    }
  | { kind: 'invalid_value'; field: string; value: string; expected: string }
  /** Nothing of a batch could be sent: no API key, and simulated mode is off. */
  | { kind: 'no_key' }
  /** "Keep watching" was asked for, but only files were dropped: there is no folder to watch. */
  | { kind: 'watch_needs_folder' }
  /** The plan at Start differs from the preview the user saw: these are its figures now. */
  | { kind: 'preview_changed'; toSend: number; estimatedCostUsd: number };

/** The contract's codes these errors map to. */
export type CoreErrorCode = 'not_found' | 'conflict' | 'invalid_request';

export abstract class CoreError extends Error {
  abstract readonly code: CoreErrorCode;
  constructor(
    message: string,
    readonly detail: ErrorDetail,
  ) {
    super(message);
  }
}

/** The base of a kind of CoreError: the kinds below differ in their name and code only. */
function coreErrorKind<C extends CoreErrorCode>(kindName: string, kindCode: C) {
  return class extends CoreError {
    override name = kindName;
    readonly code = kindCode;
  };
}

/** A batch or item id that does not exist. */
export class NotFoundError extends coreErrorKind('NotFoundError', 'not_found') {}

/** The thing exists but its state does not allow the action (retry a done item, start a cancelled batch). */
export class StateError extends coreErrorKind('StateError', 'conflict') {}

/** Another live process drives the batch (its lease is valid). */
export class BatchHeldError extends coreErrorKind('BatchHeldError', 'conflict') {}

/** A value given to the core is out of range. */
export class InvalidValueError extends coreErrorKind('InvalidValueError', 'invalid_request') {}

/** Parses a lease owner name as engines write it (`cli:host:pid`, `app:host:pid`). */
export function describeLeaseHolder(
  owner: string,
  thisHost: string,
  expiresInSeconds: number,
): LeaseHolderInfo {
  const match = /^([\w-]+):(.+):(\d+)$/.exec(owner);
  const kind = match?.[1];
  const host = match?.[2] ?? null;
  return {
    ownerKind: kind === 'cli' || kind === 'app' ? kind : 'other',
    host,
    pid: match ? Number(match[3]) : null,
    sameHost: host === thisHost,
    expiresInSeconds,
  };
}
