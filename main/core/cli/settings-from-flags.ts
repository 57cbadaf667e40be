// Turns `stillmotion run` flags into BatchSettings, with errors that say which flag, what
// value, what was expected and how to fix it. Pure: no I/O, so it is tested directly.
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_SETTINGS, MODEL_IDS, type BatchSettings, type ModelId } from '../domain';

export class UsageError extends Error {
  override name = 'UsageError';
}

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
  urlPrefix?: string;
}

const MODEL_ALIASES: Record<string, ModelId> = {
  standard: 'kling/kling-3.0/standard/image-to-video',
  std: 'kling/kling-3.0/standard/image-to-video',
  pro: 'kling/kling-3.0/pro/image-to-video',
};

function parseModel(value: string | undefined, fallback: ModelId): ModelId {
  if (value === undefined) return fallback;
  const alias = MODEL_ALIASES[value.toLowerCase()];
  if (alias) return alias;
  if ((MODEL_IDS as readonly string[]).includes(value)) return value as ModelId;
  throw new UsageError(
    `--model must be "standard" or "pro" (or a full model id: ${MODEL_IDS.join(', ')}), got "${value}".`,
  );
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
  context: { cwd: string; defaultOutputDir: string; defaults?: Partial<BatchSettings> },
): BatchSettings {
  const base = { ...DEFAULT_SETTINGS, ...context.defaults };
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
  const out = flags.out ?? base.outputDir ?? context.defaultOutputDir;
  return {
    modelId: parseModel(flags.model, base.modelId),
    promptTemplate: template,
    negativePrompt: flags.negative ?? base.negativePrompt,
    duration: parseInteger('--duration', flags.duration, 3, 15, 'seconds', base.duration),
    generateAudio: flags.audio ?? base.generateAudio,
    cfgScale:
      flags.cfg === undefined
        ? base.cfgScale
        : parseNumber('--cfg', flags.cfg, 0, 1, 'a number from 0 to 1, e.g. 0.5'),
    outputDir: isAbsolute(out) ? out : resolve(context.cwd, out),
    outputNameTemplate: flags.name ?? base.outputNameTemplate,
    concurrency: parseInteger('--parallel', flags.parallel, 1, 20, 'generations', base.concurrency),
    budgetUsd: budget,
    urlPrefix,
  };
}
