// The model list for the renderer: RunComfy's catalog when a key is set (fetched at start and on
// demand, cached on disk), else its cached copy, else the shipped entries, each model saying
// where its facts come from and when the user last made a batch with it. Adding a model saves a
// user entry (<dataDir>/models): picked from RunComfy's list (its own schema and price), or from
// a pasted schema for a model RunComfy does not list.
import { join } from 'node:path';
import { RunComfyClient } from '../api/client';
import { readModelList } from '../api/catalog-answers';
import type { Catalog, CatalogSource, ModelInfo } from '../catalog/catalog';
import { toModelInfo, toModelSpec } from '../catalog/catalog';
import { AddModelError, buildUserEntry, entryFileName, type AddModelResult } from '../catalog/add-model';
import { fetchLiveModel } from '../catalog/live-catalog';
import { entryFromLive, livePrice, readLiveModel } from '../catalog/live-entry';
import { SHIPPED_ENTRIES } from '../catalog/shipped';
import type { EngineApi } from '../core-api';
import type { ResponseOf } from '@common/contract';
import { writeFileAtomic } from './atomic-file';
import { refreshCatalog } from './catalog-refresh';
import type { CredentialsController } from './credentials';
import { AppError } from './errors';
import type { LogFn, ModelsService } from './app-services';

export function createModelsService(options: {
  catalog: Catalog;
  credentials: Pick<CredentialsController, 'current'>;
  /** The batches made so far, for "recently used" (listBatches). */
  engine?: Pick<EngineApi, 'listBatches'>;
  fetch?: typeof fetch;
  log?: LogFn;
  now?: () => number;
  /** Where user entries are saved (<dataDir>/models); without it, adding a model is refused. */
  modelsDir?: string;
  /** RunComfy's catalog as last fetched (paths.ts catalogCache); without it, nothing is cached. */
  cacheFile?: string | null;
  /** The list changed (a fetch, an added model): the window asks for it again. */
  onChange?: (source: CatalogSource) => void;
}): ModelsService {
  const { catalog } = options;
  const now = options.now ?? Date.now;
  const refreshOptions = {
    catalog,
    cacheFile: options.cacheFile ?? null,
    now,
    fetch: options.fetch,
    log: options.log,
  };
  const changed = () => options.onChange?.(catalog.source());
  const refresh = async (fetchNow: boolean): Promise<CatalogSource> => {
    const source = await refreshCatalog(refreshOptions, await options.credentials.current(), {
      fetch: fetchNow,
    });
    if (fetchNow && source.why) options.log?.('warn', `model catalog: ${source.why}`);
    changed();
    return source;
  };
  const lastUsed = (): Map<string, number> => {
    const used = new Map<string, number>();
    for (const batch of options.engine?.listBatches() ?? [])
      used.set(batch.settings.modelId, Math.max(used.get(batch.settings.modelId) ?? 0, batch.createdAt));
    return used;
  };
  const list = (): ModelInfo[] => {
    const used = lastUsed();
    return catalog.infos().map((m) => ({ ...m, lastUsedAt: used.get(m.id) ?? null }));
  };
  const client = async () => {
    const credentials = await options.credentials.current();
    if (!credentials.apiKey)
      throw new AppError(
        'conflict',
        'RunComfy’s catalog needs an API key: add your RunComfy key in Settings (or turn on simulated mode).',
      );
    return new RunComfyClient({
      baseUrl: credentials.apiBaseUrl,
      apiKey: credentials.apiKey,
      fetch: options.fetch,
    });
  };

  const save = (result: AddModelResult & { status: 'entry' }) => {
    const file = join(options.modelsDir!, entryFileName(result.entry.id));
    writeFileAtomic(file, `${JSON.stringify(result.entry, null, 2)}\n`, 0o644);
    const spec = toModelSpec(result.entry, 'user', file);
    catalog.put(spec);
    options.log?.('info', `model ${result.entry.id} added from the app (${file})`);
    changed();
    return { status: 'added' as const, model: toModelInfo(spec) };
  };

  /** A user entry from RunComfy's own description of the model (any category). */
  const addFromRunComfy = async (id: string, startImageField?: string) => {
    const fetched = await fetchLiveModel(await client(), id);
    if (!fetched.ok)
      throw new AppError('unavailable', `RunComfy’s catalog could not describe ${id}: ${fetched.why}`);
    const live = readLiveModel(fetched.value)!;
    const shipped = SHIPPED_ENTRIES.find((e) => e.id === live.id);
    const made = entryFromLive(live, shipped, startImageField ? { startImage: startImageField } : undefined);
    if (!made.ok) {
      if (made.candidates && made.candidates.length > 0)
        return { status: 'needsStartImageField' as const, candidates: made.candidates };
      throw new AppError('invalid_request', `${id} cannot be added: ${made.why}.`);
    }
    return save({
      status: 'entry',
      entry: { ...made.entry, notes: 'Added in the app from RunComfy’s catalog.' },
    });
  };

  return {
    list,
    source: () => catalog.source(),
    problems: () => catalog.problems.map((p) => ({ ...p })),
    async start() {
      // The cached copy first (instant, offline too), then RunComfy's own in the background.
      await refresh(false);
      await refresh(true);
    },
    async refresh() {
      const source = await refresh(true);
      return { models: list(), source };
    },
    async runcomfy(search) {
      const answer = await (
        await client()
      ).read(`/v1/models?${new URLSearchParams({ search, limit: '50', offset: '0' })}`);
      if (!answer.ok)
        throw new AppError(
          'unavailable',
          `RunComfy’s catalog could not be searched: ${answer.failure.message}`,
        );
      const inPicker = new Set(catalog.list().map((m) => m.id));
      return (readModelList(answer.value)?.models ?? []).flatMap(
        (raw): ResponseOf<'query:models.runcomfy'> => {
          const live = readLiveModel(raw);
          if (!live) return [];
          const price = livePrice(live, undefined);
          return [
            {
              id: live.id,
              displayName: live.displayName ?? live.id,
              categories: live.categories,
              price:
                price.ok && price.price.per !== 'unknown'
                  ? { usd: price.price.usd, unit: price.price.per }
                  : null,
              inPicker: inPicker.has(live.id),
            },
          ];
        },
      );
    },
    async add(request) {
      if (!options.modelsDir)
        throw new AppError(
          'unavailable',
          'Models cannot be added here: there is no data folder to save them in.',
        );
      const id = request.id.trim();
      if (request.fromRunComfy) return addFromRunComfy(id, request.startImageField);
      // What RunComfy's catalog says of the id (name, price) helps but is not needed: a GET, never paid.
      const lookup = await client()
        .then((c) => fetchLiveModel(c, id))
        .catch((error: unknown) => ({ ok: false as const, why: (error as Error).message }));
      if (!lookup.ok) options.log?.('warn', `adding model ${id}: ${lookup.why}; its price stays unknown`);
      const live = lookup.ok ? readLiveModel(lookup.value) : null;
      let result: AddModelResult;
      try {
        result = buildUserEntry(
          {
            id: request.id,
            schemaText: request.schema,
            startImageField: request.startImageField,
            displayName: request.displayName,
          },
          live
            ? {
                displayName: live.displayName ?? undefined,
                basePriceUsd: live.basePriceUsd ?? undefined,
                priceUnit: live.priceUnit ?? undefined,
              }
            : undefined,
        );
      } catch (error) {
        if (error instanceof AddModelError) throw new AppError('invalid_request', error.message);
        throw error;
      }
      if (result.status === 'needsStartImageField') return result;
      return save(result);
    },
  };
}
