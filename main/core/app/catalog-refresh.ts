// Where the model list comes from, for the app and the CLI alike: RunComfy's catalog fetched now
// (and cached on disk), else the copy cached at an earlier fetch, else the shipped entries alone;
// the catalog's source says which, and why RunComfy's own could not be had. A user entry wins
// over all three (Catalog.useLive).
import { RunComfyClient } from '../api/client';
import type { Catalog, CatalogSource } from '../catalog/catalog';
import { fetchLiveCatalog, liveSpecs, type LiveSnapshot } from '../catalog/live-catalog';
import { SHIPPED_ENTRIES } from '../catalog/shipped';
import { catalogCacheKey, readCachedCatalog, writeCachedCatalog } from './catalog-cache';
import type { LogFn } from './app-services';

export interface CatalogRefreshOptions {
  catalog: Catalog;
  /** The cache file (paths.ts dataFiles().catalogCache); null: no cache (nothing is kept). */
  cacheFile: string | null;
  now: () => number;
  fetch?: typeof fetch;
  log?: LogFn;
  /** Real ms to wait for each catalog answer (default 15 s). */
  timeoutMs?: number;
}

export interface CatalogCredentials {
  apiBaseUrl: string;
  apiKey: string | null;
  simulated: boolean;
}

const SHIPPED_BY_ID = new Map(SHIPPED_ENTRIES.map((entry) => [entry.id, entry]));

function use(options: CatalogRefreshOptions, snapshot: LiveSnapshot, source: CatalogSource): CatalogSource {
  const { specs, notes } = liveSpecs(snapshot, SHIPPED_BY_ID);
  for (const note of notes) options.log?.('warn', `model catalog: ${note}`);
  options.catalog.useLive(specs, source);
  return options.catalog.source();
}

/**
 * Brings the catalog up to date: fetches RunComfy's (when `fetch` and a key is set), else uses the
 * cached copy for this API, else the shipped entries. Never throws; the source says what happened.
 */
export async function refreshCatalog(
  options: CatalogRefreshOptions,
  credentials: CatalogCredentials,
  mode: { fetch: boolean },
): Promise<CatalogSource> {
  const key = catalogCacheKey(credentials);
  let why: string | null = credentials.apiKey ? null : 'no API key is set';
  if (mode.fetch && credentials.apiKey) {
    const client = new RunComfyClient({
      baseUrl: credentials.apiBaseUrl,
      apiKey: credentials.apiKey,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs ?? 15_000,
    });
    const fetched = await fetchLiveCatalog(client, options.now());
    if (fetched.ok) {
      if (options.cacheFile)
        try {
          writeCachedCatalog(options.cacheFile, key, fetched.value);
        } catch (error) {
          options.log?.('warn', `model catalog: could not cache it (${(error as Error).message})`);
        }
      return use(options, fetched.value, { kind: 'runcomfy', fetchedAt: fetched.value.fetchedAt, why: null });
    }
    why = `RunComfy's catalog could not be read: ${fetched.why}`;
  }
  const cached = options.cacheFile ? readCachedCatalog(options.cacheFile, key) : null;
  if (cached) return use(options, cached, { kind: 'cache', fetchedAt: cached.fetchedAt, why });
  options.catalog.useLive([], { kind: 'shipped', fetchedAt: null, why });
  return options.catalog.source();
}

/** "RunComfy's catalog (fetched 2026-12-04 10:42)" and the like, for the CLI and the log. */
export function describeCatalogSource(source: CatalogSource, time: (ms: number) => string): string {
  switch (source.kind) {
    case 'runcomfy':
      return `RunComfy's catalog (fetched ${time(source.fetchedAt!)})`;
    case 'cache':
      return `RunComfy's catalog as cached on ${time(source.fetchedAt!)}${source.why ? ` (${source.why})` : ''}`;
    case 'shipped':
      return `the models built into Stillmotion${source.why ? ` (${source.why}; no copy of RunComfy's catalog is cached)` : ''}`;
  }
}
