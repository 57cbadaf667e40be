// End frames paired by file name (shot.end.jpg, shot_end.jpg, end/shot.jpg), shown as pairs by
// the scan, sent only to models with an end-frame field, refused with both shapes when they
// differ; and the loop switch (end frame = start frame).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createIntake } from '../../../../main/core/intake';
import { DEFAULT_SETTINGS } from '../../../../main/core/domain';
import type { BatchSettings, PlannedItem } from '../../../../main/core/domain';
import type { ScanResult } from '../../../../main/core/core-api';
import { batchSettingsSchema } from '@common/contract';
import { formatReason } from '@common/reasons';
import { makeTempDir, writeJpeg, writePng, writeText } from './fixtures';

const PRO = 'kling/kling-3.0/pro/image-to-video';
let base: string;
let cleanup: () => Promise<void>;
const intake = createIntake({ findDone: () => null });
const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  ...DEFAULT_SETTINGS,
  outputDir: '/videos',
  ...over,
});
const byPath = (items: PlannedItem[]) => Object.fromEntries(items.map((i) => [i.relativePath, i]));

let root: string;
let scan: ScanResult;
beforeAll(async () => {
  ({ dir: base, cleanup } = await makeTempDir('sm-end-'));
  root = join(base, 'pairs');
  // All 4:3 and of different sizes, so no two are the same picture.
  await writeJpeg(join(root, 'x.jpg'), 640, 480);
  await writeJpeg(join(root, 'x.end.jpg'), 800, 600);
  await writeJpeg(join(root, 'y.jpg'), 400, 300);
  await writePng(join(root, 'y_END.png'), 480, 360);
  await writeJpeg(join(root, 'z.jpg'), 1024, 768);
  await writeJpeg(join(root, 'end', 'z.jpg'), 960, 720);
  await writeJpeg(join(root, 'lonely.end.jpg'), 1200, 900);
  await writeJpeg(join(root, 'wide.jpg'), 1280, 720);
  await writeJpeg(join(root, 'wide.end.jpg'), 1000, 1000);
  scan = await intake.scan([root]);
});
afterAll(() => cleanup());

