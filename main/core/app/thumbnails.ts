// Small thumbnails for long lists: 256 px on the long side, JPEG, cached on disk in the data
// folder under the image's content hash and the size, so the same image dropped twice (or
// renamed) shares one file and a 10,000-item list costs 10,000 small reads, not 10,000 decodes.
// Only the formats the intake takes (JPEG, PNG, WebP, BMP, and TIFF and GIF, which it converts)
// are decoded, recognized by their magic bytes, never by name: a ".jpg" that is really an SVG is
// refused before it reaches the decoder. Turned as the EXIF orientation says, as the intake does.
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeBmp } from '../intake/bmp';
import { hashFile } from '../util/hash-file';
import { applyFit } from '../intake/fit-apply';
import type { FitSpec } from '../intake/fit';

export const THUMBNAIL_SIZE = 256;

export type ImageKind = 'jpeg' | 'png' | 'webp' | 'bmp' | 'tiff' | 'gif';

export class ThumbnailError extends Error {
  override name = 'ThumbnailError';
}

export function sniffImageKind(head: Uint8Array): ImageKind | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (
    head.length >= 8 &&
    Buffer.from(head.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'png';
  if (
    head.length >= 12 &&
    Buffer.from(head.subarray(0, 4)).toString('latin1') === 'RIFF' &&
    Buffer.from(head.subarray(8, 12)).toString('latin1') === 'WEBP'
  )
    return 'webp';
  if (head.length >= 2 && head[0] === 0x42 && head[1] === 0x4d) return 'bmp';
  const magic = Buffer.from(head.subarray(0, 6)).toString('latin1');
  if (magic.startsWith('II*\0') || magic.startsWith('MM\0*')) return 'tiff';
  if (magic === 'GIF87a' || magic === 'GIF89a') return 'gif';
  return null;
}

async function readHead(path: string, bytes = 16): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export interface ThumbnailCache {
  /**
   * Path of the cached JPEG thumbnail of `sourcePath` (made on first use); with `fit`, of the
   * frame that will be sent (cropped or padded as the plan says, intake/fit-apply.ts); `size`
   * (the long side) overrides the cache's own, e.g. for the review's large still.
   */
  get(sourcePath: string, fit?: FitSpec, size?: number): Promise<string>;
  readonly dir: string;
}

/** Default cap of the on-disk cache: about 40,000 thumbnails. */
export const THUMBNAIL_CACHE_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Keeps the cache folder under `maxBytes` by deleting the least recently written thumbnails
 * (they are rebuilt on demand). Run once when the cache is created, off the hot path.
 */
export async function pruneThumbnailCache(dir: string, maxBytes: number): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  // Thumbnails sit in one level of sub-folders named by the first two hex digits of the hash.
  const files: { path: string; bytes: number; mtimeMs: number }[] = [];
  for (const folder of names) {
    const inner = await readdir(join(dir, folder)).catch(() => [] as string[]);
    for (const name of inner) {
      if (!name.endsWith('.jpg')) continue;
      const path = join(dir, folder, name);
      const info = await stat(path).catch(() => null);
      if (info?.isFile()) files.push({ path, bytes: info.size, mtimeMs: info.mtimeMs });
    }
  }
  let total = files.reduce((sum, f) => sum + f.bytes, 0);
  let removed = 0;
  for (const file of files.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
    if (total <= maxBytes) break;
    await rm(file.path, { force: true });
    total -= file.bytes;
    removed++;
  }
  return removed;
}

export function createThumbnailCache(options: {
  dir: string;
  size?: number;
  concurrency?: number;
  /** Cap of the cache folder in bytes (default THUMBNAIL_CACHE_MAX_BYTES). */
  maxBytes?: number;
}): ThumbnailCache {
  const defaultSize = options.size ?? THUMBNAIL_SIZE;
  const dir = options.dir;
  void pruneThumbnailCache(dir, options.maxBytes ?? THUMBNAIL_CACHE_MAX_BYTES).catch(() => 0);
  // Decoding is CPU work: a couple at a time keeps the UI process and the engine responsive
  // while a long list scrolls by.
  const maxRunning = options.concurrency ?? 2;
  let running = 0;
  const waiting: (() => void)[] = [];
  const withSlot = async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= maxRunning) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
  // (path, size, mtime) -> content hash, so an unchanged file is hashed once per run.
  const hashes = new Map<string, string>();
  const inFlight = new Map<string, Promise<string>>();

  const make = async (
    sourcePath: string,
    target: string,
    fit: FitSpec | undefined,
    size: number,
  ): Promise<void> => {
    const kind = sniffImageKind(await readHead(sourcePath));
    if (!kind) throw new ThumbnailError(`${sourcePath} is not a JPEG, PNG, WebP, BMP, TIFF or GIF image`);
    let image: ReturnType<typeof sharp>;
    if (fit) {
      // The same code that makes the bytes sent, so the preview shows exactly that frame.
      const bytes = await readFile(sourcePath);
      image = sharp(await applyFit(kind === 'bmp' ? decodeBmp(bytes) : bytes, fit));
    } else if (kind === 'bmp') {
      // One BMP decoder for the app: the intake's (sharp cannot read BMP).
      const { data, width, height } = decodeBmp(await readFile(sourcePath));
      image = sharp(data, { raw: { width, height, channels: 3 } });
    } else {
      image = sharp(sourcePath, { failOn: 'error' }).rotate();
    }
    const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await image
        .resize(size, size, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 76, mozjpeg: true })
        .toFile(temp);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error instanceof ThumbnailError
        ? error
        : new ThumbnailError(`Could not make a thumbnail of ${sourcePath}: ${(error as Error).message}`);
    }
  };

  return {
    dir,
    async get(sourcePath, fit, wanted) {
      const size = wanted ?? defaultSize;
      const info = await stat(sourcePath);
      const memoKey = `${sourcePath}\0${info.size}\0${info.mtimeMs}`;
      let hash = hashes.get(memoKey);
      if (!hash) {
        hash = await hashFile(sourcePath);
        hashes.set(memoKey, hash);
      }
      const variant = fit ? `-${fit.mode}-${fit.width}x${fit.height}` : '';
      const target = join(dir, hash.slice(0, 2), `${hash}-${size}${variant}.jpg`);
      const existing = inFlight.get(target);
      if (existing) return existing;
      const task = (async () => {
        try {
          await stat(target);
          return target;
        } catch {
          await mkdir(join(dir, hash.slice(0, 2)), { recursive: true });
          await withSlot(() => make(sourcePath, target, fit, size));
          return target;
        }
      })();
      inFlight.set(target, task);
      try {
        return await task;
      } finally {
        inFlight.delete(target);
      }
    },
  };
}
