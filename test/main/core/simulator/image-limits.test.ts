import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../../main/core/simulator/index';
import type { SimulatorHandle } from '../../../../main/core/simulator/index';
import { imageSize, upstreamImageProblem } from '../../../../main/core/simulator/image-info';
import { bmp1x1, call, dataUri, manualClock, submitUrl, validBody } from './helpers';
import type { ManualClock } from './helpers';

/** A real encoded image of the given size and format, made by sharp. */
function image(width: number, height: number, format: 'png' | 'jpeg' | 'webp', lossless = false) {
  const pipeline = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } });
  if (format === 'png') return pipeline.png().toBuffer();
  if (format === 'jpeg') return pipeline.jpeg({ quality: 60 }).toBuffer();
  return pipeline.webp({ lossless }).toBuffer();
}

describe('image headers', () => {
  it('reads the pixel size of png, jpg, webp (lossy and lossless) and bmp', async () => {
    expect(imageSize(await image(321, 123, 'png'))).toEqual({ width: 321, height: 123 });
    expect(imageSize(await image(640, 360, 'jpeg'))).toEqual({ width: 640, height: 360 });
    expect(imageSize(await image(500, 301, 'webp'))).toEqual({ width: 500, height: 301 });
    expect(imageSize(await image(777, 333, 'webp', true))).toEqual({ width: 777, height: 333 });
    expect(imageSize(bmp1x1())).toEqual({ width: 1, height: 1 });
    expect(imageSize(Buffer.from('not an image'))).toBeNull();
  });

  it('names the broken limit and the fix', async () => {
    expect(upstreamImageProblem(await image(640, 360, 'jpeg'))).toBeNull();
    expect(upstreamImageProblem(await image(200, 400, 'png'))).toMatch(/200x400 px.*at least 300 px.*larger/);
    expect(upstreamImageProblem(await image(1200, 400, 'jpeg'))).toMatch(/aspect 3\.00:1.*Crop/);
    expect(upstreamImageProblem(Buffer.alloc(11 * 1024 * 1024))).toMatch(/11\.0 MB.*10 MB/);
  });
});

describe('upstreamImageLimits option', () => {
  let sim: SimulatorHandle;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = manualClock();
    sim = await startSimulator({
      clock,
      seed: 4,
      generationMs: () => 10_000,
      upstreamImageLimits: true,
      variants: { errorShape: 'object' },
    });
  });
  afterAll(() => sim.close());

  it('fails a job whose start image breaks the limits at pick-up, unbilled, and runs the others', async () => {
    const small = await call(submitUrl(sim.url), {
      body: validBody({ start_image_url: dataUri(await image(120, 90, 'png')) }),
    });
    const fine = await call(submitUrl(sim.url), {
      body: validBody({ start_image_url: dataUri(await image(640, 360, 'jpeg'), 'image/jpeg') }),
    });
    // URLs are not fetched, so they cannot be checked.
    const url = await call(submitUrl(sim.url), {
      body: validBody({ start_image_url: 'https://e.com/tiny.png' }),
    });
    expect([small.status, fine.status, url.status]).toEqual([200, 200, 200]);
    clock.advance(20_000);
    const result = await call(`${small.body.result_url}?include_cost=true`);
    expect(result.body).toMatchObject({ status: 'failed', cost: 0 });
    expect(result.body.error).toMatchObject({
      code: 'INPUT_REJECTED',
      message: expect.stringMatching(/120x90/),
    });
    expect((await call(fine.body.result_url)).body.status).toBe('succeeded');
    expect((await call(url.body.result_url)).body.status).toBe('succeeded');
    expect(sim.ledger.charges.map((c) => c.requestId).sort()).toEqual(
      [fine.body.request_id, url.body.request_id].sort(),
    );
    expect(sim.ledger.jobs.get(small.body.request_id)).toMatchObject({ status: 'failed', startedAt: null });
  });
});
