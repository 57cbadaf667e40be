// The one gate between a file name written inside a dropped folder (a prompts.csv `file`,
// `end_image` or `elements` cell) and a file opened for it. Folders come from clients and
// downloaded packs, so a cell is untrusted text: it may name the user's passport scan by an
// absolute path, climb out with `..`, or, on Windows, name a network share whose mere opening
// sends the user's NTLM hash to that host. So, in this order:
//  1. lexically, before anything touches the disk: absolute, UNC (`\\host\share`), device
//     (`\\?\`, `\\.\`), drive-letter (`C:\`, `C:x`) forms are refused on every OS (a CSV
//     written on Windows reads the same on a Mac), and `..` may not climb above the root;
//  2. the real path (symbolic links resolved) must be inside the dropped folder's real path.
// The folder walk (walk.ts) keeps links in with the same `isInside`.
import { realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { reason, type Reason } from '@common/reasons';
import type { PathRefusal } from '../core-api';

/** True when `child` is `parent` or below it (both absolute, same separator style). */
export function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/** Why `name` (relative to `baseSegments` under the root) cannot be opened, read from its text alone. */
export function lexicalRefusal(name: string, baseSegments: readonly string[] = []): PathRefusal | null {
  const text = name.trim();
  // `\\?\C:\x`, `\\.\pipe\x`, `//?/x`: Win32 device namespace, no normalisation applies.
  if (/^[\\/]{2}[?.][\\/]/.test(text)) return 'device';
  // `\\host\share\x`, `//host/share/x`: opening it makes Windows authenticate to the host.
  if (/^[\\/]{2}/.test(text)) return 'network';
  if (/^[a-z]:/i.test(text)) return 'drive';
  if (/^[\\/]/.test(text)) return 'absolute';
  let depth = baseSegments.length;
  for (const part of text.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    depth += part === '..' ? -1 : 1;
    if (depth < 0) return 'parent';
  }
  return null;
}

export type GatedPath = { ok: true; path: string } | { ok: false; refusal: PathRefusal };

/**
 * A cell's file name as an absolute path under `rootPath`, relative to the folder `relativeDir`
 * ('/'-separated, '' for the root) where the prompts.csv lives; or why it is refused. Touches
 * nothing on disk.
 */
export function gateCellPath(rootPath: string, relativeDir: string, name: string): GatedPath {
  const base = relativeDir.split('/').filter((p) => p !== '' && p !== '.');
  const refusal = lexicalRefusal(name, base);
  if (refusal) return { ok: false, refusal };
  const parts = name
    .trim()
    .normalize('NFC')
    .split(/[\\/]/)
    .filter((p) => p !== '' && p !== '.');
  return { ok: true, path: resolve(rootPath, ...base, ...parts) };
}

/**
 * Step 2: the real path of `path` (links resolved) inside the real dropped folder. 'missing'
 * when it does not exist (the caller's own check then says so); call only on a path that
 * passed gateCellPath, so nothing outside is ever touched.
 */
export async function realPathInside(rootPath: string, path: string): Promise<'inside' | 'link' | 'missing'> {
  const real = await realpath(path).catch(() => null);
  if (real === null) return 'missing';
  const realRoot = await realpath(rootPath).catch(() => rootPath);
  return isInside(realRoot, real) ? 'inside' : 'link';
}

/** Both steps: the absolute path to open, or why not. */
export async function containedCellPath(
  rootPath: string,
  relativeDir: string,
  name: string,
): Promise<GatedPath> {
  const gated = gateCellPath(rootPath, relativeDir, name);
  if (!gated.ok) return gated;
  return (await realPathInside(rootPath, gated.path)) === 'link' ? { ok: false, refusal: 'link' } : gated;
}

const HOW = {
  absolute: 'path_how_absolute',
  network: 'path_how_network',
  device: 'path_how_device',
  drive: 'path_how_drive',
  parent: 'path_how_parent',
  link: 'path_how_link',
} as const;

/** The refusal in the reader's language, naming the cell, its value, the folder and what to do. */
export function pathRefusalReason(
  refusal: PathRefusal,
  cell: { column: string; value: string; where: Reason | ''; root: string },
): Reason {
  return reason('cell_path_outside', {
    column: cell.column,
    value: cell.value,
    where: cell.where,
    how: reason(HOW[refusal]),
    root: cell.root,
  });
}
