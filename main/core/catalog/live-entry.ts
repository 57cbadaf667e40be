// A model entry from what RunComfy's catalog says of a model (`GET /v1/models?include_schema=true`
// or `GET /v1/models/{model_id}`), with the shipped entry of the same id as the source of what
// the API does not give: role names where the schema is ambiguous, the audio surcharge and other
// price factors, limits, polling priors, aliases and known quirks. The live schema, price and
// name are the truth; a live answer that cannot be used says why, and the caller keeps the
// shipped entry.
import { numberOf } from '../api/catalog-answers';
import { roundUsd } from './catalog';
import { modelEntrySchema, type ModelEntry, type PriceRule } from './entry';
import { inferRoles } from './infer-roles';
import type { InputValidator } from './input-validation';
import { normalizeInputSchema } from './runcomfy-schema';

type Json = Record<string, unknown>;

/** What one catalog answer says of a model, read tolerantly (only what the app uses). */
export interface LiveModel {
  id: string;
  displayName: string | null;
  categories: string[];
  basePriceUsd: number | null;
  priceUnit: string | null;
  inputSchema: unknown;
  requiredInputs: unknown;
  modelUrl: string | null;
}

export function readLiveModel(raw: Json): LiveModel | null {
  const id = raw.model_id ?? raw.id;
  if (typeof id !== 'string' || id.trim() === '') return null;
  const categories = Array.isArray(raw.categories)
    ? raw.categories.filter((c): c is string => typeof c === 'string')
    : typeof raw.category === 'string'
      ? [raw.category]
      : [];
  const name = raw.display_name ?? raw.name;
  return {
    id: id.trim().replace(/^\/+|\/+$/g, ''),
    displayName: typeof name === 'string' && name.trim() ? name.trim() : null,
    categories,
    basePriceUsd: numberOf(raw.base_price_usd),
    priceUnit: typeof raw.price_unit === 'string' ? raw.price_unit.trim() : null,
    inputSchema: raw.input_schema ?? raw.schema ?? null,
    requiredInputs: raw.required_inputs,
    modelUrl: typeof raw.model_url === 'string' ? raw.model_url : null,
  };
}

/** A live base price above this (USD per second) is treated as a misread, not as a price. */
const MAX_PLAUSIBLE_USD_PER_SECOND = 10;
/** The same for a price per video. */
const MAX_PLAUSIBLE_USD_PER_VIDEO = 100;

/** "second", "video" or null for a unit we cannot bill by. */
export function priceUnitOf(unit: string | null): 'second' | 'video' | null {
  const word = unit?.trim().toLowerCase() ?? '';
  if (/^(second|seconds|sec|s|per second)$/.test(word)) return 'second';
  if (/^(video|videos|request|requests|generation|generations|run|runs|per video)$/.test(word))
    return 'video';
  return null;
}

/**
 * The live base price as a rule, or why it cannot be used. It replaces the shipped base price
 * and keeps the shipped audio surcharge ratio and per-field factors, which the catalog does not
 * give (its base price is the price without audio, as on Kling 3.0's page).
 */
export function livePrice(
  live: Pick<LiveModel, 'basePriceUsd' | 'priceUnit'>,
  shipped: PriceRule | undefined,
): { ok: true; price: PriceRule } | { ok: false; why: string } {
  const base = live.basePriceUsd;
  if (base === null) return { ok: false, why: 'the catalog gives no base_price_usd' };
  const per = priceUnitOf(live.priceUnit);
  if (per === null)
    return {
      ok: false,
      why: `the catalog prices it per "${live.priceUnit ?? ''}", not per second or per video`,
    };
  const ceiling = per === 'second' ? MAX_PLAUSIBLE_USD_PER_SECOND : MAX_PLAUSIBLE_USD_PER_VIDEO;
  if (!(base > 0 && base <= ceiling))
    return { ok: false, why: `the catalog's price $${base} per ${per} is not plausible` };
  const price: PriceRule = { per, usd: roundUsd(base), source: 'RunComfy catalog endpoint' };
  if (shipped && shipped.per === per) {
    if (shipped.withAudioUsd !== undefined && shipped.usd > 0)
      price.withAudioUsd = roundUsd(base * (shipped.withAudioUsd / shipped.usd));
    if (shipped.byField) price.byField = shipped.byField;
  }
  return { ok: true, price };
}

/** "Kling 3.0 Standard Image to Video" reads "Kling 3.0 Standard" in a list of image-to-video models. */
function shortName(name: string): string {
  return name.replace(/\s*[-–]?\s*image[\s-]+to[\s-]+video$/i, '').trim() || name;
}

export type LiveEntry =
  | {
      ok: true;
      entry: ModelEntry;
      /** Its input schema, compiled. */
      validate: InputValidator;
      /** Words about what was kept from the shipped entry or could not be used (for the log). */
      notes: string[];
    }
  | { ok: false; why: string; candidates?: string[] };

/**
 * The entry for `live`, with `shipped` (same id) as hints; or why RunComfy's description cannot
 * be used. `roles` names fields the user chose (the start image of an ambiguous schema).
 */
export function entryFromLive(
  live: LiveModel,
  shipped?: ModelEntry,
  roles?: Partial<ModelEntry['roles']>,
): LiveEntry {
  const notes: string[] = [];
  const normalized = normalizeInputSchema(live.inputSchema, live.requiredInputs);
  if (!normalized.ok) return { ok: false, why: normalized.why };
  const hints = roles ? ({ ...shipped?.roles, ...roles } as ModelEntry['roles']) : shipped?.roles;
  const inferred = inferRoles(normalized.schema, normalized.imageFields, hints);
  if (!inferred.ok) return { ok: false, why: inferred.why, candidates: inferred.candidates };
  const price = livePrice(live, shipped?.price);
  // A price given but not usable is worth a line; no price at all is simply "unknown".
  if (!price.ok && live.basePriceUsd !== null)
    notes.push(`${live.id}: ${price.why}; ${shipped ? 'kept the built-in price' : 'its price is unknown'}`);
  const entryPrice: PriceRule = price.ok ? price.price : (shipped?.price ?? { per: 'unknown' });
  const candidate = {
    id: live.id,
    displayName: shipped?.displayName ?? shortName(live.displayName ?? live.id),
    ...(shipped?.aliases ? { aliases: shipped.aliases } : {}),
    task: 'image-to-video',
    status: inferred.sure && entryPrice.per !== 'unknown' ? 'known' : 'partly-known',
    roles: inferred.roles,
    inputSchema: normalized.schema,
    ...(shipped?.limits ? { limits: shipped.limits } : {}),
    price: entryPrice,
    ...(shipped?.polling ? { polling: shipped.polling } : {}),
    ...(shipped?.notes ? { notes: shipped.notes } : {}),
    sources: [...new Set([...(live.modelUrl ? [live.modelUrl] : []), ...(shipped?.sources ?? [])])],
  };
  const parsed = modelEntrySchema.safeParse(candidate);
  if (!parsed.success)
    return {
      ok: false,
      why: `its description does not make a usable entry (${parsed.error.issues
        .map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`)
        .join('; ')})`,
    };
  return { ok: true, entry: parsed.data, validate: normalized.validate, notes };
}
