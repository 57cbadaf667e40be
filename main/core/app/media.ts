// Local media for the renderer, safely. The renderer never names a file: it asks for
// `item/<id>/thumb`, `item/<id>/still` (the image, large, for the full-screen review),
// `item/<id>/video` or `scan/<scanId>/<index>/thumb`, and this resolver
// looks the file up in the database or the scan registry. A file is served only when its real
// path (symlinks resolved) stays inside the folder it belongs to: the dropped root for an
// image, the batch's output folder for a video. Anything else is refused:
//   403 for requests that look like an attack (.., encoded separators, NUL, backslashes,
//       absolute paths) or files whose real path leaves their folder,
//   404 for unknown shapes and ids, 405 for methods other than GET/HEAD.
// Electron serves it through the `stillmotion-media:` protocol (main/electron/media-protocol.ts),
// the browser harness over HTTP at `/media/`; both call `resolve` and stream the answer.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { EngineApi } from '../core-api';
import type { FitSpec } from '../intake/fit';
import type { ScanRegistry } from './scans';
import type { ThumbnailCache } from './thumbnails';

export interface MediaRequest {
  /** The path after the media base URL, still percent-encoded, without query or fragment. */
  path: string;
  method?: string;
  range?: string | null;
}

export type MediaBody = { kind: 'file'; path: string; start: number; end: number } | null;

export interface MediaResponse {
  status: 200 | 206 | 400 | 403 | 404 | 405 | 415 | 416 | 500;
  headers: Record<string, string>;
  body: MediaBody;
}

export interface MediaResolver {
  resolve(request: MediaRequest): Promise<MediaResponse>;
}

const VIDEO_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
};

const BASE_HEADERS = { 'X-Content-Type-Options': 'nosniff' };

function refuse(status: MediaResponse['status'], extra: Record<string, string> = {}): MediaResponse {
  return { status, headers: { ...BASE_HEADERS, 'Content-Length': '0', ...extra }, body: null };
}

/** True for the shapes of a path-traversal attempt, whatever route they aim at. */
export function looksHostile(path: string): boolean {
  return (
    path.includes('\0') ||
    path.includes('\\') ||
    path.includes('%') || // no legitimate media path is encoded: %2f, %5c, %00, %2e all refused
    path.startsWith('/') ||
    /^[A-Za-z]:/.test(path) ||
    path.split('/').some((segment) => segment === '..' || segment === '.')
  );
}

export type MediaRoute =
  | { kind: 'item-thumb'; itemId: number; still?: true }
  | { kind: 'item-video'; itemId: number }
  | { kind: 'scan-thumb'; scanId: string; index: number; fit?: FitSpec }
  | { kind: 'element-thumb'; scanId: string; index: number };

/** The long side of an item's still in the full-screen review, beside its video. */
const STILL_SIZE = 1280;

/** A fitted frame larger than this is no frame the plan makes (it only crops, pads, upscales to a minimum). */
const MAX_FIT_SIDE = 16_384;

export function parseMediaPath(path: string): MediaRoute | null {
  let match = /^item\/([1-9]\d{0,14})\/(thumb|still|video)$/.exec(path);
  if (match) {
    const itemId = Number(match[1]);
    if (match[2] === 'video') return { kind: 'item-video', itemId };
    return match[2] === 'still'
      ? { kind: 'item-thumb', itemId, still: true }
      : { kind: 'item-thumb', itemId };
  }
  match = /^scan\/([A-Za-z0-9_-]{1,100})\/(0|[1-9]\d{0,8})\/thumb$/.exec(path);
  if (match) return { kind: 'scan-thumb', scanId: match[1]!, index: Number(match[2]) };
  // An element image the scan checked (scans.checkElements numbers them).
  match = /^scan\/([A-Za-z0-9_-]{1,100})\/element\/(0|[1-9]\d{0,8})\/thumb$/.exec(path);
  if (match) return { kind: 'element-thumb', scanId: match[1]!, index: Number(match[2]) };
  // The frame that will be sent when the image is fitted (crop or pad to width x height).
  match =
    /^scan\/([A-Za-z0-9_-]{1,100})\/(0|[1-9]\d{0,8})\/thumb\/(crop|pad)\/([1-9]\d{0,4})x([1-9]\d{0,4})$/.exec(
      path,
    );
  if (match) {
    const [width, height] = [Number(match[4]), Number(match[5])];
    if (width > MAX_FIT_SIDE || height > MAX_FIT_SIDE) return null;
    const fit: FitSpec = { mode: match[3] as FitSpec['mode'], width, height };
    return { kind: 'scan-thumb', scanId: match[1]!, index: Number(match[2]), fit };
  }
  return null;
}

/**
 * One `bytes=` range against a file of `size` bytes: the inclusive [start, end], 'unsatisfiable'
 * (416), or null to ignore the header and send everything (multi-range, malformed: RFC 9110
 * lets a server ignore a Range it does not support).
 */
export function parseRange(
  header: string | null | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return null;
  return { start, end };
}

