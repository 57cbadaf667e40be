// Fetches RunComfy's catalog, its image-to-video models with their schemas and prices, a page at
// a time (`GET /v1/models?category=image-to-video&include_schema=true`), kept as the
// answers came (a snapshot, which the app caches on disk with the time it was fetched) and turned
// into entries laid over the shipped ones (live-entry.ts). A GET: it never costs anything.
import type { ApiResult, RunComfyClient } from '../api/client';
import { readModelEntry, readModelList } from '../api/catalog-answers';
import { toModelSpec, type ModelSpec } from './catalog';
import type { ModelEntry } from './entry';
import { entryFromLive, readLiveModel } from './live-entry';

type Json = Record<string, unknown>;

/** The category RunComfy files image-to-video models under. */
export const IMAGE_TO_VIDEO = 'image-to-video';
const PAGE_SIZE = 100;
/** A catalog longer than this is a misread answer (or a loop), not a catalog. */
const MAX_PAGES = 20;

/** RunComfy's answers as they came: what is cached, and what entries are made from. */
export interface LiveSnapshot {
  /** Clock ms when it was fetched. */
  fetchedAt: number;
  /** One catalog entry per model, each with its input schema. */
  models: Json[];
}

export type Fetched<T> = { ok: true; value: T } | { ok: false; why: string };

const failed = (result: ApiResult<unknown> & { ok: false }): { ok: false; why: string } => ({
  ok: false,
  why: result.failure.message,
});

function hasSchema(entry: Json): boolean {
  return typeof entry.input_schema === 'object' && entry.input_schema !== null;
}

/** One model's catalog entry (`GET /v1/models/{model_id}`), whatever its category. */
export async function fetchLiveModel(client: RunComfyClient, modelId: string): Promise<Fetched<Json>> {
  const path = `/v1/models/${modelId.split('/').map(encodeURIComponent).join('/')}`;
  const answer = await client.read(path);
  if (!answer.ok) return failed(answer);
  const entry = readModelEntry(answer.value);
  return entry ? { ok: true, value: entry } : { ok: false, why: 'the catalog’s answer names no model_id' };
}

/**
 * The image-to-video models, every page, each with its schema (an entry the list gives without
 * one is asked for on its own). `search` narrows to models whose id or name has it (any category).
 */
export async function fetchLiveCatalog(
  client: RunComfyClient,
  now: number,
  options: { search?: string; signal?: AbortSignal } = {},
): Promise<Fetched<LiveSnapshot>> {
  const models: Json[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({
      limit: String(PAGE_SIZE),
      offset: String(page * PAGE_SIZE),
      include_schema: 'true',
    });
    if (options.search) query.set('search', options.search);
    else query.set('category', IMAGE_TO_VIDEO);
    const answer = await client.read(`/v1/models?${query}`, options.signal);
    if (!answer.ok) return failed(answer);
    const list = readModelList(answer.value);
    if (!list)
      return {
        ok: false,
        why: 'the catalog answered in a shape Stillmotion cannot read (no list of models)',
      };
    models.push(...list.models);
    const seen = (page + 1) * PAGE_SIZE;
    if (list.models.length < PAGE_SIZE || (list.total !== null && seen >= list.total)) break;
  }
  const complete: Json[] = [];
  for (const entry of models) {
    if (hasSchema(entry)) complete.push(entry);
    else {
      const id = entry.model_id ?? entry.id;
      const full = typeof id === 'string' ? await fetchLiveModel(client, id) : null;
      complete.push(full?.ok ? { ...entry, ...full.value } : entry);
    }
  }
  // A server that ignores the category filter must not put text-to-image models in the picker.
  const inCategory = complete.filter((entry) => {
    const categories = readLiveModel(entry)?.categories ?? [];
    return options.search || categories.length === 0 || categories.includes(IMAGE_TO_VIDEO);
  });
  return { ok: true, value: { fetchedAt: now, models: inCategory } };
}

/**
 * Entries from a snapshot, each over its shipped entry (`shipped`, by id). A model RunComfy
 * describes in a way that cannot be used is left to its shipped entry, or left out; `notes`
 * says which and why.
 */
export function liveSpecs(
  snapshot: LiveSnapshot,
  shipped: ReadonlyMap<string, ModelEntry>,
): { specs: ModelSpec[]; notes: string[] } {
  const specs: ModelSpec[] = [];
  const notes: string[] = [];
  for (const raw of snapshot.models) {
    const live = readLiveModel(raw);
    if (!live) continue;
    const hints = shipped.get(live.id);
    const made = entryFromLive(live, hints);
    if (!made.ok) {
      notes.push(
        `${hints?.displayName ?? live.displayName ?? live.id}: RunComfy's description cannot be used (${made.why}); ` +
          (hints ? 'the built-in entry is used instead' : 'it is left out of the list'),
      );
      continue;
    }
    notes.push(...made.notes);
    specs.push(toModelSpec(made.entry, 'runcomfy', null, snapshot.fetchedAt, made.validate));
  }
  return { specs, notes };
}
