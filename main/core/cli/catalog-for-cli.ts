// The CLI's model catalog: the shipped entries and the user's own (<data folder>/models, the
// same folder the app reads), with a line on stderr for every entry file that could not be
// used, so a typo in one file is seen without losing the other models. Also `stillmotion models`.
import { homedir } from 'node:os';
import { defaultDataDir } from '../app/paths';
import { describeCatalogProblem, loadCatalog } from '../catalog/load';
import type { Catalog, ModelSpec } from '../catalog/catalog';

export async function catalogForCli(
  env: NodeJS.ProcessEnv,
  err: { write(text: string): unknown },
): Promise<Catalog> {
  const catalog = await loadCatalog({ dataDir: defaultDataDir(process.platform, env, homedir()) });
  for (const problem of catalog.problems)
    err.write(`Model entry not loaded: ${describeCatalogProblem(problem)}\n`);
  return catalog;
}

function priceWords(model: ModelSpec): string {
  const price = model.price;
  if (price.per === 'unknown') return 'price unknown';
  const unit = price.per === 'second' ? '/s' : ' per video';
  return price.withAudioUsd !== undefined && price.withAudioUsd !== price.usd
    ? `$${price.usd}${unit} ($${price.withAudioUsd}${unit} with audio)`
    : `$${price.usd}${unit}`;
}

/** One block per model: id, aliases, price, status, start-image field, where it comes from. */
export function describeModels(catalog: Pick<Catalog, 'list'>): string {
  return catalog
    .list()
    .map((m) =>
      [
        `${m.id}  ${m.displayName}${m.status === 'partly-known' ? ' [partly known]' : ''}`,
        `    ${[m.aliases?.length ? `--model ${m.aliases.join(' | ')}` : null, priceWords(m), `start image: ${m.roles.startImage}`, m.origin === 'user' ? `from ${m.file}` : null].filter(Boolean).join('; ')}`,
      ].join('\n'),
    )
    .join('\n');
}
