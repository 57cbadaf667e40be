// Database errors that say the machine, not the request, is the trouble: another process
// holding the write lock past the busy timeout, a full disk, an I/O error. Worth waiting out
// rather than refusing a start or a command with them: a CLI at 3 am that exits on "database
// is locked" leaves a batch for a person to find in the morning.
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from './backoff';

const MACHINE_CODES = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|PROTOCOL)/;

export function isMachineTrouble(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && MACHINE_CODES.test(code);
}

export interface WaitOptions {
  /** Told once, when the first try failed: what is waited for, in words. */
  onWait?: (message: string) => void;
  /** Real ms after which the trouble is passed on (default 10 minutes). */
  giveUpAfterMs?: number;
}

/**
 * Runs `work`, trying it again (a real-time back-off, up to 5 s apart) while it fails for the
 * machine's reasons; any other error, or the same trouble past `giveUpAfterMs`, is thrown.
 */
export async function waitOutMachineTrouble<T>(
  work: () => T | Promise<T>,
  what: string,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.giveUpAfterMs ?? 10 * 60_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isMachineTrouble(error) || Date.now() > deadline) throw error;
      if (attempt === 1)
        options.onWait?.(
          `${what}: the database is busy or failing (${(error as Error).message}); another program may hold ` +
            `it, or its disk may be full. Waiting for it (nothing is lost; Ctrl-C to stop).`,
        );
      await sleep(backoffDelay(attempt, { baseMs: 250, capMs: 5_000, jitter: 0 }));
    }
  }
}
