// Fetching a finished video to disk without ever losing or clobbering one: streamed into a
// temporary file beside the target, resumed with Range after a cut, checked against
// Content-Length and for an mp4 header, fsync'd, then linked into place under a free name.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { stat, unlink } from 'node:fs/promises';
import { openForWriting, type WritableFile } from '../util/open-file';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseRetryAfter } from '../api/retry';
import type { GetResponse, HttpGet } from '../util/http-get';

/** The file-system calls a download makes, injectable so a test can make them fail. */
export interface FileOps {
  write(handle: WritableFile, chunk: Uint8Array): Promise<void>;
  open(path: string, flags: 'r' | 'w' | 'a'): Promise<WritableFile>;
  mkdir(path: string, recursive: boolean): Promise<void>;
  link(existingPath: string, newPath: string): Promise<void>;
  rename(oldPath: string, newPath: string): Promise<void>;
}

export const nodeFileOps: FileOps = {
  async write(handle, chunk) {
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
      offset += bytesWritten;
    }
  },
  open: openForWriting,
  async mkdir(path, recursive) {
    await fs.mkdir(path, { recursive });
  },
  link: (existingPath, newPath) => fs.link(existingPath, newPath),
  rename: (oldPath, newPath) => fs.rename(oldPath, newPath),
};

/** Why a transfer should be tried again; it decides how long the engine keeps trying. */
export type RetryCause =
  /** No answer, or the connection was cut: tried for as long as the link can live. */
  | 'network'
  /** 429 or 5xx: the server is there but busy; tried for as long as the link can live. */
  | 'server'
  /** What arrived is not the video (wrong length, offset or format): a few tries. */
  | 'content';

export type PartOutcome =
  /** `info` when the whole file came in this transfer, hashed as it arrived (no read-back). */
  | { kind: 'complete'; bytes: number; info?: PartInfo }
  /** The URL answers 404/403/410: a CDN edge not caught up, a firewall, or an expired link. */
  | { kind: 'refused'; httpStatus: number }
  /** A transient problem; what was written is kept for a Range request. */
  | { kind: 'retry'; cause: RetryCause; message: string; retryAfterMs: number | null }
  | { kind: 'disk_full'; message: string }
  | { kind: 'aborted' };

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
const WRITE_BATCH_BYTES = 1024 * 1024;

export function isDiskFull(error: unknown): boolean {
  return DISK_FULL_CODES.has((error as { code?: string })?.code ?? '');
}

/** Videos are fetched only over https, or from the API's own origin (the simulator, a proxy). */
export function isAllowedDownloadUrl(url: string, apiOrigin: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.origin === apiOrigin;
  } catch {
    return false;
  }
}

/** outputDir joined with the item's relative output path, refused if it would leave outputDir. */
export function resolveOutputPath(outputDir: string, outputRelativePath: string): string {
  const root = resolve(outputDir);
  const target = resolve(root, outputRelativePath);
  const inside = relative(root, target);
  if (!inside || inside.startsWith('..' + sep) || inside === '..' || isAbsolute(inside))
    throw new Error(
      `The output path '${outputRelativePath}' would be written outside the output folder ${root}; ` +
        `change the output name template so it stays inside, then retry.`,
    );
  return target;
}

/** Most file systems (ext4, APFS, NTFS) allow 255 bytes (UTF-8) or fewer per path segment. */
const MAX_SEGMENT_BYTES = 255;

/** The longest prefix of `text` within `maxBytes` of UTF-8, cut between code points. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += char;
  }
  return out;
}

/** `dir/<stem shortened as needed><suffix>`: a name the intake cut to 255 bytes stays valid with a suffix. */
function withSuffix(dir: string, stem: string, suffix: string, prefix = ''): string {
  const room = MAX_SEGMENT_BYTES - Buffer.byteLength(prefix + suffix);
  return join(dir, `${prefix}${truncateUtf8(stem, room)}${suffix}`);
}

export function partPathFor(target: string, itemId: number): string {
  return withSuffix(dirname(target), basename(target), `.part-${itemId}`, '.');
}

export function isPartFileName(name: string): boolean {
  return /^\..+\.part-\d+$/.test(name);
}