/** Real path of `file`, if it lies inside the real path of `folder`; null otherwise (or missing). */
export async function containedRealPath(file: string, folder: string): Promise<string | null> {
  if (!isAbsolute(file) || !isAbsolute(folder)) return null;
  try {
    const [realFile, realFolder] = await Promise.all([realpath(file), realpath(folder)]);
    const rel = relative(realFolder, realFile);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
    return realFile;
  } catch {
    return null;
  }
}

/** The folder a dropped image was found under: its source path minus its relative path. */
export function rootOf(sourcePath: string, relativePath: string): string | null {
  const rel = relativePath.split('/').join(sep);
  if (!rel || !sourcePath.endsWith(sep + rel)) return null;
  return sourcePath.slice(0, sourcePath.length - rel.length - 1) || sep;
}

export function createMediaResolver(options: {
  engine: Pick<EngineApi, 'getItem' | 'getBatch'>;
  scans: Pick<ScanRegistry, 'image'> & Partial<Pick<ScanRegistry, 'elementImage'>>;
  thumbnails: ThumbnailCache;
  log?: (message: string) => void;
}): MediaResolver {
  const { engine, scans, thumbnails } = options;

  const serveFile = async (
    file: string,
    contentType: string,
    request: MediaRequest,
    cache: string,
  ): Promise<MediaResponse> => {
    const info = await stat(file);
    if (!info.isFile()) return refuse(404);
    const size = info.size;
    const headers: Record<string, string> = {
      ...BASE_HEADERS,
      'Content-Type': contentType,
      'Accept-Ranges': 'bytes',
      'Cache-Control': cache,
    };
    const range = parseRange(request.range, size);
    if (range === 'unsatisfiable') return refuse(416, { 'Content-Range': `bytes */${size}` });
    const head = (request.method ?? 'GET').toUpperCase() === 'HEAD';
    if (range) {
      headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
      headers['Content-Length'] = String(range.end - range.start + 1);
      return { status: 206, headers, body: head ? null : { kind: 'file', path: file, ...range } };
    }
    headers['Content-Length'] = String(size);
    return {
      status: 200,
      headers,
      body: head || size === 0 ? null : { kind: 'file', path: file, start: 0, end: size - 1 },
    };
  };

  const thumbOf = async (
    sourcePath: string,
    root: string,
    request: MediaRequest,
    fit?: FitSpec,
    size?: number,
  ): Promise<MediaResponse> => {
    const real = await containedRealPath(sourcePath, root);
    if (!real) return refuse(403);
    let thumb: string;
    try {
      thumb = await thumbnails.get(real, fit, size);
    } catch (error) {
      options.log?.(`no thumbnail for ${real}: ${(error as Error).message}`);
      return refuse(415);
    }
    // Cached under a content hash: the same URL may show new content after a retry, so keep
    // the browser cache short and let the disk cache do the heavy lifting.
    return serveFile(thumb, 'image/jpeg', { ...request, range: null }, 'private, max-age=60');
  };

  const route = async (parsed: MediaRoute, request: MediaRequest): Promise<MediaResponse> => {
    switch (parsed.kind) {
      case 'item-thumb': {
        const item = engine.getItem(parsed.itemId);
        if (!item) return refuse(404);
        const root = rootOf(item.sourcePath, item.relativePath);
        if (!root) return refuse(403);
        return thumbOf(item.sourcePath, root, request, undefined, parsed.still ? STILL_SIZE : undefined);
      }
      case 'item-video': {
        const item = engine.getItem(parsed.itemId);
        if (!item || item.state !== 'done' || !item.outputPath) return refuse(404);
        const batch = engine.getBatch(item.batchId);
        if (!batch) return refuse(404);
        const type = VIDEO_TYPES[extname(item.outputPath).toLowerCase()];
        if (!type) return refuse(415);
        const real = await containedRealPath(item.outputPath, batch.settings.outputDir);
        if (!real) return refuse(403);
        return serveFile(real, type, request, 'private, max-age=60');
      }
      case 'scan-thumb': {
        const image = scans.image(parsed.scanId, parsed.index);
        if (!image) return refuse(404);
        return thumbOf(image.sourcePath, image.rootPath, request, parsed.fit);
      }
      case 'element-thumb': {
        // Only an image the user picked as an element and the scan checked, inside its own folder.
        const path = scans.elementImage?.(parsed.scanId, parsed.index) ?? null;
        if (!path) return refuse(404);
        return thumbOf(path, dirname(path), request);
      }
      default: {
        const never: never = parsed;
        throw new Error(`unknown media route ${JSON.stringify(never)}`);
      }
    }
  };

  return {
    async resolve(request) {
      const method = (request.method ?? 'GET').toUpperCase();
      if (method !== 'GET' && method !== 'HEAD') return refuse(405, { Allow: 'GET, HEAD' });
      if (looksHostile(request.path)) return refuse(403);
      const parsed = parseMediaPath(request.path);
      if (!parsed) return refuse(404);
      try {
        return await route(parsed, request);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return refuse(404);
        options.log?.(`media ${request.path} failed: ${(error as Error).message}`);
        return refuse(500);
      }
    },
  };
}

/** The body as a Node stream (the harness pipes it; Electron converts it to a web stream). */
export function openMediaBody(body: MediaBody): Readable | null {
  if (!body) return null;
  return createReadStream(body.path, { start: body.start, end: body.end });
}
