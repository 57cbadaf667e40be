// The simulator's own table of models, written from RunComfy's model pages (field names from
// each page's curl example) and deliberately independent of the app's catalog: if the app's
// entries and this table disagree, a test fails instead of both being wrong the same way.
// Prices RunComfy does not publish are made up here (marked `priced: 'simulated'`); the
// simulator's catalog endpoint answers them, as RunComfy's would answer the real ones.

export interface SimulatedModel {
  modelId: string;
  displayName: string;
  /** USD per second of video without and with audio. */
  usdPerSecond: { silent: number; audio: number };
  /** 'page': RunComfy's published price; 'simulated': ours, for a model whose price is unknown. */
  priced: 'page' | 'simulated';
  /** This model's own field names for what every image-to-video request carries. */
  fields: { prompt: string; startImage: string; endImage?: string; duration?: string; audio?: string };
  /** Fields the model refuses a request without. */
  required: string[];
  /**
   * Video lengths in seconds: a range or a list; `default` when the request has none. `asText`:
   * the list is of text ("5", "10"), as RunComfy's schemas often give durations.
   */
  durations: { min: number; max: number; values?: number[]; default: number; asText?: boolean };
  /** Kling 3.0's full rule set (multi_prompt, elements, cfg_scale, shot_type) applies. */
  kling3?: { acceptsEndImage: boolean };
  /** Fields beyond the roles, as its catalog entry describes them (RunComfy's dialect); checked on submit. */
  extras?: Record<string, SimulatedField>;
  /** Its catalog entry lists `required_inputs` instead of `required`, as some of RunComfy's do. */
  requiredInputsOnly?: boolean;
}

/** A request field as RunComfy's catalog describes one: `float` for a number, null defaults. */
export interface SimulatedField {
  type: 'float' | 'integer' | 'string' | 'boolean';
  title: string;
  description?: string;
  enum?: (string | number)[];
  minimum?: number;
  maximum?: number;
  default: string | number | boolean | null;
}

export const STANDARD_MODEL_ID = 'kling/kling-3.0/standard/image-to-video';
export const PRO_MODEL_ID = 'kling/kling-3.0/pro/image-to-video';
/** The simulator's own model, in its catalog only (see the table's last entry). */
export const UNSHIPPED_MODEL_ID = 'lumenfold/drift-1/image-to-video';

const KLING3_FIELDS = {
  prompt: 'prompt',
  startImage: 'start_image_url',
  duration: 'duration',
  audio: 'generate_audio',
} as const;
const KLING3_DURATIONS = { min: 3, max: 15, default: 10 };
/** Unknown durations: a wide range, and the 5 s most image-to-video models default to. */
const ANY_DURATION = { min: 1, max: 60, default: 5 };

/**
 * A model known by its page's curl, at a simulated price: its prompt field is `prompt` and it
 * requires its prompt and start image, unless `extra` says otherwise.
 */
function plain(
  modelId: string,
  displayName: string,
  startImage: string,
  usd: number,
  extra: Partial<
    Pick<SimulatedModel, 'required' | 'durations' | 'extras' | 'requiredInputsOnly' | 'priced'>
  > & {
    fields?: Partial<SimulatedModel['fields']>;
  } = {},
): SimulatedModel {
  const { fields: ownFields, ...rest } = extra;
  const fields = { prompt: 'prompt', startImage, ...ownFields };
  return {
    modelId,
    displayName,
    usdPerSecond: { silent: usd, audio: usd },
    priced: 'simulated',
    required: [fields.prompt, fields.startImage],
    durations: ANY_DURATION,
    ...rest,
    fields,
  };
}

/** A Kling 3.0 model: its fields, durations and checks, priced as its RunComfy page says. */
function kling3(
  modelId: string,
  displayName: string,
  usdPerSecond: SimulatedModel['usdPerSecond'],
  acceptsEndImage: boolean,
): SimulatedModel {
  return {
    modelId,
    displayName,
    usdPerSecond,
    priced: 'page',
    fields: acceptsEndImage ? { ...KLING3_FIELDS, endImage: 'end_image_url' } : KLING3_FIELDS,
    required: ['prompt', 'start_image_url'],
    durations: KLING3_DURATIONS,
    kling3: { acceptsEndImage },
  };
}

