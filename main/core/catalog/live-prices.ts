// Refreshes prices from RunComfy's catalog (`GET /v1/models/{model_id}`). Tolerant by design:
// a price is money the user is shown before paying, so an answer we cannot read with
// confidence keeps the static price and says so, rather than showing a wrong number.
import { z } from 'zod';
import type { ModelId } from '../domain';
import { createCatalog, roundUsd, toModelInfo } from './models';
import type { Catalog, ModelInfo, UsdPerSecond } from './models';

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

/**
 * Fetches every model's catalog entry and updates `catalog` (a fresh one when not given).
 * The catalog gives one base price; we read it as the price without audio (it matches the
 * model page's no-audio price) and keep the model page's audio surcharge ratio (1.5x) for
 * the with-audio price.
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
      notes.push(
        `Kept the built-in price for ${model.displayName} ($${model.usdPerSecond.withoutAudio}/s, ` +
          `$${model.usdPerSecond.withAudio}/s with audio): ${why}.`,
      );
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
    if (!/^(second|seconds|sec|s)$/i.test(entry.price_unit.trim())) {
      keep(`the catalog prices it per "${entry.price_unit}", not per second`);
      continue;
    }
    if (!(entry.base_price_usd > 0 && entry.base_price_usd <= MAX_PLAUSIBLE_USD_PER_SECOND)) {
      keep(`the catalog's price $${entry.base_price_usd}/s is not plausible`);
      continue;
    }
    const audioRatio = model.usdPerSecond.withAudio / model.usdPerSecond.withoutAudio;
    const price: UsdPerSecond = {
      withoutAudio: roundUsd(entry.base_price_usd),
      withAudio: roundUsd(entry.base_price_usd * audioRatio),
    };
    catalog.setPrice(model.id as ModelId, price);
    sources[model.id] = 'live';
  }
  return { models: catalog.list().map(toModelInfo), sources, notes };
}
