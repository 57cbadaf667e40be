// Fit instead of refuse: images outside the model's aspect range or under its minimum side are
// centre-cropped or padded (blurred fill) and upscaled, deterministically, per the batch's fit mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReason } from '@common/reasons';
import { join } from 'node:path';
import sharp from 'sharp';
import { createIntake, materializeRequest } from '../../../../main/core/intake';
import { DEFAULT_SETTINGS, noteText } from '../../../../main/core/domain';
import type { BatchSettings, PlanNote } from '../../../../main/core/domain';
import type { ScanResult } from '../../../../main/core/core-api';
import { createCatalog } from '../../../../main/core/catalog/catalog';
import { decideFit, DEFAULT_FIT_MODE, MAX_UPSCALE, parseImageRef } from '../../../../main/core/intake/fit';
import { FIT_LONG_SIDE } from '../../../../main/core/intake/limits';
import { applyFit } from '../../../../main/core/intake/fit-apply';
import { batchSettingsSchema } from '@common/contract';
import { makeTempDir, writeJpeg, writeNoisePng } from './fixtures';

let root: string;
let cleanup: () => Promise<void>;
let scan: ScanResult;
const intake = createIntake({ findDone: () => null });
const pro = createCatalog().get('kling/kling-3.0/pro/image-to-video');
const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  ...DEFAULT_SETTINGS,
  modelId: pro.id,
  outputDir: '/videos',
  ...over,
});

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('sm-fit-'));
  await writeNoisePng(join(root, 'banner.png'), 900, 300); // 3:1, outside 2.5:1
  await writeNoisePng(join(root, 'tiny.png'), 200, 150); // under 300 px
  await writeNoisePng(join(root, 'fine.png'), 640, 480);
  scan = await intake.scan([root]);
});
afterAll(() => cleanup());

const byName = (plan: ReturnType<typeof intake.plan>, name: string) =>
  plan.items.find((i) => i.relativePath === name)!;

describe('decideFit', () => {
  const limits = pro.limits!;
  it('always lands inside the limits, for crop and pad, across many sizes', () => {
    for (let w = 40; w <= 4000; w += 173)
      for (let h = 40; h <= 4000; h += 191)
        for (const mode of ['crop', 'pad'] as const) {
          const d = decideFit(w, h, limits, mode);
          if (d.kind === 'as-is') continue;
          // Only what would be enlarged more than MAX_UPSCALE is refused; everything else fits.
          if (d.kind === 'too-small') {
            expect(d.factor).toBeGreaterThan(MAX_UPSCALE);
            continue;
          }
          expect(d.kind).toBe('fit');
          if (d.kind !== 'fit') continue;
          const { width, height } = d.spec;
          expect(Math.min(width, height)).toBeGreaterThanOrEqual(limits.minImageSide!);
          expect(width / height).toBeGreaterThanOrEqual(limits.aspectRatio!.min - 1e-9);
          expect(width / height).toBeLessThanOrEqual(limits.aspectRatio!.max + 1e-9);
          // The shape sent keeps the picture's orientation: a tall picture stays tall.
          if (w / h < 1 - 1e-9) expect(width).toBeLessThanOrEqual(height);
          if (w / h > 1 + 1e-9) expect(width).toBeGreaterThanOrEqual(height);
          expect(Math.max(width, height)).toBeLessThanOrEqual(FIT_LONG_SIDE);
        }
  });
  it('crops a too-tall picture to the tallest shape allowed, never to a wide band across it', () => {
    // 1:3 is outside 1:2.5: keep the width, cut the height to 300 / 0.4 = 750.
    expect(decideFit(300, 900, limits, 'crop')).toMatchObject({
      kind: 'fit',
      spec: { mode: 'crop', width: 300, height: 750 },
      upscaled: false,
    });
    expect(decideFit(300, 900, limits, 'pad')).toMatchObject({
      spec: { mode: 'pad', width: 360, height: 900 },
    });
  });
  it('refuses a picture it would enlarge more than 2x, naming the smallest size taken', () => {
    // 64x64 would be enlarged 4.7x to reach 300 px: a blur paid for all the same.
    expect(decideFit(64, 64, limits, 'crop')).toEqual({ kind: 'too-small', factor: 300 / 64, floor: 150 });
    expect(decideFit(150, 150, limits, 'pad')).toMatchObject({ kind: 'fit', upscaled: true });
  });
  it('names the size sent: a frame over the long-side limit is fitted at that limit', () => {
    // 9600x2400 is 4:1; cropped to 2.5:1 it would be 6000x2400, sent at 3840x1536.
    expect(decideFit(9600, 2400, limits, 'crop')).toMatchObject({
      spec: { mode: 'crop', width: 3840, height: 1536 },
      upscaled: false,
    });
  });
  it('crops to the nearest allowed ratio, pads to it, refuses when asked to', () => {
    expect(decideFit(900, 300, limits, 'crop')).toMatchObject({
      spec: { mode: 'crop', width: 750, height: 300 },
    });
    expect(decideFit(900, 300, limits, 'pad')).toMatchObject({
      spec: { mode: 'pad', width: 900, height: 360 },
    });
    expect(decideFit(900, 300, limits, 'refuse')).toEqual({ kind: 'outside', what: 'shape' });
    expect(decideFit(640, 480, limits, 'crop')).toEqual({ kind: 'as-is' });
    expect(decideFit(200, 150, limits, 'crop')).toMatchObject({
      upscaled: true,
      spec: { width: 400, height: 300 },
    });
  });
  it('defaults to crop', () => expect(DEFAULT_FIT_MODE).toBe('crop'));
});

