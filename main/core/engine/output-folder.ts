// The output folder and what a file error means: whether the folder is there to save into
// (never creating it on the wrong drive), and whether an error is worth a retry, a wait for
// the folder or drive to come back, or a failure a person has to fix; and the outcomes of the
// two that concern the folder (away: wait; disk full: pause). Used by download.ts.
import * as fs from 'node:fs/promises';
import { stat, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { formatReason } from '@common/reasons';
import type { BatchRecord, ItemRecord } from '../db/rows';
import { assertNever } from '../domain';
import { describeError, isDiskFull, nodeFileOps, resolveOutputPath, type FileOps } from './download-files';
import { text } from './messages';
import type { Outcome } from './outcome';

/** Worth another try in a moment: a file held open (antivirus, indexer), too many open files. */
const TRANSIENT_FILE_CODES = new Set([
  'EBUSY',
  'EAGAIN',
  'EMFILE',
  'ENFILE',
  'ETXTBSY',
  'EINTR',
  'ETIMEDOUT',
]);
/** A file or the folder it is in is missing or not writable: which one decides (see below). */
const FILE_OR_FOLDER_CODES = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM']);
/** The drive under the folder is read-only, failing or gone: wait for it to come back. */
const UNAVAILABLE_CODES = new Set([
  'EROFS',
  'EIO',
  'ENODEV',
  'ENXIO',
  'ESTALE',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'ENOTCONN',
]);

export type FileProblem = 'disk_full' | 'transient' | 'unavailable' | 'check_folder' | 'failed';

/**
 * What a file error means for a paid video: `disk_full` pauses the batch, `transient` is tried
 * again, `unavailable` parks the download until the drive is back, `failed` needs a person.
 * `check_folder`: the caller looks at the folder (missing or not writable: park; fine: the
 * problem is this one file, failed).
 */
export function classifyFileError(error: unknown): FileProblem {
  const code = (error as { code?: string })?.code ?? '';
  if (isDiskFull(error)) return 'disk_full';
  if (TRANSIENT_FILE_CODES.has(code)) return 'transient';
  if (UNAVAILABLE_CODES.has(code)) return 'unavailable';
  if (FILE_OR_FOLDER_CODES.has(code)) return 'check_folder';
  return 'failed';
}

/** Whether `dir` exists as a folder (a missing one, a file or an unreadable path: false). */
export async function isFolder(dir: string): Promise<boolean> {
  return (await stat(dir).catch(() => null))?.isDirectory() ?? false;
}

/** Whether `dir` exists as a folder this process may write into. */
export async function isWritableFolder(dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) return false;
    await fs.access(dir, fs.constants.W_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export type FolderReadiness = { ready: true } | { ready: false; detail: string };

/**
 * Makes sure `leafDir` (a folder at or under `outputDir`) exists, without ever creating the
 * output folder on the wrong drive: when the output folder is missing, it is created only if
 * its parent exists and `mayCreateOutputDir()` (asked at that moment: nothing was saved there
 * yet, nor was it ever found in place); a missing parent is
 * an unplugged drive or a gone share, and `mkdir -p` would put the videos on the system disk.
 * Sub-folders under an existing output folder are created as needed. Other errors are thrown
 * for the caller to classify.
 */
export async function prepareFolder(
  outputDir: string,
  leafDir: string,
  mayCreateOutputDir: () => boolean,
  fileOps: FileOps = nodeFileOps,
): Promise<FolderReadiness> {
  const root = resolve(outputDir);
  let info: Awaited<ReturnType<typeof stat>> | null = null;
  try {
    info = await stat(root);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  if (info && !info.isDirectory()) return { ready: false, detail: 'it is a file, not a folder' };
  if (!info) {
    if (!mayCreateOutputDir())
      return { ready: false, detail: 'it is missing although videos were saved there before' };
    const parent = dirname(root);
    const parentInfo = await stat(parent).catch(() => null);
    if (!parentInfo?.isDirectory()) return { ready: false, detail: `${parent} is missing` };
    try {
      await fileOps.mkdir(root, false);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
  }
  if (resolve(leafDir) !== root) await fileOps.mkdir(leafDir, true);
  return { ready: true };
}

/** The folder the item's video goes in (the batch's output folder when its path is unusable). */
export function itemFolder(item: ItemRecord, batch: BatchRecord): string {
  try {
    return dirname(resolveOutputPath(batch.settings.outputDir, item.outputRelativePath));
  } catch {
    return batch.settings.outputDir;
  }
}

/** The output folder is away: not the item's fault. The batch says so; the item waits until `recheckAt`. */
export function folderAway(item: ItemRecord, batch: BatchRecord, detail: string, recheckAt: number): Outcome {
  const dir = batch.settings.outputDir;
  return {
    item,
    condition: {
      code: 'output_unavailable',
      params: { dir, detail },
      message: formatReason(text.outputUnavailable(dir, detail)),
    },
    downloadAgainAt: recheckAt,
  };
}

/** Bytes free for this process on the file system holding `dir`; null when it cannot say. */
export async function freeBytes(dir: string): Promise<number | null> {
  try {
    const info = await statfs(dir);
    return info.bavail * info.bsize;
  } catch {
    return null;
  }
}

const megabytes = (bytes: number) => `${Math.max(0.1, bytes / 1_000_000).toFixed(1)} MB`;

/**
 * The disk is full: not the item's fault, nor a pause a person must lift. The batch says how
 * much is free and how much the video needs; the download waits and looks at the free space
 * again at `recheckAt`, and continues by itself once there is room.
 */
export function diskFullWait(
  item: ItemRecord,
  batch: BatchRecord,
  space: { detail: string; free: number | null; needed: number | null },
  recheckAt: number,
): Outcome {
  const parts = [
    space.free === null ? null : `${megabytes(space.free)} free`,
    space.needed === null ? null : `about ${megabytes(space.needed)} needed`,
  ].filter((part): part is string => part !== null);
  const detail = parts.length ? parts.join(', ') : space.detail;
  const why = text.diskFull(batch.settings, detail, item.outputRelativePath);
  return {
    item,
    condition: {
      code: 'disk_full',
      params: why.params as Record<string, string>,
      message: formatReason(why),
    },
    downloadAgainAt: recheckAt,
  };
}

/**
 * A paid video waits for a person (a permission, a file or folder in the way of this one
 * video): the batch says so, the item stays downloading and is tried again at `recheckAt`.
 */
export function folderBlocked(
  item: ItemRecord,
  batch: BatchRecord,
  detail: string,
  recheckAt: number,
): Outcome {
  const dir = itemFolder(item, batch);
  const why = text.outputBlocked(dir, item.outputRelativePath, detail);
  return {
    item,
    condition: {
      code: 'output_blocked',
      params: why.params as Record<string, string>,
      message: formatReason(why),
    },
    downloadAgainAt: recheckAt,
  };
}

/**
 * What a file error means for a paid video: `transient` (tried again after a back-off), or an
 * outcome that waits with the batch saying why: the folder away, the disk full (with the room
 * the video needs), or something only a person can fix. Never a failure: nothing of this
 * makes a paid video lost, and each is rechecked at `recheckAt`. An error that is not a file
 * error (a busy database) is `transient` too.
 */
export async function meaningOfFileError(
  error: unknown,
  item: ItemRecord,
  batch: BatchRecord,
  when: { recheckAt: number; videoBytes: number | null },
): Promise<'transient' | Outcome> {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return 'transient';
  const detail = describeError(error);
  const problem = classifyFileError(error);
  switch (problem) {
    case 'disk_full': {
      const free = await freeBytes(itemFolder(item, batch));
      return diskFullWait(item, batch, { detail, free, needed: when.videoBytes }, when.recheckAt);
    }
    case 'transient':
      return 'transient';
    case 'unavailable':
      return folderAway(item, batch, detail, when.recheckAt);
    case 'check_folder':
      // The folder is fine: the trouble is this one file (a read-only file of that name...).
      if (await isWritableFolder(itemFolder(item, batch)))
        return folderBlocked(item, batch, detail, when.recheckAt);
      return folderAway(item, batch, detail, when.recheckAt);
    case 'failed':
      return folderBlocked(item, batch, detail, when.recheckAt);
    default:
      return assertNever(problem);
  }
}
