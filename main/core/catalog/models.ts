// The model catalog: one data-driven entry per RunComfy model we can drive. Everything the
// intake, the engine, the UI and the CLI need to know about a model lives here (its input
// schema, defaults, limits, prices and how long it usually takes), so adding a model is adding
// an entry, not touching the code that uses it. Facts from /work/shared/runcomfy-api.md.
import { z } from 'zod';
import type { ModelId } from '../domain';
import type { ModelInfoDto } from '../../../preload/contract';

export interface UsdPerSecond {
  withAudio: number;
  withoutAudio: number;
}

export interface ModelLimits {
  /** Upstream Kling caps prompts (and negative prompts) at 2500 characters. */
  promptMaxChars: number;
  minDuration: number;
  maxDuration: number;
  /** The API's default when `duration` is left out (our app default is DEFAULT_SETTINGS.duration). */
  defaultDuration: number;
  cfgScaleMin: number;
  cfgScaleMax: number;
  defaultCfgScale: number;
  defaultGenerateAudio: boolean;
  multiPromptMaxSegments: number;
  maxElements: number;
}

export interface ModelSpec {
  id: ModelId;
  displayName: string;
  supportsEndImage: boolean;
  limits: ModelLimits;
  /** Static price from the model page; replaced by the live price when refreshed. */
  usdPerSecond: UsdPerSecond;
  /**
   * Wall-clock seconds of generation per second of video, for the batch duration estimate.
   * Standard: about 1.5 min for 5 s (18 s per s). Pro: "up to 5 min" for 5 s on a peer
   * service; 36 s per s is the middle of that range.
   */
  generationSecondsPerVideoSecond: number;
  /** Validates one request body (image fields may hold `image-ref:` placeholders). */
  inputSchema: z.ZodType<Record<string, unknown>>;
}

const KLING_LIMITS: ModelLimits = {
  promptMaxChars: 2500,
  minDuration: 3,
  maxDuration: 15,
  defaultDuration: 10,
  cfgScaleMin: 0,
  cfgScaleMax: 1,
  defaultCfgScale: 0.5,
  defaultGenerateAudio: true,
  multiPromptMaxSegments: 6,
  maxElements: 3,
};

/** Image fields take an https URL, a data URI, or (inside the app, before submit) a placeholder. */
export const IMAGE_REF_PREFIX = 'image-ref:';
const imageUrl = z
  .string()
  .refine(
    (value) =>
      value.startsWith(IMAGE_REF_PREFIX) ||
      /^data:image\/(jpeg|png|bmp|webp);base64,/.test(value) ||
      /^https:\/\/[^\s/]+/.test(value),
    { error: 'must be an https:// URL or a data:image/...;base64 URI of a JPEG, PNG, BMP or WebP image' },
  );
const videoUrl = z
  .string()
  .refine((value) => /^https:\/\/[^\s/]+/.test(value), { error: 'must be an https:// URL' });

function klingSchema(limits: ModelLimits, withEndImage: boolean) {
  const wholeSeconds = z
    .number({ error: `must be a whole number from ${limits.minDuration} to ${limits.maxDuration} seconds` })
    .int({ error: `must be a whole number from ${limits.minDuration} to ${limits.maxDuration} seconds` })
    .min(limits.minDuration, {
      error: `must be a whole number from ${limits.minDuration} to ${limits.maxDuration} seconds`,
    })
    .max(limits.maxDuration, {
      error: `must be a whole number from ${limits.minDuration} to ${limits.maxDuration} seconds`,
    });
  const promptText = z
    .string({ error: 'must be text' })
    .min(1, { error: 'must not be empty' })
    .max(limits.promptMaxChars, { error: `must be at most ${limits.promptMaxChars} characters` });
  const element = z.union(
    [
      z.strictObject({
        frontal_image_url: imageUrl,
        reference_image_urls: z.array(imageUrl).max(3, { error: 'must have at most 3 reference images' }),
      }),
      z.strictObject({ video_url: videoUrl }),
    ],
    { error: 'must be {frontal_image_url, reference_image_urls} or {video_url}' },
  );
  const base = {
    prompt: promptText,
    start_image_url: imageUrl,
    duration: wholeSeconds.optional(),
    generate_audio: z.boolean({ error: 'must be true or false' }).optional(),
    negative_prompt: z
      .string({ error: 'must be text' })
      .max(limits.promptMaxChars, { error: `must be at most ${limits.promptMaxChars} characters` })
      .optional(),
    cfg_scale: z
      .number({ error: `must be a number from ${limits.cfgScaleMin} to ${limits.cfgScaleMax}` })
      .min(limits.cfgScaleMin, {
        error: `must be a number from ${limits.cfgScaleMin} to ${limits.cfgScaleMax}`,
      })
      .max(limits.cfgScaleMax, {
        error: `must be a number from ${limits.cfgScaleMin} to ${limits.cfgScaleMax}`,
      })
      .optional(),
    shot_type: z
      .literal('customize', { error: 'must be "customize" (the only value Kling accepts)' })
      .optional(),
    multi_prompt: z
      .array(z.strictObject({ prompt: promptText, duration: wholeSeconds }))
      .min(1, { error: `must have 1 to ${limits.multiPromptMaxSegments} segments` })
      .max(limits.multiPromptMaxSegments, {
        error: `must have 1 to ${limits.multiPromptMaxSegments} segments`,
      })
      .optional(),
    elements: z
      .array(element)
      .max(limits.maxElements, { error: `must have at most ${limits.maxElements} elements` })
      .optional(),
  };
  const shape = withEndImage ? { ...base, end_image_url: imageUrl.optional() } : base;
  // strict: a field the model does not know (end_image_url on standard) is an error, not
  // silently dropped, so the user learns it would have been ignored.
  return z.strictObject(shape).superRefine((input, ctx) => {
    const value = input as Record<string, unknown>;
    if (Array.isArray(value.multi_prompt)) {
      const segments = value.multi_prompt as { duration?: unknown }[];
      const sum = segments.reduce((total, s) => total + (typeof s.duration === 'number' ? s.duration : 0), 0);
      const duration = typeof value.duration === 'number' ? value.duration : limits.defaultDuration;
      if (sum !== duration)
        ctx.addIssue({
          code: 'custom',
          path: ['multi_prompt'],
          params: { valueInMessage: true },
          message: `segment durations must add up to the duration (${duration} s), they add up to ${sum} s`,
        });
      if (value.end_image_url !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['end_image_url'],
          params: { valueInMessage: true },
          message: 'cannot be used together with multi_prompt; remove one of them',
        });
    }
  }) as unknown as z.ZodType<Record<string, unknown>>;
}

