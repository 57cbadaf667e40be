// The plan: from a scan and the batch settings to one PlannedItem per image, with its rendered
// prompt, its request (checked against the model's schema), its output name, its price and,
// when it must not be sent, a verdict that says why in words. No network, no file reads:
// everything it needs was read by the scan, so re-planning after each keystroke is cheap.
import { posix } from 'node:path';
import type { BatchPlan, InputProblem, ScanResult, ScannedImage } from '../contracts';
import type { BatchSettings, ModelInputValue, PlannedItem } from '../domain';
import type { Catalog, ModelSpec, RoleName } from '../catalog/models';
import {
  durationAllowed,
  durationRule,
  durationWords,
  estimateBatchMs,
  estimateCostUsd,
  estimateGenerationMs,
  fieldSchema,
  roundUsd,
} from '../catalog/models';
import { assessImage } from './limits';
import {
  buildRequest,
  coerceFieldValue,
  csvFieldValues,
  modelImageProblem,
  roleOfField,
} from './model-request';
import { allocateOutputPaths, safeOutputPath } from './output-name';
import { SETTING_COLUMNS } from './prompts-csv';
import { imageRef, imageUrl, isImageRef, requestFingerprint } from './requests';
import { parseTemplate, renderTemplate, TemplateError } from './template';
import type { ParsedTemplate } from './template';

export type FindDone = (
  imageHash: string,
  requestFingerprint: string,
) => { itemId?: number; outputPath: string } | null;

export interface PlanDeps {
  catalog: Catalog;
  findDone: FindDone;
}

type Verdict = NonNullable<PlannedItem['verdict']>;

/** Thrown inside the per-item steps; becomes that item's `rejected` verdict. */
class ItemRejection extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const reject = (code: string, message: string): never => {
  throw new ItemRejection(code, message);
};

const stemOf = (fileName: string) => {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
};

/** Characters as the models count them (code points, not UTF-16 units). */
const charCount = (text: string) => [...text].length;

/** Columns of prompts.csv that set a role (or the request) rather than a field by name. */
const ROLE_COLUMNS = [...SETTING_COLUMNS];

function guidanceRange(model: ModelSpec): { min: number; max: number } | null {
  const field = model.roles.guidance;
  const schema = field ? fieldSchema(model, field) : undefined;
  if (!schema) return null;
  return {
    min: typeof schema.minimum === 'number' ? schema.minimum : -Infinity,
    max: typeof schema.maximum === 'number' ? schema.maximum : Infinity,
  };
}

