// The model catalog: one data entry per RunComfy model (catalog/models/*.json, plus a user's
// own entries in <dataDir>/models). Everything the intake, the engine, the UI and the CLI know
// about a model comes from its entry: ids, names, which field carries the start image, the
// input schema, limits, the price rule and how long a generation usually takes. Adding a model
// is adding a file, not touching the code. Facts and sources: docs/models.md.
import { elementShape, shotRule } from './creative-rules';
import type { ModelInfoDto } from '@common/contract';
import type { ModelEntry, PriceRule } from './entry';
import { compileInputSchema, type InputValidator } from './input-validation';
import { SHIPPED_ENTRIES } from './shipped';

export type { ModelEntry, PriceRule, RoleName } from './entry';

export interface ModelSpec extends ModelEntry {
  /**
   * Where its facts come from: RunComfy's own catalog (fetched, or cached from an earlier
   * fetch), the entry shipped with the app, or the user's models folder (then `file` says which).
   */
  origin: ModelOrigin;
  file: string | null;
  /** When RunComfy's catalog answer it comes from was fetched (clock ms); null for the others. */
  fetchedAt: number | null;
  /** Where the current price comes from: the entry, or RunComfy's catalog endpoint. */
  priceSource: 'static' | 'live';
  /** Problems of one request against the entry's schema, in words; [] when it fits. */
  validateInput: InputValidator;
}

/** An entry's `price.source` when the price was read from RunComfy's catalog. */
export const LIVE_PRICE_SOURCE = 'RunComfy catalog endpoint';

/** Image fields take an https URL, a data URI, or (inside the app, before submit) a placeholder. */
export const IMAGE_REF_PREFIX = 'image-ref:';

/**
 * Used when an entry gives no generation time: the shortest documented one (Kling 3.0 Standard,
 * ~1.5 min per 5 s). A prior that is too short costs a few extra status polls; one that is too
 * long would leave a finished, paid video waiting, so we err short. The engine learns real
 * timings per model from finished jobs anyway.
 */
export const DEFAULT_SECONDS_PER_VIDEO_SECOND = 18;

export type ModelOrigin = 'runcomfy' | 'shipped' | 'user';

export function toModelSpec(
  entry: ModelEntry,
  origin: ModelOrigin,
  file: string | null,
  fetchedAt: number | null = null,
  /** The entry's schema already compiled, when the caller has it. */
  compiled?: InputValidator,
): ModelSpec {
  let validator: InputValidator | null = compiled ?? null;
  return {
    ...entry,
    origin,
    file,
    fetchedAt,
    priceSource: origin === 'runcomfy' && entry.price.source === LIVE_PRICE_SOURCE ? 'live' : 'static',
    // Compiled on first use: most entries are never used in a session.
    validateInput: (input) => (validator ??= compileInputSchema(entry.inputSchema))(input),
  };
}

type JsonSchema = Record<string, unknown>;

/** The schema of one top-level request field, when the entry describes it. */
export function fieldSchema(model: Pick<ModelEntry, 'inputSchema'>, field: string): JsonSchema | undefined {
  const properties = model.inputSchema.properties as Record<string, JsonSchema> | undefined;
  return properties?.[field];
}

export interface DurationRule {
  field: string;
  min: number;
  max: number;
  /** The only values allowed (an enum), or null for any whole number from min to max. */
  values: number[] | null;
  /** Some models take the duration as text ("5"), most as a number. */
  asText: boolean;
}

/** How many seconds a video may last, from the duration field's schema. */
export function durationRule(model: ModelEntry): DurationRule | null {
  const field = model.roles.duration;
  if (!field) return null;
  const schema = fieldSchema(model, field) ?? {};
  const asText = schema.type === 'string';
  const values = Array.isArray(schema.enum) ? schema.enum.map(Number).filter(Number.isFinite) : null;
  if (values && values.length > 0)
    return { field, min: Math.min(...values), max: Math.max(...values), values, asText };
  const min = typeof schema.minimum === 'number' ? schema.minimum : 1;
  const max = typeof schema.maximum === 'number' ? schema.maximum : 60;
  return { field, min, max, values: null, asText };
}

