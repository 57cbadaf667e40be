// EXIF orientation: a phone photo is stored as the sensor saw it and carries a tag that says how
// to turn it. Every size, ratio and fit decision must use the picture as displayed, and what is
// sent must be that picture, upright: a 900x300 JPEG tagged as portrait is a 300x900 portrait,
// cropped to 300x750, never a 750x300 band cut across it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReason } from '@common/reasons';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createIntake, materializeRequest } from '../../../../main/core/intake';
import { DEFAULT_SETTINGS } from '../../../../main/core/domain';
import type { BatchSettings } from '../../../../main/core/domain';
import { parseImageRef } from '../../../../main/core/intake/fit';
import { bufferByteSource, probeFile, probeImage } from '../../../../main/core/intake/probe';
import { makeTempDir } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('sm-orientation-')));
afterAll(() => cleanup());

const ORIENTATIONS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
/** Orientations 5 to 8 turn the picture a quarter (EXIF 2.3). */
const turnsQuarter = (o: number) => o >= 5;

/**
 * A picture stored `width` x `height` with a red square in its stored top-left corner, tagged
 * with `orientation`, in `format`.
 */
async function tagged(
  format: 'jpeg' | 'png' | 'webp' | 'tiff',
  width: number,
  height: number,
  orientation: number,
): Promise<Buffer> {
  const side = Math.round(Math.min(width, height) / 3);
  const red = await sharp({ create: { width: side, height: side, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  const image = sharp({ create: { width, height, channels: 3, background: '#2040a0' } })
    .composite([{ input: red, left: 0, top: 0 }])
    .withMetadata({ orientation });
  return image[format]().toBuffer();
}

/** Where the red corner is seen once the picture is displayed (turned as its tag says). */
async function redCorner(bytes: Buffer): Promise<string> {
  const { data, info } = await sharp(bytes).rotate().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => data[(y * info.width + x) * info.channels]! > 200;
  const corners: Record<string, [number, number]> = {
    'top-left': [2, 2],
    'top-right': [info.width - 3, 2],
    'bottom-left': [2, info.height - 3],
    'bottom-right': [info.width - 3, info.height - 3],
  };
  return Object.entries(corners).find(([, [x, y]]) => at(x, y))?.[0] ?? 'none';
}

describe('the probe reads the EXIF orientation and answers the displayed size', () => {
  for (const format of ['jpeg', 'png', 'webp', 'tiff'] as const)
    it(`${format}: each of the 8 orientations`, async () => {
      for (const orientation of ORIENTATIONS) {
        const bytes = await tagged(format, 450, 300, orientation);
        const probe = await probeImage(bufferByteSource(bytes));
        const displayed = turnsQuarter(orientation) ? [300, 450] : [450, 300];
        expect(probe, `orientation ${orientation}`).toMatchObject({
          ok: true,
          format,
          width: displayed[0],
          height: displayed[1],
          orientation,
        });
      }
    });

  it('an image without the tag is as stored (orientation 1)', async () => {
    const plain = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#fff' } })
      .jpeg()
      .toBuffer();
    expect(await probeImage(bufferByteSource(plain))).toMatchObject({
      width: 40,
      height: 30,
      orientation: 1,
    });
  });
});

describe('the plan and the request use the displayed picture', () => {
  const intake = createIntake({ findDone: () => null });
  const settings = (): BatchSettings => ({ ...DEFAULT_SETTINGS, outputDir: join(dir, 'videos') });

  it('a 900x300 JPEG in each orientation: cropped along its displayed long side, sent upright', async () => {
    const folder = join(dir, 'wide');
    // Written as they are (sharp would apply or drop the tag on the way).
    await mkdir(folder, { recursive: true });
    for (const orientation of ORIENTATIONS)
      await writeFile(join(folder, `o${orientation}.jpg`), await tagged('jpeg', 900, 300, orientation));
    const scan = await intake.scan([folder]);
    const plan = intake.plan(scan, settings());
    expect(plan.items.map((i) => i.verdict?.message ?? null)).toEqual(ORIENTATIONS.map(() => null));
    for (const orientation of ORIENTATIONS) {
      const item = plan.items.find((i) => i.relativePath === `o${orientation}.jpg`)!;
      const portrait = turnsQuarter(orientation);
      // Kling 3.0 takes 1:2.5 to 2.5:1: a 3:1 picture is cut to 2.5:1 along its displayed long side.
      const expected = portrait ? { width: 300, height: 750 } : { width: 750, height: 300 };
      expect(parseImageRef(item.request.start_image_url as string).fit, `orientation ${orientation}`).toEqual(
        {
          mode: 'crop',
          ...expected,
        },
      );
      const sent = await materializeRequest(item.request, { imageHash: item.imageHash });
      const uri = sent.start_image_url as string;
      const image = Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64');
      const meta = await sharp(image).metadata();
      expect({ width: meta.width, height: meta.height }, `orientation ${orientation}`).toEqual(expected);
      // Sent upright: no tag left for the other side to apply or ignore.
      expect(meta.orientation ?? 1).toBe(1);
      // The red corner is where a viewer of the original shows it: the crop takes 75 px off each
      // end of the displayed long side and the 100 px square keeps its corner.
      const shown = await redCorner(await tagged('jpeg', 900, 300, orientation));
      expect(await redCorner(image), `orientation ${orientation}`).toBe(shown);
    }
  });

  it('a turned photo inside the limits is sent upright, re-encoded, at its displayed size', async () => {
    const folder = join(dir, 'inside');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'phone.jpg'), await tagged('jpeg', 600, 400, 6));
    const probe = await probeFile(join(folder, 'phone.jpg'));
    expect(probe).toMatchObject({ width: 400, height: 600, orientation: 6 });
    const scan = await intake.scan([folder]);
    expect(scan.images[0]).toMatchObject({ width: 400, height: 600 });
    expect(formatReason(scan.images[0]!.fit!.why)).toMatch(
      /turned upright as its EXIF orientation \(6\) says/,
    );
    const plan = intake.plan(scan, settings());
    const item = plan.items[0]!;
    const sent = await materializeRequest(item.request, { imageHash: item.imageHash });
    const uri = sent.start_image_url as string;
    expect(uri.startsWith('data:image/jpeg;base64,')).toBe(true);
    const meta = await sharp(Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64')).metadata();
    expect({ width: meta.width, height: meta.height, orientation: meta.orientation ?? 1 }).toEqual({
      width: 400,
      height: 600,
      orientation: 1,
    });
  });
});
