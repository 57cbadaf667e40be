// Pure parts of logging (no electron import, tested directly): the secret-redacting hook and
// the rotation electron-log calls when main.log reaches its size limit.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { redact } from '../core/app/errors';

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
