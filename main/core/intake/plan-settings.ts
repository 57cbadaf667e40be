// The batch settings checked against one model (which settings the model has a field for, in
// what range, and the extra fields typed by its schema), how an item is refused, and the
// preview row of a planned item. A prompts.csv row's own settings are plan-csv-row.ts's.
import type { InputProblem } from '../core-api';
import type { BatchSettings, ModelInputValue, PlannedItem } from '../domain';
import type { ModelSpec, RoleName } from '../catalog/catalog';
import { durationAllowed, durationRule, durationWords, fieldSchema } from '../catalog/catalog';
import { coerceFieldValue, roleOfField } from './model-request';
import { SETTING_COLUMNS } from './prompts-csv';
import { formatReason, reason, type Reason } from '@common/reasons';
import { imageUrl, isImageRef } from './requests';
import { asWritten, mapRequest } from './request-placeholders';
import { elementReferences, elementShape, elementsUnavailable } from './elements';
import { parseImageRef } from './fit';
import { shotsProblem } from './shots';
import { takesOf, takesProblem } from './takes';

/** Thrown inside the per-item steps; becomes that item's `rejected` verdict. */
export class ItemRejection extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The same words as a reason, which the window shows in its own language. */
    readonly reason: Reason | null = null,
  ) {
    super(message);
  }
}

/**
 * Refuses the item, in words or as a reason (common/reasons.ts), whose English is the message
 * the CLI prints. Texts that carry another module's free words (a probe's, a template's) stay
 * plain strings.
 */
export const reject = (code: string, why: string | Reason): never => {
  throw typeof why === 'string'
    ? new ItemRejection(code, why)
    : new ItemRejection(code, formatReason(why), why);
};

/** Where in prompts.csv a value came from, as the suffix " (file, row N, column c)". */
export const cellWhere = (csv: { file: string; row: number }, column: string): Reason =>
  reason('plan_where_cell', { file: csv.file, row: csv.row, column });

/** Characters as the models count them (code points, not UTF-16 units). */
export const charCount = (text: string) => [...text].length;

/** Columns of prompts.csv that set a role (or the request) rather than a field by name. */
export const ROLE_COLUMNS = [...SETTING_COLUMNS];

/** The model's guidance (CFG) range, from its schema; null when it has no guidance field. */
export function guidanceRange(model: ModelSpec): { min: number; max: number } | null {
  const field = model.roles.guidance;
  const schema = field ? fieldSchema(model, field) : undefined;
  if (!schema) return null;
  return {
    min: typeof schema.minimum === 'number' ? schema.minimum : -Infinity,
    max: typeof schema.maximum === 'number' ? schema.maximum : Infinity,
  };
}

/**
 * Settings checked against the model. `dailyCapUsd` is the account's daily cap (null: none): a
 * model of unknown price is refused under it, as under a budget, unless a ceiling is accepted.
 */
