// Watch folders on the command line (`stillmotion watch`, and `resume` of a watching batch):
// looks at the folders of the watching batches this process drives and prints one line per
// image taken in (or not taken, and why); the videos saved are the follow's lines.
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { IntakeApi } from '../core-api';
import type { Engine } from '../engine';
import type { Clock } from '../util/clock';
import type { CliIo, CommandResult } from './io';
import { followToExit } from './follow';
import { usd } from './progress';
import { UsageError } from './usage-error';

/** The folders `stillmotion watch` takes new images from, as absolute paths; a file is refused. */
export function foldersToWatch(paths: string[], cwd: string): string[] {
  return paths.map((path) => {
    const folder = resolve(cwd, path);
    if (!(statSync(folder, { throwIfNoEntry: false })?.isDirectory() ?? false))
      throw new UsageError(
        `stillmotion watch takes folders to watch; ${folder} is not a folder (is its drive connected?).`,
      );
    return folder;
  });
}

/** What `watch` says before it asks: the folders, and what each new image costs. */
export function watchIntro(
  folders: readonly string[],
  plan: { priceUnknown: boolean; estimatedCostUsd: number; toSend: number },
): string {
  const each = plan.priceUnknown
    ? ''
    : `, about ${usd(plan.estimatedCostUsd / Math.max(1, plan.toSend))} a video`;
  return (
    `Then watching ${folders.join(', ')} for new images: each is sent once it is completely copied${each}. ` +
    'Ctrl-C stops; stillmotion resume continues.\n'
  );
}

/** Follows a new watching batch until a signal stops it, taking in what its folders receive. */
export async function followWatching(
  engine: Engine,
  intake: Pick<IntakeApi, 'scan' | 'plan'>,
  batchId: number,
  present: readonly { path: string; size: number; mtimeMs: number }[],
  clock: Clock,
  io: CliIo,
): Promise<CommandResult> {
  recordPresent(engine, batchId, present);
  const watching = await startWatching(engine, intake, clock, io);
  try {
    return await followToExit(engine, batchId, io);
  } finally {
    watching.close();
  }
}

export async function startWatching(
  engine: Engine,
  intake: Pick<IntakeApi, 'scan' | 'plan'>,
  clock: Clock,
  io: CliIo,
): Promise<{ close(): void }> {
  const { watchFolders } = await import('../app/folder-watch');
  return watchFolders({
    engine,
    intake,
    clock,
    log: (level, message) => io.log?.log(level, message),
    onEvent: (event) => {
      const time = new Date().toISOString().slice(11, 19);
      const folder = engine.getBatch(event.batchId)?.watch?.folders.find((f) => event.path.startsWith(f));
      const name = folder ? relative(folder, event.path) : event.path;
      io.out.write(
        event.itemIds.length > 0
          ? `${time} taken ${name} (item ${event.itemIds.join(', ')})${event.notSent ? `: ${event.notSent}` : ''}\n`
          : `${time} not taken ${name}: ${event.notSent ?? 'nothing to send'}\n`,
      );
    },
  });
}

/**
 * Remembers the files that were in a new watching batch's folders before its scan (listed
 * first, so none arriving during the scan is missed), so the watch takes only what comes after:
 * those are in the batch already, or were refused by the scan.
 */
function recordPresent(
  engine: Engine,
  batchId: number,
  files: readonly { path: string; size: number; mtimeMs: number }[],
): void {
  for (const file of files)
    engine.queue.recordWatchedFile(batchId, file.path, {
      size: file.size,
      mtimeMs: Math.round(file.mtimeMs),
    });
}