/** "name.mp4", else "name (2).mp4", "name (3).mp4" ... whichever does not exist yet. */
export function freeName(target: string, taken: (path: string) => boolean = existsSync): string {
  if (!taken(target)) return target;
  const extension = extname(target);
  const stem = basename(target, extension);
  for (let n = 2; ; n++) {
    const candidate = withSuffix(dirname(target), stem, ` (${n})${extension}`);
    if (!taken(candidate)) return candidate;
  }
}

/**
 * Puts the finished temporary file at `finalPath` without overwriting anything: a hard link
 * fails if the name exists (atomic), then the temporary name is removed. File systems without
 * hard links (FAT, some network shares) fall back to a checked rename.
 */
export async function placeFile(
  partPath: string,
  finalPath: string,
  fileOps: FileOps = nodeFileOps,
): Promise<'placed' | 'exists'> {
  try {
    await fileOps.link(partPath, finalPath);
    return 'placed';
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') return 'exists';
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
  }
  if (existsSync(finalPath)) return 'exists';
  await fileOps.rename(partPath, finalPath);
  return 'placed';
}

export async function removeIfExists(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
}

/** Makes a rename or link durable: the directory entry itself is fsync'd where the OS allows it. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: WritableFile | null = null;
  try {
    handle = await openForWriting(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse to fsync a directory; the file's own fsync already happened.
  } finally {
    await handle?.close();
  }
}

export interface PartInfo {
  bytes: number;
  sha256: string;
  /** Starts with an ISO-BMFF `ftyp` box, as every mp4 does. */
  isMp4: boolean;
}

export async function inspectFile(path: string): Promise<PartInfo> {
  const hash = createHash('sha256');
  let bytes = 0;
  let head = Buffer.alloc(0);
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    if (head.length < 12) head = Buffer.concat([head, chunk.subarray(0, 12 - head.length)]);
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex'), isMp4: isMp4Head(head) };
}

