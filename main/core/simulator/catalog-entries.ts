// The simulator's catalog entries, in RunComfy's own dialect (runcomfy-api.md, "The catalog and
// the account"): `model_id`, `display_name`, `categories`, `base_price_usd` per `price_unit`, and
// an `input_schema` that is not strict JSON Schema (numbers typed "float", null defaults,
// durations as a list of text, image fields marked `format: image_uri`, `required_inputs` on
// some entries). Written from the simulator's table, never from the app's catalog.
import type { SimulatedField, SimulatedModel } from './simulated-models';

type Property = Record<string, unknown>;

const IMAGE_DESCRIPTION =
  'A public https URL (or a data:image/...;base64 URI) of a jpg, png, bmp or webp image';

function image(title: string): Property {
  return { type: 'string', format: 'image_uri', title, description: IMAGE_DESCRIPTION };
}

function field(spec: SimulatedField): Property {
  const property: Property = { type: spec.type, title: spec.title, default: spec.default };
  if (spec.description) property.description = spec.description;
  if (spec.enum) property.enum = spec.enum;
  if (spec.minimum !== undefined) property.minimum = spec.minimum;
  if (spec.maximum !== undefined) property.maximum = spec.maximum;
  return property;
}

function duration(model: SimulatedModel): Property {
  const { min, max, values, asText } = model.durations;
  const base = { title: 'Duration', description: 'Length of the video in seconds' };
  if (values)
    return asText
      ? { ...base, type: 'string', enum: values.map(String), default: String(model.durations.default) }
      : { ...base, type: 'integer', enum: values, default: model.durations.default };
  return { ...base, type: 'integer', minimum: min, maximum: max, default: model.durations.default };
}

/** Kling 3.0's fields beyond prompt, images, duration and audio, as its API page lists them. */
function kling3Fields(): Record<string, Property> {
  const shot = {
    type: 'object',
    required: ['prompt', 'duration'],
    properties: {
      prompt: { type: 'string', title: 'Prompt', maxLength: 2500 },
      duration: { type: 'integer', minimum: 3, maximum: 15 },
    },
  };
  const element = {
    type: 'object',
    anyOf: [
      {
        required: ['frontal_image_url'],
        properties: {
          frontal_image_url: image('Frontal image'),
          reference_image_urls: { type: 'array', maxItems: 3, items: image('Reference image') },
        },
      },
      { required: ['video_url'], properties: { video_url: { type: 'string', title: 'Video' } } },
    ],
  };
  return {
    negative_prompt: { type: 'string', title: 'Negative prompt', maxLength: 2500, default: null },
    cfg_scale: { type: 'float', title: 'CFG scale', minimum: 0, maximum: 1, default: 0.5 },
    shot_type: { type: 'string', title: 'Shot type', enum: ['customize'], default: 'customize' },
    multi_prompt: { type: 'array', title: 'Shots', minItems: 1, maxItems: 6, items: shot, default: null },
    elements: { type: 'array', title: 'Elements', maxItems: 3, items: element, default: null },
  };
}

/** The model's input schema as RunComfy's catalog answers it. */
export function inputSchema(model: SimulatedModel): Record<string, unknown> {
  const { fields } = model;
  const properties: Record<string, Property> = {
    [fields.prompt]: {
      type: 'string',
      title: 'Prompt',
      description: 'What happens in the video',
      ...(model.kling3 ? { maxLength: 2500 } : {}),
    },
    [fields.startImage]: image('Start image'),
  };
  if (fields.endImage) properties[fields.endImage] = image('End image');
  if (fields.duration) properties[fields.duration] = duration(model);
  if (fields.audio)
    properties[fields.audio] = { type: 'boolean', title: 'Generate audio', default: Boolean(model.kling3) };
  if (model.kling3) Object.assign(properties, kling3Fields());
  for (const [name, spec] of Object.entries(model.extras ?? {})) properties[name] = field(spec);
  const schema: Record<string, unknown> = { type: 'object', title: 'Input', properties };
  if (!model.requiredInputsOnly) schema.required = model.required;
  return schema;
}

/** One entry of the list (with its schema when asked) or of `GET /v1/models/{model_id}`. */
export function catalogEntry(
  model: SimulatedModel,
  withSchema: boolean,
  prices: 'all' | 'published' = 'all',
): Record<string, unknown> {
  const priced = prices === 'all' || model.priced === 'page';
  return {
    model_id: model.modelId,
    display_name: model.displayName,
    description: `${model.displayName} (simulated${model.priced === 'simulated' ? ', made-up price' : ''})`,
    categories: ['image-to-video'],
    kind: 'model',
    base_price_usd: priced ? model.usdPerSecond.silent : null,
    price_unit: 'second',
    model_url: `https://www.runcomfy.com/models/${model.modelId}`,
    required_inputs: model.required,
    ...(withSchema ? { input_schema: inputSchema(model) } : {}),
  };
}

export const SIMULATED_CATEGORIES = ['image-to-video'];
