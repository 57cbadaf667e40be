// `stillmotion models [--refresh] [--json]` lists what the catalog says (id, name, price, where
// its facts come from and when they were fetched); `stillmotion models show <id>` prints one
// model's request fields with their types, ranges and defaults, the ones `--set` takes.
import type { Catalog, ModelSpec } from '../../catalog/catalog';
import { fieldSchema, toModelInfo } from '../../catalog/catalog';
import { catalogForCli, timeWords } from '../catalog-for-cli';
import type { CliIo } from '../io';
import { credentialsOf } from '../open-core';

export interface ModelsOptions {
  refresh?: boolean;
  json?: boolean;
}

async function catalogOf(io: CliIo, refresh: boolean): Promise<Catalog> {
  const credentials = await credentialsOf(io);
  return catalogForCli(io, { credentials: { ...credentials, simulated: false }, fetch: refresh });
}

function priceWords(model: ModelSpec): string {
  const price = model.price;
  if (price.per === 'unknown') return 'price unknown';
  const unit = price.per === 'second' ? '/s' : ' per video';
  return price.withAudioUsd !== undefined && price.withAudioUsd !== price.usd
    ? `$${price.usd}${unit} ($${price.withAudioUsd}${unit} with audio)`
    : `$${price.usd}${unit}`;
}

function sourceWords(model: ModelSpec): string {
  switch (model.origin) {
    case 'runcomfy':
      return `from RunComfy's catalog, fetched ${timeWords(model.fetchedAt!)}`;
    case 'shipped':
      return 'built in';
    case 'user':
      return `from ${model.file}`;
  }
}

/** One block per model: id, name, aliases, price, where it comes from, start-image field. */
export function describeModels(catalog: Pick<Catalog, 'list'>): string {
  return catalog
    .list()
    .map((m) =>
      [
        `${m.id}  ${m.displayName}${m.status === 'partly-known' ? ' [partly known]' : ''}`,
        `    ${[m.aliases?.length ? `--model ${m.aliases.join(' | ')}` : null, priceWords(m), sourceWords(m), `start image: ${m.roles.startImage}`].filter(Boolean).join('; ')}`,
      ].join('\n'),
    )
    .join('\n');
}

function fieldLine(model: ModelSpec, name: string): string {
  const info = toModelInfo(model).fields.find((f) => f.name === name);
  const schema = fieldSchema(model, name) ?? {};
  const what = info
    ? info.kind === 'select'
      ? `one of ${info.options!.map((o) => JSON.stringify(o)).join(', ')}`
      : info.kind === 'number'
        ? `${info.integer ? 'a whole number' : 'a number'}${info.min !== null ? ` from ${info.min}` : ''}${info.max !== null ? ` to ${info.max}` : ''}`
        : info.kind === 'switch'
          ? 'true or false'
          : 'text'
    : `${String(schema.type ?? 'any value')} (as JSON)`;
  const fallback = info?.default ?? null;
  const label = info && info.label !== name ? info.label : null;
  const words = [label, info?.description].filter(Boolean).join(': ');
  return `    ${name}  ${what}${fallback !== null ? `, default ${JSON.stringify(fallback)}` : ''}${info?.required ? ', required' : ''}${words ? `  (${words})` : ''}`;
}

/** A model's roles and its other request fields, for `models show`. */
export function describeModel(model: ModelSpec): string {
  const info = toModelInfo(model);
  const roles = Object.entries(model.roles).map(([role, field]) => `${role} → ${field}`);
  const duration = info.duration
    ? info.duration.values
      ? `${info.duration.values.length > 1 ? `${info.duration.values.slice(0, -1).join(', ')} or ${info.duration.values.at(-1)}` : info.duration.values[0]} seconds`
      : `${info.duration.min} to ${info.duration.max} seconds`
    : null;
  const others = Object.keys((model.inputSchema.properties ?? {}) as object).filter(
    (name) => !Object.values(model.roles).includes(name),
  );
  return [
    `${model.id}  ${model.displayName}${model.status === 'partly-known' ? ' [partly known]' : ''}`,
    `  ${sourceWords(model)}`,
    `  price: ${priceWords(model)}`,
    `  filled in by Stillmotion: ${roles.join(', ')}`,
    ...(duration ? [`  duration: ${duration}`] : []),
    others.length > 0 ? '  other fields (--set name=value, or a prompts.csv column):' : '  no other fields',
    ...others.map((name) => fieldLine(model, name)),
  ].join('\n');
}

export async function modelsCommand(opts: ModelsOptions, io: CliIo): Promise<void> {
  const catalog = await catalogOf(io, Boolean(opts.refresh));
  if (opts.json) {
    io.out.write(`${JSON.stringify({ source: catalog.source(), models: catalog.infos() }, null, 2)}\n`);
    return;
  }
  io.out.write(`${describeModels(catalog)}\n`);
}

export async function showModelCommand(id: string, opts: ModelsOptions, io: CliIo): Promise<void> {
  const model = (await catalogOf(io, Boolean(opts.refresh))).get(id);
  io.out.write(`${describeModel(model)}\n`);
}
