// A user entry from what the user has: a model id, perhaps the input schema pasted from the
// model's API page, perhaps the answer of RunComfy's catalog endpoint. Pure: the caller fetches
// and saves. Nothing is ever submitted to test an entry (that would be paid).
import type { ModelEntry } from './entry';
import { modelEntrySchema } from './entry';
import { schemaProblem } from './input-validation';
import { livePrice } from './live-entry';
import roleFieldNames from './role-field-names.json';

export interface AddModelInput {
  id: string;
  /** The input schema as pasted (JSON text), if the user has it. */
  schemaText?: string;
  startImageField?: string;
  promptField?: string;
  displayName?: string;
}

/** What `GET /v1/models/{id}` answered, as far as it could be read. */
export interface CatalogAnswer {
  displayName?: string;
  basePriceUsd?: number;
  priceUnit?: string;
}

export type AddModelResult =
  { status: 'entry'; entry: ModelEntry } | { status: 'needsStartImageField'; candidates: string[] };

// Field names seen on RunComfy's pages for each role, most specific first: data (a JSON file beside
// the entries), so model field names stay out of the code.
const START_IMAGE_NAMES = roleFieldNames.startImage;
const END_IMAGE_NAMES = roleFieldNames.endImage;

export class AddModelError extends Error {
  override name = 'AddModelError';
}

function parseSchema(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AddModelError(
      `The input schema is not valid JSON: ${(error as Error).message}. Paste the whole schema, from { to }.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new AddModelError(
      'The input schema must be a JSON object with "properties"; paste the whole schema.',
    );
  const schema = { ...(parsed as Record<string, unknown>) };
  // Pages show the schema without "type" at times; a request is always an object.
  if (schema.type === undefined && typeof schema.properties === 'object') schema.type = 'object';
  const problem = schemaProblem(schema);
  if (problem) throw new AddModelError(`The input schema is not usable: ${problem}`);
  if (schema.type !== 'object')
    throw new AddModelError(
      `The input schema must describe an object (its "type" is ${JSON.stringify(schema.type)}).`,
    );
  return schema;
}

/** The price the catalog gave, read as a live price is (plausible, per second or per video), else unknown. */
function priceFrom(answer: CatalogAnswer | undefined): ModelEntry['price'] {
  const price = livePrice(
    { basePriceUsd: answer?.basePriceUsd ?? null, priceUnit: answer?.priceUnit ?? null },
    undefined,
  );
  return price.ok ? price.price : { per: 'unknown' };
}

export function buildUserEntry(input: AddModelInput, answer?: CatalogAnswer): AddModelResult {
  const id = input.id.trim().replace(/^\/+|\/+$/g, '');
  const schema = input.schemaText?.trim() ? parseSchema(input.schemaText) : null;
  const properties = (schema?.properties ?? {}) as Record<string, { type?: unknown; title?: unknown }>;
  const names = Object.keys(properties);
  const textFields = names.filter(
    (n) => properties[n]?.type === undefined || properties[n]?.type === 'string',
  );

  let start = input.startImageField?.trim();
  if (!start) {
    const known = START_IMAGE_NAMES.filter((n) => names.includes(n));
    if (known.length === 1) start = known[0];
    else {
      const imageLike = textFields.filter((n) =>
        /image|img|frame/i.test(`${n} ${String(properties[n]?.title ?? '')}`),
      );
      return {
        status: 'needsStartImageField',
        candidates:
          known.length > 1
            ? known
            : imageLike.length > 0
              ? imageLike
              : schema
                ? textFields
                : START_IMAGE_NAMES,
      };
    }
  }
  const prompt =
    input.promptField?.trim() ||
    (names.includes('prompt') || !schema
      ? 'prompt'
      : (textFields.find((n) => /prompt/i.test(n)) ?? 'prompt'));
  const roles: ModelEntry['roles'] = { prompt, startImage: start! };
  const end = END_IMAGE_NAMES.find((n) => names.includes(n));
  if (end) roles.endImage = end;
  const negative = roleFieldNames.negativePrompt.find((n) => names.includes(n));
  if (negative) roles.negativePrompt = negative;
  if (names.includes('duration')) roles.duration = 'duration';
  const audio = roleFieldNames.audio.find((n) => properties[n]?.type === 'boolean');
  if (audio) roles.audio = audio;

  const inputSchema = schema ?? {
    type: 'object',
    required: [prompt, start],
    properties: { [prompt]: { type: 'string' }, [start!]: { type: 'string' } },
  };
  const candidate = {
    id,
    displayName: input.displayName?.trim() || answer?.displayName?.trim() || id,
    task: 'image-to-video',
    status: 'partly-known',
    roles,
    inputSchema,
    price: priceFrom(answer),
    notes: schema
      ? 'Added in the app from a pasted input schema.'
      : 'Added in the app from its id; fields beyond the prompt and start image are not known.',
  };
  const parsed = modelEntrySchema.safeParse(candidate);
  if (!parsed.success)
    throw new AddModelError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; '),
    );
  return { status: 'entry', entry: parsed.data };
}

/** A file name for the entry: the id with its slashes and odd characters made safe. */
export function entryFileName(id: string): string {
  return `${id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'model'}.json`;
}