function settingsProblems(settings: BatchSettings, model: ModelSpec): InputProblem[] {
  const problems: InputProblem[] = [];
  const add = (field: string, message: string) =>
    problems.push({ code: 'invalid_setting', message, file: null, row: null, field });
  const rule = durationRule(model);
  if (rule && !durationAllowed(rule, settings.duration))
    add(
      'duration',
      `Duration must be ${durationWords(rule)} for ${model.displayName}, got ${settings.duration}`,
    );
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
  if (settings.budgetUsd !== null && model.price.per === 'unknown')
    add(
      'budgetUsd',
      `The price of ${model.displayName} is unknown, so a budget cap of $${settings.budgetUsd} cannot be kept. ` +
        'Give its price (its entry in the models folder, or Settings → Models) or remove the budget cap',
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

function parseOrProblem(
  source: string,
  variables: string[],
  label: string,
  field: string,
  problems: InputProblem[],
): ParsedTemplate | null {
  try {
    return parseTemplate(source, variables, label);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    problems.push({ code: `template_${error.code}`, message: error.message, file: null, row: null, field });
    return null;
  }
}

interface Overrides {
  duration?: number;
  generateAudio?: boolean;
  cfgScale?: number;
  negativePrompt?: string;
  fields: Record<string, ModelInputValue>;
}

function readOverrides(image: ScannedImage, model: ModelSpec): Overrides {
  const row = image.csvRow;
  if (!row) return { fields: {} };
  const at = (column: string) => `(${row.file}, row ${row.row}, column ${column})`;
  const out: Overrides = { fields: {} };
  const lacks = (column: string, what: string) =>
    reject(
      `csv_${column}_unsupported`,
      `${model.displayName} has no ${what} field; clear the cell or choose another model ${at(column)}`,
    );
  const duration = row.values.duration ?? '';
  if (duration !== '') {
    const rule = durationRule(model);
    if (!rule) lacks('duration', 'duration');
    const n = /^\d+$/.test(duration) ? Number(duration) : NaN;
    if (!durationAllowed(rule!, n))
      reject(
        'csv_bad_duration',
        `Duration must be ${durationWords(rule!)} for ${model.displayName}, got "${duration}" ${at('duration')}`,
      );
    out.duration = n;
  }
  const audio = (row.values.generate_audio ?? '').toLowerCase();
  if (audio !== '') {
    if (['true', 'yes', 'y', '1', 'on'].includes(audio)) out.generateAudio = true;
    else if (['false', 'no', 'n', '0', 'off'].includes(audio)) out.generateAudio = false;
    else
      reject(
        'csv_bad_generate_audio',
        `generate_audio must be yes or no (or true/false, 1/0), got "${row.values.generate_audio}" ${at('generate_audio')}`,
      );
    if (out.generateAudio && !model.roles.audio) lacks('generate_audio', 'audio');
  }
  const cfg = row.values.cfg_scale ?? '';
  if (cfg !== '') {
    const range = guidanceRange(model);
    if (!range) lacks('cfg_scale', 'CFG scale');
    // "0,7" is how a spreadsheet in a comma-decimal locale writes 0.7.
    const n = /^\d*[.,]?\d+$/.test(cfg) ? Number(cfg.replace(',', '.')) : NaN;
    if (!(n >= range!.min && n <= range!.max))
      reject(
        'csv_bad_cfg_scale',
        `cfg_scale must be a number from ${range!.min} to ${range!.max}, got "${cfg}" ${at('cfg_scale')}`,
      );
    out.cfgScale = n;
  }
  const negative = row.values.negative_prompt ?? '';
  if (negative !== '') {
    if (!model.roles.negativePrompt) lacks('negative_prompt', 'negative prompt');
    const max = model.limits?.promptMaxChars;
    if (max !== undefined && charCount(negative) > max)
      reject(
        'csv_negative_prompt_too_long',
        `negative_prompt is ${charCount(negative)} characters; ${model.displayName} accepts at most ` +
          `${max} ${at('negative_prompt')}`,
      );
    out.negativePrompt = negative;
  }
  for (const { field, column, value } of csvFieldValues(model, row.values, ROLE_COLUMNS)) {
    const coerced = coerceFieldValue(model, field, value);
    if (!coerced.ok) reject('csv_bad_field', `${coerced.message} ${at(column)}`);
    else out.fields[field] = coerced.value;
  }
  return out;
}

/** The batch's own field values, typed by the model's schema (problems were reported above). */
function settingsFields(settings: BatchSettings, model: ModelSpec): Record<string, ModelInputValue> {
  const fields: Record<string, ModelInputValue> = {};
  for (const [field, value] of Object.entries(settings.modelInputs ?? {})) {
    const coerced = coerceFieldValue(model, field, value);
    if (coerced.ok) fields[field] = coerced.value;
  }
  return fields;
}

/** Image placeholders replaced by a stand-in URL, so a schema with `format: uri` accepts them. */
function withStandInImages(request: Record<string, unknown>): Record<string, unknown> {
  const swap = (value: unknown): unknown =>
    isImageRef(value)
      ? 'https://stillmotion.invalid/image'
      : Array.isArray(value)
        ? value.map(swap)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swap(v)]))
          : value;
  return swap(request) as Record<string, unknown>;
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
) {
  // A rejected item may have no request: its row then shows the batch settings.
  return {
    index,
    sourcePath: item.sourcePath,
    relativePath: item.relativePath,
    renderedPrompt: item.renderedPrompt,
    settings: roleValuesOf(item.request, model, settings),
    outputRelativePath: item.outputRelativePath,
    estimatedCostUsd: item.estimatedCostUsd,
    notes: item.notes,
    verdict: item.verdict,
  };
}

