// What a model entry file says (main/core/catalog/models/*.json, and <dataDir>/models/*.json for
// entries a user adds or corrects). A model is data: which field carries each role, its input
// schema as far as it is known (JSON Schema), its limits, its price rule and how long it
// usually takes. Facts and their sources: docs/models.md.
import { z } from 'zod';
import { ROLE_NAMES, type RoleName } from '@common/model-roles';

// The roles a request's fields carry: one list, shared with the IPC contract.
export { ROLE_NAMES, type RoleName };

const fieldName = z
  .string({ error: 'must be the name of a request field (text)' })
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: 'must be a field name such as "img_url" (letters, digits, _)',
  });

const rolesSchema = z.strictObject({
  prompt: fieldName,
  startImage: fieldName,
  endImage: fieldName.optional(),
  negativePrompt: fieldName.optional(),
  duration: fieldName.optional(),
  audio: fieldName.optional(),
  guidance: fieldName.optional(),
  multiShot: fieldName.optional(),
  elements: fieldName.optional(),
});

const usd = z.number({ error: 'must be a price in US dollars (a number)' }).nonnegative({
  error: 'must be 0 or more US dollars',
});

const priceSchema = z.discriminatedUnion(
  'per',
  [
    z.strictObject({
      per: z.enum(['second', 'video']),
      usd,
      /** Price per unit when the audio role is on; missing = the same as without audio. */
      withAudioUsd: usd.optional(),
      /** field -> value -> factor on the unit price, e.g. {"resolution": {"1080P": 1.5}}. */
      byField: z.record(z.string(), z.record(z.string(), z.number().positive())).optional(),
      source: z.string().optional(),
    }),
    z.strictObject({ per: z.literal('unknown'), source: z.string().optional() }),
  ],
  { error: 'must be {"per": "second" | "video", "usd": ...} or {"per": "unknown"}' },
);

const limitsSchema = z.strictObject({
  promptMaxChars: z.number().int().positive().optional(),
  imageFormats: z
    .array(z.enum(['jpeg', 'png', 'bmp', 'webp']))
    .min(1)
    .optional(),
  minImageSide: z.number().int().positive().optional(),
  maxImageBytes: z.number().int().positive().optional(),
  /** Width / height bounds, e.g. {"min": 0.4, "max": 2.5} for 1:2.5 to 2.5:1. */
  aspectRatio: z.strictObject({ min: z.number().positive(), max: z.number().positive() }).optional(),
});

const pollingSchema = z
  .strictObject({
    /** Wall-clock seconds of generation per second of video. */
    secondsPerVideoSecond: z.number().positive().optional(),
    /** Or: seconds per video whatever its length. */
    seconds: z.number().positive().optional(),
    source: z.string().optional(),
  })
  .refine((p) => p.secondsPerVideoSecond !== undefined || p.seconds !== undefined, {
    error: 'needs secondsPerVideoSecond or seconds',
  });

/** A JSON Schema object; ajv compiles it (see input-validation.ts), this only checks the shell. */
const jsonSchemaObject = z
  .looseObject({
    type: z.literal('object', { error: 'must be "object" (a request is a JSON object)' }),
    properties: z.record(z.string(), z.looseObject({})).optional(),
    required: z.array(z.string()).optional(),
  })
  .transform((value) => value as Record<string, unknown>);

export const modelEntrySchema = z.strictObject({
  /** The model_id after /v1/models/ (from the API page's curl, not the page URL). */
  id: z
    .string({ error: 'must be the model id after /v1/models/, e.g. "vendor/model/image-to-video"' })
    .min(3)
    .max(300)
    .refine((id) => !id.startsWith('/') && !id.endsWith('/') && !id.split('/').includes('..'), {
      error: 'must be a model id without leading or trailing "/" and without ".."',
    }),
  displayName: z.string().min(1).max(120),
  /** Short names for the CLI's --model. */
  aliases: z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]*$/)).optional(),
  task: z.literal('image-to-video', { error: 'must be "image-to-video" (the only task the app runs)' }),
  /** "known": fields, limits and price from RunComfy's pages; "partly-known": some are guesses. */
  status: z.enum(['known', 'partly-known']),
  roles: rolesSchema,
  inputSchema: jsonSchemaObject,
  limits: limitsSchema.optional(),
  price: priceSchema,
  polling: pollingSchema.optional(),
  notes: z.string().optional(),
  sources: z.array(z.string()).optional(),
});

export type ModelEntry = z.output<typeof modelEntrySchema>;
export type PriceRule = ModelEntry['price'];
export type ModelEntryLimits = NonNullable<ModelEntry['limits']>;
