// The model list for the renderer, with prices: the catalog's static prices until the user
// (or the app at start) refreshes them from the API's catalog with the current credentials.
import type { Catalog } from '../catalog/models';
import { fetchLivePrices, type FetchLike } from '../catalog/live-prices';
import type { CredentialsController } from './credentials';
import { AppError } from './errors';
import type { LogFn, ModelsService } from './services';

export function createModelsService(options: {
  catalog: Catalog;
  credentials: Pick<CredentialsController, 'current'>;
  fetch?: FetchLike;
  log?: LogFn;
}): ModelsService {
  const { catalog } = options;
  return {
    list: () => catalog.infos(),
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
