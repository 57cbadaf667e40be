// `stillmotion queue [--json]` lists the batches that have not ended in the order they take the
// account's free slots, each with its state and what it waits for; `queue move <batch>
// --top|--up|--down|--bottom` moves one; `stillmotion concurrency [n|off]` shows or sets the
// account-wide limit on generations in flight. All kept in the job database, shared with the app.
import type { QueueEntry } from '../../core-api';
import { localClockText, systemTimeZone, windowText, type AccountLimit, type QueueMove } from '../../domain';
import { parseId, type CliIo, type Common } from '../io';
import { namedBatch, withEngine } from '../open-core';
import { UsageError } from '../usage-error';
import { countOf } from '../../util/count-words';

export async function queueCommand(opts: Common & { json?: boolean }, io: CliIo): Promise<void> {
  await withEngine(opts, io, (engine) => {
    const entries = engine.queue.list();
    const limit = engine.queue.limit();
    if (opts.json) {
      io.out.write(JSON.stringify({ queue: entries, limit }) + '\n');
      return;
    }
    if (entries.length === 0) io.out.write('The queue is empty: every batch has ended.\n');
    const now = Date.now();
    for (const entry of entries) io.out.write(`${queueLine(entry, now)}\n`);
    io.out.write(`${limitLine(limit)}\n`);
  });
}

export async function queueMoveCommand(
  batchArg: string,
  opts: Common & { top?: boolean; up?: boolean; down?: boolean; bottom?: boolean },
  io: CliIo,
): Promise<void> {
  const moves = (['top', 'up', 'down', 'bottom'] as const).filter((move) => opts[move]);
  if (moves.length !== 1)
    throw new UsageError(
      `queue move takes one of --top, --up, --down or --bottom${moves.length ? `, not ${moves.map((m) => `--${m}`).join(' and ')}` : ''}.`,
    );
  const move: QueueMove = moves[0]!;
  await withEngine(opts, io, (engine) => {
    const batchId = parseId(batchArg, 'batch');
    namedBatch(engine, batchId);
    engine.queue.move(batchId, move);
    const entries = engine.queue.list();
    const now = Date.now();
    for (const entry of entries) io.out.write(`${queueLine(entry, now)}\n`);
  });
}

export async function concurrencyCommand(
  countArg: string | undefined,
  opts: Common,
  io: CliIo,
): Promise<void> {
  await withEngine(opts, io, (engine) => {
    if (countArg !== undefined) engine.queue.setLimit(parseLimit(countArg));
    io.out.write(`${limitLine(engine.queue.limit())}\n`);
  });
}

/** "4" → 4, "off"/"none" → null; anything else a usage error naming what is expected. */
function parseLimit(text: string): number | null {
  const value = text.trim();
  if (/^(off|none)$/i.test(value)) return null;
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1 || count > 100)
    throw new UsageError(
      `concurrency must be a whole number of generations at once, 1 to 100 (e.g. 4), or "off" for no account-wide limit; got "${text}".`,
    );
  return count;
}

/** "1. batch 12 "shoot (40 images)" running: 8 queued, 4 in flight; waits for a free slot". */
function queueLine(entry: QueueEntry, now: number): string {
  const zone = systemTimeZone();
  const waits: Record<QueueEntry['waitingFor'], string> = {
    slot: 'waits for a free slot (the batches before it, or another process, have them)',
    hours: `waits for its hours${entry.opensAt ? ` (from ${localClockText(entry.opensAt, now, zone)})` : ''}`,
    paused: 'paused (stillmotion resume continues it; it keeps its place)',
    draft: 'not started',
    nothing: entry.queued > 0 ? 'sending' : 'nothing left to send',
  };
  const window = entry.schedule?.window ? `; runs ${windowText(entry.schedule.window)}` : '';
  const watching = entry.watching ? '; watching its folders' : '';
  return (
    `${entry.position}. batch ${entry.batchId} "${entry.name}"${entry.simulated ? ' (simulated)' : ''} ${entry.state}: ` +
    `${entry.queued} queued, ${entry.inFlight} in flight; ${waits[entry.waitingFor]}${window}${watching}`
  );
}

function limitLine(limit: AccountLimit): string {
  const now = `${countOf(limit.inFlight, 'generation')} in flight now`;
  if (limit.configured === null && limit.lowered === null)
    return `No account-wide limit: each batch sends up to its own --parallel (${now}; set one with: stillmotion concurrency 4).`;
  const lowered = limit.lowered
    ? ` Lowered to ${limit.lowered.limit} until ${localClockText(limit.lowered.until, Date.now(), systemTimeZone())} after RunComfy answered 429 (too many at once).`
    : '';
  return `At most ${limit.effective} generations in flight at once across all batches (${now}).${lowered}`;
}