export function settingsProblems(
  settings: BatchSettings,
  model: ModelSpec,
  dailyCapUsd: number | null = null,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const add = (field: string, message: string) =>
    problems.push({ code: 'invalid_setting', message, file: null, row: null, field });
  const rule = durationRule(model);
  if (rule && !durationAllowed(rule, settings.duration))
    add(
      'duration',
      `Duration must be ${durationWords(rule)} for ${model.displayName}, got ${settings.duration}`,
    );
  const takesWrong = takesProblem(takesOf(settings));
  if (takesWrong) add('takes', takesWrong);
  if (settings.shots && settings.shots.length > 0) {
    const wrong = shotsProblem(settings.shots, settings.duration, model);
    if (wrong) add('shots', `Shots: ${wrong}`);
    else if (settings.loop)
      add(
        'shots',
        'Shots and loop cannot be combined: a multi-shot video has no end frame (RunComfy refuses the two ' +
          'together); turn loop off or clear the shots',
      );
  }
  if (settings.loop && !model.roles.endImage)
    add(
      'loop',
      `${model.displayName} has no end-frame field, so a loop (each video ending on its start image) cannot ` +
        'be made; turn loop off or choose a model with an end frame',
    );
  const elements = settings.elements ?? [];
  if (elements.length > 0) {
    const shape = elementShape(model);
    if (!shape) add('elements', elementsUnavailable(model, [])!);
    else if (elements.length > shape.maxElements)
      add(
        'elements',
        `${elements.length} reference elements; ${model.displayName} takes at most ${shape.maxElements}: remove ` +
          `${elements.length - shape.maxElements}`,
      );
    else {
      const crowded = elements.findIndex((e) => e.references.length > shape.maxReferences);
      if (crowded >= 0)
        add(
          'elements',
          `@Element${crowded + 1} has ${elements[crowded]!.references.length} reference images; ` +
            `${model.displayName} takes at most ${shape.maxReferences} per element`,
        );
    }
    if (settings.urlPrefix)
      add('elements', 'Reference elements are sent inline: clear the URL prefix or remove the elements');
  }
  const guidance = guidanceRange(model);
  if (guidance && !(settings.cfgScale >= guidance.min && settings.cfgScale <= guidance.max))
    add(
      'cfgScale',
      `CFG scale must be a number from ${guidance.min} to ${guidance.max}, got ${settings.cfgScale}`,
    );
  if (settings.negativePrompt.trim() !== '') {
    const max = model.limits?.promptMaxChars;
    if (!model.roles.negativePrompt)
      add(
        'negativePrompt',
        `${model.displayName} has no negative prompt field; clear the negative prompt or choose another model`,
      );
    else if (max !== undefined && charCount(settings.negativePrompt) > max)
      add(
        'negativePrompt',
        `The negative prompt is ${charCount(settings.negativePrompt)} characters; ${model.displayName} accepts at most ${max}`,
      );
  }
  if (settings.generateAudio && !model.roles.audio)
    add(
      'generateAudio',
      `${model.displayName} has no audio switch the app knows; turn audio off (or set the model's own field with --set)`,
    );
  for (const [field, value] of Object.entries(settings.modelInputs ?? {})) {
    const role = roleOfField(model, field);
    if (role) {
      add(
        `modelInputs.${field}`,
        `${field} is filled in by the app for ${model.displayName} (${role}); use that setting instead`,
      );
      continue;
    }
    const coerced = coerceFieldValue(model, field, value);
    if (!coerced.ok) add(`modelInputs.${field}`, coerced.message);
  }
  const unpriced = model.price.per === 'unknown' && !ceilingOf(settings);
  const acceptCeiling =
    'accept a price per video ("Count each video as at most" under the model\'s options; CLI --max-per-video), ' +
    'which each video then counts for, or give the model its price (Settings → Models, or its entry file)';
  if (unpriced && settings.budgetUsd !== null)
    add(
      'budgetUsd',
      `The price of ${model.displayName} is unknown, so a budget cap of $${settings.budgetUsd} cannot be kept. ` +
        `Remove the budget cap, or ${acceptCeiling}`,
    );
  else if (unpriced && dailyCapUsd !== null)
    add(
      'perVideoCeilingUsd',
      `The price of ${model.displayName} is unknown, so the daily spending cap of $${dailyCapUsd.toFixed(2)} cannot be kept. ` +
        `Remove the daily cap (Settings), or ${acceptCeiling}`,
    );
  if (settings.urlPrefix) {
    try {
      imageUrl(settings.urlPrefix, 'x');
    } catch (error) {
      add('urlPrefix', (error as Error).message);
    }
  }
  return problems;
}

/** The price per video the user accepts for a model of unknown price, or null. */
export function ceilingOf(settings: Pick<BatchSettings, 'perVideoCeilingUsd'>): number | null {
  const ceiling = settings.perVideoCeilingUsd;
  return typeof ceiling === 'number' && ceiling > 0 ? ceiling : null;
}

/** The batch's own field values, typed by the model's schema (problems were reported above). */
export function settingsFields(settings: BatchSettings, model: ModelSpec): Record<string, ModelInputValue> {
  const fields: Record<string, ModelInputValue> = {};
  for (const [field, value] of Object.entries(settings.modelInputs ?? {})) {
    const coerced = coerceFieldValue(model, field, value);
    if (coerced.ok) fields[field] = coerced.value;
  }
  return fields;
}

/** Image placeholders replaced by a stand-in URL, so a schema with `format: uri` accepts them. */
export function withStandInImages(request: Record<string, unknown>): Record<string, unknown> {
  return mapRequest(request, () => 'https://stillmotion.invalid/image');
}

/** The preview's view of an item's role values, read back from its request by the model's roles. */
export function roleValuesOf(
  request: Record<string, unknown>,
  model: { roles: Partial<Record<RoleName, string>> } | undefined,
  settings: Pick<BatchSettings, 'duration' | 'generateAudio' | 'cfgScale' | 'negativePrompt'>,
) {
  const read = (role: RoleName) => {
    const field = model?.roles[role];
    return field === undefined ? undefined : request[field];
  };
  const duration = Number(read('duration'));
  const audio = read('audio');
  const guidance = read('guidance');
  const negative = read('negativePrompt');
  const hasRequest = Object.keys(request).length > 0;
  return {
    duration: Number.isFinite(duration) && read('duration') !== undefined ? duration : settings.duration,
    generateAudio: typeof audio === 'boolean' ? audio : hasRequest && model ? false : settings.generateAudio,
    cfgScale: typeof guidance === 'number' ? guidance : settings.cfgScale,
    negativePrompt: typeof negative === 'string' ? negative : hasRequest ? '' : settings.negativePrompt,
  };
}

