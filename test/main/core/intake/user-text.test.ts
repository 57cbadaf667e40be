// The image placeholders of a planned request are never in-band in what the user wrote: a
// caption, a prompts.csv cell or a `--set` value that begins with "image-ref:" is a prompt like
// any other (it used to break the whole preview with an internal error, and could have made the
// app read and send the file it names). And a sidecar names a fitted image by its file.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../../../../main/core/catalog/catalog';
import type { BatchRecord, ItemRecord } from '../../../../main/core/db/rows';
import { DEFAULT_SETTINGS, type BatchSettings, type PlannedItem } from '../../../../main/core/domain';
import { buildSidecar } from '../../../../main/core/engine/sidecar';
import { createIntake, materializeRequest } from '../../../../main/core/intake';
import { previewItem } from '../../../../main/core/intake/plan';
import { hashFile } from '../../../../main/core/util/hash-file';
import { makeTempDir, writeJpeg, writeNoisePng } from './fixtures';

let dir: string;
let root: string;
let secret: string;
let cleanup: () => Promise<void>;
const intake = createIntake({ findDone: () => null });
const kling = createCatalog().get('kling/kling-3.0/pro/image-to-video');
const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  ...DEFAULT_SETTINGS,
  modelId: kling.id,
  outputDir: '/videos',
  ...over,
});

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('sm-user-text-'));
  root = join(dir, 'drop');
  secret = join(dir, 'private', 'passport.png');
  await writeNoisePng(secret, 400, 400);
  await writeJpeg(join(root, 'photo.jpg'), 640, 480);
  await writeFile(join(root, 'photo.txt'), `image-ref:${secret}`);
  await writeJpeg(join(root, 'wide.jpg'), 1600, 480); // 3.3:1, cropped to fit Kling's 2.5:1
  await writeJpeg(join(root, 'row.jpg'), 640, 480);
  await writeFile(
    join(root, 'prompts.csv'),
    `file,prompt,negative_prompt\nrow.jpg,image-ref:${secret},\u0000image-ref:x\n`,
  );
});
afterAll(() => cleanup());

const byName = (items: PlannedItem[], name: string) => items.find((i) => i.relativePath === name)!;

describe('text that looks like an image placeholder', () => {
  it('is planned, previewed and sent as the text it is, and nothing it names is read', async () => {
    const scan = await intake.scan([root]);
    const plan = intake.plan(scan, settings({ promptTemplate: '{caption|plain}', modelInputs: {} }));
    expect(plan.problems).toEqual([]);
    const photo = byName(plan.items, 'photo.jpg');
    const row = byName(plan.items, 'row.jpg');
    expect(photo.verdict).toBeNull();
    expect(row.verdict).toBeNull();
    expect(photo.renderedPrompt).toBe(`image-ref:${secret}`);
    expect(previewItem(row, 0, settings(), kling).settings.negativePrompt).toBe('\u0000image-ref:x');

    const sent = await materializeRequest(photo.request, { imageHash: photo.imageHash });
    expect(sent.prompt).toBe(`image-ref:${secret}`);
    const rowSent = await materializeRequest(row.request, { imageHash: row.imageHash });
    expect(rowSent).toMatchObject({ prompt: `image-ref:${secret}`, negative_prompt: '\u0000image-ref:x' });
    // One image in each body, the start image: the file the text names was not read.
    for (const body of [sent, rowSent]) expect(JSON.stringify(body).match(/data:image\//g)).toHaveLength(1);
  });
});

describe('the sidecar of a fitted image', () => {
  it('names the image file and its hash, not the placeholder', async () => {
    const scan = await intake.scan([join(root, 'wide.jpg')]);
    const wide = intake.plan(scan, settings({ fit: 'crop' })).items[0]!;
    expect(String(wide.request.start_image_url)).toMatch(/^image-ref:fit:crop:/);
    const sidecar = await buildSidecar(
      { ...wide, id: 1, createdAt: 0, submittedAt: null, finishedAt: null } as unknown as ItemRecord,
      { id: 1, name: 'b', settings: settings() } as unknown as BatchRecord,
    );
    expect(sidecar.request.start_image_url).toEqual({
      image: { path: join(root, 'wide.jpg'), sha256: await hashFile(join(root, 'wide.jpg')) },
    });
  });
});
