// Input validation of the simulated image-to-video models: Kling 3.0's full rule set, and for
// every other model its own required fields and field names (simulated-models.ts). Written from the API
// docs and deliberately independent of the app's own catalog: if the client and the simulator
// disagree, a test notices instead of both being wrong the same way. Errors come back
// FastAPI-style, one `detail` entry per bad field, all of them at once.
import type { SimulatedModel } from './simulated-models';
import { checkedList, checkImage, isObject, requiredValue, type Check } from './field-checks';
import { danglingElementReferences, validateElements } from './validate-elements';
import { checkedDuration, checkExtraFields } from './validate-plain-fields';

export type { SimulatedModel } from './simulated-models';

export interface DetailEntry {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** What the simulator keeps of a valid submit (never the image bytes). */
export interface ValidInput {
  prompt: string;
  duration: number;
  generateAudio: boolean;
  /** sha256 of the decoded start image, or of the URL string for https URLs. */
  startImageHash: string;
  /** Decoded start image bytes for a data URI (null for a URL); not to be kept past the submit. */
  startImageBytes: Buffer | null;
}

export type ValidationResult = { ok: true; input: ValidInput } | { ok: false; detail: DetailEntry[] };

export const MAX_PROMPT_CHARS = 2500;
export const MIN_DURATION = 3;
export const MAX_DURATION = 15;
export const DEFAULT_DURATION = 10;
const MAX_SEGMENTS = 6;

function isWholeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function checkDuration(value: unknown): Check<number> {
  if (!isWholeNumber(value)) return { ok: false, msg: 'Input should be a valid integer', type: 'int_type' };
  if (value < MIN_DURATION)
    return {
      ok: false,
      msg: `Input should be greater than or equal to ${MIN_DURATION}`,
      type: 'greater_than_equal',
    };
  if (value > MAX_DURATION)
    return {
      ok: false,
      msg: `Input should be less than or equal to ${MAX_DURATION}`,
      type: 'less_than_equal',
    };
  return { ok: true, value };
}

function checkText(value: unknown, required: boolean): Check<string> {
  if (typeof value !== 'string')
    return { ok: false, msg: 'Input should be a valid string', type: 'string_type' };
  if (required && value.trim().length === 0)
    return { ok: false, msg: 'String should have at least 1 character', type: 'string_too_short' };
  if (value.length > MAX_PROMPT_CHARS)
    return {
      ok: false,
      msg: `String should have at most ${MAX_PROMPT_CHARS} characters`,
      type: 'string_too_long',
    };
  return { ok: true, value };
}

/** Validates a submit body for `model`. Unknown top-level fields are ignored, as FastAPI does. */
export function validateInput(model: SimulatedModel, body: unknown): ValidationResult {
  return model.kling3 ? validateKling3(model, body) : validatePlain(model, body);
}

/**
 * A model known by its page's curl: its own prompt and image fields (required as its page
 * says), a duration where the page gives one. A request in another model's field names misses
 * this model's required fields and is refused, as RunComfy would.
 */
function validatePlain(model: SimulatedModel, body: unknown): ValidationResult {
  const detail: DetailEntry[] = [];
  const fail = (loc: (string | number)[], check: { msg: string; type: string }) =>
    detail.push({ loc: ['body', ...loc], msg: check.msg, type: check.type });
  if (!isObject(body)) {
    fail([], { msg: 'Input should be a JSON object', type: 'model_attributes_type' });
    return { ok: false, detail };
  }
  const present = (key: string) => body[key] !== undefined && body[key] !== null;
  for (const field of model.required)
    if (!present(field)) fail([field], { msg: 'Field required', type: 'missing' });
  const { fields } = model;
  let prompt = '';
  if (present(fields.prompt)) {
    const check = checkText(body[fields.prompt], model.required.includes(fields.prompt));
    if (check.ok) prompt = check.value;
    else fail([fields.prompt], check);
  }
  let startImageHash = '';
  let startImageBytes: Buffer | null = null;
  if (present(fields.startImage)) {
    const check = checkImage(body[fields.startImage]);
    if (check.ok) {
      startImageHash = check.value.hash;
      startImageBytes = check.value.bytes;
    } else fail([fields.startImage], check);
  }
  if (fields.endImage && present(fields.endImage)) {
    const check = checkImage(body[fields.endImage]);
    if (!check.ok) fail([fields.endImage], check);
  }
  let duration = model.durations.default;
  if (fields.duration && present(fields.duration))
    duration = checkedDuration(model, body[fields.duration], fail) ?? duration;
  checkExtraFields(model, body, fail);
  let generateAudio = false;
  if (fields.audio && present(fields.audio)) {
    if (typeof body[fields.audio] === 'boolean') generateAudio = body[fields.audio] as boolean;
    else fail([fields.audio], { msg: 'Input should be a valid boolean', type: 'bool_type' });
  }
  if (detail.length > 0) return { ok: false, detail };
  return { ok: true, input: { prompt, duration, generateAudio, startImageHash, startImageBytes } };
}

/** Kling 3.0: every rule of its table in the API docs. */
function validateKling3(model: SimulatedModel, body: unknown): ValidationResult {
  const detail: DetailEntry[] = [];
  const fail = (loc: (string | number)[], check: { msg: string; type: string }) =>
    detail.push({ loc: ['body', ...loc], msg: check.msg, type: check.type });
  const missing = (loc: (string | number)[]) => fail(loc, { msg: 'Field required', type: 'missing' });

  if (!isObject(body)) {
    fail([], { msg: 'Input should be a JSON object', type: 'model_attributes_type' });
    return { ok: false, detail };
  }
  // Optional fields sent as null count as absent (Optional[...] = None upstream).
  const present = (key: string) => body[key] !== undefined && body[key] !== null;

  let prompt = '';
  if (!present('prompt')) missing(['prompt']);
  else {
    const check = checkText(body.prompt, true);
    if (check.ok) prompt = check.value;
    else fail(['prompt'], check);
  }

  let startImageHash = '';
  let startImageBytes: Buffer | null = null;
  if (!present('start_image_url')) missing(['start_image_url']);
  else {
    const check = checkImage(body.start_image_url);
    if (check.ok) {
      startImageHash = check.value.hash;
      startImageBytes = check.value.bytes;
    } else fail(['start_image_url'], check);
  }

  let duration = DEFAULT_DURATION;
  let durationValid = true;
  if (present('duration')) {
    const check = checkDuration(body.duration);
    if (check.ok) duration = check.value;
    else {
      durationValid = false;
      fail(['duration'], check);
    }
  }

  let generateAudio = true;
  if (present('generate_audio')) {
    if (typeof body.generate_audio === 'boolean') generateAudio = body.generate_audio;
    else fail(['generate_audio'], { msg: 'Input should be a valid boolean', type: 'bool_type' });
  }

  if (present('negative_prompt')) {
    const check = checkText(body.negative_prompt, false);
    if (!check.ok) fail(['negative_prompt'], check);
  }

  if (present('cfg_scale')) {
    const value = body.cfg_scale;
    if (typeof value !== 'number' || !Number.isFinite(value))
      fail(['cfg_scale'], { msg: 'Input should be a valid number', type: 'float_type' });
    else if (value < 0)
      fail(['cfg_scale'], { msg: 'Input should be greater than or equal to 0', type: 'greater_than_equal' });
    else if (value > 1)
      fail(['cfg_scale'], { msg: 'Input should be less than or equal to 1', type: 'less_than_equal' });
  }

  if (present('shot_type') && body.shot_type !== 'customize')
    fail(['shot_type'], { msg: "Input should be 'customize'", type: 'literal_error' });

  const hasMultiPrompt = present('multi_prompt');
  if (hasMultiPrompt) {
    const segments = checkedList(body.multi_prompt, ['multi_prompt'], MAX_SEGMENTS, fail, 1);
    if (segments) {
      let sum = 0;
      let allValid = true;
      segments.forEach((segment: unknown, index) => {
        if (!isObject(segment)) {
          allValid = false;
          fail(['multi_prompt', index], {
            msg: 'Input should be an object with prompt and duration',
            type: 'model_type',
          });
          return;
        }
        requiredValue(segment.prompt, ['multi_prompt', index, 'prompt'], (v) => checkText(v, true), fail);
        const seconds = requiredValue(
          segment.duration,
          ['multi_prompt', index, 'duration'],
          checkDuration,
          fail,
        );
        if (seconds === null) allValid = false;
        else sum += seconds;
      });
      if (allValid && durationValid && sum !== duration)
        fail(['multi_prompt'], {
          msg: `Segment durations sum to ${sum} seconds but duration is ${duration}; they must be equal`,
          type: 'value_error',
        });
    }
  }

  if (present('end_image_url')) {
    if (!model.kling3?.acceptsEndImage)
      fail(['end_image_url'], {
        msg: `end_image_url is not accepted by ${model.modelId}; use the pro model for a last frame`,
        type: 'extra_forbidden',
      });
    else if (hasMultiPrompt)
      fail(['end_image_url'], {
        msg: 'end_image_url cannot be combined with multi_prompt',
        type: 'value_error',
      });
    else {
      const check = checkImage(body.end_image_url);
      if (!check.ok) fail(['end_image_url'], check);
    }
  }

  if (present('elements')) validateElements(body.elements, fail);
  // Every @ElementN in the prompts must name a sent element (upstream refuses a dangling reference).
  const texts = [
    body.prompt,
    ...(Array.isArray(body.multi_prompt)
      ? body.multi_prompt.map((s) => (isObject(s) ? s.prompt : null))
      : []),
  ];
  const count = Array.isArray(body.elements) ? body.elements.length : 0;
  texts.forEach((text, index) => {
    if (typeof text !== 'string') return;
    for (const n of danglingElementReferences(text, count))
      fail(index === 0 ? ['prompt'] : ['multi_prompt', index - 1, 'prompt'], {
        msg: `@Element${n} is referenced but ${count === 0 ? 'no elements were given' : `only ${count} element${count === 1 ? ' was' : 's were'} given`}`,
        type: 'value_error',
      });
  });

  if (detail.length > 0) return { ok: false, detail };
  return { ok: true, input: { prompt, duration, generateAudio, startImageHash, startImageBytes } };
}

/** Price of one generation in USD, rounded to a millionth to keep float noise out of the ledger. */
export function priceUsd(model: SimulatedModel, duration: number, generateAudio: boolean): number {
  const rate = generateAudio ? model.usdPerSecond.audio : model.usdPerSecond.silent;
  return Math.round(rate * duration * 1e6) / 1e6;
}