export function planBatch(
  scan: ScanResult,
  settings: BatchSettings,
  options: { force?: boolean },
  deps: PlanDeps,
): BatchPlan {
  const problems: InputProblem[] = [];
  let model: ModelSpec;
  try {
    model = deps.catalog.get(settings.modelId);
  } catch (error) {
    problems.push({
      code: 'unknown_model',
      message: (error as Error).message,
      file: null,
      row: null,
      field: 'modelId',
    });
    model = deps.catalog.list()[0]!;
  }
  const modelOk = problems.length === 0;
  problems.push(...settingsProblems(settings, model));
  const variables = scan.variables;
  const promptTemplate = parseOrProblem(
    settings.promptTemplate,
    variables,
    'The prompt template',
    'promptTemplate',
    problems,
  );
  const nameTemplate = parseOrProblem(
    settings.outputNameTemplate,
    variables,
    'The output name template',
    'outputNameTemplate',
    problems,
  );
  const settingsBroken = !modelOk || problems.some((p) => p.code === 'invalid_setting');
  const batchFields = settingsFields(settings, model);
  const endImageRequired = model.roles.endImage
    ? ((model.inputSchema.required as string[] | undefined) ?? []).includes(model.roles.endImage)
    : false;
  const withEnd = deps.catalog
    .list()
    .filter((m) => m.roles.endImage)
    .map((m) => m.displayName);
  const endImageModels =
    withEnd.slice(0, 3).join(', ') + (withEnd.length > 3 ? ` and ${withEnd.length - 3} more` : '');
  const count = scan.images.length;
  const mode = settings.urlPrefix ? 'url' : 'data-uri';
  const seenFingerprints = new Map<string, string>();

  const drafts = scan.images.map((image, i) => {
    const index = i + 1;
    const fileName = posix.basename(image.relativePath);
    const dir = posix.dirname(image.relativePath);
    const csv = image.csvRow;
    const lookup = (name: string): string | null => {
      // A prompts.csv column of the same name is the more specific value, so it wins.
      if (csv && name in csv.values) return csv.values[name]!;
      switch (name) {
        case 'name':
          return stemOf(fileName);
        case 'folder':
          return dir === '.' ? posix.basename(image.rootPath.split(/[\\/]/).join('/')) : posix.basename(dir);
        case 'path':
          return image.relativePath;
        case 'index':
          return String(index);
        case 'count':
          return String(count);
        case 'caption':
          return image.caption;
        default:
          return null;
      }
    };
    const missing = (name: string) =>
      name === 'caption'
        ? `{caption} needs a caption file next to ${image.relativePath} (${posix.join(
            dir === '.' ? '' : dir,
            stemOf(fileName),
          )}.txt) and there is none; add it, or remove {caption} from the template`
        : `{${name}} comes from prompts.csv, which has no row for ${image.relativePath}; ` +
          'add a row for it, or remove the variable from the template';

    const notes: string[] = [];
    let verdict: Verdict | null = null;
    let renderedPrompt = '';
    let request: Record<string, unknown> = {};
    let fingerprint = '';
    let estimatedCostUsd = 0;
    let generationMs = 0;
    let renderedName = `${stemOf(fileName)}.mp4`;
    try {
      if (nameTemplate) {
        try {
          renderedName = renderTemplate(nameTemplate, lookup, missing);
        } catch (error) {
          if (error instanceof TemplateError)
            reject('output_name_missing_value', `Output name: ${error.message}`);
          throw error;
        }
      }
      if (settingsBroken)
        reject('invalid_settings', 'Not sent: the batch settings have a problem (see above)');
      if (!nameTemplate)
        reject('template_error', 'Not sent: the output name template has an error (see above)');
      const overrides = readOverrides(image, model);
      const csvPrompt = csv?.values.prompt ?? '';
      let template = promptTemplate;
      if (csvPrompt !== '') {
        // A whole prompt per image; it may use the same variables as the template.
        try {
          template = parseTemplate(csvPrompt, variables, `${csv!.file}, row ${csv!.row}, column prompt,`);
        } catch (error) {
          if (error instanceof TemplateError) reject(`csv_prompt_${error.code}`, error.message);
          throw error;
        }
      } else if (!template)
        reject('template_error', 'Not sent: the prompt template has an error (see above)');
      try {
        renderedPrompt = renderTemplate(template!, lookup, missing).trim();
      } catch (error) {
        if (error instanceof TemplateError) reject(`prompt_${error.code}`, error.message);
        throw error;
      }
      if (renderedPrompt === '')
        reject(
          'empty_prompt',
          `The prompt for ${image.relativePath} is empty after filling in the template; ${model.displayName} needs a prompt`,
        );
      const length = charCount(renderedPrompt);
      const promptMax = model.limits?.promptMaxChars;
      if (promptMax !== undefined && length > promptMax)
        reject(
          'prompt_too_long',
          `The prompt for ${image.relativePath} is ${length} characters after filling in the template; ` +
            `${model.displayName} accepts at most ${promptMax}. Shorten the template` +
            (template!.variables.has('caption') ? ' or the caption file' : '') +
            (csvPrompt !== '' ? ` or the prompt in ${csv!.file}, row ${csv!.row}` : ''),
        );

      const start = assessImage(image, mode);
      if (start.kind === 'reject') reject(start.code, start.reason);
      if (start.kind === 'fit') notes.push(start.reason);
      const startProblem = modelImageProblem(model, image, mode === 'url');
      if (startProblem) reject('image_not_accepted', startProblem);

      const duration = overrides.duration ?? settings.duration;
      const hashes: Record<string, string> = { [image.sourcePath]: image.sha256 };
      const end = image.endImage;
      let endImage: string | undefined;
      const endField = model.roles.endImage;
      if (csv && (csv.values.end_image ?? '') !== '') {
        const where = `(${csv.file}, row ${csv.row}, column end_image)`;
        if (!endField)
          reject(
            'end_image_unsupported',
            `end_image is not supported by ${model.displayName} (it has no end-frame field); choose a model ` +
              `that has one (${endImageModels}) or clear the cell ${where}`,
          );
        if (!end)
          reject(
            'end_image_missing',
            `end_image "${csv.values.end_image}" was not checked ${where}; scan again`,
          );
        if (!end!.ok) reject('end_image_unusable', `${end!.reason} ${where}`);
        if (end!.ok) {
          const endAssessment = assessImage(end!, mode);
          if (endAssessment.kind === 'reject')
            reject(endAssessment.code, `end_image: ${endAssessment.reason} ${where}`);
          if (endAssessment.kind === 'fit') notes.push(`end image ${endAssessment.reason}`);
          const endProblem = modelImageProblem(model, end!, mode === 'url');
          if (endProblem) reject('image_not_accepted', `end_image: ${endProblem} ${where}`);
          endImage = imageRef(end!.sourcePath);
          hashes[end!.sourcePath] = end!.sha256;
        }
      } else if (endField && endImageRequired)
        reject(
          'end_image_required',
          `${model.displayName} needs an end image for every video and ${image.relativePath} has none; ` +
            'name one in the end_image column of prompts.csv, or choose another model',
        );
      request = buildRequest(
        model,
        {
          prompt: renderedPrompt,
          startImage: imageRef(image.sourcePath),
          endImage,
          negativePrompt: overrides.negativePrompt ?? settings.negativePrompt,
          duration,
          audio: overrides.generateAudio ?? settings.generateAudio,
          guidance: overrides.cfgScale ?? settings.cfgScale,
        },
        { ...batchFields, ...overrides.fields },
      );
      fingerprint = requestFingerprint(model.id, request, hashes);
      if (settings.urlPrefix) {
        request[model.roles.startImage] = imageUrl(settings.urlPrefix, image.relativePath);
        if (end?.ok && endField && endImage) {
          const rootPosix = image.rootPath.split(/[\\/]/).join('/');
          const endRelative = posix.relative(rootPosix, end.sourcePath.split(/[\\/]/).join('/'));
          request[endField] = imageUrl(settings.urlPrefix, endRelative);
        }
      }
      const invalid = model.validateInput(withStandInImages(request));
      if (invalid.length > 0)
        reject(
          'invalid_request',
          `The request for ${image.relativePath} does not fit ${model.displayName}: ${invalid.join('; ')}`,
        );
      // Unknown price: 0 here and priceUnknown on the plan; a capped batch was refused above.
      estimatedCostUsd = estimateCostUsd(model, request, duration) ?? 0;
      generationMs = estimateGenerationMs(model, duration);

      if (!options.force) {
        const earlier = seenFingerprints.get(fingerprint);
        if (earlier !== undefined)
          verdict = {
            state: 'skipped',
            code: 'duplicate_in_batch',
            message: `same image and request as ${earlier} in this batch; it is generated once (use force to generate both)`,
          };
        else {
          const done = deps.findDone(image.sha256, fingerprint);
          if (done)
            verdict = {
              state: 'skipped',
              code: 'already_generated',
              message: `already generated: ${done.outputPath}`,
            };
        }
      }
      if (!seenFingerprints.has(fingerprint)) seenFingerprints.set(fingerprint, image.relativePath);
    } catch (error) {
      if (!(error instanceof ItemRejection)) throw error;
      verdict = { state: 'rejected', code: error.code, message: error.message };
    }
    if (verdict) estimatedCostUsd = 0;
    return {
      image,
      renderedPrompt,
      request,
      fingerprint,
      estimatedCostUsd,
      generationMs,
      notes,
      verdict,
      relativeDir: dir === '.' ? '' : dir,
      renderedName,
    };
  });

  const outputs = allocateOutputPaths(drafts);
  const items: PlannedItem[] = drafts.map((d, i) => ({
    sourcePath: d.image.sourcePath,
    rootPath: d.image.rootPath,
    relativePath: d.image.relativePath,
    imageHash: d.image.sha256,
    renderedPrompt: d.renderedPrompt,
    request: d.request,
    requestFingerprint: d.fingerprint,
    estimatedCostUsd: d.estimatedCostUsd,
    outputRelativePath: outputs[i] ?? safeOutputPath(d.relativeDir, d.renderedName),
    notes: d.notes,
    verdict: d.verdict,
  }));
  const sendable = drafts.filter((d) => d.verdict === null);
  return {
    items,
    problems,
    toSend: sendable.length,
    rejected: drafts.filter((d) => d.verdict?.state === 'rejected').length,
    skipped: drafts.filter((d) => d.verdict?.state === 'skipped').length,
    estimatedCostUsd: roundUsd(sendable.reduce((sum, d) => sum + d.estimatedCostUsd, 0)),
    priceUnknown: model.price.per === 'unknown',
    estimatedDurationMs: estimateBatchMs(
      sendable.map((d) => d.generationMs),
      settings.concurrency,
    ),
  };
}
