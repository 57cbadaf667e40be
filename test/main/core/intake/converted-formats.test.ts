// TIFF and GIF: Kling does not take them, but the app re-encodes images on the way anyway, so
// they are accepted, noted as converted, and sent as JPEG (the first page or frame); by URL,
// where the file goes as it is, they are refused with what to do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReason } from '@common/reasons';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createIntake, materializeRequest } from '../../../../main/core/intake';
import { DEFAULT_SETTINGS } from '../../../../main/core/domain';
import { makeTempDir } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('sm-converted-'));
  await mkdir(join(dir, 'in'), { recursive: true });
  const picture = (background: string) =>
    sharp({ create: { width: 640, height: 480, channels: 3, background } });
  await writeFile(join(dir, 'in', 'scan.tif'), await picture('#336699').tiff().toBuffer());
  await writeFile(join(dir, 'in', 'loop.gif'), await picture('#993366').gif().toBuffer());
});
afterAll(() => cleanup());

const intake = createIntake({ findDone: () => null });

describe('TIFF and GIF are converted, not refused', () => {
  it('accepts them with a note and sends each as a JPEG of its displayed size', async () => {
    const scan = await intake.scan([join(dir, 'in')]);
    expect(scan.rejected).toEqual([]);
    expect(scan.images.map((i) => [i.relativePath, i.format, i.fit && formatReason(i.fit.why)])).toEqual([
      ['loop.gif', 'gif', 'converted from GIF (which Kling does not take) to JPEG when sent'],
      ['scan.tif', 'tiff', 'converted from TIFF (which Kling does not take) to JPEG when sent'],
    ]);
    const plan = intake.plan(scan, { ...DEFAULT_SETTINGS, outputDir: join(dir, 'videos') });
    expect(plan.rejected).toBe(0);
    for (const item of plan.items) {
      const sent = await materializeRequest(item.request, { imageHash: item.imageHash });
      const uri = sent.start_image_url as string;
      expect(uri.startsWith('data:image/jpeg;base64,'), item.relativePath).toBe(true);
      const meta = await sharp(Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64')).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 640, 480]);
    }
  });

  it('refuses them by URL, where the file is sent as it is', async () => {
    const scan = await intake.scan([join(dir, 'in')]);
    const plan = intake.plan(scan, {
      ...DEFAULT_SETTINGS,
      outputDir: join(dir, 'videos'),
      urlPrefix: 'https://cdn.example.com/shoot/',
    });
    expect(plan.items.map((i) => i.verdict?.message)).toEqual([
      expect.stringMatching(/^GIF image, which Kling does not take.*Clear the URL prefix/),
      expect.stringMatching(/^TIFF image, which Kling does not take.*Clear the URL prefix/),
    ]);
  });
});
