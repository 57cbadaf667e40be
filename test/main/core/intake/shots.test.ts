// Multi-shot (`multi_prompt`): shots from the batch or a prompts.csv `shots` column, each a
// template; durations must add up to the video's; never together with an end frame.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createIntake } from '../../../../main/core/intake';
import { createCatalog } from '../../../../main/core/catalog';
import { DEFAULT_SETTINGS } from '../../../../main/core/domain';
import type { BatchSettings, PlannedItem } from '../../../../main/core/domain';
import type { ScanResult } from '../../../../main/core/core-api';
import { parseShots, shotsProblem } from '../../../../main/core/intake/shots';
import { makeTempDir, writeJpeg, writeText } from './fixtures';

const PRO = 'kling/kling-3.0/pro/image-to-video';
let base: string;
let cleanup: () => Promise<void>;
let scan: ScanResult;
let plainScan: ScanResult;
const intake = createIntake({ findDone: () => null });
const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  ...DEFAULT_SETTINGS,
  outputDir: '/videos',
  ...over,
});
const byPath = (items: PlannedItem[]) => Object.fromEntries(items.map((i) => [i.relativePath, i]));

beforeAll(async () => {
  ({ dir: base, cleanup } = await makeTempDir('sm-shots-'));
  const dir = join(base, 'csv');
  await writeJpeg(join(dir, 'a.jpg'), 640, 480);
  await writeJpeg(join(dir, 'b.jpg'), 800, 600);
  await writeJpeg(join(dir, 'c.jpg'), 400, 300);
  await writeJpeg(join(dir, 'c.end.jpg'), 480, 360);
  await writeText(
    join(dir, 'prompts.csv'),
    [
      'file,shots,duration',
      'a.jpg,"4s: wide on {name} | 6s: close, {caption|no caption}",10',
      'b.jpg,"3s: one | 3s: two",',
      'c.jpg,"5s: only",',
    ].join('\n'),
  );
  scan = await intake.scan([dir]);
  await writeJpeg(join(base, 'plain', 'x.jpg'), 640, 480);
  plainScan = await intake.scan([join(base, 'plain')]);
});
afterAll(() => cleanup());

describe('parseShots', () => {
  it('reads "3s: ... | 2s: ...", keeping the bar inside {caption|default}', () => {
    expect(parseShots('3s: pan over {caption|the sea} | 2 s : close', 'x')).toEqual([
      { duration: 3, prompt: 'pan over {caption|the sea}' },
      { duration: 2, prompt: 'close' },
    ]);
    expect(() => parseShots('3s: a | soon: b', '--shots')).toThrow(
      '--shots: shot 2 "soon: b" must be "<seconds>s: <prompt>", e.g. "3s: a slow pan over {name} | 2s: close on the sign"',
    );
  });

  it('words a sum that is not the duration, with both numbers', () => {
    const model = createCatalog().get(DEFAULT_SETTINGS.modelId);
    expect(shotsProblem(parseShots('3s: a | 3s: b', 'x'), 5, model)).toBe(
      'the shots add up to 6 s (3 s + 3 s) but the video is 5 s; make them add up to 5 s or set the duration to 6',
    );
    expect(shotsProblem(parseShots('3s: a | 2s: b', 'x'), 5, model)).toMatch(
      /^shot 2 is 2 s; each shot of Kling 3\.0 Standard lasts 3 to 15 seconds/,
    );
  });
});

