// Watch folders: a watching batch takes in new images as they appear in its folders, with its
// own settings (and so its budget, the daily cap and the account's queue). The folders are
// looked at on a timer of the injected clock (fs.watch is unreliable across platforms and
// network shares; a look every few seconds costs a directory listing); a file is taken only once
// its size and modification time have stayed the same for a few seconds (a copy in progress, a
// download, a sync), temporary names (`.part`, `.crdownload`, `~$*`, hidden files such as
// `.DS_Store`) are never taken, and every file looked at is remembered in the database with its
// size and time, so a restart takes none twice and picks up what arrived while nothing ran. The
// same content under another name (a rename, a copy) is the intake's "already generated": it is
// not paid again. Runs for the watching batches the engine drives here (the app or a CLI).
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { IntakeApi, QueueApi, ScanResult } from '../core-api';
import type { BatchView, PlannedItem } from '../domain';
import { reasonText } from '@common/reasons';
import type { Clock } from '../util/clock';
import { repeatEvery } from '../util/clock';

/** Names of files still being written or not the user's: never taken. */
const TEMPORARY = [/^\./, /^~\$/, /\.(part|crdownload|download|partial|tmp|temp)$/i, /\.sb-[0-9a-f]+/i];

export interface WatchEvent {
  batchId: number;
  path: string;
  /** The items made of it (one per take), or none when it was not taken. */
  itemIds: number[];
  /** Why it was not sent (already generated, not a usable image...), in English. */
  notSent: string | null;
}

