// RunComfy's schema dialect turned into the JSON Schema the app validates with (ajv). RunComfy's
// `input_schema` is not strict JSON Schema (runcomfy-api.md): a number may be typed "float", a
// default may be null, titles may be localised, image fields carry `format: image_uri` (a format
// ajv does not know), and an entry may give `required_inputs` instead of `required`. Understood
// here rather than rejected; a schema that still does not compile is refused with ajv's reason,
// and the caller falls back to the shipped entry and says so.
import { compileInputSchema, type InputValidator } from './input-validation';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const TYPE_WORDS: Record<string, string> = {
  float: 'number',
  double: 'number',
  decimal: 'number',
  number: 'number',
  int: 'integer',
  integer: 'integer',
  long: 'integer',
  str: 'string',
  string: 'string',
  text: 'string',
  bool: 'boolean',
  boolean: 'boolean',
  array: 'array',
  list: 'array',
  object: 'object',
  dict: 'object',
  null: 'null',
};

/** Formats that mark a field as taking an image (RunComfy: image_uri; others: image_url). */
const IMAGE_FORMATS = new Set(['image_uri', 'image_url', 'image']);

/** A localised text: the English one, else the first one given. */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (!isObject(value)) return null;
  const english = value.en ?? value['en-US'] ?? value.en_US;
  if (typeof english === 'string') return english;
  return Object.values(value).find((v): v is string => typeof v === 'string') ?? null;
}

function typeOf(value: unknown): string | string[] | undefined {
  const one = (word: unknown) => (typeof word === 'string' ? TYPE_WORDS[word.toLowerCase()] : undefined);
  if (Array.isArray(value)) {
    const words = value.map(one).filter((w): w is string => w !== undefined);
    return words.length > 0 ? words : undefined;
  }
  return one(value);
}

const SUB_SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf'] as const;
const NUMBER_KEYWORDS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'multipleOf',
] as const;

/** One (sub)schema in strict JSON Schema. */
function normalize(schema: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case 'type': {
        const type = typeOf(value);
        if (type !== undefined) out.type = type; // an unknown type word: any value
        break;
      }
      case 'default':
        if (value !== null) out.default = value;
        break;
      case 'title':
      case 'description': {
        const text = textOf(value);
        if (text !== null) out[key] = text;
        break;
      }
      case 'format':
        // ajv knows none of RunComfy's formats; image fields are found by inferRoles instead.
        break;
      case 'properties':
        if (isObject(value))
          out.properties = Object.fromEntries(
            Object.entries(value)
              .filter((entry): entry is [string, Json] => isObject(entry[1]))
              .map(([name, sub]) => [name, normalize(sub)]),
          );
        break;
      case 'items':
        if (isObject(value)) out.items = normalize(value);
        else if (Array.isArray(value)) out.items = value.filter(isObject).map(normalize);
        break;
      case 'required':
        if (Array.isArray(value)) out.required = value.filter((v): v is string => typeof v === 'string');
        break;
      case 'required_inputs':
        break;
      default:
        if ((SUB_SCHEMA_LISTS as readonly string[]).includes(key)) {
          if (Array.isArray(value)) out[key] = value.filter(isObject).map(normalize);
        } else if ((NUMBER_KEYWORDS as readonly string[]).includes(key)) {
          const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
          if (Number.isFinite(n)) out[key] = n;
        } else out[key] = value;
    }
  }
  // `required_inputs` stands in for a missing `required` (RunComfy's Zapier code does the same).
  if (out.required === undefined && Array.isArray(schema.required_inputs))
    out.required = schema.required_inputs.filter((v): v is string => typeof v === 'string');
  return out;
}

export type NormalizedSchema =
  | {
      ok: true;
      schema: Json;
      /** Top-level fields whose format says they take an image. */
      imageFields: string[];
      /** The schema compiled (once: RunComfy's catalog has dozens of models). */
      validate: InputValidator;
    }
  | { ok: false; why: string };

/**
 * A RunComfy `input_schema` as strict JSON Schema. `requiredInputs` is the entry's own
 * `required_inputs`, used when the schema has no `required`.
 */
export function normalizeInputSchema(raw: unknown, requiredInputs?: unknown): NormalizedSchema {
  if (!isObject(raw)) return { ok: false, why: 'it has no input schema' };
  if (!isObject(raw.properties) || Object.keys(raw.properties).length === 0)
    return { ok: false, why: 'its input schema lists no fields' };
  const rawType = typeOf(raw.type);
  if (rawType !== undefined && rawType !== 'object')
    return { ok: false, why: `its input schema describes ${JSON.stringify(raw.type)}, not an object` };
  const withRequired =
    raw.required === undefined && raw.required_inputs === undefined && Array.isArray(requiredInputs)
      ? { ...raw, required_inputs: requiredInputs }
      : raw;
  const schema = { ...normalize(withRequired), type: 'object' };
  let validate: InputValidator;
  try {
    validate = compileInputSchema(schema);
  } catch (error) {
    return { ok: false, why: `its input schema does not compile (${(error as Error).message})` };
  }
  const imageFields = Object.entries(raw.properties)
    .filter(([, sub]) => isObject(sub) && typeof sub.format === 'string' && IMAGE_FORMATS.has(sub.format))
    .map(([name]) => name);
  return { ok: true, schema, imageFields, validate };
}
