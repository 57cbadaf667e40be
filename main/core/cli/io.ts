// What every subcommand shares with the program around it (where output goes, the exit codes,
// the error that carries one, reading ids, asking yes or no). Light on purpose: index.ts
// imports it at start-up.
import { constants } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { FileLog } from '../app/log-file';
import { UsageError } from './usage-error';

/**
 * 0 all done, 1 some items failed, 2 bad usage or input, 3 paused and needs you; 70 a fault of
 * the CLI itself (sysexits' EX_SOFTWARE: a bug to report with the log, not the user's usage);
 * 128 + the signal's number when a second Ctrl-C (130), SIGTERM (143) or SIGHUP (129) ends it at
 * once, as shells report a process a signal ended.
 */
export const EXIT = { ok: 0, someFailed: 1, usage: 2, needsUser: 3, internal: 70 } as const;

/** The log file a command writes in the app's log folder unless `--log` names another (run-log.ts). */
export const CLI_LOG_FILE = 'cli.log';

/** The exit code of a process that a signal ended: 128 + its number. */
export function signalExit(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/** What a finished command answers: its exit code and the one line that says why. */
export interface CommandResult {
  code: number;
  reason: string;
}

/** Where output goes; injectable so tests capture it. */
export interface CliIo {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** This run's log file (the engine's log and the run's start and end), once a command runs. */
  log?: FileLog;
}

/** Options every command that opens the database takes. */
export interface Common {
  db?: string;
}

/** Ends the command with this exit code and message (printed on stderr by main). */
export class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseId(value: string, what: string): number {
  const n = Number(value.replace(/^[bi#]/i, ''));
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`A ${what} id is a positive whole number, got "${value}".`);
  return n;
}

export async function confirm(io: CliIo, question: string): Promise<boolean> {
  if (!io.stdin.isTTY) return false;
  const rl = createInterface({ input: io.stdin, output: io.err });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/**
 * Whether a stream takes redrawing in place (cursor moves, line clears): a terminal, and not
 * one that says it cannot (TERM=dumb: an editor's shell, a CI log viewer). Elsewhere output is
 * one plain line per change. No output is ever coloured, so NO_COLOR holds as it is.
 */
export function redrawsInPlace(stream: NodeJS.WriteStream, env: CliIo['env']): boolean {
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/** Notices that could not be delivered: one line on stderr, never fatal. */
export function warnLine(io: CliIo): (line: string) => void {
  return (line) => void io.err.write(`${line}\n`);
}
