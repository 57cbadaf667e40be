// Follows a batch from the command line until it finishes or pauses for the user (driving it,
// or watching another process drive it), prints its progress, and turns the end into an exit
// code. Shared by run, resume and retry; loaded only with them.
import { statesAllowing, type BatchView, type ItemState } from '../domain';
import { RETRY_ALL_STATES } from '@common/item-actions';
import type { Engine } from '../engine';
import { EXIT, ExitError, redrawsInPlace, signalExit, warnLine, type CliIo, type CommandResult } from './io';
import { startNotices } from './notices';
import { credentialsOf } from './open-core';
import { cliLanguage, conditionLine, itemLine, LiveBlock, statusBlock } from './progress';
import { finishedNotice, noticeWords, pausedNotice } from '@common/batch-notices';
import { TERMINAL_STATES } from '@common/item-actions';

/** The signals that pause a batch this process drives (a second one exits at once). */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Ended without a video and not skipped on purpose: what makes the exit code say "some failed". */
const FAILED_STATES = TERMINAL_STATES.filter((state) => state !== 'done' && state !== 'skipped');

/** The exit code and its one-line reason for a batch that stopped being followed. */
export function finishedExit(batch: BatchView): { code: number; reason: string } {
  const pause = batch.state === 'paused' ? pausedNotice(batch.pauseReason, batch) : null;
  if (pause)
    return { code: EXIT.needsUser, reason: `paused: ${noticeWords(pause, batch, cliLanguage()).body}` };
  if (batch.state === 'paused')
    return { code: EXIT.needsUser, reason: `paused; continue with: stillmotion resume ${batch.id}` };
  // How it ended in the notices' words (the OS notification and the webhook say the same).
  const ending = noticeWords(finishedNotice(batch), batch, cliLanguage()).body;
  const failed = FAILED_STATES.reduce((n, s) => n + (batch.counts[s] ?? 0), 0);
  if (failed > 0)
    return {
      code: EXIT.someFailed,
      reason: `${ending} See: stillmotion report ${batch.id}` + nextSteps(batch),
    };
  return { code: EXIT.ok, reason: ending };
}

/** The commands that act on what did not produce a video, one line each (empty: none apply). */
function nextSteps(batch: BatchView): string {
  const count = (states: readonly ItemState[]) => states.reduce((n, s) => n + (batch.counts[s] ?? 0), 0);
  const steps: string[] = [];
  const failed = count(RETRY_ALL_STATES);
  if (failed > 0)
    steps.push(`retry the ${failed} failed (asks, showing the cost): stillmotion retry ${batch.id}`);
  const lost = count(statesAllowing('resubmit'));
  if (lost > 0)
    steps.push(
      `${lost} sent whose answer was lost may already be paid: check your RunComfy requests, then ` +
        `send them again only if they are missing: stillmotion resubmit ${batch.id}`,
    );
  return steps.map((step) => `\n  ${step}`).join('');
}

/**
 * Follows a batch until it finishes or pauses for the user. Drives it when `drive` (this
 * process holds the lease), otherwise only watches what another process writes.
 */
export async function follow(engine: Engine, batchId: number, io: CliIo, drive: boolean): Promise<BatchView> {
  const tty = redrawsInPlace(io.out, io.env);
  const live = tty ? new LiveBlock(io.out) : null;
  const seen = new Map<number, ItemState>();
  let interrupted = 0;
  let resolveStop: (() => void) | null = null;
  const stopped = new Promise<void>((resolve) => (resolveStop = resolve));
  // SIGTERM (a service manager, `timeout`) and SIGHUP (the terminal closed) pause like the first
  // Ctrl-C: what was sent stays on record and resumes later. A second signal exits at once.
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted++;
    const how = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    io.log?.log(
      'warn',
      `${signal} received (${interrupted === 1 && drive ? 'pausing' : 'exiting'}) batch ${batchId}`,
    );
    if (interrupted === 1 && drive) {
      io.err.write(
        `\nPausing batch ${batchId} (${how}): nothing new is sent; requests already sent stay on record and resume later. ` +
          `Press Ctrl-C again to exit at once (still resumable with: stillmotion resume ${batchId}).\n`,
      );
      engine.commands.pauseBatch(batchId);
      resolveStop?.();
    } else {
      io.err.write(`\nExiting now (${how}). Continue later with: stillmotion resume ${batchId}\n`);
      process.exit(signalExit(signal));
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const off = engine.on((event) => {
    if (tty || event.type !== 'items' || event.batchId !== batchId) return;
    for (const change of event.changes) {
      // Print the state the database holds now (a coalesced event may be behind it), once:
      // a log then reads as one line per state change, never the same state twice.
      const item = engine.getItem(change.id);
      if (!item || seen.get(item.id) === item.state) continue;
      seen.set(item.id, item.state);
      io.out.write(itemLine(item, Date.now()) + '\n');
    }
  });
  // What holds the batch back (the disk full, the folder away), said in a log when it changes.
  let condition: string | null = null;
  try {
    while (true) {
      const batch = engine.getBatch(batchId);
      if (!batch) throw new ExitError(EXIT.usage, `Batch ${batchId} no longer exists.`);
      if (live) live.draw(statusBlock(batch));
      else {
        const line = conditionLine(batch, condition, Date.now());
        if (line) io.out.write(`${line}\n`);
      }
      condition = batch.condition?.code ?? null;
      const done =
        batch.state === 'finished' ||
        batch.state === 'cancelled' ||
        (batch.state === 'paused' && (batch.pauseReason !== 'user' || interrupted > 0));
      if (done && (!drive || !engine.hasPendingWork() || batch.state !== 'cancelled')) {
        if (drive) await engine.idle(10 * 60_000).catch(() => undefined);
        const final = engine.getBatch(batchId) ?? batch;
        live?.draw(statusBlock(final));
        return final;
      }
      if (!drive && !engine.leaseHolder(batchId) && batch.state === 'running') {
        // The driver stopped (crashed, killed, closed) without finishing: the caller takes over.
        io.err.write(`The process that ran batch ${batchId} stopped; taking it over.\n`);
        return batch;
      }
      await Promise.race([new Promise((r) => setTimeout(r, tty ? 500 : 1000)), stopped]);
    }
  } finally {
    off();
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

/** The batch's final block, unless the live display on a terminal already shows it. */
export function printFinal(io: CliIo, batch: BatchView): void {
  if (!redrawsInPlace(io.out, io.env)) io.out.write(statusBlock(batch) + '\n');
}

/** Drives a batch this process holds to its end or a pause, prints how it ended; answers the exit. */
export async function followToExit(engine: Engine, batchId: number, io: CliIo): Promise<CommandResult> {
  const end = await follow(engine, batchId, io, true);
  printFinal(io, end);
  return finishedExit(end);
}

/** Drives a batch this process holds to its end or a pause, with the webhook notices; answers the exit. */
export async function driveToEnd(engine: Engine, batchId: number, io: CliIo): Promise<CommandResult> {
  io.out.write(`Progress: stillmotion status ${batchId}\n`);
  const credentials = await credentialsOf(io);
  const notices = await startNotices(engine, io.env, credentials.apiKey, warnLine(io));
  try {
    return await followToExit(engine, batchId, io);
  } finally {
    await notices.settled();
    notices.close();
  }
}
