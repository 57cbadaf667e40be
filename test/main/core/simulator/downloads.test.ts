import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../../main/core/simulator/index';
import type { SimulatorHandle } from '../../../../main/core/simulator/index';
import {
  OutputHasher,
  outputBuffer,
  outputChunks,
  outputLayout,
} from '../../../../main/core/simulator/output-video';
import { SAMPLE_MP4 } from '../../../../main/core/simulator/sample-video';
import { call, manualClock, submitUrl, validBody } from './helpers';

const SIZE = 1024 * 1024;
let sim: SimulatorHandle;
let url: string;
let requestId: string;

beforeAll(async () => {
  const clock = manualClock();
  sim = await startSimulator({ clock, seed: 5, generationMs: () => 1_000, outputBytes: SIZE });
  const sub = await call(submitUrl(sim.url), { body: validBody() });
  requestId = sub.body.request_id;
  clock.advance(10_000);
  url = `${sim.url}/outputs/${requestId}.mp4`;
});
afterAll(() => sim.close());

async function get(range?: string, method = 'GET') {
  const res = await fetch(url, { method, headers: range ? { Range: range } : {} });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

function hasFfprobe(): boolean {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('output downloads', () => {
  it('serves the padded file whole, matching the ledger sha256', async () => {
    const { res, bytes } = await get();
    expect(res.status).toBe(200);
    expect(bytes.length).toBe(SIZE);
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      sim.ledger.jobs.get(requestId)?.outputSha256,
    );
  });

  it('answers byte ranges with 206 and Content-Range; the pieces rebuild the file', async () => {
    const { bytes: whole } = await get();
    const first = await get('bytes=0-99');
    expect(first.res.status).toBe(206);
    expect(first.res.headers.get('content-range')).toBe(`bytes 0-99/${SIZE}`);
    expect(first.res.headers.get('content-length')).toBe('100');
    expect(first.bytes.equals(whole.subarray(0, 100))).toBe(true);

    const middle = await get(`bytes=100-${SIZE - 51}`);
    expect(middle.res.status).toBe(206);
    const suffix = await get('bytes=-50');
    expect(suffix.res.headers.get('content-range')).toBe(`bytes ${SIZE - 50}-${SIZE - 1}/${SIZE}`);
    expect(Buffer.concat([first.bytes, middle.bytes, suffix.bytes]).equals(whole)).toBe(true);

    const open = await get(`bytes=${SIZE - 10}-`);
    expect(open.res.status).toBe(206);
    expect(open.bytes.equals(whole.subarray(SIZE - 10))).toBe(true);
    // An end past the file is clamped.
    const clamped = await get(`bytes=${SIZE - 5}-${SIZE + 100}`);
    expect(clamped.bytes.length).toBe(5);
  });

  it('answers 416 for unsatisfiable ranges and ignores malformed or multi ranges', async () => {
    for (const range of [`bytes=${SIZE}-`, 'bytes=10-5', 'bytes=-0']) {
      const { res } = await get(range);
      expect(res.status, range).toBe(416);
      expect(res.headers.get('content-range')).toBe(`bytes */${SIZE}`);
    }
    expect((await get('bytes=0-1,5-6')).res.status).toBe(200);
    expect((await get('items=0-1')).res.status).toBe(200);
    const ranged = sim.ledger.downloads.filter((d) => d.range === 'bytes=10-5');
    expect(ranged).toEqual([expect.objectContaining({ httpStatus: 416, bytesSent: 0 })]);
  });

  it('answers HEAD with the headers only', async () => {
    const { res, bytes } = await get(undefined, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    expect(bytes.length).toBe(0);
  });

  it('needs no key and answers 404 for unknown outputs', async () => {
    const unknown = await fetch(`${sim.url}/outputs/not-a-job.mp4`);
    expect(unknown.status).toBe(404);
    await unknown.arrayBuffer();
  });

  it.skipIf(!hasFfprobe())('is a valid, playable mp4 once padded (ffprobe)', async () => {
    const { bytes } = await get();
    const dir = mkdtempSync(join(tmpdir(), 'sim-mp4-'));
    try {
      const file = join(dir, 'out.mp4');
      writeFileSync(file, bytes);
      const probe = execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-show_entries',
          'stream=codec_name,width,height:format=duration',
          '-of',
          'json',
          file,
        ],
        { encoding: 'utf8' },
      );
      const info = JSON.parse(probe);
      expect(info.streams[0]).toMatchObject({ codec_name: 'h264', width: 160, height: 90 });
      expect(Number(info.format.duration)).toBeCloseTo(1, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('streams a 256 MB output in chunks and hashes it right', async () => {
    const clock = manualClock();
    const big = await startSimulator({
      clock,
      seed: 5,
      generationMs: () => 1_000,
      outputBytes: 256 * 1024 * 1024,
    });
    try {
      const sub = await call(submitUrl(big.url), { body: validBody() });
      clock.advance(10_000);
      const res = await fetch(`${big.url}/outputs/${sub.body.request_id}.mp4`);
      expect(res.headers.get('content-length')).toBe(String(256 * 1024 * 1024));
      const hash = createHash('sha256');
      let received = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        received += chunk.length;
      }
      expect(received).toBe(256 * 1024 * 1024);
      expect(hash.digest('hex')).toBe(big.ledger.jobs.get(sub.body.request_id)?.outputSha256);
    } finally {
      await big.close();
    }
  });
});

describe('output layout', () => {
  it('never produces chunks over 64 KiB and covers any range exactly', () => {
    const layout = outputLayout(300_000);
    const whole = outputBuffer(layout, 'abc');
    expect(whole.length).toBe(300_000);
    for (const [start, end] of [
      [0, 299_999],
      [5_000, 7_000],
      [SAMPLE_MP4.length - 3, SAMPLE_MP4.length + 20],
      [299_900, 299_999],
    ] as const) {
      const chunks = [...outputChunks(layout, 'abc', start, end)];
      expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(64 * 1024);
      expect(Buffer.concat(chunks).equals(whole.subarray(start, end + 1))).toBe(true);
    }
  });

  it('hashes without materializing, the same as hashing the bytes', () => {
    const layout = outputLayout(200_000);
    const hasher = new OutputHasher();
    for (const id of ['a', 'b'])
      expect(hasher.sha256(layout, id)).toBe(
        createHash('sha256').update(outputBuffer(layout, id)).digest('hex'),
      );
  });

  it('uses a 64-bit free box past 4 GiB and the minimum size for tiny requests', () => {
    const huge = outputLayout(5 * 1024 ** 3);
    expect(huge.size).toBe(5 * 1024 ** 3);
    expect(huge.freeHeader.readUInt32BE(0)).toBe(1);
    expect(huge.freeHeader.toString('latin1', 4, 8)).toBe('free');
    expect(Number(huge.freeHeader.readBigUInt64BE(8))).toBe(huge.size - SAMPLE_MP4.length);
    const tiny = outputLayout(10);
    expect(tiny.size).toBeGreaterThan(SAMPLE_MP4.length);
    expect(tiny.freeHeader.readUInt32BE(0)).toBe(tiny.size - SAMPLE_MP4.length);
  });
});