describe('plan with shots', () => {
  it('sends multi_prompt rendered per image from the shots column, checked against the row duration', () => {
    const items = byPath(intake.plan(scan, settings()).items);
    expect(items['a.jpg']!.verdict).toBeNull();
    expect(items['a.jpg']!.request.multi_prompt).toEqual([
      { prompt: 'wide on a', duration: 4 },
      { prompt: 'close, no caption', duration: 6 },
    ]);
    expect(items['a.jpg']!.request.duration).toBe(10);
    // b: 3 + 3 = 6, but the batch's duration is 5.
    expect(items['b.jpg']!.verdict).toMatchObject({
      state: 'rejected',
      code: 'bad_shots',
      message:
        'Shots for b.jpg: the shots add up to 6 s (3 s + 3 s) but the video is 5 s; make them add up to 5 s or set ' +
        'the duration to 6 (prompts.csv, row 3, column shots)',
    });
  });

  it('refuses shots together with an end frame, saying both', () => {
    const c = byPath(intake.plan(scan, settings({ modelId: PRO })).items)['c.jpg']!;
    expect(c.verdict).toMatchObject({
      state: 'rejected',
      code: 'shots_with_end_frame',
      message:
        'c.jpg has an end frame and shots; a multi-shot video has no end frame (RunComfy refuses the two together): ' +
        'remove the shots or the end frame',
    });
  });

  it('takes batch shots, and refuses batch shots that do not add up as a settings problem on the shots field', () => {
    const plain = { plan: (s: BatchSettings) => intake.plan(plainScan, s) };
    const ok = plain.plan(
      settings({
        duration: 6,
        shots: [
          { prompt: '{name} wide', duration: 3 },
          { prompt: 'close', duration: 3 },
        ],
      }),
    );
    expect(ok.items[0]!.request.multi_prompt).toEqual([
      { prompt: 'x wide', duration: 3 },
      { prompt: 'close', duration: 3 },
    ]);
    const bad = plain.plan(
      settings({
        shots: [
          { prompt: 'a', duration: 3 },
          { prompt: 'b', duration: 3 },
        ],
      }),
    );
    expect(bad.problems).toContainEqual(
      expect.objectContaining({
        field: 'shots',
        message: expect.stringMatching(/^Shots: the shots add up to 6 s/),
      }),
    );
    expect(bad.toSend).toBe(0);
  });
});

describe('shots sidecar (photo.shots.txt)', () => {
  it('reads a shot a line (or the "|" form) next to the image; a prompts.csv shots cell wins; a bad one is named', async () => {
    const dir = join(base, 'sidecar');
    await writeJpeg(join(dir, 'harbour.jpg'), 640, 480);
    await writeText(join(dir, 'harbour.shots.txt'), '3s: wide on {name}\r\n\r\n3s: close on the boats\r\n');
    await writeJpeg(join(dir, 'tower.jpg'), 480, 640);
    await writeText(join(dir, 'tower.jpg.shots.txt'), '3s: tilt up | 3s: the clock');
    await writeJpeg(join(dir, 'csv-wins.jpg'), 640, 480);
    await writeText(join(dir, 'csv-wins.shots.txt'), '6s: from the sidecar');
    await writeJpeg(join(dir, 'bad.jpg'), 640, 480);
    await writeText(join(dir, 'bad.shots.txt'), '3s: one\nlater: two');
    await writeJpeg(join(dir, 'short.jpg'), 640, 480);
    await writeText(join(dir, 'short.shots.txt'), '3s: one\n4s: two');
    await writeText(join(dir, 'prompts.csv'), 'file,shots\ncsv-wins.jpg,"3s: from the csv | 3s: too"\n');
    const sidecarScan = await intake.scan([dir]);
    // The sidecars are no images and no captions.
    expect(sidecarScan.images.map((i) => [i.relativePath, i.caption])).toEqual([
      ['bad.jpg', null],
      ['csv-wins.jpg', null],
      ['harbour.jpg', null],
      ['short.jpg', null],
      ['tower.jpg', null],
    ]);
    const items = byPath(intake.plan(sidecarScan, settings({ modelId: PRO, duration: 6 }), {}).items);
    expect(items['harbour.jpg']!.verdict).toBeNull();
    expect(items['harbour.jpg']!.request.multi_prompt).toEqual([
      { prompt: 'wide on harbour', duration: 3 },
      { prompt: 'close on the boats', duration: 3 },
    ]);
    expect(items['tower.jpg']!.request.multi_prompt).toEqual([
      { prompt: 'tilt up', duration: 3 },
      { prompt: 'the clock', duration: 3 },
    ]);
    expect(items['csv-wins.jpg']!.request.multi_prompt).toEqual([
      { prompt: 'from the csv', duration: 3 },
      { prompt: 'too', duration: 3 },
    ]);
    expect(items['bad.jpg']!.verdict).toMatchObject({
      state: 'rejected',
      code: 'bad_shots_file',
      message:
        'bad.shots.txt: shot 2 "later: two" must be "<seconds>s: <prompt>", e.g. "3s: a slow pan over {name} | 2s: close on the sign"',
    });
    expect(items['short.jpg']!.verdict).toMatchObject({
      code: 'bad_shots',
      message: expect.stringMatching(/^Shots for short\.jpg: .*7 s.*6 s.* \(short\.shots\.txt\)$/),
    });
  });
});
