import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createCatalog,
  durationRule,
  estimateBatchMs,
  estimateCostUsd,
  estimateGenerationMs,
  SHIPPED_ENTRIES,
  toModelInfo,
} from '../../../../main/core/catalog';
import { SHIPPED_ENTRY_FILES } from '../../../../main/core/catalog/shipped';
import { DEFAULT_MODEL_ID } from '../../../../main/core/domain';
import { modelInfoSchema } from '@common/contract';

const STANDARD = 'kling/kling-3.0/standard/image-to-video';
const PRO = 'kling/kling-3.0/pro/image-to-video';
const standard = createCatalog().get(STANDARD);
const pro = createCatalog().get(PRO);
const ok = { prompt: 'a boat', start_image_url: 'https://cdn.example.com/a.jpg' };

function problems(model: typeof standard, input: Record<string, unknown>): string | null {
  const found = model.validateInput(input);
  return found.length === 0 ? null : found.join('; ');
}

describe('model catalog', () => {
  it('ships every entry file in models/, each parsed, with unique ids and aliases, in the contract shape', () => {
    const files = readdirSync(join(__dirname, '../../../../main/core/catalog/models')).sort();
    expect(Object.keys(SHIPPED_ENTRY_FILES).sort()).toEqual(files);
    expect(SHIPPED_ENTRIES).toHaveLength(files.length);
    const ids = SHIPPED_ENTRIES.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const aliases = SHIPPED_ENTRIES.flatMap((e) => e.aliases ?? []);
    expect(new Set(aliases).size).toBe(aliases.length);
    for (const info of createCatalog().infos()) expect(modelInfoSchema.parse(info)).toEqual(info);
    expect(ids[0]).toBe(DEFAULT_MODEL_ID);
  });

  it('knows each model by the field that carries its start image', () => {
    const startField = (id: string) => createCatalog().get(id).roles.startImage;
    expect(startField(STANDARD)).toBe('start_image_url');
    expect(startField('wan-ai/wan-2-5/image-to-video')).toBe('img_url');
    expect(startField('bytedance/seedance-v1.5-pro/image-to-video')).toBe('first_frame_image_url');
    expect(startField('kling/kling-video-o3/pro/image-to-video')).toBe('image');
    expect(startField('google-deepmind/veo-3/image-to-video')).toBe('image');
    expect(startField('kling/kling-2-1/pro/image-to-video')).toBe('image_url');
  });

  it('finds a model by alias and says which exist when asked for an unknown one', () => {
    expect(createCatalog().get('pro').id).toBe(PRO);
    expect(createCatalog().get('WAN-2.5').id).toBe('wan-ai/wan-2-5/image-to-video');
    expect(() => createCatalog().get('kling/nope')).toThrow(
      new RegExp(
        `^Unknown model "kling/nope"; expected one of "${STANDARD}", "${PRO}", .*Pick a model from the list`,
      ),
    );
  });

  it('describes the contract view: price, status, roles, durations and the form fields', () => {
    const info = toModelInfo(standard);
    expect(info).toMatchObject({
      id: STANDARD,
      displayName: 'Kling 3.0 Standard',
      status: 'known',
      origin: 'shipped',
      price: { per: 'second', usd: 0.084, withAudioUsd: 0.126 },
      priceSource: 'static',
      duration: { min: 3, max: 15, values: null },
    });
    // Role fields get the app's own editors; the rest get controls from their schema.
    expect(info.fields.map((f) => [f.name, f.kind])).toEqual([['shot_type', 'select']]);
    const wan = createCatalog().info('wan-ai/wan-2-5/image-to-video');
    expect(wan).toMatchObject({
      status: 'partly-known',
      price: { per: 'unknown' },
      duration: { values: [5, 10] },
    });
    expect(wan.fields.find((f) => f.name === 'resolution')).toMatchObject({
      kind: 'select',
      options: ['480P', '720P', '1080P'],
      default: '480P',
    });
    expect(createCatalog().info('kling/kling-video-o3/pro/image-to-video').duration).toBeNull();
  });

  it('prices from the request by the entry rule: per second, with audio, by field, or unknown', () => {
    expect(estimateCostUsd(standard, { duration: 5, generate_audio: false }, 5)).toBe(0.42);
    expect(estimateCostUsd(standard, { duration: 5, generate_audio: true }, 5)).toBe(0.63);
    expect(estimateCostUsd(pro, { duration: 15, generate_audio: true }, 5)).toBe(2.52);
    expect(estimateCostUsd(pro, { duration: 3, generate_audio: false }, 5)).toBe(0.336);
    const perVideo = {
      ...standard,
      price: { per: 'video' as const, usd: 0.5, byField: { resolution: { '1080P': 2 } } },
    };
    expect(estimateCostUsd(perVideo, { duration: 15 }, 5)).toBe(0.5);
    expect(estimateCostUsd(perVideo, { duration: 15, resolution: '1080P' }, 5)).toBe(1);
    const wan = createCatalog().get('wan-ai/wan-2-5/image-to-video');
    expect(estimateCostUsd(wan, { duration: 5 }, 5)).toBeNull();
    const catalog = createCatalog();
    catalog.setPrice(STANDARD, { per: 'second', usd: 0.2, withAudioUsd: 0.3 });
    expect(estimateCostUsd(catalog.get(STANDARD), { duration: 5, generate_audio: false }, 5)).toBe(1);
    expect(catalog.info(STANDARD).priceSource).toBe('live');
    // Other catalogs keep the shipped prices.
    expect(createCatalog().info(STANDARD).price).toMatchObject({ usd: 0.084 });
  });

  it('estimates time: ~90 s per 5 s of standard, a conservative default without a prior, shared over the concurrency', () => {
    expect(estimateGenerationMs(standard, 5)).toBe(90_000);
    expect(estimateGenerationMs(pro, 5)).toBe(180_000);
    expect(estimateGenerationMs(createCatalog().get('veo-3'), 8)).toBe(144_000);
    expect(estimateBatchMs([], 3)).toBe(0);
    expect(estimateBatchMs([90_000, 90_000, 90_000, 90_000, 90_000, 90_000], 3)).toBe(180_000);
    expect(estimateBatchMs([270_000, 90_000], 5)).toBe(270_000);
  });

  it('reads durations from the schema: a range, an enum, or text', () => {
    expect(durationRule(standard)).toEqual({
      field: 'duration',
      min: 3,
      max: 15,
      values: null,
      asText: false,
    });
    const textual = {
      ...standard,
      inputSchema: { type: 'object', properties: { duration: { type: 'string', enum: ['5', '10'] } } },
    };
    expect(durationRule(textual)).toEqual({
      field: 'duration',
      min: 5,
      max: 10,
      values: [5, 10],
      asText: true,
    });
  });
});

