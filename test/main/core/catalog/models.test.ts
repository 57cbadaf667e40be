import { describe, expect, it } from 'vitest';
import {
  createCatalog,
  describeIssues,
  estimateBatchMs,
  estimateCostUsd,
  estimateGenerationMs,
  MODELS,
  toModelInfo,
} from '../../../../main/core/catalog';
import { MODEL_IDS } from '../../../../main/core/domain';
import { modelInfoSchema } from '../../../../preload/contract';

const standard = createCatalog().get('kling/kling-3.0/standard/image-to-video');
const pro = createCatalog().get('kling/kling-3.0/pro/image-to-video');
const ok = { prompt: 'a boat', start_image_url: 'image-ref:/x/a.jpg' };

function problems(model: typeof standard, input: Record<string, unknown>): string | null {
  const result = model.inputSchema.safeParse(input);
  return result.success ? null : describeIssues(result.error, input, model.displayName);
}

describe('model catalog', () => {
  it('has an entry for every model id, in the contract shape', () => {
    expect(MODELS.map((m) => m.id)).toEqual([...MODEL_IDS]);
    const infos = createCatalog().infos();
    for (const info of infos) expect(modelInfoSchema.parse(info)).toEqual(info);
    expect(infos).toEqual([
      {
        id: 'kling/kling-3.0/standard/image-to-video',
        displayName: 'Kling 3.0 Standard',
        usdPerSecond: { withAudio: 0.126, withoutAudio: 0.084 },
        minDuration: 3,
        maxDuration: 15,
        supportsEndImage: false,
      },
      {
        id: 'kling/kling-3.0/pro/image-to-video',
        displayName: 'Kling 3.0 Pro',
        usdPerSecond: { withAudio: 0.168, withoutAudio: 0.112 },
        minDuration: 3,
        maxDuration: 15,
        supportsEndImage: true,
      },
    ]);
    expect(standard.limits).toMatchObject({
      defaultDuration: 10,
      defaultCfgScale: 0.5,
      defaultGenerateAudio: true,
    });
  });

  it('says which models exist when asked for an unknown one', () => {
    expect(() => createCatalog().get('kling/nope')).toThrow(
      'Unknown model "kling/nope"; expected one of "kling/kling-3.0/standard/image-to-video", "kling/kling-3.0/pro/image-to-video". Pick a model from the list.',
    );
  });

  it('prices by the second, with and without audio', () => {
    expect(estimateCostUsd(standard, 5, false)).toBe(0.42);
    expect(estimateCostUsd(standard, 5, true)).toBe(0.63);
    expect(estimateCostUsd(pro, 15, true)).toBe(2.52);
    expect(estimateCostUsd(pro, 3, false)).toBe(0.336);
    const catalog = createCatalog();
    catalog.setPrice('kling/kling-3.0/standard/image-to-video', { withAudio: 0.3, withoutAudio: 0.2 });
    expect(estimateCostUsd(catalog.get('kling/kling-3.0/standard/image-to-video'), 5, false)).toBe(1);
    // Other catalogs keep the static prices.
    expect(createCatalog().info('kling/kling-3.0/standard/image-to-video').usdPerSecond.withoutAudio).toBe(
      0.084,
    );
  });

  it('estimates time: ~90 s per 5 s of standard, shared over the concurrency, never below the longest job', () => {
    expect(estimateGenerationMs(standard, 5)).toBe(90_000);
    expect(estimateGenerationMs(pro, 5)).toBe(180_000);
    expect(estimateBatchMs([], 3)).toBe(0);
    expect(estimateBatchMs([90_000, 90_000, 90_000, 90_000, 90_000, 90_000], 3)).toBe(180_000);
    expect(estimateBatchMs([270_000, 90_000], 5)).toBe(270_000);
  });
});

