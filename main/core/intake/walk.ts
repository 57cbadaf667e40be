// Walks dropped folders and files, streaming (an async generator, one folder at a time), so a
// folder of 10,000 images starts being checked before the walk ends and nothing holds the
// event loop. Rules:
//  - hidden files and folders (names starting with '.') and OS clutter are skipped;
//  - a symlink is followed only if it resolves inside the dropped root (a link out of it is
//    reported, never followed), and each real folder is visited once, so loops end;
//  - paths are kept relative to their root with '/' separators (outputs mirror them).
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { isInside } from './contained-path';
import { formatReason, reason, type Reason, type ReasonCode } from '@common/reasons';

export interface WalkRoot {
  /** Absolute path of the dropped folder, or of a dropped file's own folder. */
  rootPath: string;
  /** Set when files (not their folder) were dropped: only they are taken from rootPath. */
  onlyFiles: string[] | null;
}

export type WalkEvent =
  | {
      type: 'folder';
      root: WalkRoot;
      dirPath: string;
      relativeDir: string;
      /** Files to check. */
      fileNames: string[];
      /** Every visible file in the folder (for sidecar captions and prompts.csv). */
      siblings: string[];
    }
  | { type: 'skipped'; path: string; reason: string; why: Reason };

/** Operating-system clutter that is never an input and not worth a "not an image" line. */
const CLUTTER = new Set([
  'thumbs.db',
  'desktop.ini',
  '__macosx',
  '$recycle.bin',
  'system volume information',
]);

export function isHidden(name: string): boolean {
  return name.startsWith('.') || CLUTTER.has(name.toLowerCase());
}

/** Files read as text next to images: captions (.txt) and prompts.csv. */
const SIDECAR_EXTENSIONS = new Set(['.txt', '.csv']);

export function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** Groups the dropped paths into roots: a folder is its own root; files share their folder. */
export async function resolveRoots(paths: string[]): Promise<{ roots: WalkRoot[]; missing: WalkEvent[] }> {
  const roots: WalkRoot[] = [];
  const missing: WalkEvent[] = [];
  for (const raw of paths) {
    const path = resolve(raw);
    try {
      // A dropped path is followed even if it is a link: the user chose it.
      const info = await stat(path);
      if (info.isDirectory()) roots.push({ rootPath: path, onlyFiles: null });
      else if (info.isFile()) {
        // Files dropped from one folder share one root (and its prompts.csv).
        const rootPath = dirname(path);
        const existing = roots.find((r) => r.rootPath === rootPath && r.onlyFiles !== null);
        if (existing) {
          if (!existing.onlyFiles!.includes(basename(path))) existing.onlyFiles!.push(basename(path));
        } else roots.push({ rootPath, onlyFiles: [basename(path)] });
      } else missing.push(skipped(path, reason('scan_not_file_or_folder')));
    } catch (error) {
      missing.push(skipped(path, fsReason(error, 'scan_fs_open')));
    }
  }
  return { roots, missing };
}

/** What went wrong reading a file or folder, in words (the system's own for the rare errors). */
export function fsReason(error: unknown, what: ReasonCode): Reason {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? reason('scan_fs_missing')
      : code === 'EACCES' || code === 'EPERM'
        ? reason('scan_fs_denied')
        : code === 'ELOOP'
          ? reason('scan_fs_loop')
          : error instanceof Error
            ? error.message
            : String(error);
  return reason('scan_fs', { what: reason(what), why });
}

/** A path the walk does not read, with why (as a code, and in English for the CLI). */
const skipped = (path: string, why: Reason): WalkEvent & { type: 'skipped' } => ({
  type: 'skipped',
  path,
  reason: formatReason(why),
  why,
});

/** Deeper than this is almost surely a mistake (or a loop through something we cannot see). */
const MAX_DEPTH = 64;

export async function* walkRoot(root: WalkRoot, signal?: AbortSignal): AsyncGenerator<WalkEvent> {
  if (root.onlyFiles !== null) {
    const entries = await readdir(root.rootPath, { withFileTypes: true }).catch(() => []);
    const siblings: string[] = [];
    const realRoot = await realpath(root.rootPath).catch(() => root.rootPath);
    for (const entry of entries) {
      if (isHidden(entry.name)) continue;
      if (entry.isFile()) siblings.push(entry.name);
      if (!entry.isSymbolicLink()) continue;
      // Siblings are read as captions and prompts.csv, i.e. as prompt text sent to RunComfy: a
      // link out of the folder is not followed, as in the folder walk. (A dropped file itself
      // is followed: the user chose it; it is not in `siblings` for that.)
      const path = join(root.rootPath, entry.name);
      const target = await realpath(path).catch(() => null);
      if (target !== null && isInside(realRoot, target)) siblings.push(entry.name);
      else if (target !== null && SIDECAR_EXTENSIONS.has(extname(entry.name).toLowerCase()))
        yield skipped(path, reason('scan_link_outside', { target, root: root.rootPath }));
    }
    yield {
      type: 'folder',
      root,
      dirPath: root.rootPath,
      relativeDir: '',
      fileNames: [...root.onlyFiles].sort(compareNames),
      siblings,
    };
    return;
  }
  const realRoot = await realpath(root.rootPath);
  const visited = new Set<string>([realRoot]);
  // Depth-first with an explicit stack; sorted so the order (and {index}) is stable.
  const stack: { dirPath: string; depth: number }[] = [{ dirPath: root.rootPath, depth: 0 }];
  while (stack.length > 0) {
    signal?.throwIfAborted();
    const { dirPath, depth } = stack.pop()!;
    let entries;
    try {
      entries = await readdir(dirPath, { withFileTypes: true });
    } catch (error) {
      yield skipped(dirPath, fsReason(error, 'scan_fs_folder'));
      continue;
    }
    const fileNames: string[] = [];
    const subdirs: string[] = [];
    for (const entry of entries) {
      if (isHidden(entry.name)) continue;
      const path = join(dirPath, entry.name);
      if (entry.isFile()) fileNames.push(entry.name);
      else if (entry.isDirectory()) subdirs.push(path);
      else if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(path);
        } catch (error) {
          yield skipped(path, fsReason(error, 'scan_fs_broken_link'));
          continue;
        }
        if (!isInside(realRoot, target)) {
          yield skipped(path, reason('scan_link_outside', { target, root: root.rootPath }));
          continue;
        }
        const info = await lstat(target).catch(() => null);
        if (info?.isDirectory()) subdirs.push(path);
        else if (info?.isFile()) fileNames.push(entry.name);
      }
    }
    fileNames.sort(compareNames);
    yield {
      type: 'folder',
      root,
      dirPath,
      relativeDir: toPosix(relative(root.rootPath, dirPath)),
      fileNames,
      siblings: fileNames,
    };
    subdirs.sort(compareNames).reverse();
    for (const sub of subdirs) {
      const real = await realpath(sub).catch(() => null);
      if (real === null || visited.has(real)) continue; // a loop or a second way into a folder
      if (depth + 1 > MAX_DEPTH) {
        yield skipped(sub, reason('scan_too_deep', { max: MAX_DEPTH }));
        continue;
      }
      visited.add(real);
      stack.push({ dirPath: sub, depth: depth + 1 });
    }
    // Let other work (IPC, progress, the engine) run between folders.
    await new Promise<void>((resolveTick) => setImmediate(resolveTick));
  }
}

/** "img2" before "img10"; stable across machines (no locale-dependent collation surprises). */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
