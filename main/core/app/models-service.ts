// The model list for the renderer, with prices: the catalog's static prices until the user
// (or the app at start) refreshes them from the API's catalog with the current credentials.
// Adding a model saves a user entry (<dataDir>/models) and puts it in the running catalog.
import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog';
import { toModelInfo, toModelSpec } from '../catalog/catalog';
import { fetchLivePrices, readCatalogEntry, type FetchLike } from '../catalog/live-prices';
import { AddModelError, buildUserEntry, entryFileName } from '../catalog/add-model';
import { writeFileAtomic } from './atomic-file';
import type { CredentialsController } from './credentials';
import { AppError } from './errors';
import type { LogFn, ModelsService } from './app-services';

export function createModelsService(options: {
  catalog: Catalog;
  credentials: Pick<CredentialsController, 'current'>;
  fetch?: FetchLike;
  log?: LogFn;
  /** Where user entries are saved (<dataDir>/models); without it, adding a model is refused. */
  modelsDir?: string;
}): ModelsService {
  const { catalog } = options;
  return {
    list: () => catalog.infos(),
    problems: () => catalog.problems.map((p) => ({ ...p })),
    async add(request) {
      if (!options.modelsDir)
        throw new AppError(
          'unavailable',
          'Models cannot be added here: there is no data folder to save them in.',
        );
      const credentials = await options.credentials.current();
      // What RunComfy's catalog says (name, price) helps but is not needed: a GET, never paid.
      const lookup = credentials.apiKey
        ? await readCatalogEntry(
            credentials.apiBaseUrl,
            credentials.apiKey,
            request.id.trim(),
            options.fetch ?? fetch,
          )
        : ({ ok: false, why: 'no API key is set' } as const);
      if (!lookup.ok)
        options.log?.('warn', `adding model ${request.id}: ${lookup.why}; its price stays unknown`);
      let result;
      try {
        result = buildUserEntry(
          {
            id: request.id,
            schemaText: request.schema,
            startImageField: request.startImageField,
            displayName: request.displayName,
          },
          lookup.ok ? lookup.answer : undefined,
        );
      } catch (error) {
        if (error instanceof AddModelError) throw new AppError('invalid_request', error.message);
        throw error;
      }
      if (result.status === 'needsStartImageField') return result;
      const file = join(options.modelsDir, entryFileName(result.entry.id));
      writeFileAtomic(file, `${JSON.stringify(result.entry, null, 2)}\n`, 0o644);
      const spec = toModelSpec(result.entry, 'user', file);
      catalog.put(spec);
      options.log?.('info', `model ${result.entry.id} added from the app (${file})`);
      return { status: 'added' as const, model: toModelInfo(spec) };
    },
    async refreshPrices() {
      const credentials = await options.credentials.current();
      if (!credentials.apiKey)
        throw new AppError(
          'conflict',
          'Live prices need an API key: add your RunComfy key in Settings (or turn on the demo). The built-in prices are shown meanwhile.',
        );
      const result = await fetchLivePrices(
        credentials.apiBaseUrl,
        credentials.apiKey,
        options.fetch ?? fetch,
        {
          catalog,
        },
      );
      for (const note of result.notes) options.log?.('warn', note);
      if (Object.values(result.sources).every((source) => source === 'static'))
        throw new AppError('unavailable', `Could not load live prices. ${result.notes.join(' ')}`);
      return result.models;
    },
  };
}
