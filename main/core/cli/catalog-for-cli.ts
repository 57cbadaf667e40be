// The CLI's model catalog: the shipped entries and the user's own (<data folder>/models, the same
// folder the app reads) under RunComfy's catalog (fetched when asked, else the copy the app or an
// earlier run cached in the data folder), with a line on stderr saying where the list comes from
// and one for every entry file that could not be used, so a typo in one file is seen without
// losing the other models.
import { homedir } from 'node:os';
import { dataFiles, defaultDataDir } from '../app/paths';
import { describeCatalogSource, refreshCatalog, type CatalogCredentials } from '../app/catalog-refresh';
import { describeCatalogProblem, loadCatalog } from '../catalog/load';
import type { Catalog } from '../catalog/catalog';
import type { CliIo } from './io';
import type { Network } from '../util/network';

/** A time as the CLI prints it: local, to the minute ("2026-12-04 10:42"). */
export function timeWords(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/**
 * The catalog for a command. With `live`, RunComfy's entries are laid over the shipped ones:
 * fetched now when `fetch` (and a key is set), else from the cache.
 */
export async function catalogForCli(
  io: Pick<CliIo, 'env' | 'err'>,
  live?: {
    credentials: CatalogCredentials;
    fetch: boolean;
    /** Say where the list comes from always, or only when it is not RunComfy's catalog fetched now. */
    say?: 'always' | 'when-offline';
    /** How to reach the API (default: through the environment's proxy; `--simulate`: direct). */
    network?: Network;
  },
): Promise<Catalog> {
  const dataDir = defaultDataDir(process.platform, io.env, homedir());
  const catalog = await loadCatalog({ dataDir });
  for (const problem of catalog.problems)
    io.err.write(`Model entry not loaded: ${describeCatalogProblem(problem)}\n`);
  if (live) {
    const source = await refreshCatalog(
      {
        catalog,
        cacheFile: dataFiles(dataDir).catalogCache,
        now: Date.now,
        fetch: live.network?.fetch,
        log: (level, message) => {
          if (level !== 'info') io.err.write(`${message}\n`);
        },
      },
      live.credentials,
      { fetch: live.fetch },
    );
    if (live.say !== 'when-offline' || source.kind !== 'runcomfy')
      io.err.write(`Models: ${describeCatalogSource(source, timeWords)}.\n`);
  }
  return catalog;
}
