// Turns `stillmotion run` flags into BatchSettings, with errors that say which flag, what
// value, what was expected and how to fix it. Pure: no I/O, so it is tested directly.
import { isAbsolute, resolve } from 'node:path';
import type { Catalog, ModelSpec } from '../catalog/catalog';
import { durationAllowed, durationRule, durationWords } from '../catalog/catalog';
import { DEFAULT_SETTINGS, type BatchSettings, type ElementImages, type ModelInputValue } from '../domain';
import { FIT_MODES, type FitMode } from '../intake/fit';
import { valueAsGiven } from '../intake/model-request';
import { DEFAULT_END_SUFFIXES } from '../intake/end-frames';
// parseShots only: the check against the model (shotsProblem) needs its schema, which
// `stillmotion --help` must not load; runCommand and the plan check it.
import { parseShots } from '../intake/shots';
import { MAX_TAKES, MIN_TAKES } from '../intake/takes';

import { UsageError } from './usage-error';

export { UsageError };

export interface RunFlags {
  template?: string;
  model?: string;
  duration?: string;
  audio?: boolean;
  negative?: string;
  cfg?: string;
  out?: string;
  name?: string;
  parallel?: string;
  budget?: string;
  /** For a model of unknown price: the most accepted per video, which each video counts for. */
  maxPerVideo?: string;
  urlPrefix?: string;
  /** Videos per image (1..10). */
  takes?: string;
  /** Each video ends on its start image. */
  loop?: boolean;
  /** Another stem suffix that marks an end frame (beside ".end" and "_end"). */
  endSuffix?: string;
  /** Multi-shot: "3s: ... | 2s: ...". */
  shots?: string;
  /** `--set field=value`, repeatable: a request field by its name in the model's request. */
  set?: string[];
  /** False with `--no-sidecar`: no `<video>.json` beside the videos. */
  sidecar?: boolean;
  /** Images outside the model's limits: crop, pad or refuse. */
  fit?: string;
  /** `--element front.jpg[,ref1.jpg,...]`, repeatable: reference elements @Element1... */
  element?: string[];
}

/** "<model id> (<alias>, <alias>)" for every model, one a line. */
export function modelList(catalog: Pick<Catalog, 'list'>): string {
  return catalog
    .list()
    .map((m) => `  ${m.id}${m.aliases?.length ? ` (${m.aliases.join(', ')})` : ''}`)
    .join('\n');
}

function parseModel(
  value: string | undefined,
  fallback: string,
  catalog: Pick<Catalog, 'find' | 'list'>,
): ModelSpec {
  const model = catalog.find(value ?? fallback);
  if (model) return model;
  throw new UsageError(
    `--model "${value ?? fallback}" is not a model this app knows. Use a model id or alias from this list ` +
      `(or add an entry for it in the models folder of the data folder):\n${modelList(catalog)}`,
  );
}

/**
 * `--set field=value`: the value as JSON when it reads as a number, true/false, null, a list
 * or an object, else as text (quote it, '"5"', to send a number as text). The plan then fits
 * it to the field's type where the model's schema gives one.
 */
export function parseSetFlags(values: readonly string[] | undefined): Record<string, ModelInputValue> {
  const out: Record<string, ModelInputValue> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    const field = eq > 0 ? item.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field))
      throw new UsageError(
        `--set must be field=value with the field's name in the model's request, e.g. --set resolution=720P, got "${item}".`,
      );
    out[field] = valueAsGiven(item.slice(eq + 1));
  }
  return out;
}

