// Takes: N videos per image, each its own item with its own fingerprint and output name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createIntake, materializeRequest } from '../../../../main/core/intake';
import { DEFAULT_SETTINGS } from '../../../../main/core/domain';
import type { BatchSettings } from '../../../../main/core/domain';
import type { ScanResult } from '../../../../main/core/core-api';
import { nameTemplateForTakes, takeFingerprint } from '../../../../main/core/intake/takes';
import { batchSettingsSchema, previewItemSchema } from '@common/contract';
import { previewItem } from '../../../../main/core/intake';
import { makeTempDir, writeJpeg } from './fixtures';

let root: string;
let cleanup: () => Promise<void>;
let scan: ScanResult;
const plain = createIntake({ findDone: () => null });
const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  ...DEFAULT_SETTINGS,
  outputDir: '/videos',
  ...over,
});

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('sm-takes-'));
  // Different sizes: identical bytes would be one image generated once.
  await writeJpeg(join(root, 'boat.jpg'), 640, 480);
  await writeJpeg(join(root, 'sand.jpg'), 600, 400);
  scan = await plain.scan([root]);
});
afterAll(() => cleanup());

describe('takes per image', () => {
  it('plans N items per image, named {name}-take{take}.mp4, priced and timed N times', () => {
    const one = plain.plan(scan, settings());
    const three = plain.plan(scan, settings({ takes: 3 }));
    expect(three.problems).toEqual([]);
    expect(three.items.map((i) => [i.relativePath, i.take, i.outputRelativePath])).toEqual([
      ['boat.jpg', 1, 'boat-take1.mp4'],
      ['boat.jpg', 2, 'boat-take2.mp4'],
      ['boat.jpg', 3, 'boat-take3.mp4'],
      ['sand.jpg', 1, 'sand-take1.mp4'],
      ['sand.jpg', 2, 'sand-take2.mp4'],
      ['sand.jpg', 3, 'sand-take3.mp4'],
    ]);
    expect(three.toSend).toBe(6);
    expect(three.estimatedCostUsd).toBeCloseTo(one.estimatedCostUsd * 3, 6);
    expect(three.estimatedDurationMs).toBeGreaterThan(one.estimatedDurationMs);
    // The same request is sent for every take: the take number is never on the wire.
    expect(three.items[1]!.request).toEqual(three.items[0]!.request);
    // Each take has its own fingerprint; take 1 is the single-take fingerprint.
    expect(new Set(three.items.map((i) => i.requestFingerprint)).size).toBe(6);
    expect(three.items[0]!.requestFingerprint).toBe(one.items[0]!.requestFingerprint);
    expect(one.items[0]!.take).toBeUndefined();
    expect(batchSettingsSchema.parse(settings({ takes: 3 })).takes).toBe(3);
    expect(() =>
      previewItemSchema.parse(previewItem(three.items[1]!, 2, settings(), undefined)),
    ).not.toThrow();
  });

  it('keeps a template that says {take}, and offers {take} to the prompt', () => {
    const plan = plain.plan(
      scan,
      settings({ takes: 2, outputNameTemplate: 'v{take}/{name}', promptTemplate: '{name} take {take}' }),
    );
    expect(plan.items.map((i) => i.outputRelativePath)).toEqual([
      'v1/boat.mp4',
      'v2/boat.mp4',
      'v1/sand.mp4',
      'v2/sand.mp4',
    ]);
    expect(plan.items[1]!.renderedPrompt).toBe('boat take 2');
    expect(nameTemplateForTakes('{name}', 2)).toBe('{name}-take{take}');
    expect(nameTemplateForTakes('{name}.MP4', 2)).toBe('{name}-take{take}.MP4');
    expect(nameTemplateForTakes('{name}.mp4', 1)).toBe('{name}.mp4');
  });

  it('counts takes in "already generated": a video made once is take 1, the other takes are new', () => {
    const single = plain.plan(scan, settings()).items[0]!;
    const intake = createIntake({
      findDone: (hash, fingerprint) =>
        hash === single.imageHash && fingerprint === single.requestFingerprint
          ? { outputPath: '/videos/boat.mp4', state: 'done' }
          : null,
    });
    const plan = intake.plan(scan, settings({ takes: 3 }));
    expect(plan.items.slice(0, 3).map((i) => i.verdict?.code ?? null)).toEqual([
      'already_generated',
      null,
      null,
    ]);
    expect(plan.toSend).toBe(5);
    // Forced, every take is sent again.
    expect(intake.plan(scan, settings({ takes: 3 }), { force: true }).toSend).toBe(6);
  });

  it.each([0, 11, 2.5])('refuses %s takes, naming the field, the value and the range', (takes) => {
    const plan = plain.plan(scan, settings({ takes }));
    expect(plan.problems).toContainEqual({
      code: 'invalid_setting',
      message: `takes must be a whole number from 1 to 10 (videos per image), got ${takes}`,
      file: null,
      row: null,
      field: 'takes',
    });
    expect(plan.toSend).toBe(0);
    expect(plan.items).toHaveLength(2);
  });

  it('sends take 2 when its image is unchanged, and refuses it when the picture changed', async () => {
    const take2 = plain.plan(scan, settings({ takes: 2 })).items[1]!;
    const ctx = {
      imageHash: take2.imageHash,
      requestFingerprint: take2.requestFingerprint,
      modelId: DEFAULT_SETTINGS.modelId,
    };
    const sent = await materializeRequest(take2.request, ctx);
    expect(String(sent.start_image_url)).toMatch(/^data:image\/jpeg;base64,/);
    const other = join(root, 'sand.jpg');
    const otherHash = createHash('sha256')
      .update(await readFile(other))
      .digest('hex');
    // The same request over another picture is not this take.
    expect(takeFingerprint('a', 2)).not.toBe(takeFingerprint('b', 2));
    await expect(
      materializeRequest(
        { ...take2.request, start_image_url: `image-ref:${other}` },
        {
          imageHashes: { [other]: otherHash },
          requestFingerprint: take2.requestFingerprint,
          modelId: ctx.modelId,
        },
      ),
    ).rejects.toThrow('changed since it was scanned');
  });
});