const TABLE: SimulatedModel[] = [
  kling3(STANDARD_MODEL_ID, 'Kling 3.0 Standard Image to Video', { silent: 0.084, audio: 0.126 }, false),
  kling3(PRO_MODEL_ID, 'Kling 3.0 Pro Image to Video', { silent: 0.112, audio: 0.168 }, true),
  kling3(
    'kling/kling-3.0/4k/image-to-video',
    'Kling 3.0 4K Image to Video',
    { silent: 0.42, audio: 0.42 },
    true,
  ),
  plain('kling/kling-video-o3/pro/image-to-video', 'Kling O3 Pro', 'image', 0.11),
  plain('kling/kling-video-o1/image-to-video', 'Kling O1 First-Last Frame', 'start_image_url', 0.1, {
    fields: { endImage: 'end_image_url' },
    required: ['prompt', 'start_image_url', 'end_image_url'],
  }),
  plain('kling/kling-video-o1/standard/image-to-video', 'Kling O1 Standard', 'image', 0.08),
  plain('kling/kling-2-1/pro/image-to-video', 'Kling 2.1 Pro', 'image_url', 0.09),
  plain('kling/kling-2-6/pro/image-to-video', 'Kling 2.6 Pro', 'image_url', 0.1),
  plain('kling/kling-1-6/pro/image-to-video', 'Kling 1.6 Pro', 'image_url', 0.09, {
    required: ['image_url'],
  }),
  plain('wan-ai/wan-2-2/image-to-video', 'Wan 2.2', 'img_url', 0.04),
  plain('wan-ai/wan-2-5/image-to-video', 'Wan 2.5', 'img_url', 0.05, {
    fields: { duration: 'duration' },
    durations: { min: 5, max: 10, values: [5, 10], default: 5 },
    extras: {
      resolution: { type: 'string', title: 'Resolution', enum: ['480P', '720P', '1080P'], default: '480P' },
      negative_prompt: { type: 'string', title: 'Negative prompt', default: null },
      audio_url: {
        type: 'string',
        title: 'Audio',
        description: 'An https:// URL of a wav or mp3 file to lip-sync to',
        default: null,
      },
    },
  }),
  // Its duration as RunComfy's dialect often gives one: a list of text (simulated: no page shows it).
  plain('wan-ai/wan-2-6/image-to-video', 'Wan 2.6', 'img_url', 0.06, {
    fields: { duration: 'duration' },
    durations: { min: 5, max: 15, values: [5, 10, 15], default: 5, asText: true },
  }),
  plain('wan-ai/wan-2-6/flash/image-to-video', 'Wan 2.6 Flash', 'img_url', 0.03),
  plain('bytedance/seedance-v1.5-pro/image-to-video', 'Seedance 1.5 Pro', 'first_frame_image_url', 0.07),
  plain('google-deepmind/veo-3/image-to-video', 'Veo 3', 'image', 0.4, { required: ['image'] }),
  plain(
    'google-deepmind/veo-3-1/fast/first-last-frame-to-video',
    'Veo 3.1 Fast First-Last Frame',
    'first_frame_url',
    0.15,
    { fields: { endImage: 'last_frame_url' } },
  ),
  plain('pixverse/pixverse/v5.5/image-to-video', 'PixVerse 5.5', 'image_url', 0.06),
  plain('pixverse/pixverse/v5.5/transition', 'PixVerse 5.5 Transition', 'first_image_url', 0.06, {
    fields: { endImage: 'end_image_url' },
    required: ['prompt', 'first_image_url', 'end_image_url'],
  }),
  plain('ltx/ltx-2/fast/image-to-video', 'LTX-2 Fast', 'image_url', 0.04),
  plain('happyhorse/happyhorse-1.0/image-to-video', 'HappyHorse 1.0', 'image_url', 0.05, {
    fields: { duration: 'duration' },
    durations: { min: 3, max: 15, default: 5 },
  }),
  plain('pika/pika-2-2/image-to-video', 'Pika 2.2', 'image', 0.05, { required: ['image'] }),
  plain('luma/luma-ray-2/image-to-video', 'Luma Ray 2', 'image_url', 0.1),
  plain('tencent/hunyuan/image-to-video', 'Hunyuan Video', 'image_url', 0.06),
  plain('minimax/Hailuo Video 01 Live', 'Hailuo Video 01 Live', 'image_url', 0.08),
  plain('runwayml/runway-gen-3-alpha/turbo/image-to-video', 'Runway Gen-3 Alpha Turbo', 'promptImage', 0.05, {
    fields: { prompt: 'promptText' },
  }),
  // Not a RunComfy model: the simulator's own, which the app does not ship, so the live catalog
  // is tested end to end with a start-image field no entry names, a float field, a localised
  // title, a null default, a duration as a list of text and `required_inputs`.
  plain(UNSHIPPED_MODEL_ID, 'Lumenfold Drift 1 Image to Video', 'source_image', 0.05, {
    // Its own price, which its catalog entry always gives.
    priced: 'page',
    fields: { duration: 'duration' },
    durations: { min: 4, max: 8, values: [4, 8], default: 4, asText: true },
    requiredInputsOnly: true,
    extras: {
      motion_strength: {
        type: 'float',
        title: 'Intensidad de movimiento',
        description: 'How much the camera and the subject move: 0 is still, 1 is lively',
        minimum: 0,
        maximum: 1,
        default: 0.6,
      },
      camera: { type: 'string', title: 'Camera', enum: ['static', 'orbit', 'push-in'], default: null },
    },
  }),
];

export const SIMULATED_MODELS: ReadonlyMap<string, SimulatedModel> = new Map(
  TABLE.map((m) => [m.modelId, m]),
);

/** The built-in table plus `extra` (a test's model the simulator is told about), by id. */
export function modelTable(extra: readonly SimulatedModel[] = []): ReadonlyMap<string, SimulatedModel> {
  return new Map([...SIMULATED_MODELS, ...extra.map((m) => [m.modelId, m] as const)]);
}