describe('Kling input schema', () => {
  it('accepts a minimal and a full request', () => {
    expect(problems(standard, ok)).toBeNull();
    expect(
      problems(standard, {
        ...ok,
        duration: 10,
        generate_audio: true,
        negative_prompt: 'blur',
        cfg_scale: 0.5,
        shot_type: 'customize',
        multi_prompt: [
          { prompt: 'one', duration: 4 },
          { prompt: 'two', duration: 6 },
        ],
        elements: [
          {
            frontal_image_url: 'https://cdn.example.com/f.jpg',
            reference_image_urls: ['data:image/png;base64,AAAA'],
          },
          { video_url: 'https://cdn.example.com/v.mp4' },
        ],
      }),
    ).toBeNull();
    expect(problems(pro, { ...ok, end_image_url: 'image-ref:/x/b.jpg' })).toBeNull();
  });

  it('names the field and the value for each rule', () => {
    expect(problems(standard, { ...ok, duration: 20 })).toBe(
      'duration must be a whole number from 3 to 15 seconds, got 20',
    );
    expect(problems(standard, { ...ok, duration: 4.5 })).toBe(
      'duration must be a whole number from 3 to 15 seconds, got 4.5',
    );
    expect(problems(standard, { ...ok, prompt: 'x'.repeat(2501) })).toMatch(
      /^prompt must be at most 2500 characters, got "x{60}"\.\.\. \(2501 characters\)$/,
    );
    expect(problems(standard, { ...ok, cfg_scale: 1.2 })).toBe(
      'cfg_scale must be a number from 0 to 1, got 1.2',
    );
    expect(problems(standard, { ...ok, shot_type: 'wide' })).toBe(
      'shot_type must be "customize" (the only value Kling accepts), got "wide"',
    );
    expect(problems(standard, { ...ok, start_image_url: 'http://x/a.jpg' })).toBe(
      'start_image_url must be an https:// URL or a data:image/...;base64 URI of a JPEG, PNG, BMP or WebP image, got "http://x/a.jpg"',
    );
    expect(problems(standard, { prompt: 'x' })).toBe('start_image_url is required but missing');
    expect(problems(standard, { ...ok, end_image_url: 'image-ref:/b.jpg' })).toBe(
      'end_image_url is not accepted by Kling 3.0 Standard; remove it',
    );
  });

  it('checks multi_prompt segments (1 to 6, summing to the duration) and elements (at most 3)', () => {
    const seg = (duration: number) => ({ prompt: 'p', duration });
    expect(problems(standard, { ...ok, duration: 10, multi_prompt: [seg(3), seg(3)] })).toBe(
      'multi_prompt segment durations must add up to the duration (10 s), they add up to 6 s',
    );
    expect(problems(standard, { ...ok, multi_prompt: [seg(10)] })).toBeNull(); // API default duration is 10
    expect(problems(standard, { ...ok, duration: 15, multi_prompt: [] })).toMatch(
      /^multi_prompt must have 1 to 6 segments/,
    );
    expect(problems(standard, { ...ok, multi_prompt: Array.from({ length: 7 }, () => seg(3)) })).toMatch(
      /multi_prompt must have 1 to 6 segments/,
    );
    expect(problems(standard, { ...ok, duration: 4, multi_prompt: [seg(2), seg(2)] })).toMatch(
      /^multi_prompt\[1\]\.duration must be a whole number from 3 to 15 seconds, got 2/,
    );
    expect(
      problems(pro, { ...ok, end_image_url: 'image-ref:/b.jpg', duration: 5, multi_prompt: [seg(5)] }),
    ).toBe('end_image_url cannot be used together with multi_prompt; remove one of them');
    const element = { video_url: 'https://cdn.example.com/v.mp4' };
    expect(problems(standard, { ...ok, elements: [element, element, element, element] })).toBe(
      'elements must have at most 3 elements, got a list of 4',
    );
    expect(problems(standard, { ...ok, elements: [{ video_url: 'ftp://x' }] })).toMatch(/^elements\[1\]/);
  });

  it('toModelInfo reflects the current price', () => {
    expect(
      toModelInfo({ ...standard, usdPerSecond: { withAudio: 1, withoutAudio: 0.5 } }).usdPerSecond,
    ).toEqual({
      withAudio: 1,
      withoutAudio: 0.5,
    });
  });
});