describe('validation from the entry schema (ajv), in our words', () => {
  it('accepts a minimal and a full Kling request', () => {
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
    expect(problems(pro, { ...ok, end_image_url: 'https://cdn.example.com/b.jpg' })).toBeNull();
  });

  it('names the field, the value and what is allowed for each rule', () => {
    expect(problems(standard, { ...ok, duration: 20 })).toBe(
      'duration must be a whole number from 3 to 15, got 20',
    );
    expect(problems(standard, { ...ok, duration: 4.5 })).toBe(
      'duration must be a whole number from 3 to 15, got 4.5',
    );
    expect(problems(standard, { ...ok, prompt: 'x'.repeat(2501) })).toMatch(
      /^prompt must be at most 2500 characters, got "x{60}"\.\.\. \(2501 characters\)$/,
    );
    expect(problems(standard, { ...ok, prompt: '' })).toBe('prompt must not be empty');
    expect(problems(standard, { ...ok, cfg_scale: 1.2 })).toBe(
      'cfg_scale must be a number from 0 to 1, got 1.2',
    );
    expect(problems(standard, { ...ok, generate_audio: 'yes' })).toBe(
      'generate_audio must be true or false, got "yes"',
    );
    expect(problems(standard, { ...ok, shot_type: 'wide' })).toBe(
      'shot_type must be one of "customize", got "wide"',
    );
    expect(problems(standard, { ...ok, start_image_url: 'http://x/a.jpg' })).toBe(
      'start_image_url must be an https:// URL or a data:image/...;base64 URI of a JPEG, PNG, BMP or WebP image, got "http://x/a.jpg"',
    );
    expect(problems(standard, { prompt: 'x' })).toBe('start_image_url is required but missing');
    const wan = createCatalog().get('wan-ai/wan-2-5/image-to-video');
    expect(problems(wan, { prompt: 'x', img_url: 'https://a.example/x.jpg', resolution: '4K' })).toBe(
      'resolution must be one of "480P", "720P", "1080P", got "4K"',
    );
    // Kling's field names mean nothing to Wan: its own start image is missing.
    expect(problems(wan, ok)).toBe('img_url is required but missing');
  });

  it('lets fields the entry does not know pass through, so a new field can be used the day it ships', () => {
    expect(problems(standard, { ...ok, brand_new_field: 'x' })).toBeNull();
  });

  it('checks lists and their items: multi_prompt 1 to 6 segments, elements at most 3', () => {
    const seg = (duration: number) => ({ prompt: 'p', duration });
    expect(problems(standard, { ...ok, duration: 15, multi_prompt: [] })).toBe(
      'multi_prompt must have 1 to 6 items, got a list of 0',
    );
    expect(problems(standard, { ...ok, multi_prompt: Array.from({ length: 7 }, () => seg(3)) })).toBe(
      'multi_prompt must have 1 to 6 items, got a list of 7',
    );
    expect(problems(standard, { ...ok, duration: 4, multi_prompt: [seg(2), seg(2)] })).toBe(
      'multi_prompt[1].duration must be a whole number from 3 to 15, got 2; multi_prompt[2].duration must be a whole number from 3 to 15, got 2',
    );
    const element = { video_url: 'https://cdn.example.com/v.mp4' };
    expect(problems(standard, { ...ok, elements: [element, element, element, element] })).toBe(
      'elements must have at most 3 items, got a list of 4',
    );
    expect(problems(standard, { ...ok, elements: [{ video_url: 'ftp://x' }] })).toMatch(/^elements\[1\]/);
  });
});