function parseInteger(
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
  unit: string,
  fallback: number,
) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} ${unit}, got "${value}".`);
  return n;
}

function parseNumber(flag: string, value: string | undefined, min: number, max: number, what: string) {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`${flag} must be ${what}, got "${value}".`);
  return n;
}

export function settingsFromFlags(
  flags: RunFlags,
  context: {
    cwd: string;
    defaultOutputDir: string;
    defaults?: Partial<BatchSettings>;
    catalog: Pick<Catalog, 'find' | 'list'>;
  },
): BatchSettings {
  const base = { ...DEFAULT_SETTINGS, ...context.defaults };
  const model = parseModel(flags.model, base.modelId, context.catalog);
  const durations = durationRule(model);
  let duration = base.duration;
  if (flags.duration !== undefined) {
    const n = /^\s*\d+\s*$/.test(flags.duration) ? Number(flags.duration) : NaN;
    if (!durations)
      throw new UsageError(
        `--duration: ${model.displayName} has no duration field the app knows; leave --duration out ` +
          "(or set the model's own field with --set).",
      );
    if (!durationAllowed(durations, n))
      throw new UsageError(
        `--duration must be ${durationWords(durations)} for ${model.displayName}, got "${flags.duration}".`,
      );
    duration = n;
  }
  const modelInputs = { ...(base.modelInputs ?? {}), ...parseSetFlags(flags.set) };
  const template = flags.template ?? base.promptTemplate;
  if (!template.trim())
    throw new UsageError(
      '--template is empty: write the prompt for every image, e.g. --template "A slow pan over {name}".',
    );
  const budget =
    flags.budget === undefined
      ? base.budgetUsd
      : parseNumber(
          '--budget',
          flags.budget.replace(/^\$/, ''),
          0.01,
          1_000_000,
          'an amount in US dollars above 0, e.g. 25',
        );
  const ceiling =
    flags.maxPerVideo === undefined
      ? (base.perVideoCeilingUsd ?? null)
      : parseNumber(
          '--max-per-video',
          flags.maxPerVideo.replace(/^\$/, ''),
          0.01,
          10_000,
          'an amount in US dollars above 0 that you accept to pay per video, e.g. 0.50',
        );
  let urlPrefix = flags.urlPrefix ?? base.urlPrefix;
  if (urlPrefix !== null) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(urlPrefix);
    } catch {
      parsed = null;
    }
    if (!parsed || parsed.protocol !== 'https:')
      throw new UsageError(
        `--url-prefix must be a public https URL where your images are hosted, e.g. https://cdn.example.com/shoot, got "${urlPrefix}".`,
      );
    urlPrefix = urlPrefix.replace(/\/+$/, '');
  }
  const takes = parseInteger(
    '--takes',
    flags.takes,
    MIN_TAKES,
    MAX_TAKES,
    'videos per image',
    base.takes ?? 1,
  );
  let shots = base.shots;
  if (flags.shots !== undefined) {
    try {
      shots = parseShots(flags.shots, '--shots');
    } catch (error) {
      throw new UsageError(`${(error as Error).message}.`);
    }
  }
  let fit = base.fit;
  if (flags.fit !== undefined) {
    if (!(FIT_MODES as readonly string[]).includes(flags.fit))
      throw new UsageError(
        `--fit must be ${FIT_MODES.join(', ')} (what to do with an image outside the model's shape or size ` +
          `limits: cut its centre, pad it with a blurred fill, or refuse it), got "${flags.fit}".`,
      );
    fit = flags.fit as FitMode;
  }
  const elements = flags.element ? elementsFromFlags(flags.element, context.cwd) : base.elements;
  const out = flags.out ?? base.outputDir ?? context.defaultOutputDir;
  return {
    modelId: model.id,
    promptTemplate: template,
    negativePrompt: flags.negative ?? base.negativePrompt,
    duration,
    generateAudio: flags.audio ?? base.generateAudio,
    cfgScale:
      flags.cfg === undefined
        ? base.cfgScale
        : parseNumber('--cfg', flags.cfg, 0, 1, 'a number from 0 to 1, e.g. 0.5'),
    outputDir: isAbsolute(out) ? out : resolve(context.cwd, out),
    outputNameTemplate: flags.name ?? base.outputNameTemplate,
    concurrency: parseInteger('--parallel', flags.parallel, 1, 20, 'generations', base.concurrency),
    budgetUsd: budget,
    ...(ceiling !== null ? { perVideoCeilingUsd: ceiling } : {}),
    urlPrefix,
    ...(Object.keys(modelInputs).length > 0 ? { modelInputs } : {}),
    ...(takes > 1 ? { takes } : {}),
    ...((flags.loop ?? base.loop) ? { loop: true } : {}),
    ...(shots && shots.length > 0 ? { shots } : {}),
    // `--no-sidecar` (commander sets `sidecar` false); otherwise the batch's own, else on.
    ...(flags.sidecar === false || base.sidecars === false ? { sidecars: false } : {}),
    ...(fit ? { fit } : {}),
    ...(elements && elements.length > 0 ? { elements } : {}),
  };
}

/**
 * `--element front.jpg[,ref1.jpg,...]` (repeatable): one reference element each, its frontal
 * image first, paths relative to the working folder. Whether the model takes elements, how many
 * and whether the images are usable is the plan's call (it names the element and the file).
 */
export function elementsFromFlags(values: readonly string[], cwd: string): ElementImages[] {
  return values.map((value, index) => {
    const paths = value.split(',').map((p) => p.trim());
    if (paths.some((p) => p === ''))
      throw new UsageError(
        `--element must be a frontal image and optional reference images separated by commas, e.g. ` +
          `--element front.jpg,side.jpg,back.jpg; element ${index + 1} is "${value}", which has an empty name.`,
      );
    const absolute = paths.map((p) => (isAbsolute(p) ? p : resolve(cwd, p)));
    return { frontal: absolute[0]!, references: absolute.slice(1) };
  });
}

/**
 * The stem suffixes that mark an end frame: ".end" and "_end", plus `--end-suffix` when given
 * ("-last" pairs shot-last.jpg with shot.jpg).
 */
export function endSuffixesFromFlag(value: string | undefined): string[] {
  const suffixes: string[] = [...DEFAULT_END_SUFFIXES];
  if (value === undefined) return suffixes;
  if (value.trim() === '' || /[/\\]/.test(value) || value.length > 50)
    throw new UsageError(
      `--end-suffix must be the end of a file name before its extension, e.g. --end-suffix -last for ` +
        `shot-last.jpg, without / or \\ and at most 50 characters, got "${value}".`,
    );
  suffixes.push(value);
  return suffixes;
}