/** The partial file does not fit what the server sends: drop it, and the retry starts from byte 0. */
async function startOver(partPath: string, why: string): Promise<PartOutcome> {
  await removeIfExists(partPath);
  return { kind: 'retry', cause: 'content', message: `${why}; starting over`, retryAfterMs: 0 };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

export interface FetchToPartOptions {
  url: string;
  partPath: string;
  get: HttpGet;
  fileOps: FileOps;
  /** Aborts the transfer (engine closing); what was written stays for later. */
  signal: AbortSignal;
  /** Real milliseconds the whole transfer may take. */
  timeoutMs: number;
  now: () => number;
  /** Called after the first chunk is on disk (a crash-test point). */
  afterFirstChunk?: () => void;
}

/**
 * Streams `url` into `partPath`, continuing a previous partial file with a Range request.
 * Never sends credentials: output URLs are public CDN links.
 */
export async function fetchToPart(options: FetchToPartOptions): Promise<PartOutcome> {
  const { url, partPath } = options;
  let have = await sizeOf(partPath);
  const headers: Record<string, string> = {};
  if (have > 0) headers.range = `bytes=${have}-`;
  let response: GetResponse;
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  try {
    response = await options.get(url, { headers, signal });
  } catch (error) {
    if (options.signal.aborted) return { kind: 'aborted' };
    const message = `could not fetch the video: ${describeError(error)}`;
    return { kind: 'retry', cause: 'network', message, retryAfterMs: null };
  }
  if (response.status === 404 || response.status === 410 || response.status === 403) {
    await response.cancel();
    return { kind: 'refused', httpStatus: response.status };
  }
  if (response.status === 416 && have > 0) {
    // Our partial file is as long as (or longer than) the video: check what the server says.
    const total = Number(/\/(\d+)$/.exec(response.header('content-range') ?? '')?.[1]);
    await response.cancel();
    if (total === have) return { kind: 'complete', bytes: have };
    return startOver(partPath, 'the partial download did not match the video');
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.cancel();
    return {
      kind: 'retry',
      cause: 'server',
      message: `the video server answered HTTP ${response.status}`,
      retryAfterMs: parseRetryAfter(response.header('retry-after'), options.now()),
    };
  }
  let append = false;
  if (response.status === 206) {
    const start = Number(/^bytes (\d+)-/.exec(response.header('content-range') ?? '')?.[1]);
    if (start !== have) {
      await response.cancel();
      return startOver(partPath, 'the server resumed at the wrong offset');
    }
    append = true;
  } else have = 0; // A 200 is the whole file: start the temporary file over.
  const lengthHeader = response.header('content-length');
  const expected = lengthHeader === null ? null : Number(lengthHeader);

  let handle: WritableFile;
  try {
    handle = await options.fileOps.open(partPath, append ? 'a' : 'w');
  } catch (error) {
    await response.cancel();
    if (isDiskFull(error)) return { kind: 'disk_full', message: describeError(error) };
    throw error;
  }
  let received = 0;
  let first = true;
  // A whole file is hashed as it is written (the bytes handed to the writes), sparing a
  // read-back of the video; a resumed one is read back whole by the caller. On the main thread:
  // a worker thread measured slower on two busy cores (one more thread wanting one), and its
  // heap added 10 MB.
  const hash = append ? null : createHash('sha256');
  let head = Buffer.alloc(0);
  // The body comes in small chunks (tens of KB); one write per MiB instead of per chunk keeps a
  // 256 MB video to ~256 writes. One write runs while the next MiB arrives (at most two held):
  // awaiting each write before reading on would stall the connection for its length.
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  // A write or fsync that failed is the disk's problem (the caller classifies it), a failed
  // read of the body the network's: remembered here because both end in the same catch.
  let diskError: unknown = undefined;
  const onDisk = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      diskError = error;
      throw error;
    }
  };
  let writing: Promise<void> = Promise.resolve();
  // One buffer the batches are copied into, reused: the write (and hash) of the last batch is
  // done before the next is copied in. A new MiB per batch was 256 MB of allocations for a
  // 256 MB video, and the RSS the garbage collector let it reach.
  let batch: Buffer | null = null;
  /** Starts writing what is pending once the write before it is done (not waiting for this one). */
  const startWrite = async () => {
    await writing;
    if (pendingBytes === 0) return;
    let data: Uint8Array;
    if (pending.length === 1) data = pending[0]!;
    else {
      if (!batch || batch.length < pendingBytes)
        batch = Buffer.allocUnsafeSlow(Math.max(pendingBytes, WRITE_BATCH_BYTES + 256 * 1024));
      let offset = 0;
      for (const chunk of pending) {
        batch.set(chunk, offset);
        offset += chunk.length;
      }
      data = batch.subarray(0, pendingBytes);
    }
    pending = [];
    pendingBytes = 0;
    writing = onDisk(async () => {
      await options.fileOps.write(handle, data);
      hash?.update(data);
    });
    writing.catch(() => {}); // handled where it is awaited
  };
  const flush = async () => {
    await startWrite();
    await writing;
  };
  const sync = () => onDisk(() => handle.sync());
  try {
    for await (const chunk of response.body) {
      if (head.length < 12) head = Buffer.concat([head, chunk.subarray(0, 12 - head.length)]);
      pending.push(chunk);
      pendingBytes += chunk.length;
      received += chunk.length;
      if (first) {
        first = false;
        await flush();
        await sync();
        options.afterFirstChunk?.();
      } else if (pendingBytes >= WRITE_BATCH_BYTES) await startWrite();
    }
    await flush();
    await sync();
  } catch (error) {
    const failedOnDisk = diskError !== undefined;
    // Keep what did arrive: the resume asks for the rest with Range.
    if (!failedOnDisk) await flush().catch(() => {});
    await handle.sync().catch(() => {});
    await handle.close().catch(() => {});
    if (isDiskFull(error)) return { kind: 'disk_full', message: describeError(error) };
    if (failedOnDisk) throw error;
    if (options.signal.aborted) return { kind: 'aborted' };
    return {
      kind: 'retry',
      cause: 'network',
      message: `the download was cut after ${have + received} bytes (${describeError(error)})`,
      retryAfterMs: null,
    };
  }
  await handle.close();
  if (expected !== null && Number.isFinite(expected) && received !== expected)
    return {
      kind: 'retry',
      cause: 'network',
      message: `the download ended after ${received} of ${expected} bytes`,
      retryAfterMs: null,
    };
  const bytes = have + received;
  if (!hash) return { kind: 'complete', bytes };
  return { kind: 'complete', bytes, info: { bytes, sha256: hash.digest('hex'), isMp4: isMp4Head(head) } };
}

function isMp4Head(head: Buffer): boolean {
  return head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp';
}

export function describeError(error: unknown): string {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  return codes.length ? `${codes[0]}: ${message}` : message;
}
