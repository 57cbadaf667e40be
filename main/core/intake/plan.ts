// The plan: from a scan and the batch settings to one PlannedItem per image, with its rendered
// prompt, its request (checked against the model's schema), its output name, its price and,
// when it must not be sent, a verdict that says why in words. No network, no file reads:
// everything it needs was read by the scan, so re-planning after each keystroke is cheap.
import { posix } from 'node:path';
import type { BatchPlan, InputProblem, ScanResult, ScannedImage } from '../contracts';
import type { BatchSettings, ItemState, PlannedItem } from '../domain';
import type { Catalog, ModelSpec } from '../catalog/models';
import { estimateBatchMs, estimateCostUsd, estimateGenerationMs, roundUsd } from '../catalog/models';
import { describeIssues } from '../catalog/issue-words';
import { assessImage } from './limits';
import { allocateOutputPaths, safeOutputPath } from './output-name';
import { imageRef, imageUrl, requestFingerprint } from './requests';
import { parseTemplate, renderTemplate, TemplateError } from './template';
import type { ParsedTemplate } from './template';

export type FindDone = (
  imageHash: string,
  requestFingerprint: string,
) => { itemId?: number; outputPath: string; batchId?: number; state?: ItemState } | null;

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

/** Characters as Kling counts them (code points, not UTF-16 units). */
const charCount = (text: string) => [...text].length;

