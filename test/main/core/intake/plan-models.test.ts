// The plan in each model's own words: roles filled into the entry's field names, extra fields
// from the settings and from prompts.csv typed by the schema, and the money rules for a model
// whose price is unknown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createIntake } from '../../../../main/core/intake';
import { createCatalog } from '../../../../main/core/catalog';
import { DEFAULT_SETTINGS } from '../../../../main/core/domain';
import type { BatchSettings } from '../../../../main/core/domain';
import type { ScanResult } from '../../../../main/core/core-api';
import { materializeRequest } from '../../../../main/core/intake/requests';
import { makeTempDir, writeJpeg, writeText } from './fixtures';

let base: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: base, cleanup } = await makeTempDir('sm-plan-models-')));
afterAll(() => cleanup());

const intake = createIntake({ findDone: () => null });
const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  ...DEFAULT_SETTINGS,
  outputDir: '/videos',
  ...over,
});
let counter = 0;
async function folder(
  files: (root: string) => Promise<unknown>,
): Promise<{ root: string; scan: ScanResult }> {
  const root = join(base, `case-${++counter}`);
  await files(root);
  return { root, scan: await intake.scan([root]) };
}

describe('plan: requests by roles', () => {
  it("puts each role into the model's own field: Wan, Seedance, Kling O3, Runway", async () => {
    const { root, scan } = await folder((r) => writeJpeg(join(r, 'cat.jpg')));
    const ref = `image-ref:${join(root, 'cat.jpg')}`;
    const wan = intake.plan(
      scan,
      settings({
        modelId: 'wan-ai/wan-2-5/image-to-video',
        duration: 10,
        negativePrompt: 'blur',
        modelInputs: { resolution: '720P' },
      }),
    );
    expect(wan.problems).toEqual([]);
    expect(wan.items[0]!.request).toEqual({
      img_url: ref,
      prompt: 'cat',
      duration: 10,
      negative_prompt: 'blur',
      resolution: '720P',
    });
    expect(Object.keys(wan.items[0]!.request)[0]).toBe('img_url'); // the start image first
    const seedance = intake.plan(scan, settings({ modelId: 'bytedance/seedance-v1.5-pro/image-to-video' }));
    expect(seedance.items[0]!.request).toEqual({ first_frame_image_url: ref, prompt: 'cat' });
    const o3 = intake.plan(scan, settings({ modelId: 'kling/kling-video-o3/pro/image-to-video' }));
    expect(o3.items[0]!.request).toEqual({ image: ref, prompt: 'cat' });
    const runway = intake.plan(
      scan,
      settings({ modelId: 'runwayml/runway-gen-3-alpha/turbo/image-to-video' }),
    );
    expect(runway.items[0]!.request).toEqual({ promptImage: ref, promptText: 'cat' });
    // The same picture for another model is another video: another fingerprint.
    expect(new Set([wan, seedance, o3, runway].map((p) => p.items[0]!.requestFingerprint)).size).toBe(4);
  });

  it('keeps the Kling request (and so its fingerprint) exactly as before models were data', async () => {
    const { root, scan } = await folder((r) => writeJpeg(join(r, 'cat.jpg')));
    const plan = intake.plan(scan, settings());
    expect(plan.items[0]!.request).toEqual({
      start_image_url: `image-ref:${join(root, 'cat.jpg')}`,
      prompt: 'cat',
      duration: 5,
      generate_audio: false,
      cfg_scale: 0.5,
    });
    expect(plan.estimatedCostUsd).toBe(0.42);
    expect(plan.priceUnknown).toBe(false);
  });

  it("refuses settings the model has no field for, and a role's field set directly", async () => {
    const { scan } = await folder((r) => writeJpeg(join(r, 'cat.jpg')));
    const plan = intake.plan(
      scan,
      settings({
        modelId: 'google-deepmind/veo-3/image-to-video',
        generateAudio: true,
        negativePrompt: 'blur',
        modelInputs: { image: 'https://x.example/y.jpg' },
      }),
    );
    expect(plan.problems.map((p) => [p.field, p.message])).toEqual([
      [
        'negativePrompt',
        'Veo 3 has no negative prompt field; clear the negative prompt or choose another model',
      ],
      [
        'generateAudio',
        "Veo 3 has no audio switch the app knows; turn audio off (or set the model's own field with --set)",
      ],
      ['modelInputs.image', 'image is filled in by the app for Veo 3 (startImage); use that setting instead'],
    ]);
    expect(plan.toSend).toBe(0);
    const wan = intake.plan(scan, settings({ modelId: 'wan-ai/wan-2-5/image-to-video', duration: 7 }));
    expect(wan.problems[0]!.message).toBe('Duration must be 5 or 10 seconds for Wan 2.5, got 7');
  });

  it('reads prompts.csv columns named like a field (typed by its schema) and field:<name> for unknown ones', async () => {
    const { scan } = await folder(async (r) => {
      await writeJpeg(join(r, 'a.jpg'), 800, 600);
      await writeJpeg(join(r, 'b.jpg'), 800, 600);
      await writeText(
        join(r, 'prompts.csv'),
        'file,resolution,seed,field:prompt_extend\na.jpg,1080P,,true\nb.jpg,,x,\n',
      );
    });
    const plan = intake.plan(scan, settings({ modelId: 'happyhorse/happyhorse-1.0/image-to-video' }));
    const [a, b] = plan.items;
    expect(a!.request).toMatchObject({ resolution: '1080P', prompt_extend: true });
    expect(b!.verdict).toEqual({
      state: 'rejected',
      code: 'csv_bad_field',
      message: 'seed must be a whole number, got "x" (prompts.csv, row 3, column seed)',
    });
    // The row's value is the more specific one; a bad batch value is reported by the schema.
    const { scan: plain } = await folder((r) => writeJpeg(join(r, 'a.jpg'), 800, 600));
    const wrong = intake.plan(
      plain,
      settings({ modelId: 'happyhorse/happyhorse-1.0/image-to-video', modelInputs: { resolution: '4K' } }),
    );
    expect(wrong.items[0]!.verdict?.message).toBe(
      'The request for a.jpg does not fit HappyHorse 1.0: resolution must be one of "720P", "1080P", got "4K"',
    );
  });

  it('asks for an end image where the model requires one', async () => {
    const { scan } = await folder((r) => writeJpeg(join(r, 'a.jpg')));
    const plan = intake.plan(scan, settings({ modelId: 'kling/kling-video-o1/image-to-video' }));
    expect(plan.items[0]!.verdict).toMatchObject({ code: 'end_image_required' });
    expect(plan.items[0]!.verdict!.message).toMatch(
      /^Kling O1 \(first and last frame\) needs an end image for every video/,
    );
  });

  it('says the price is unknown instead of $0, and refuses a budget cap it could not keep', async () => {
    const { scan } = await folder((r) => writeJpeg(join(r, 'a.jpg')));
    const free = intake.plan(scan, settings({ modelId: 'google-deepmind/veo-3/image-to-video' }));
    expect(free).toMatchObject({ priceUnknown: true, estimatedCostUsd: 0, toSend: 1 });
    const capped = intake.plan(
      scan,
      settings({ modelId: 'google-deepmind/veo-3/image-to-video', budgetUsd: 10 }),
    );
    expect(capped.toSend).toBe(0);
    expect(capped.problems).toEqual([
      expect.objectContaining({
        field: 'budgetUsd',
        message: expect.stringMatching(/^The price of Veo 3 is unknown/),
      }),
    ]);
    // Once the user gives a price (a user entry, or RunComfy's catalog), the cap can be kept.
    const catalog = createCatalog();
    catalog.setPrice('google-deepmind/veo-3/image-to-video', { per: 'video', usd: 0.75 });
    const priced = createIntake({ findDone: () => null, catalog }).plan(
      scan,
      settings({ modelId: 'google-deepmind/veo-3/image-to-video', budgetUsd: 10 }),
    );
    expect(priced).toMatchObject({ priceUnknown: false, estimatedCostUsd: 0.75, toSend: 1 });
  });

  it('checks the scanned hash of the start image whatever field carries it', async () => {
    const { root, scan } = await folder((r) => writeJpeg(join(r, 'a.jpg')));
    const plan = intake.plan(scan, settings({ modelId: 'wan-ai/wan-2-5/image-to-video' }));
    await expect(materializeRequest(plan.items[0]!.request, { imageHash: '0'.repeat(64) })).rejects.toThrow(
      `Image ${join(root, 'a.jpg')} changed since it was scanned`,
    );
    const sent = await materializeRequest(plan.items[0]!.request, { imageHash: plan.items[0]!.imageHash });
    expect(String(sent.img_url)).toMatch(/^data:image\/jpeg;base64,/);
  });
});