describe('the plan and the request under each fit mode', () => {
  it('refuse: the image outside the limits is rejected naming file, value and expectation', () => {
    const plan = intake.plan(scan, settings({ fit: 'refuse' }));
    expect(byName(plan, 'banner.png').verdict).toMatchObject({ state: 'rejected', code: 'bad_aspect_ratio' });
    expect(byName(plan, 'banner.png').verdict!.message).toMatch(
      /^its aspect ratio 3\.00:1 \(900x300\).*from 0\.4 to 2\.5.*crop or pad/,
    );
    expect(byName(plan, 'tiny.png').verdict).toMatchObject({ code: 'too_small' });
    expect(byName(plan, 'tiny.png').verdict!.message).toMatch(/200x150 px.*at least 300 px/);
    expect(byName(plan, 'fine.png').verdict).toBeNull();
  });

  it('crop and pad: sent fitted, with a note, and an upscale warns', () => {
    for (const fit of ['crop', 'pad'] as const) {
      const plan = intake.plan(scan, settings({ fit }));
      expect(plan.rejected).toBe(0);
      const banner = byName(plan, 'banner.png');
      expect(parseImageRef(banner.request.start_image_url as string).fit).toEqual(
        fit === 'crop' ? { mode: 'crop', width: 750, height: 300 } : { mode: 'pad', width: 900, height: 360 },
      );
      const words = (notes: PlanNote[], language?: 'zh-CN') =>
        notes.map((n) => noteText(n, language)).join(' ');
      expect(words(banner.notes)).toMatch(fit === 'crop' ? /centre-cropped/ : /padded with a blurred fill/);
      expect(words(byName(plan, 'tiny.png').notes)).toMatch(/upscaled \(Lanczos\).*may look soft/);
      // The window shows the same note in its language.
      expect(words(banner.notes, 'zh-CN')).toMatch(fit === 'crop' ? /^已居中裁剪：/ : /^已以模糊背景填充：/);
      expect(words(byName(plan, 'tiny.png').notes, 'zh-CN')).toMatch(/^已放大：200x150 → .*视频可能偏模糊/);
      // An image inside the limits is sent as it is and keeps its old fingerprint.
      expect(byName(plan, 'fine.png').request.start_image_url).toBe(`image-ref:${join(root, 'fine.png')}`);
    }
  });

  it('a panorama over the size limit gets one note, naming the size sent', async () => {
    const { dir, cleanup: remove } = await makeTempDir('sm-fit-pano-');
    try {
      await writeJpeg(join(dir, 'pano.jpg'), 4000, 800);
      await writeJpeg(join(dir, 'tiny.jpg'), 64, 64);
      const panoScan = await intake.scan([dir]);
      // The scan alone only knows it is over 3840 px; the plan crops it to 2000x800.
      expect(formatReason(panoScan.images.find((i) => i.relativePath === 'pano.jpg')!.fit!.why)).toMatch(
        /3840x768/,
      );
      const plan = intake.plan(panoScan, settings());
      const pano = byName(plan, 'pano.jpg');
      expect(pano.notes.map((n) => noteText(n))).toEqual([
        'centre-cropped from 4000x800 to 2000x800 (5.00:1 is outside what Kling 3.0 Pro accepts; sent as 2.50:1)',
      ]);
      // A 64 px icon would be enlarged 4.7x: refused in words, with the size that would do.
      const tiny = byName(plan, 'tiny.jpg');
      expect(tiny.verdict).toMatchObject({ state: 'rejected', code: 'too_small' });
      expect(tiny.verdict!.message).toMatch(/^too small: it is 64x64 px.*enlarge it 4\.7x.*at least 150 px/);
      expect(noteText(tiny.verdict!.reason!, 'zh-CN')).toMatch(/^图片太小：它是 64x64 像素/);
    } finally {
      await remove();
    }
  });

  it('the fit is part of the fingerprint; the same settings give the same fingerprint', () => {
    const crop = intake.plan(scan, settings({ fit: 'crop' }));
    const pad = intake.plan(scan, settings({ fit: 'pad' }));
    expect(byName(crop, 'banner.png').requestFingerprint).not.toBe(
      byName(pad, 'banner.png').requestFingerprint,
    );
    expect(byName(crop, 'fine.png').requestFingerprint).toBe(byName(pad, 'fine.png').requestFingerprint);
    expect(intake.plan(scan, settings({ fit: 'crop' })).items.map((i) => i.requestFingerprint)).toEqual(
      crop.items.map((i) => i.requestFingerprint),
    );
  });

  it('is stored with the batch settings (the contract carries it)', () => {
    expect(batchSettingsSchema.parse(settings({ fit: 'pad' })).fit).toBe('pad');
    expect(() => batchSettingsSchema.parse(settings({ fit: 'stretch' as 'pad' }))).toThrow();
  });

  it('materializes the fitted bytes: exactly the planned size, the same bytes every time', async () => {
    for (const fit of ['crop', 'pad'] as const) {
      const item = byName(intake.plan(scan, settings({ fit })), 'banner.png');
      const ctx = { imageHash: item.imageHash, requestFingerprint: item.requestFingerprint, modelId: pro.id };
      const first = await materializeRequest(item.request, ctx);
      const second = await materializeRequest(item.request, ctx);
      expect(second.start_image_url).toBe(first.start_image_url);
      const bytes = Buffer.from((first.start_image_url as string).split(',')[1]!, 'base64');
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height]).toEqual(fit === 'crop' ? [750, 300] : [900, 360]);
      expect(pro.validateInput({ ...item.request, start_image_url: first.start_image_url })).toEqual([]);
    }
  });
});