/** "5 or 10 seconds" / "a whole number from 3 to 15 seconds". */
export function durationWords(rule: DurationRule): string {
  if (rule.values) {
    const shown = rule.values.map(String);
    return `${shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}` : shown[0]} seconds`;
  }
  return `a whole number from ${rule.min} to ${rule.max} seconds`;
}

export function durationAllowed(rule: DurationRule, seconds: number): boolean {
  if (!Number.isInteger(seconds)) return false;
  return rule.values ? rule.values.includes(seconds) : seconds >= rule.min && seconds <= rule.max;
}

export type ModelInfo = ModelInfoDto;

export interface CatalogProblem {
  /** The entry file, or null for a problem not tied to one. */
  file: string | null;
  line: number | null;
  field: string | null;
  message: string;
}

/** Where the catalog's list comes from now, said to the user at start and on refresh. */
export interface CatalogSource {
  /** RunComfy's catalog fetched now, the copy cached at an earlier fetch, or only the shipped entries. */
  kind: 'runcomfy' | 'cache' | 'shipped';
  /** When RunComfy's answer was fetched (clock ms); null for the shipped entries. */
  fetchedAt: number | null;
  /** Why RunComfy's catalog is not the source (offline, no key...), or null. */
  why: string | null;
}

export interface Catalog {
  list(): ModelSpec[];
  /** By id or alias; throws a clear error listing the known ids otherwise. */
  get(idOrAlias: string): ModelSpec;
  find(idOrAlias: string): ModelSpec | undefined;
  info(id: string): ModelInfo;
  infos(): ModelInfo[];
  /** A price learned at run time (RunComfy's catalog endpoint); kept for this catalog only. */
  setPrice(id: string, price: PriceRule): void;
  /** Adds or replaces an entry (a user entry saved while the app runs). */
  put(model: ModelSpec): void;
  /**
   * Lays RunComfy's entries over the shipped ones (a shipped entry RunComfy does not describe
   * stays); a user entry still wins by id. Replaces any earlier live entries.
   */
  useLive(models: readonly ModelSpec[], source: CatalogSource): void;
  /** Where the list comes from now. */
  source(): CatalogSource;
  /** Entry files that could not be used, each with file, line and field. */
  problems: CatalogProblem[];
}

export function createCatalog(
  models: readonly ModelSpec[] = SHIPPED_ENTRIES.map((e) => toModelSpec(e, 'shipped', null)),
  problems: CatalogProblem[] = [],
): Catalog {
  // What the catalog was made with (shipped and user entries), kept to lay live entries over.
  const base = new Map<string, ModelSpec>(models.map((m) => [m.id, { ...m }]));
  const byId = new Map<string, ModelSpec>(base);
  let source: CatalogSource = { kind: 'shipped', fetchedAt: null, why: null };
  const find = (idOrAlias: string): ModelSpec | undefined => {
    const direct = byId.get(idOrAlias);
    if (direct) return direct;
    const alias = idOrAlias.trim().toLowerCase();
    return [...byId.values()].find((m) => m.aliases?.includes(alias));
  };
  const get = (idOrAlias: string): ModelSpec => {
    const model = find(idOrAlias);
    if (!model)
      throw new Error(
        `Unknown model "${idOrAlias}"; expected one of ${[...byId.keys()].map((id) => `"${id}"`).join(', ')}. ` +
          'Pick a model from the list, or add an entry for it (Settings → Models → Add, or a JSON file in the models folder).',
      );
    return { ...model };
  };
  return {
    list: () => [...byId.values()].map((m) => ({ ...m })),
    get,
    find: (idOrAlias) => {
      const model = find(idOrAlias);
      return model && { ...model };
    },
    info: (id) => toModelInfo(get(id)),
    infos: () => [...byId.values()].map(toModelInfo),
    setPrice: (id, price) => {
      const model = get(id);
      byId.set(model.id, { ...model, price: { ...price }, priceSource: 'live' });
    },
    put: (model) => {
      base.set(model.id, { ...model });
      byId.set(model.id, { ...model });
    },
    useLive: (live, next) => {
      const merged = new Map<string, ModelSpec>();
      const liveById = new Map(live.map((m) => [m.id, m]));
      for (const [id, model] of base)
        merged.set(id, model.origin === 'user' ? model : { ...(liveById.get(id) ?? model) });
      for (const model of [...live].sort((a, b) => a.displayName.localeCompare(b.displayName)))
        if (!merged.has(model.id)) merged.set(model.id, { ...model });
      byId.clear();
      for (const [id, model] of merged) byId.set(id, model);
      source = { ...next };
    },
    source: () => ({ ...source }),
    problems,
  };
}

/** Fields the settings form builds a control for: simple, top-level, not filled in by a role. */
function formFields(model: ModelEntry): ModelInfo['fields'] {
  const roleFields = new Set(Object.values(model.roles));
  const properties = (model.inputSchema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((model.inputSchema.required as string[] | undefined) ?? []);
  const fields: ModelInfo['fields'] = [];
  for (const [name, schema] of Object.entries(properties)) {
    if (roleFields.has(name)) continue;
    const enumValues = Array.isArray(schema.enum)
      ? schema.enum.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
      : null;
    const kind =
      enumValues && enumValues.length > 0
        ? 'select'
        : schema.type === 'boolean'
          ? 'switch'
          : schema.type === 'integer' || schema.type === 'number'
            ? 'number'
            : schema.type === 'string'
              ? 'text'
              : null;
    if (!kind) continue; // lists and objects: --set or prompts.csv, not a form control
    const fallback = schema.default;
    fields.push({
      name,
      label: typeof schema.title === 'string' ? schema.title : name,
      description: typeof schema.description === 'string' ? schema.description : null,
      kind,
      options: kind === 'select' ? enumValues : null,
      min: typeof schema.minimum === 'number' ? schema.minimum : null,
      max: typeof schema.maximum === 'number' ? schema.maximum : null,
      integer: schema.type === 'integer',
      default:
        typeof fallback === 'string' || typeof fallback === 'number' || typeof fallback === 'boolean'
          ? fallback
          : null,
      required: required.has(name),
    });
  }
  return fields;
}

/** The contract's view of a model (modelInfoSchema in common/contract/models.ts). */
export function toModelInfo(model: ModelSpec): ModelInfo {
  const rule = durationRule(model);
  const price = model.price;
  const elements = elementShape(model);
  return {
    id: model.id,
    displayName: model.displayName,
    aliases: [...(model.aliases ?? [])],
    status: model.status,
    origin: model.origin,
    fetchedAt: model.fetchedAt,
    family: familyOf(model.displayName),
    // Known to the app layer (its batches), which fills it in.
    lastUsedAt: null,
    price:
      price.per === 'unknown'
        ? { per: 'unknown' }
        : { per: price.per, usd: price.usd, withAudioUsd: price.withAudioUsd ?? null },
    priceSource: model.priceSource,
    roles: { ...model.roles },
    duration: rule && { min: rule.min, max: rule.max, values: rule.values },
    fields: formFields(model),
    shots: shotRule(model),
    elements: elements && {
      max: Number.isFinite(elements.maxElements) ? elements.maxElements : null,
      maxReferences: Number.isFinite(elements.maxReferences) ? elements.maxReferences : null,
    },
  };
}

/** The family a model is grouped under in the picker: its name's first word ("Kling", "Wan", "Veo"). */
export function familyOf(displayName: string): string {
  const first = displayName.trim().split(/\s+/)[0] ?? displayName;
  return first.replace(/-\d[\w.]*$/, '') || first;
}

/** Rounded to a millionth of a dollar so sums of many items do not show float noise. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/**
 * Price of one video from the request as it will be sent (duration and audio read from the
 * entry's role fields, factors from `byField`), or null when the entry does not know the price.
 * `fallbackSeconds` is the video length when the request has no duration field.
 */
export function estimateCostUsd(
  model: ModelEntry,
  request: Record<string, unknown>,
  fallbackSeconds: number,
): number | null {
  const price = model.price;
  if (price.per === 'unknown') return null;
  const audioField = model.roles.audio;
  const withAudio = audioField !== undefined && request[audioField] === true;
  let unit = withAudio ? (price.withAudioUsd ?? price.usd) : price.usd;
  for (const [field, factors] of Object.entries(price.byField ?? {})) {
    const value = request[field];
    if (value === undefined || value === null) continue;
    const factor = factors[String(value)];
    if (factor !== undefined) unit *= factor;
  }
  if (price.per === 'video') return roundUsd(unit);
  return roundUsd(unit * videoSeconds(model, request, fallbackSeconds));
}

/** Length of the video a request asks for, in seconds. */
export function videoSeconds(model: ModelEntry, request: Record<string, unknown>, fallback: number): number {
  const field = model.roles.duration;
  const value = field === undefined ? undefined : Number(request[field]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Typical wall-clock generation time of one video, in ms. */
export function estimateGenerationMs(model: ModelEntry, durationSeconds: number): number {
  const polling = model.polling;
  if (polling?.seconds !== undefined && polling.secondsPerVideoSecond === undefined)
    return Math.round(polling.seconds * 1000);
  const perSecond = polling?.secondsPerVideoSecond ?? DEFAULT_SECONDS_PER_VIDEO_SECOND;
  return Math.round(perSecond * Math.max(1, durationSeconds) * 1000);
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