export const MODELS: readonly ModelSpec[] = [
  {
    id: 'kling/kling-3.0/standard/image-to-video',
    displayName: 'Kling 3.0 Standard',
    supportsEndImage: false,
    limits: KLING_LIMITS,
    usdPerSecond: { withAudio: 0.126, withoutAudio: 0.084 },
    generationSecondsPerVideoSecond: 18,
    inputSchema: klingSchema(KLING_LIMITS, false),
  },
  {
    id: 'kling/kling-3.0/pro/image-to-video',
    displayName: 'Kling 3.0 Pro',
    supportsEndImage: true,
    limits: KLING_LIMITS,
    usdPerSecond: { withAudio: 0.168, withoutAudio: 0.112 },
    generationSecondsPerVideoSecond: 36,
    inputSchema: klingSchema(KLING_LIMITS, true),
  },
];

export type ModelInfo = ModelInfoDto;

/** A price table that the live refresh can update; the static prices are the fallback. */
export interface Catalog {
  list(): ModelSpec[];
  /** Throws a clear error for an id we do not know. */
  get(id: string): ModelSpec;
  info(id: string): ModelInfo;
  infos(): ModelInfo[];
  setPrice(id: ModelId, usdPerSecond: UsdPerSecond): void;
}

export function createCatalog(models: readonly ModelSpec[] = MODELS): Catalog {
  const prices = new Map<string, UsdPerSecond>(models.map((m) => [m.id, { ...m.usdPerSecond }]));
  const get = (id: string): ModelSpec => {
    const model = models.find((m) => m.id === id);
    if (!model)
      throw new Error(
        `Unknown model "${id}"; expected one of ${models.map((m) => `"${m.id}"`).join(', ')}. Pick a model from the list.`,
      );
    return { ...model, usdPerSecond: { ...prices.get(model.id)! } };
  };
  return {
    list: () => models.map((m) => get(m.id)),
    get,
    info: (id) => toModelInfo(get(id)),
    infos: () => models.map((m) => toModelInfo(get(m.id))),
    setPrice: (id, usdPerSecond) => {
      get(id);
      prices.set(id, { ...usdPerSecond });
    },
  };
}

/** The contract's view of a model (modelInfoSchema in preload/contract.ts). */
export function toModelInfo(model: ModelSpec): ModelInfo {
  return {
    id: model.id,
    displayName: model.displayName,
    usdPerSecond: { ...model.usdPerSecond },
    minDuration: model.limits.minDuration,
    maxDuration: model.limits.maxDuration,
    supportsEndImage: model.supportsEndImage,
  };
}

/** Rounded to a millionth of a dollar so sums of many items do not show float noise. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/** Price of one video: price per second (with or without audio) times its duration. */
export function estimateCostUsd(model: ModelSpec, durationSeconds: number, generateAudio: boolean): number {
  const perSecond = generateAudio ? model.usdPerSecond.withAudio : model.usdPerSecond.withoutAudio;
  return roundUsd(perSecond * durationSeconds);
}

/** Typical wall-clock generation time of one video, in ms. */
export function estimateGenerationMs(model: ModelSpec, durationSeconds: number): number {
  return Math.round(model.generationSecondsPerVideoSecond * durationSeconds * 1000);
}

/**
 * Wall-clock estimate for a batch run `concurrency` at a time: the work divided over the
 * slots, but never less than the longest single job (one slot cannot split a video).
 */
export function estimateBatchMs(jobMs: readonly number[], concurrency: number): number {
  if (jobMs.length === 0) return 0;
  const slots = Math.max(1, Math.floor(concurrency));
  const total = jobMs.reduce((sum, ms) => sum + ms, 0);
  const longest = jobMs.reduce((max, ms) => Math.max(max, ms), 0);
  // Jobs run in waves: with fewer jobs than slots the batch takes as long as its longest job.
  return Math.round(Math.max(longest, total / slots));
}