describe('applyFit', () => {
  it('crop keeps the centre; pad keeps the whole picture over a blurred fill', async () => {
    // Left third red, middle green, right third blue: a centre crop of 3:1 to 1:1 is all green.
    const stripes = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#ff0000' } })
      .composite([
        {
          input: { create: { width: 100, height: 100, channels: 3, background: '#00ff00' } },
          left: 100,
          top: 0,
        },
        {
          input: { create: { width: 100, height: 100, channels: 3, background: '#0000ff' } },
          left: 200,
          top: 0,
        },
      ])
      .png()
      .toBuffer();
    const crop = await sharp(await applyFit(stripes, { mode: 'crop', width: 100, height: 100 }))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const [r, g, b] = [crop.data[0]!, crop.data[1]!, crop.data[2]!];
    expect(g).toBeGreaterThan(200);
    expect(r + b).toBeLessThan(60);
    const pad = await sharp(await applyFit(stripes, { mode: 'pad', width: 300, height: 300 }))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([pad.info.width, pad.info.height]).toEqual([300, 300]);
    // The picture is whole in the middle band (red at its left edge)...
    const at = (x: number, y: number) => [...pad.data.subarray((y * 300 + x) * 3, (y * 300 + x) * 3 + 3)];
    expect(at(10, 150)[0]).toBeGreaterThan(200);
    // ...and the band above it is a blurred, darker fill, not white or black.
    const fill = at(150, 20);
    expect(Math.max(...fill)).toBeLessThan(230);
    expect(Math.max(...fill)).toBeGreaterThan(20);
  });
});
