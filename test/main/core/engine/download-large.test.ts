// Large videos: received over the default network (undici), hashed as they are written (no read-back), resumed
// with Range after a cut (then read back whole), a partial file the server's answer does not
// fit started over, and links that redirect followed as fetch follows them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFileOps } from '../../../../main/core/engine/download-files';
import { fetchToPart } from '../../../../main/core/engine/download-transfer';
import { scaledClock, systemClock, type Clock } from '../../../../main/core/util/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentNetwork } from '../../../../main/core/util/network';
import Database from 'better-sqlite3';
import { harness, type Harness } from './harness';
import { until } from './helpers';

const LARGE = 12 * 1024 * 1024;

/** The hash the database recorded for the item (what a restart compares a placed file with). */
function storedSha(dbPath: string, itemId: number): string {
  const db = new Database(dbPath, { readonly: true });
  const row = db.prepare('SELECT output_sha256 FROM items WHERE id = ?').get(itemId) as {
    output_sha256: string;
  };
  db.close();
  return row.output_sha256;
}

let h: Harness | null = null;
let server: Server | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
  server = null;
});

describe('large downloads', () => {
  it('saves a 12 MB video with the hash of its bytes, and leaves no temporary file', async () => {
    h = await harness({ outputBytes: LARGE });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const done = await h.engine.waitForItemState(itemIds[0]!, 'done');
    const job = h.sim.ledger.jobs.get(done.requestId!)!;
    expect(h.sha256(done.outputPath!)).toBe(job.outputSha256);
    expect(storedSha(h.dbPath, done.id)).toBe(job.outputSha256);
    expect(done.outputBytes).toBe(LARGE);
    expect(readdirSync(h.outputDir).filter((name) => name.includes('.part'))).toEqual([]);
  });

  it('resumes a cut 12 MB download with Range and stores the hash of the whole file', async () => {
    h = await harness({ outputBytes: LARGE, faults: { truncatedDownload: 1 }, faultTargets: ['download'] });
    const h1 = h;
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    await until(() => h1.sim.ledger.downloads.some((d) => d.fault === 'truncated'), 'a cut download');
    h.sim.setFaults({});
    const done = await h.engine.waitForItemState(itemIds[0]!, 'done');
    const job = h.sim.ledger.jobs.get(done.requestId!)!;
    expect(h.sha256(done.outputPath!)).toBe(job.outputSha256);
    expect(storedSha(h.dbPath, done.id)).toBe(job.outputSha256);
    expect(h.sim.ledger.downloads.some((d) => d.httpStatus === 206)).toBe(true);
  });
});

