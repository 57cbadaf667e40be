// Large videos: received over node:http, hashed as they are written (no read-back), resumed
// with Range after a cut (then read back whole), and links that redirect followed as fetch
// follows them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeGet } from '../../../../main/core/util/http-get';
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
    h.engine.startBatch(batchId);
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
    h.engine.startBatch(batchId);
    await until(() => h1.sim.ledger.downloads.some((d) => d.fault === 'truncated'), 'a cut download');
    h.sim.setFaults({});
    const done = await h.engine.waitForItemState(itemIds[0]!, 'done');
    const job = h.sim.ledger.jobs.get(done.requestId!)!;
    expect(h.sha256(done.outputPath!)).toBe(job.outputSha256);
    expect(storedSha(h.dbPath, done.id)).toBe(job.outputSha256);
    expect(h.sim.ledger.downloads.some((d) => d.httpStatus === 206)).toBe(true);
  });
});

describe('nodeGet', () => {
  it('follows redirects to the video, keeping the Range header, like fetch', async () => {
    server = createServer((req, res) => {
      if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(307, { location: `http://127.0.0.1:${port()}/video` }).end();
      else res.writeHead(206, { 'content-range': `${req.headers.range}/10` }).end('video');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = () => (server!.address() as AddressInfo).port;
    const response = await nodeGet(`http://127.0.0.1:${port()}/a`, {
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
    const error = await nodeGet('http://127.0.0.1:9/none', {
      headers: {},
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });
});
