// GET/HEAD /outputs/{request_id}.mp4: a generated video served like a CDN serves it (ranges,
// ETag, 404 once expired), through the API faults (truncated, slow, resets) and the
// environment's (outage, CDN lag, silence). Every download lands in the ledger with the bytes
// it sent.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { outputChunks } from './output-video';
import { isExpired, send, transportFault } from './replies';
import type { SimulatorState } from './state';
import type { Ledger } from './types';

const DEFAULT_SLOW_BYTES_PER_SEC = 256 * 1024;

/** Resolves true once `chunk` is flushed (or buffered), false if the response closed first. */
function write(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends nothing more and keeps the socket open until the client closes it, the server closes,
 * or `cutAfterMs` of the simulator's clock pass (then the server destroys it); the ledger says
 * which, and how long (simulator ms) it was held.
 */
function holdSilent(
  sim: SimulatorState,
  res: ServerResponse,
  record: Ledger['downloads'][number],
  cutAfterMs: number | null,
): Promise<void> {
  const silence: NonNullable<typeof record.silence> = { heldMs: null, closedBy: null };
  record.silence = silence;
  const since = sim.clock.now();
  return new Promise((resolve) => {
    if (res.destroyed) {
      silence.closedBy = 'client';
      silence.heldMs = 0;
      return resolve();
    }
    const cut = new AbortController();
    if (cutAfterMs !== null)
      sim.clock.sleep(cutAfterMs, cut.signal).then(
        () => {
          silence.closedBy = 'server';
          res.socket?.destroy();
        },
        () => {}, // the socket closed first
      );
    res.once('close', () => {
      cut.abort();
      silence.closedBy ??= 'client';
      silence.heldMs = Math.round(sim.clock.now() - since);
      resolve();
    });
  });
}

export async function download(
  sim: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const { faults, clock } = sim;
  const record: Ledger['downloads'][number] = {
    at: clock.now(),
    requestId,
    bytesSent: 0,
    httpStatus: 0,
    range: req.headers.range ?? null,
    fault: null,
  };
  sim.ledger.downloads.push(record);
  const fault = faults.requestFault('download');
  record.fault = fault;
  if (fault === 'reset-before-body') {
    req.socket.destroy();
    return;
  }
  if (fault === '429' || fault === '5xx') {
    record.httpStatus = send(res, transportFault(sim, fault));
    return;
  }
  if (fault === 'hang') return;
  if (fault === 'reset-after-body') {
    req.socket.destroy();
    return;
  }
  const job = sim.book.get(requestId);
  const environmentFault = sim.environment.downloadFault(
    clock.now(),
    job?.status === 'succeeded' ? job : undefined,
  );
  if (environmentFault === 'outage-reset') {
    record.fault = environmentFault;
    req.socket.destroy();
    return;
  }
  if (environmentFault === 'outage-503') {
    record.fault = environmentFault;
    record.httpStatus = 503;
    res.writeHead(503, { 'Content-Type': 'text/plain' });
    res.end('Service Unavailable');
    return;
  }
  // CDN lag answers exactly like an expired link: only the timing tells them apart.
  if (
    !job ||
    job.status !== 'succeeded' ||
    isExpired(sim, job, sim.options.outputTtlMs) ||
    environmentFault
  ) {
    record.fault = environmentFault;
    record.httpStatus = 404;
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not Found');
    return;
  }

  const layout = await sim.layoutFor(job.requestId);
  const size = layout.size;
  let start = 0;
  let end = size - 1;
  let status = 200;
  const range = req.headers.range;
  if (range) {
    const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    // Multi-range and malformed headers are ignored (the whole file), as RFC 9110 allows.
    if (match && (match[1] !== '' || match[2] !== '')) {
      if (match[1] === '') {
        const suffix = Number(match[2]);
        start = Math.max(0, size - suffix);
      } else {
        start = Number(match[1]);
        if (match[2] !== '') end = Math.min(size - 1, Number(match[2]));
      }
      if (start >= size || start > end || (match[1] === '' && Number(match[2]) === 0)) {
        record.httpStatus = 416;
        res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
        res.end();
        return;
      }
      status = 206;
    }
  }
  const length = end - start + 1;
  const headers: Record<string, string> = {
    'Content-Type': 'video/mp4',
    'Content-Length': String(length),
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'public, max-age=3600',
  };
  if (job.outputSha256) headers.ETag = `"${job.outputSha256}"`;
  if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(status, headers);
  record.httpStatus = status;
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const downloadFault = faults.downloadFault();
  record.fault = downloadFault;
  // A truncated download stops somewhere in the middle (never at 0 or the full length).
  let stopAfter =
    downloadFault === 'truncated' ? Math.max(1, Math.floor(length * (0.1 + 0.8 * faults.draw()))) : length;
  // Drawn after the API's faults, from its own stream: turning it on leaves theirs unchanged.
  const silence = sim.environment.silentDownload();
  if (silence) {
    stopAfter = Math.floor(length * silence.afterFraction);
    record.fault = silence.afterFraction === 0 ? 'silent-after-headers' : 'silent-mid-body';
    res.flushHeaders();
  }
  const bytesPerSec = faults.current.slowDownloadBytesPerSec ?? DEFAULT_SLOW_BYTES_PER_SEC;
  for (const chunk of outputChunks(layout, job.requestId, start, end)) {
    const piece = chunk.subarray(0, Math.min(chunk.length, stopAfter - record.bytesSent));
    if (downloadFault === 'slow') {
      // Throttled in real time: it models the network, not the generation.
      for (let offset = 0; offset < piece.length; offset += 16 * 1024) {
        const slice = piece.subarray(offset, offset + 16 * 1024);
        if (!(await write(res, slice))) return;
        record.bytesSent += slice.length;
        await realSleep((slice.length / bytesPerSec) * 1000);
      }
    } else {
      if (!(await write(res, piece))) return;
      record.bytesSent += piece.length;
    }
    if (record.bytesSent >= stopAfter) break;
  }
  if (silence) {
    await holdSilent(sim, res, record, silence.cutAfterMs);
    return;
  }
  if (record.bytesSent < length) {
    // Let what was written reach the client, then cut the connection mid-body.
    res.socket?.end();
    setImmediate(() => res.socket?.destroy());
    return;
  }
  res.end();
}