describe('end frames paired by name', () => {
  it('pairs shot.end, shot_end (any case, any format) and end/shot with their start; a lone one stays a start image', () => {
    expect(scan.endFramePairs).toEqual([
      { start: 'wide.jpg', end: 'wide.end.jpg' },
      { start: 'x.jpg', end: 'x.end.jpg' },
      { start: 'y.jpg', end: 'y_END.png' },
      { start: 'z.jpg', end: 'end/z.jpg' },
    ]);
    expect(scan.images.map((i) => i.relativePath).sort()).toEqual([
      'lonely.end.jpg',
      'wide.jpg',
      'x.jpg',
      'y.jpg',
      'z.jpg',
    ]);
  });

  it('sends each pair to a model with an end-frame field, the end image part of the fingerprint', async () => {
    const plan = intake.plan(scan, settings({ modelId: PRO }));
    const items = byPath(plan.items);
    expect(items['x.jpg']!.verdict).toBeNull();
    expect(items['x.jpg']!.request.end_image_url).toBe(`image-ref:${join(root, 'x.end.jpg')}`);
    expect(items['z.jpg']!.request.end_image_url).toBe(`image-ref:${join(root, 'end', 'z.jpg')}`);
    expect(items['lonely.end.jpg']!.request.end_image_url).toBeUndefined();
    // Another end picture, another fingerprint: "already generated" tells pairs apart.
    const other = join(base, 'other');
    await writeJpeg(join(other, 'x.jpg'), 640, 480);
    await writeJpeg(join(other, 'x.end.jpg'), 400, 300);
    const otherPlan = intake.plan(await intake.scan([other]), settings({ modelId: PRO }));
    expect(otherPlan.items[0]!.imageHash).toBe(items['x.jpg']!.imageHash);
    expect(otherPlan.items[0]!.requestFingerprint).not.toBe(items['x.jpg']!.requestFingerprint);
  });

  it('names both shapes when the end frame is not the shape of its start', () => {
    const wide = byPath(intake.plan(scan, settings({ modelId: PRO })).items)['wide.jpg']!;
    expect(wide.verdict).toEqual({
      state: 'rejected',
      code: 'end_image_shape_mismatch',
      message:
        'The end frame wide.end.jpg is 1000x1000 (1.00:1) and its start image wide.jpg is 1280x720 (1.78:1); ' +
        "a video has one shape, so crop the end frame to the start's 1.78:1",
    });
  });

  it('sends the start image alone to a model without an end-frame field, with a note naming models that have one', () => {
    const plan = intake.plan(scan, settings());
    const x = byPath(plan.items)['x.jpg']!;
    expect(x.verdict).toBeNull();
    expect(x.request.start_image_url).toBe(`image-ref:${join(root, 'x.jpg')}`);
    expect(Object.keys(x.request).filter((k) => k.includes('end'))).toEqual([]);
    const note = x.notes.map((n) => (typeof n === 'string' ? n : formatReason(n))).join('\n');
    expect(note).toMatch(
      /^x\.end\.jpg \(the end frame of x\.jpg, paired by its name\) is not sent: Kling 3\.0 Standard has no end-frame field, so the video starts on x\.jpg alone\. To end on it, choose a model that has one \(Kling 3\.0 Pro, .*\)$/,
    );
    // Every paired start is sent (wide.jpg too: with no end frame there is no shape to disagree).
    expect(plan.toSend).toBe(5);
  });

  it('takes other suffixes when told (--end-suffix)', async () => {
    const dir = join(base, 'suffix');
    await writeJpeg(join(dir, 'a.jpg'), 640, 480);
    await writeJpeg(join(dir, 'a-last.jpg'), 800, 600);
    const custom = createIntake({ findDone: () => null, scan: { endSuffixes: ['-last'] } });
    expect((await custom.scan([dir])).endFramePairs).toEqual([{ start: 'a.jpg', end: 'a-last.jpg' }]);
    expect((await intake.scan([dir])).endFramePairs).toBeUndefined();
  });

  it('leaves a prompts.csv end_image cell in charge of its row', async () => {
    const dir = join(base, 'csv');
    await writeJpeg(join(dir, 'a.jpg'), 640, 480);
    await writeJpeg(join(dir, 'a.end.jpg'), 800, 600);
    await writeJpeg(join(dir, 'b.jpg'), 400, 300);
    await writeText(join(dir, 'prompts.csv'), 'file,end_image\na.jpg,b.jpg\n');
    const result = await intake.scan([dir]);
    const a = result.images.find((i) => i.relativePath === 'a.jpg')!;
    expect(a.endImage).toMatchObject({ ok: true, sourcePath: join(dir, 'b.jpg') });
    // a.end.jpg found no start to end, so it is a start image of its own.
    expect(result.images.map((i) => i.relativePath).sort()).toEqual(['a.end.jpg', 'a.jpg']);
  });
});

describe('loop', () => {
  it('ends each video on its own start image, for models with an end frame', () => {
    const plan = intake.plan(scan, settings({ modelId: PRO, loop: true }));
    const lonely = byPath(plan.items)['lonely.end.jpg']!;
    expect(lonely.verdict).toBeNull();
    expect(lonely.request.end_image_url).toBe(lonely.request.start_image_url);
    // A paired end frame is the more specific choice.
    expect(byPath(plan.items)['x.jpg']!.request.end_image_url).toBe(`image-ref:${join(root, 'x.end.jpg')}`);
    expect(batchSettingsSchema.parse(settings({ loop: true })).loop).toBe(true);
  });

  it('is a settings problem for a model without one, in words', () => {
    const plan = intake.plan(scan, settings({ loop: true }));
    expect(plan.problems).toContainEqual({
      code: 'invalid_setting',
      message:
        'Kling 3.0 Standard has no end-frame field, so a loop (each video ending on its start image) cannot be made; ' +
        'turn loop off or choose a model with an end frame',
      file: null,
      row: null,
      field: 'loop',
    });
    expect(plan.toSend).toBe(0);
  });
});