/** Builds the preview's row for one planned item (what the UI shows before anything is sent). */
export function previewItem(
  item: PlannedItem,
  index: number,
  settings: Pick<BatchSettings, 'duration' | 'generateAudio' | 'cfgScale' | 'negativePrompt'>,
  model: { roles: Partial<Record<RoleName, string>> } | undefined,
  /** Its image's position in the scan (the thumbnail's); differs from index with several takes. */
  imageIndex = index,
  /** The start image's own size, to say whether a fitted frame is upscaled. */
  source?: { width: number; height: number },
) {
  // A rejected item may have no request: its row then shows the batch settings.
  const request = asWritten(item.request);
  return {
    index,
    imageIndex,
    sourcePath: item.sourcePath,
    relativePath: item.relativePath,
    renderedPrompt: item.renderedPrompt,
    settings: roleValuesOf(request, model, settings),
    outputRelativePath: item.outputRelativePath,
    estimatedCostUsd: item.estimatedCostUsd,
    notes: item.notes,
    verdict: item.verdict,
    ...(item.take !== undefined ? { take: item.take } : {}),
    ...creativeView(request, model, source),
  };
}

/**
 * How many images to be sent are resized on the way: over the size limit (the scan's fit), or
 * fitted to the model's shape and size (the plan's, in the start image's placeholder). One count
 * per image however many takes it has; the scan summary shows it as "Will be resized".
 */
export function resizedImages(
  plan: { items: readonly PlannedItem[] },
  images: readonly { sourcePath: string; fit: unknown }[],
  model: { roles: Partial<Record<RoleName, string>> } | undefined,
): number {
  const heavy = new Set(images.filter((i) => i.fit !== null).map((i) => i.sourcePath));
  const field = model?.roles.startImage;
  const resized = new Set<string>();
  for (const item of plan.items) {
    if (item.verdict) continue;
    const start = field ? item.request[field] : undefined;
    if (heavy.has(item.sourcePath) || (isImageRef(start) && parseImageRef(start).fit))
      resized.add(item.sourcePath);
  }
  return resized.size;
}

/** What the preview shows of an item's elements, shots and fitted start image, read from its request. */
function creativeView(
  request: Record<string, unknown>,
  model: { roles: Partial<Record<RoleName, string>> } | undefined,
  source: { width: number; height: number } | undefined,
) {
  const read = (role: RoleName) => (model?.roles[role] ? request[model.roles[role]] : undefined);
  const shots = read('multiShot');
  const texts = [
    read('prompt'),
    ...(Array.isArray(shots) ? shots.map((s) => (s as { prompt?: unknown }).prompt) : []),
  ].filter((t): t is string => typeof t === 'string');
  const used = elementReferences(texts.join('\n'));
  const start = read('startImage');
  const fit = isImageRef(start) ? parseImageRef(start).fit : null;
  const fitted = fit
    ? {
        ...fit,
        upscaled: source ? upscaledBy(fit, source) : false,
        ...(source ? { source: { width: source.width, height: source.height } } : {}),
      }
    : null;
  // The shots as sent (a prompts.csv cell, a sidecar or the batch's), so the preview shows them.
  const shotList = Array.isArray(shots)
    ? shots
        .map((shot) => shot as { prompt?: unknown; duration?: unknown })
        .filter((shot) => typeof shot.prompt === 'string' && typeof shot.duration === 'number')
        .map((shot) => ({ prompt: shot.prompt as string, duration: shot.duration as number }))
    : [];
  return {
    ...(used.length > 0 ? { elementsUsed: used } : {}),
    ...(fitted ? { fitted } : {}),
    ...(shotList.length > 0 ? { shots: shotList } : {}),
  };
}

/**
 * Whether a fitted frame enlarges the picture: a crop keeps a part of it at the scale of its
 * least-scaled side, a pad all of it at the scale of its most-scaled side (fit.ts decideFit).
 * A pixel of rounding is no upscale.
 */
function upscaledBy(
  fit: { mode: 'crop' | 'pad'; width: number; height: number },
  source: { width: number; height: number },
): boolean {
  const sx = fit.width / source.width;
  const sy = fit.height / source.height;
  const scale = fit.mode === 'crop' ? Math.max(sx, sy) : Math.min(sx, sy);
  return scale > 1 + 1.5 / Math.min(source.width, source.height);
}
