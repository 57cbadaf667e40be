// Errors as the renderer sees them: a code from the contract's list and a message in plain
// words (which thing, which value, what was expected, what to do). Handlers throw AppError;
// anything else thrown below them is mapped here, with every secret redacted, so no error
// path can carry the API key across IPC.
import { ERROR_CODES, errorDetailSchema, type ErrorCode, type ErrorDetailDto } from '@common/contract';
import { CoreError, type ErrorDetail } from '../domain';
import { redact } from '../util/redact';

// The core's error parameters and the contract's must stay one shape (fails to compile if not).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _detailsAgree: Same<ErrorDetail, ErrorDetailDto> = true;
void _detailsAgree;

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: ErrorDetailDto,
  ) {
    super(message);
  }
}

const KNOWN_CODES = new Set<string>(ERROR_CODES);

/**
 * A fallback by class name, for an error that is not a CoreError instance but carries the name
 * of one of its kinds (thrown by a second copy of the module in a bundle, say), or is the CLI's
 * UsageError. Instances of the core's typed errors (main/core/domain/errors.ts) and AppError are
 * mapped by their own `code` first; errors of other classes (the database's, the intake's) have
 * no entry and answer `internal` with their redacted message.
 */
const NAME_TO_CODE: Record<string, ErrorCode> = {
  NotFoundError: 'not_found',
  StateError: 'conflict',
  BatchHeldError: 'conflict',
  InvalidValueError: 'invalid_request',
  UsageError: 'invalid_request',
};

export function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof AppError || error instanceof CoreError) return error.code;
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && KNOWN_CODES.has(code)) return code as ErrorCode;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && NAME_TO_CODE[name]) return NAME_TO_CODE[name];
    // Node file-system errors the user can act on.
    if (code === 'ENOENT') return 'not_found';
  }
  return 'internal';
}

/** The parameters the window words an error from, when the core gave them (checked against the contract). */
export function errorDetailOf(error: unknown): ErrorDetailDto | undefined {
  if (!(error instanceof CoreError) && !(error instanceof AppError)) return undefined;
  const parsed = errorDetailSchema.safeParse(error.detail);
  return parsed.success ? parsed.data : undefined;
}

const MAX_MESSAGE = 2000;

export function errorMessageOf(error: unknown, secrets: readonly (string | null | undefined)[]): string {
  let message: string;
  if (error instanceof Error) message = error.message;
  else if (typeof error === 'string') message = error;
  else message = 'An unexpected error happened.';
  if (!message.trim()) message = 'An unexpected error happened.';
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE)}…`;
  return redact(message, secrets);
}
