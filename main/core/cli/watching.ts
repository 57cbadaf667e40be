// Watch folders on the command line (`stillmotion watch`, and `resume` of a watching batch):
// looks at the folders of the watching batches this process drives and prints one line per
// image taken in (or not taken, and why); the videos saved are the follow's lines.
import { relative } from 'node:path';
import type { IntakeApi } from '../core-api';
import type { Engine } from '../engine';
import type { Clock } from '../util/clock';
import type { CliIo } from './io';

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
export function recordPresent(
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
