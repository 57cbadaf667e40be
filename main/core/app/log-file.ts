// Log files, rotated by size: the app's main.log (electron-log calls the rotation below) and the
// CLI's cli.log (written here), every line passed through the redaction that masks the API key,
// so a log attached to a bug report cannot leak it.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { redact } from '../util/redact';

export const LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_FILES_KEPT = 5;

/** main.log -> main.1.log -> ... -> main.<keep>.log (the oldest is dropped). Synchronous, as electron-log requires. */
export function rotateLogFiles(path: string, keep = LOG_FILES_KEPT): void {
  const numbered = (n: number) => path.replace(/\.log$/, '') + `.${n}.log`;
  rmSync(numbered(keep), { force: true });
  for (let n = keep - 1; n >= 1; n--) if (existsSync(numbered(n))) renameSync(numbered(n), numbered(n + 1));
  if (existsSync(path)) renameSync(path, numbered(1));
}

/** Turns any log argument into text with every secret masked (errors keep their stack). */
export function redactLogData(
  data: readonly unknown[],
  secrets: readonly (string | null | undefined)[],
): unknown[] {
  return data.map((item) => {
    let text: string;
    if (typeof item === 'string') text = item;
    else if (item instanceof Error) text = item.stack ?? `${item.name}: ${item.message}`;
    else {
      try {
        text = JSON.stringify(item) ?? String(item);
      } catch {
        text = String(item);
      }
    }
    return redact(text, secrets);
  });
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface FileLog {
  readonly path: string;
  /** Appends one line, "<ISO time> [level] text" with every secret masked; never throws. */
  log(level: LogLevel, ...data: unknown[]): void;
  /** The first failure to write, if any (a log that cannot be written never stops a run). */
  readonly problem: string | null;
}

/**
 * A log file written line by line (synchronously: a line written before a crash is on disk),
 * rotated like main.log once it passes `maxBytes`. The folder is created at the first line.
 */
export function createFileLog(options: {
  path: string;
  secrets: () => readonly (string | null | undefined)[];
  now?: () => number;
  maxBytes?: number;
  keep?: number;
}): FileLog {
  const maxBytes = options.maxBytes ?? LOG_MAX_BYTES;
  let size: number | null = null;
  let problem: string | null = null;
  return {
    path: options.path,
    get problem() {
      return problem;
    },
    log(level, ...data) {
      const text = redactLogData(data, options.secrets()).join(' ');
      const line = `${new Date(options.now?.() ?? Date.now()).toISOString()} [${level}] ${text}\n`;
      try {
        if (size === null) {
          mkdirSync(dirname(options.path), { recursive: true });
          size = existsSync(options.path) ? statSync(options.path).size : 0;
        }
        if (size > 0 && size + Buffer.byteLength(line) > maxBytes) {
          rotateLogFiles(options.path, options.keep);
          size = 0;
        }
        appendFileSync(options.path, line);
        size += Buffer.byteLength(line);
      } catch (error) {
        problem ??= `cannot write the log ${options.path}: ${(error as Error).message}`;
      }
    },
  };
}
