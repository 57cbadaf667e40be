// A batch paused because the RunComfy balance ran out continues by itself after a top-up, even at
// 2 a.m. with nobody at the computer: while any batch is paused for `no_balance`, the balance is
// asked every few minutes (on the injected clock), and once it covers the next video of a paused
// batch, that batch resumes and a webhook notice says so. Only a balance read with confidence
// resumes anything: resuming on a guess would send a submit that is refused again and wake the
// user's phone with a second "paused" notice.
import type { EngineApi } from '../core-api';
import type { BatchView } from '../domain';
import type { Clock } from '../util/clock';
import type { BalanceService } from './account-balance';
import type { LogFn } from './app-services';
import type { BatchNotice } from '@common/batch-notices';

/** How often the balance is asked while a batch waits for it (RunComfy's top-ups are manual). */
export const BALANCE_POLL_MS = 5 * 60_000;

export interface BalanceWatch {
  /** Asks the balance once now and resumes what it covers (the timer calls it; tests may too). */
  check(): Promise<void>;
  close(): void;
}

/** What the next video of a paused batch needs, about: its share of what is left to run. */
function nextVideoUsd(batch: BatchView): number {
  const queued = batch.counts.queued ?? 0;
  return queued > 0 ? batch.remainingEstimateUsd / queued : 0;
}

export function watchBalance(options: {
  engine: Pick<EngineApi, 'on' | 'listBatches'> & { commands: Pick<EngineApi['commands'], 'resumeBatch'> };
  balance: Pick<BalanceService, 'read'>;
  clock: Clock;
  intervalMs?: number;
  log?: LogFn;
  /** Tells the user's webhook what happened to a batch (worded by batch-notices.ts). */
  notify?: (notice: BatchNotice, batch: BatchView) => void;
}): BalanceWatch {
  const intervalMs = options.intervalMs ?? BALANCE_POLL_MS;
  const stop = new AbortController();
  let looping = false;
  const waiting = () =>
    options.engine.listBatches().filter((b) => b.state === 'paused' && b.pauseReason === 'no_balance');

  const check = async () => {
    const paused = waiting();
    if (paused.length === 0) return;
    const balance = await options.balance.read(true);
    if (balance.state !== 'known') {
      options.log?.(
        'info',
        `balance watch: ${paused.length} batch(es) wait for a top-up; the balance is ${balance.state === 'unknown' ? `not known (${balance.why})` : 'not asked (no key)'}`,
      );
      return;
    }
    for (const batch of waiting()) {
      const needed = Math.max(0.01, nextVideoUsd(batch));
      if (balance.usd < needed) continue;
      options.log?.(
        'info',
        `balance watch: the balance is $${balance.usd.toFixed(2)}; batch ${batch.id} continues`,
      );
      options.engine.commands.resumeBatch(batch.id);
      options.notify?.({ kind: 'resumed', balanceUsd: balance.usd }, batch);
    }
  };

  const loop = async () => {
    if (looping) return;
    looping = true;
    try {
      while (!stop.signal.aborted && waiting().length > 0) {
        await options.clock.sleep(intervalMs, stop.signal);
        await check().catch((error: unknown) =>
          options.log?.('warn', `balance watch: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
    } catch {
      // closed while sleeping
    } finally {
      looping = false;
    }
  };

  const off = options.engine.on((event) => {
    if (event.type === 'batch' && event.state === 'paused' && event.pauseReason === 'no_balance') void loop();
  });
  // Batches that were already waiting when the app started.
  void loop();
  return {
    check,
    close() {
      off();
      stop.abort();
    },
  };
}
