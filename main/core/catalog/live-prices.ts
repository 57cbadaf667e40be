// Refreshes prices from RunComfy's catalog (`GET /v1/models/{model_id}`). Tolerant by design:
// a price is money the user is shown before paying, so an answer we cannot read with
// confidence keeps the static price and says so, rather than showing a wrong number.
import { z } from 'zod';
import { createCatalog, roundUsd, toModelInfo } from './catalog';
import type { Catalog, ModelInfo, ModelSpec, PriceRule } from './catalog';
import type { CatalogAnswer } from './add-model';

const priceNumber = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/),
  ])
  .transform(Number);

/** The fields we use; anything else in the entry is ignored. Some gateways wrap it in `data`. */
const catalogEntrySchema = z.object({
  base_price_usd: priceNumber,
  price_unit: z.string(),
  display_name: z.string().optional(),
});
const catalogResponseSchema = z.union([catalogEntrySchema, z.object({ data: catalogEntrySchema })]);

export interface LivePriceResult {
  models: ModelInfo[];
  /** Where each model's price now comes from. */
  sources: Record<string, 'live' | 'static'>;
  /** Plain words for every model whose live price could not be used. */
  notes: string[];
}

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** A live base price above this (USD per second) is treated as a misread, not as a price. */
const MAX_PLAUSIBLE_USD_PER_SECOND = 10;
/** The same for a price per video. */
const MAX_PLAUSIBLE_USD_PER_VIDEO = 100;

function priceWords(price: PriceRule): string {
  if (price.per === 'unknown') return 'no price known';
  const unit = price.per === 'second' ? '/s' : ' per video';
  return price.withAudioUsd !== undefined && price.withAudioUsd !== price.usd
    ? `$${price.usd}${unit}, $${price.withAudioUsd}${unit} with audio`
    : `$${price.usd}${unit}`;
}

/**
 * The live base price as a rule: it replaces the entry's base price and keeps the entry's
 * audio surcharge ratio and per-field factors, which the catalog endpoint does not give.
 */
function livePrice(model: ModelSpec, per: 'second' | 'video', base: number): PriceRule {
  const old = model.price;
  const rule: PriceRule = { per, usd: roundUsd(base), source: 'RunComfy catalog endpoint' };
  if (old.per !== 'unknown' && old.per === per) {
    if (old.withAudioUsd !== undefined && old.usd > 0)
      rule.withAudioUsd = roundUsd(base * (old.withAudioUsd / old.usd));
    if (old.byField) rule.byField = old.byField;
  }
  return rule;
}

/**
 * Fetches every model's catalog entry and updates `catalog` (a fresh one when not given).
 * The catalog gives one base price; we read it as the price without audio (it matches the
 * model page's no-audio price) and keep the entry's audio surcharge ratio (1.5x for Kling 3.0)
 * for the with-audio price.
 */
export async function fetchLivePrices(
  apiBase: string,
  apiKey: string,
  fetchImpl: FetchLike = fetch,
  options: { catalog?: Catalog; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<LivePriceResult> {
  const catalog = options.catalog ?? createCatalog();
  const sources: Record<string, 'live' | 'static'> = {};
  const notes: string[] = [];
  const base = apiBase.replace(/\/+$/, '');
  for (const model of catalog.list()) {
    const keep = (why: string) => {
      sources[model.id] = 'static';
      notes.push(`Kept the built-in price for ${model.displayName} (${priceWords(model.price)}): ${why}.`);
    };
    let body: unknown;
    try {
      const signals = [AbortSignal.timeout(options.timeoutMs ?? 15_000)];
      if (options.signal) signals.push(options.signal);
      // model ids contain slashes that are part of the path, so they are not encoded.
      const response = await fetchImpl(`${base}/v1/models/${model.id}`, {
        headers: { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' },
        signal: AbortSignal.any(signals),
      });
      const text = await response.text();
      try {
        body = JSON.parse(text);
      } catch {
        keep(`the catalog answered HTTP ${response.status} with something that is not JSON`);
        continue;
      }
      if (!response.ok || (typeof body === 'object' && body !== null && 'error_code' in body)) {
        const detail =
          typeof body === 'object' && body !== null && 'error_message' in body
            ? ` (${String((body as { error_message: unknown }).error_message)})`
            : '';
        keep(`the catalog answered HTTP ${response.status}${detail}`);
        continue;
      }
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      keep(`the catalog could not be reached (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    const parsed = catalogResponseSchema.safeParse(body);
    if (!parsed.success) {
      keep('the catalog entry has no readable base_price_usd and price_unit');
      continue;
    }
    const entry = 'data' in parsed.data ? parsed.data.data : parsed.data;
    const unit = entry.price_unit.trim();
    const per = /^(second|seconds|sec|s)$/i.test(unit)
      ? 'second'
      : /^(video|videos|request|requests|generation|generations|run|runs)$/i.test(unit)
        ? 'video'
        : null;
    if (per === null) {
      keep(`the catalog prices it per "${entry.price_unit}", not per second or per video`);
      continue;
    }
    const ceiling = per === 'second' ? MAX_PLAUSIBLE_USD_PER_SECOND : MAX_PLAUSIBLE_USD_PER_VIDEO;
    if (!(entry.base_price_usd > 0 && entry.base_price_usd <= ceiling)) {
      keep(`the catalog's price $${entry.base_price_usd} per ${per} is not plausible`);
      continue;
    }
    catalog.setPrice(model.id, livePrice(model, per, entry.base_price_usd));
    sources[model.id] = 'live';
  }
  return { models: catalog.list().map(toModelInfo), sources, notes };
}

/**
 * What RunComfy's catalog says about one model (for adding a model in the app), or why it
 * could not be read. A GET: it costs nothing.
 */
export async function readCatalogEntry(
  apiBase: string,
  apiKey: string,
  modelId: string,
  fetchImpl: FetchLike = fetch,
  timeoutMs = 15_000,
): Promise<{ ok: true; answer: CatalogAnswer } | { ok: false; why: string }> {
  try {
    const response = await fetchImpl(`${apiBase.replace(/\/+$/, '')}/v1/models/${modelId}`, {
      headers: { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return {
        ok: false,
        why: `the catalog answered HTTP ${response.status} with something that is not JSON`,
      };
    }
    if (!response.ok || (typeof body === 'object' && body !== null && 'error_code' in body))
      return { ok: false, why: `the catalog answered HTTP ${response.status}` };
    const parsed = catalogResponseSchema.safeParse(body);
    if (!parsed.success) return { ok: true, answer: {} };
    const entry = 'data' in parsed.data ? parsed.data.data : parsed.data;
    return {
      ok: true,
      answer: {
        displayName: entry.display_name,
        basePriceUsd: entry.base_price_usd,
        priceUnit: entry.price_unit,
      },
    };
  } catch (error) {
    return { ok: false, why: `the catalog could not be reached (${(error as Error).message})` };
  }
}