describe('a partial file the server does not continue', () => {
  /** fetchToPart over loopback, with a 5-byte partial file, against a server answering `answer`. */
  async function resume(answer: (range: string | undefined) => [number, Record<string, string>, string]) {
    server = createServer((req, res) => {
      const [status, headers, body] = answer(req.headers.range);
      res.writeHead(status, headers).end(body);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'sm-part-'));
    const partPath = join(dir, 'video.mp4.part');
    writeFileSync(partPath, 'video');
    try {
      const outcome = await fetchToPart({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/video.mp4`,
        partPath,
        get: environmentNetwork().get,
        fileOps: nodeFileOps,
        signal: new AbortController().signal,
        timeoutMs: 10_000,
        headersTimeoutMs: 10_000,
        idleTimeoutMs: 10_000,
        clock: systemClock,
        now: () => Date.now(),
      });
      return { outcome, kept: existsSync(partPath) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('starts over when the server resumes at another byte than asked', async () => {
    let asked: string | undefined;
    const { outcome, kept } = await resume((range) => {
      asked = range;
      return [206, { 'content-range': 'bytes 0-9/10' }, '0123456789'];
    });
    expect(asked).toBe('bytes=5-');
    expect(outcome).toEqual({
      kind: 'retry',
      cause: 'content',
      message: 'the server resumed at the wrong offset; starting over',
      retryAfterMs: 0,
    });
    expect(kept).toBe(false);
  });

  it('on 416, keeps a partial file as long as the video (complete) and starts over from any other', async () => {
    const whole = await resume(() => [416, { 'content-range': 'bytes */5' }, '']);
    expect(whole).toEqual({ outcome: { kind: 'complete', bytes: 5 }, kept: true });
    const longer = await resume(() => [416, { 'content-range': 'bytes */3' }, '']);
    expect(longer).toEqual({
      outcome: {
        kind: 'retry',
        cause: 'content',
        message: 'the partial download did not match the video; starting over',
        retryAfterMs: 0,
      },
      kept: false,
    });
  });
});

describe('the default GET (undici)', () => {
  it('follows redirects to the video, keeping the Range header, like fetch', async () => {
    server = createServer((req, res) => {
      if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(307, { location: `http://127.0.0.1:${port()}/video` }).end();
      else res.writeHead(206, { 'content-range': `${req.headers.range}/10` }).end('video');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = () => (server!.address() as AddressInfo).port;
    const response = await environmentNetwork().get(`http://127.0.0.1:${port()}/a`, {
      headers: { range: 'bytes=5-' },
      signal: new AbortController().signal,
    });
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body) chunks.push(chunk);
    expect(response.status).toBe(206);
    expect(response.header('Content-Range')).toBe('bytes=5-/10');
    expect(Buffer.concat(chunks).toString()).toBe('video');
  });

  it('fails like fetch when nothing answers: a TypeError whose cause has the code', async () => {
    const error = await environmentNetwork()
      .get('http://127.0.0.1:9/none', {
        headers: {},
        signal: new AbortController().signal,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });
});

describe('a writer that loses the batch while it downloads', () => {
  it('leaves no file of its own attempt behind (the new holder may have cleaned up already)', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(3 * 1024 * 1024) });
      // The body comes in pieces, as from a CDN: the lease is lost after the file was opened.
      const piece = Buffer.alloc(1024 * 1024, 7);
      res.write(piece);
      setTimeout(() => res.write(piece), 50);
      setTimeout(() => res.end(piece), 100);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'sm-part-'));
    const partPath = join(dir, '.video.mp4.part-1-abc');
    // Held at the start and when the file is made; gone by the first write (a process stopped
    // past its lease, continued after the heir finished the video and swept the records).
    let checks = 0;
    try {
      const outcome = await fetchToPart({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/video.mp4`,
        partPath,
        get: environmentNetwork().get,
        fileOps: nodeFileOps,
        signal: new AbortController().signal,
        timeoutMs: 10_000,
        headersTimeoutMs: 10_000,
        idleTimeoutMs: 10_000,
        clock: systemClock,
        now: () => Date.now(),
        mayWrite: () => ++checks <= 2,
      });
      expect(outcome).toEqual({ kind: 'lease_lost' });
      expect(checks).toBeGreaterThan(2);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a silent video server while the wall clock is set back', () => {
  it('is cut after its idle allowance on the steady clock, not after the step is caught up', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(1024 * 1024) });
      res.write(Buffer.alloc(1024, 7)); // then nothing more
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'sm-part-'));
    // 50x: a minute of silence is 1.2 s real (2 s, the floor); the step is 20 minutes back.
    const base = scaledClock(50);
    let offset = 0;
    let steppedAt = 0;
    const machine: Clock = { now: () => base.now() + offset, sleep: base.sleep, steady: base.steady };
    try {
      const outcome = await fetchToPart({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/video.mp4`,
        partPath: join(dir, '.video.mp4.part-1-abc'),
        get: environmentNetwork().get,
        fileOps: nodeFileOps,
        signal: new AbortController().signal,
        timeoutMs: 8_000, // real ms: the whole transfer's allowance
        headersTimeoutMs: 60_000,
        idleTimeoutMs: 60_000,
        clock: machine,
        now: () => machine.now(),
        afterFirstChunk: () => {
          offset = -20 * 60_000;
          steppedAt = base.now();
        },
      });
      // Cut within the minute's allowance and the floor (2 s real = 100 s here), not twenty
      // minutes later when the stepped clock has caught up.
      expect(base.now() - steppedAt).toBeLessThan(5 * 60_000);
      expect(outcome).toMatchObject({ kind: 'retry', cause: 'network' });
      expect((outcome as { message: string }).message).toMatch(/sent nothing for 60 s/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
