// Fetching a finished video to disk without ever losing or clobbering one: streamed into a
// temporary file beside the target, resumed with Range after a cut, checked against
// Content-Length and for an mp4 header, fsync'd, then linked into place under a free name.
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { lstat, unlink } from 'node:fs/promises';
import { openForWriting, type WritableFile, type WriteMode } from '../util/open-file';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseRetryAfter } from '../api/retry';
import type { GetResponse, HttpGet } from '../util/http-get';

/** The file-system calls a download makes, injectable so a test can make them fail. */
export interface FileOps {
  write(handle: WritableFile, chunk: Uint8Array): Promise<void>;
  open(path: string, mode: WriteMode): Promise<WritableFile>;
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
  | { kind: 'aborted' }
  /** This process no longer holds the item's batch: nothing more was written. */
  | { kind: 'lease_lost' };

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

/**
 * `.name.mp4.part-<item>-<attempt tag>` beside the target: the tag (temp-files.ts) names the
 * request and the writer, so only that writer continues it. Without a tag: the form older
 * releases used (and found after a restart), `.name.mp4.part-<item>`.
 */
export function partPathFor(target: string, itemId: number, tag?: string): string {
  return withSuffix(dirname(target), basename(target), `.part-${itemId}${tag ? `-${tag}` : ''}`, '.');
}

export function isPartFileName(name: string): boolean {
  return /^\..+\.part-\d+(-[0-9a-f]+)?$/.test(name);
}

/** `dir/.<name><suffix>` within the 255-byte segment limit (the name shortened as needed). */
export function hiddenPathBeside(path: string, suffix: string): string {
  return withSuffix(dirname(path), basename(path), suffix, '.');
}

/** `dir/<stem><extension>` within the 255-byte segment limit (the stem shortened as needed). */
export function withExtension(dir: string, stem: string, extension: string): string {
  return withSuffix(dir, stem, extension);
}

/** Whether anything has that name, a link included (a dangling link is a name taken too). */
function nameTaken(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** "name.mp4", else "name (2).mp4", "name (3).mp4" ... whichever does not exist yet. */
export function freeName(target: string, taken: (path: string) => boolean = nameTaken): string {
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
  // lstat, not exists: a dangling link of that name is a name taken, never written through.
  if (
    await lstat(finalPath).then(
      () => true,
      () => false,
    )
  )
    return 'exists';
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

/** The size of the file at `path` (lstat: a link is never followed); null when there is none. */
async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await lstat(path)).size;
  } catch {
    return null;
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
  /** Real ms until the server's answer (status and headers) must have come. */
  headersTimeoutMs: number;
  /** Real ms the body may send nothing before the transfer is cut and tried again. */
  idleTimeoutMs: number;
  /**
   * Whether this process may still write the file (it holds the item's batch): asked before the
   * file is opened and before each write, so a process that lost its lease stops at once.
   */
  mayWrite?: () => boolean;
  now: () => number;
  /** Called after the first chunk is on disk (a crash-test point). */
  afterFirstChunk?: () => void;
  /** Told the whole video's size when the server announces it (a full disk says how much room). */
  onLength?: (bytes: number) => void;
}

/**
 * Streams `url` into `partPath`, continuing a previous partial file with a Range request.
 * Never sends credentials: output URLs are public CDN links.
 */
export async function fetchToPart(options: FetchToPartOptions): Promise<PartOutcome> {
  const { url, partPath } = options;
  const existing = await sizeOf(partPath);
  let have = existing ?? 0;
  const headers: Record<string, string> = {};
  if (have > 0) headers.range = `bytes=${have}-`;
  const mayWrite = options.mayWrite ?? (() => true);
  if (!mayWrite()) return { kind: 'lease_lost' };
  let response: GetResponse;
  // A silent server must not hold a download slot for the whole transfer's allowance: the
  // answer must come within headersTimeoutMs, and then no gap in the body may pass idleTimeoutMs.
  const silence = new SilenceTimer(options.headersTimeoutMs);
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs), silence.signal]);
  try {
    response = await options.get(url, { headers, signal });
  } catch (error) {
    silence.stop();
    if (options.signal.aborted) return { kind: 'aborted' };
    const message = silence.fired
      ? `the video server did not answer within ${Math.round(options.headersTimeoutMs / 1000)} s`
      : `could not fetch the video: ${describeError(error)}`;
    return { kind: 'retry', cause: 'network', message, retryAfterMs: null };
  }
  silence.restart(options.idleTimeoutMs);
  if (response.status === 404 || response.status === 410 || response.status === 403) {
    silence.stop();
    await response.cancel();
    return { kind: 'refused', httpStatus: response.status };
  }
  if (response.status === 416 && have > 0) {
    silence.stop();
    // Our partial file is as long as (or longer than) the video: check what the server says.
    const total = Number(/\/(\d+)$/.exec(response.header('content-range') ?? '')?.[1]);
    await response.cancel();
    if (total === have) return { kind: 'complete', bytes: have };
    return startOver(partPath, 'the partial download did not match the video');
  }
  if (response.status !== 200 && response.status !== 206) {
    silence.stop();
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
      silence.stop();
      await response.cancel();
      return startOver(partPath, 'the server resumed at the wrong offset');
    }
    append = true;
  } else have = 0; // A 200 is the whole file: start the temporary file over.
  const lengthHeader = response.header('content-length');
  const expected = lengthHeader === null ? null : Number(lengthHeader);
  if (expected !== null && Number.isFinite(expected)) options.onLength?.(have + expected);

  let handle: WritableFile;
  try {
    if (!mayWrite()) {
      silence.stop();
      await response.cancel();
      return { kind: 'lease_lost' };
    }
    // A whole file starts a new one: created exclusively (never through a link of that name).
    if (!append && existing !== null) await removeIfExists(partPath);
    handle = await options.fileOps.open(partPath, append ? 'append' : 'create');
  } catch (error) {
    silence.stop();
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
  let leaseLost = false;
  const startWrite = async () => {
    await writing;
    if (pendingBytes === 0) return;
    if (!mayWrite()) {
      leaseLost = true;
      throw new LeaseGone();
    }
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
      silence.restart(options.idleTimeoutMs);
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
    silence.stop();
    if (leaseLost) {
      await writing.catch(() => {});
      await response.cancel().catch(() => {});
      await handle.close().catch(() => {});
      return { kind: 'lease_lost' };
    }
    const failedOnDisk = diskError !== undefined;
    // Keep what did arrive: the resume asks for the rest with Range.
    if (!failedOnDisk) await flush().catch(() => {});
    await handle.sync().catch(() => {});
    await handle.close().catch(() => {});
    if (isDiskFull(error)) return { kind: 'disk_full', message: describeError(error) };
    if (failedOnDisk) throw error;
    if (options.signal.aborted) return { kind: 'aborted' };
    const why = silence.fired
      ? `the video server sent nothing for ${Math.round(options.idleTimeoutMs / 1000)} s`
      : describeError(error);
    return {
      kind: 'retry',
      cause: 'network',
      message: `the download was cut after ${have + received} bytes (${why})`,
      retryAfterMs: null,
    };
  }
  silence.stop();
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

/** Thrown inside a transfer when this process no longer holds the item's batch. */
class LeaseGone extends Error {}

/** Aborts its signal after a stretch of silence (real time; the network is not the clock's). */
class SilenceTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  fired = false;

  constructor(ms: number) {
    this.restart(ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  restart(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new Error(`nothing received for ${ms} ms`));
    }, ms);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
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
  // Node's own messages already begin with their code ("ETIMEDOUT: connection timed out"):
  // said once, not twice.
  return codes.length && !message.startsWith(codes[0]!) ? `${codes[0]}: ${message}` : message;
}
