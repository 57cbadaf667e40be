// One transfer of a finished video into its temporary file: streamed, resumed with Range after a
// cut, checked against Content-Length, hashed as it is written, fsync'd; cut when the server goes
// silent, and stopped at once when this process no longer holds the item's batch. What an
// attempt's outcome means for the item is download.ts's; names and placing are download-files.ts's.
import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { parseRetryAfter } from '../api/retry';
import { steadyNow, type Clock } from '../util/clock';
import type { GetResponse, HttpGet } from '../util/http-get';
import type { WritableFile } from '../util/open-file';
import {
  describeError,
  isDiskFull,
  isMp4Head,
  removeIfExists,
  type FileOps,
  type PartInfo,
} from './download-files';

/** Bytes gathered before one write (a writev of the chunks as they arrived). */
const WRITE_BATCH_BYTES = 1024 * 1024;
/** Real ms of silence below which a transfer is never called silent (see SilenceWatch). */
const SILENCE_FLOOR_REAL_MS = 2_000;

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
  /** Clock ms until the server's answer (status and headers) must have come. */
  headersTimeoutMs: number;
  /** Clock ms the body may send nothing before the transfer is cut and tried again. */
  idleTimeoutMs: number;
  /** The engine's clock: silence is measured on it (with a floor in real time, see SilenceWatch). */
  clock: Clock;
  /**
   * Whether this process may still write the file (it holds the item's batch): asked before the
   * file is opened and before each write, so a process that lost its lease stops at once.
   */
  mayWrite?: () => boolean;
  now: () => number;
  /** Called after the first chunk is written to the file (a crash-test point). */
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
  const silence = new SilenceWatch(options.clock, options.headersTimeoutMs);
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
  silence.heard(options.idleTimeoutMs);
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
  // 256 MB video to ~256 writes, each a writev of the chunks as they came (no copy into one
  // buffer: that copy was a seventh of a download's CPU). One write runs while the next MiB
  // arrives (at most two held): awaiting each write before reading on would stall the
  // connection for its length.
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
  /** Starts writing what is pending once the write before it is done (not waiting for this one). */
  let leaseLost = false;
  const startWrite = async () => {
    await writing;
    if (pendingBytes === 0) return;
    if (!mayWrite()) {
      leaseLost = true;
      throw new LeaseGone();
    }
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    writing = onDisk(async () => {
      await options.fileOps.write(handle, chunks);
      if (hash) for (const chunk of chunks) hash.update(chunk);
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
      silence.heard(options.idleTimeoutMs);
      if (head.length < 12) head = Buffer.concat([head, chunk.subarray(0, 12 - head.length)]);
      pending.push(chunk);
      pendingBytes += chunk.length;
      received += chunk.length;
      if (first) {
        // Written at once (a crash test kills here and resumes from it); not fsync'd: a killed
        // process loses nothing the kernel has, and only the fsync at the end makes it durable.
        first = false;
        await flush();
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
      // The part is this attempt's own (its name carries the request and this process), and the
      // batch's new holder never continues it: removed here, since the holder may have swept
      // its record before this process (stopped past its lease) made the file.
      await removeIfExists(partPath).catch(() => {});
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

/**
 * Aborts its signal once nothing was heard for the allowed silence. Measured on the engine's
 * clock (a fast test clock makes minutes of silence pass in seconds), but never less than
 * SILENCE_FLOOR_REAL_MS of real time: a fast clock must not call an event-loop stall of a busy
 * machine a silent server. One clock sleep per quarter of the allowance, not a timer per chunk.
 */
class SilenceWatch {
  private readonly controller = new AbortController();
  private readonly stopped = new AbortController();
  private lastHeard: number;
  private lastHeardReal = Date.now();
  fired = false;

  constructor(
    private readonly clock: Clock,
    private allowedMs: number,
  ) {
    this.lastHeard = steadyNow(clock);
    void this.watch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Something arrived; from now on, `allowedMs` of silence are allowed. */
  heard(allowedMs: number): void {
    this.allowedMs = allowedMs;
    this.lastHeard = steadyNow(this.clock);
    this.lastHeardReal = Date.now();
  }

  stop(): void {
    this.stopped.abort();
  }

  private async watch(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      try {
        await this.clock.sleep(Math.max(1, this.allowedMs / 4), this.stopped.signal);
      } catch {
        return;
      }
      // On the steady clock: a wall clock set back must not make a silent server seem to talk.
      const silentFor = steadyNow(this.clock) - this.lastHeard;
      if (silentFor >= this.allowedMs && Date.now() - this.lastHeardReal >= SILENCE_FLOOR_REAL_MS) {
        this.fired = true;
        this.controller.abort(new Error(`nothing received for ${Math.round(silentFor / 1000)} s`));
        return;
      }
    }
  }
}