function settingsProblems(settings: BatchSettings, model: ModelSpec): InputProblem[] {
  const problems: InputProblem[] = [];
  const add = (field: string, message: string) =>
    problems.push({ code: 'invalid_setting', message, file: null, row: null, field });
  const { minDuration, maxDuration, cfgScaleMin, cfgScaleMax, promptMaxChars } = model.limits;
  if (
    !Number.isInteger(settings.duration) ||
    settings.duration < minDuration ||
    settings.duration > maxDuration
  )
    add(
      'duration',
      `Duration must be a whole number from ${minDuration} to ${maxDuration} seconds, got ${settings.duration}`,
    );
  if (!(settings.cfgScale >= cfgScaleMin && settings.cfgScale <= cfgScaleMax))
    add(
      'cfgScale',
      `CFG scale must be a number from ${cfgScaleMin} to ${cfgScaleMax}, got ${settings.cfgScale}`,
    );
  if (charCount(settings.negativePrompt) > promptMaxChars)
    add(
      'negativePrompt',
      `The negative prompt is ${charCount(settings.negativePrompt)} characters; ${model.displayName} accepts at most ${promptMaxChars}`,
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
}

function readOverrides(image: ScannedImage, model: ModelSpec): Overrides {
  const row = image.csvRow;
  if (!row) return {};
  const at = (column: string) => `(${row.file}, row ${row.row}, column ${column})`;
  const out: Overrides = {};
  const duration = row.values.duration ?? '';
  if (duration !== '') {
    const { minDuration: min, maxDuration: max } = model.limits;
    const n = /^\d+$/.test(duration) ? Number(duration) : NaN;
    if (!(n >= min && n <= max))
      reject(
        'csv_bad_duration',
        `Duration must be a whole number from ${min} to ${max} seconds, got "${duration}" ${at('duration')}`,
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
  }
  const cfg = row.values.cfg_scale ?? '';
  if (cfg !== '') {
    // "0,7" is how a spreadsheet in a comma-decimal locale writes 0.7.
    const n = /^\d*[.,]?\d+$/.test(cfg) ? Number(cfg.replace(',', '.')) : NaN;
    const { cfgScaleMin: min, cfgScaleMax: max } = model.limits;
    if (!(n >= min && n <= max))
      reject(
        'csv_bad_cfg_scale',
        `cfg_scale must be a number from ${min} to ${max}, got "${cfg}" ${at('cfg_scale')}`,
      );
    out.cfgScale = n;
  }
  const negative = row.values.negative_prompt ?? '';
  if (negative !== '') {
    if (charCount(negative) > model.limits.promptMaxChars)
      reject(
        'csv_negative_prompt_too_long',
        `negative_prompt is ${charCount(negative)} characters; ${model.displayName} accepts at most ` +
          `${model.limits.promptMaxChars} ${at('negative_prompt')}`,
      );
    out.negativePrompt = negative;
  }
  return out;
}

/** Builds the preview's row for one planned item (what the UI shows before anything is sent). */
export function previewItem(
  item: PlannedItem,
  index: number,
  settings?: Pick<BatchSettings, 'duration' | 'generateAudio' | 'cfgScale' | 'negativePrompt'>,
) {
  // A rejected item may have no request: its row then shows the batch settings.
  const r = item.request;
  return {
    index,
    sourcePath: item.sourcePath,
    relativePath: item.relativePath,
    renderedPrompt: item.renderedPrompt,
    settings: {
      duration: typeof r.duration === 'number' ? r.duration : (settings?.duration ?? 0),
      generateAudio:
        typeof r.generate_audio === 'boolean' ? r.generate_audio : (settings?.generateAudio ?? false),
      cfgScale: typeof r.cfg_scale === 'number' ? r.cfg_scale : (settings?.cfgScale ?? 0),
      negativePrompt:
        typeof r.negative_prompt === 'string'
          ? r.negative_prompt
          : r.prompt
            ? ''
            : (settings?.negativePrompt ?? ''),
    },
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
          `The prompt for ${image.relativePath} is empty after filling in the template; Kling needs a prompt`,
        );
      const length = charCount(renderedPrompt);
      if (length > model.limits.promptMaxChars)
        reject(
          'prompt_too_long',
          `The prompt for ${image.relativePath} is ${length} characters after filling in the template; ` +
            `${model.displayName} accepts at most ${model.limits.promptMaxChars}. Shorten the template` +
            (template!.variables.has('caption') ? ' or the caption file' : '') +
            (csvPrompt !== '' ? ` or the prompt in ${csv!.file}, row ${csv!.row}` : ''),
        );

      const start = assessImage(image, mode);
      if (start.kind === 'reject') reject(start.code, start.reason);
      if (start.kind === 'fit') notes.push(start.reason);

      const duration = overrides.duration ?? settings.duration;
      const generateAudio = overrides.generateAudio ?? settings.generateAudio;
      request = {
        prompt: renderedPrompt,
        start_image_url: imageRef(image.sourcePath),
        // Always explicit: the API's defaults (10 s, audio on) are not the app's.
        duration,
        generate_audio: generateAudio,
        cfg_scale: overrides.cfgScale ?? settings.cfgScale,
      };
      const negative = overrides.negativePrompt ?? settings.negativePrompt;
      if (negative.trim() !== '') request.negative_prompt = negative;
      const hashes: Record<string, string> = { [image.sourcePath]: image.sha256 };
      const end = image.endImage;
      if (csv && (csv.values.end_image ?? '') !== '') {
        const where = `(${csv.file}, row ${csv.row}, column end_image)`;
        if (!model.supportsEndImage)
          reject(
            'end_image_unsupported',
            `end_image is only supported by Kling 3.0 Pro, not ${model.displayName}; choose the pro model ` +
              `or clear the cell ${where}`,
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
          request.end_image_url = imageRef(end!.sourcePath);
          hashes[end!.sourcePath] = end!.sha256;
        }
      }
      fingerprint = requestFingerprint(model.id, request, hashes);
      if (settings.urlPrefix) {
        request.start_image_url = imageUrl(settings.urlPrefix, image.relativePath);
        if (end?.ok) {
          const rootPosix = image.rootPath.split(/[\\/]/).join('/');
          const endRelative = posix.relative(rootPosix, end.sourcePath.split(/[\\/]/).join('/'));
          request.end_image_url = imageUrl(settings.urlPrefix, endRelative);
        }
      }
      const parsed = model.inputSchema.safeParse(request);
      if (!parsed.success)
        reject(
          'invalid_request',
          `The request for ${image.relativePath} does not fit ${model.displayName}: ` +
            describeIssues(parsed.error, request, model.displayName),
        );
      estimatedCostUsd = estimateCostUsd(model, duration, generateAudio);
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
          const existing = deps.findDone(image.sha256, fingerprint);
          if (existing && (existing.state ?? 'done') === 'done')
            verdict = {
              state: 'skipped',
              code: 'already_generated',
              message: `already generated: ${existing.outputPath}`,
            };
          else if (existing)
            // Still on its way in another (or this) batch: sending it again would pay twice.
            verdict = {
              state: 'skipped',
              code: 'already_in_progress',
              message:
                `already ${existing.state === 'queued' ? 'queued' : 'being generated'} in batch ` +
                `${existing.batchId ?? '?'} (to ${existing.outputPath}); it is generated once (use force to generate it again)`,
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
    estimatedDurationMs: estimateBatchMs(
      sendable.map((d) => d.generationMs),
      settings.concurrency,
    ),
  };
}