export interface FolderWatchOptions {
  engine: {
    queue: QueueApi;
    getBatch(batchId: number): BatchView | null;
    leaseHolder(batchId: number): { mine: boolean } | null;
  };
  intake: Pick<IntakeApi, 'scan' | 'plan'>;
  clock: Clock;
  /** Clock ms between two looks at the folders (default 2 s). */
  pollMs?: number;
  /** Clock ms a file's size and time must stay the same before it is taken (default 5 s). */
  stableMs?: number;
  onEvent?: (event: WatchEvent) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface FolderWatch {
  /** One look at every watching batch's folders now (the timer calls it). */
  look(): Promise<void>;
  close(): void;
}

export function isTemporaryName(name: string): boolean {
  return TEMPORARY.some((pattern) => pattern.test(name));
}

export function watchFolders(options: FolderWatchOptions): FolderWatch {
  const { engine, intake, clock } = options;
  const log = options.log ?? (() => {});
  const stableMs = options.stableMs ?? 5_000;
  /** Files seen changing: when their size and time were last seen to change. */
  const settling = new Map<string, { size: number; mtimeMs: number; since: number }>();
  const stop = new AbortController();
  let looking: Promise<void> | null = null;

  const lookAt = async (batchId: number) => {
    const batch = engine.getBatch(batchId);
    if (!batch?.watch?.active || batch.state !== 'running') return;
    const outputDir = resolve(batch.settings.outputDir);
    const ready: { folder: string; path: string; size: number; mtimeMs: number }[] = [];
    for (const folder of batch.watch.folders) {
      for (const file of await filesUnder(folder, outputDir, log)) {
        const known = engine.queue.watchedFile(batchId, file.path);
        if (known && known.size === file.size && known.mtimeMs === Math.round(file.mtimeMs)) continue;
        const key = `${batchId}\n${file.path}`;
        const seen = settling.get(key);
        const now = clock.now();
        if (!seen || seen.size !== file.size || seen.mtimeMs !== file.mtimeMs) {
          settling.set(key, { size: file.size, mtimeMs: file.mtimeMs, since: now });
          continue;
        }
        if (now - seen.since < stableMs) continue;
        settling.delete(key);
        ready.push({ folder, ...file });
      }
    }
    if (ready.length > 0) await take(batch, ready);
  };

  const take = async (
    batch: BatchView,
    ready: { folder: string; path: string; size: number; mtimeMs: number }[],
  ) => {
    const scanned = await intake.scan(ready.map((file) => file.path));
    // Named as under the watched folder (its subfolders kept), not as a file dropped alone.
    const rootOf = new Map(ready.map((file) => [file.path, file.folder]));
    const scan: ScanResult = {
      ...scanned,
      images: scanned.images.map((image) => {
        const root = rootOf.get(image.sourcePath) ?? image.rootPath;
        return {
          ...image,
          rootPath: root,
          relativePath: relative(root, image.sourcePath).split(sep).join('/'),
        };
      }),
    };
    const plan = intake.plan(scan, batch.settings);
    // Once per content: an image this batch already has under another name (renamed, copied)
    // is not sent again, whatever its name makes of the prompt.
    const sameAs = new Map<string, string>();
    for (const item of plan.items) {
      const earlier = engine.queue.itemWithImage(batch.id, item.imageHash);
      if (earlier) sameAs.set(item.sourcePath, earlier.relativePath);
    }
    // Refused items are kept (the list says why); what is already generated or on its way is not paid again.
    const taken = plan.items.filter(
      (item) => item.verdict?.state !== 'skipped' && !sameAs.has(item.sourcePath),
    );
    const ids = taken.length > 0 ? engine.queue.addItems(batch.id, taken) : [];
    const idsOf = new Map<string, number[]>();
    taken.forEach((item: PlannedItem, index) =>
      idsOf.set(item.sourcePath, [...(idsOf.get(item.sourcePath) ?? []), ids[index]!]),
    );
    for (const file of ready) {
      engine.queue.recordWatchedFile(batch.id, file.path, {
        size: file.size,
        mtimeMs: Math.round(file.mtimeMs),
      });
      const item = plan.items.find((planned) => planned.sourcePath === file.path);
      const refused = scanned.rejected.find((rejected) => rejected.path === file.path);
      const earlier = sameAs.get(file.path);
      const notSent = earlier
        ? `the same image as ${earlier}, already in this batch`
        : item?.verdict
          ? (reasonText({ reason: item.verdict.reason ?? null, message: item.verdict.message }) ??
            item.verdict.message)
          : (refused?.reason ?? (item ? null : 'not an image Stillmotion can use'));
      options.onEvent?.({ batchId: batch.id, path: file.path, itemIds: idsOf.get(file.path) ?? [], notSent });
    }
  };

  const look = async () => {
    for (const entry of engine.queue.list()) {
      if (!entry.watching || entry.state !== 'running' || !engine.leaseHolder(entry.batchId)?.mine) continue;
      try {
        await lookAt(entry.batchId);
      } catch (error) {
        log('warn', `watching batch ${entry.batchId}: ${(error as Error).message}`);
      }
    }
  };

  repeatEvery(
    clock,
    options.pollMs ?? 2_000,
    stop.signal,
    () => {
      // One look at a time: a slow scan is not started again under itself.
      looking ??= look().finally(() => (looking = null));
    },
    (error) => log('error', `watch folders: ${(error as Error).message}`),
  );
  return {
    look: () => (looking ??= look().finally(() => (looking = null))),
    close: () => stop.abort(),
  };
}

/** Every file under the folders now (but not under the output folder), as a watch would see it. */
export async function filesInFolders(
  folders: readonly string[],
  outputDir: string,
): Promise<{ path: string; size: number; mtimeMs: number }[]> {
  const files = await Promise.all(folders.map((folder) => filesUnder(folder, resolve(outputDir), () => {})));
  return files.flat();
}

/** The files under a folder (its subfolders too), but not under the batch's output folder. */
async function filesUnder(
  folder: string,
  outputDir: string,
  log: (level: 'warn', message: string) => void,
): Promise<{ path: string; size: number; mtimeMs: number }[]> {
  let entries: { name: string; parentPath: string; isFile(): boolean }[];
  try {
    entries = (await readdir(folder, { recursive: true, withFileTypes: true })) as typeof entries;
  } catch (error) {
    // A folder unplugged or not there yet: looked at again next time.
    log('warn', `watch folder ${folder} cannot be read: ${(error as Error).message}`);
    return [];
  }
  const files: { path: string; size: number; mtimeMs: number }[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || isTemporaryName(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    if (
      path.startsWith(outputDir + sep) ||
      relative(folder, path)
        .split(sep)
        .some((part) => part.startsWith('.'))
    )
      continue;
    try {
      const info = await stat(path);
      files.push({ path, size: info.size, mtimeMs: info.mtimeMs });
    } catch {
      // Gone meanwhile (renamed, deleted): not taken.
    }
  }
  return files;
}
