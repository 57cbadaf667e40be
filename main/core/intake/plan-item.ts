// One planned item, one take of one image: its rendered name and prompt, its images and shots,
// the request with its fingerprint and price, and the verdict when it must not be sent. plan.ts
// prepares what the whole batch shares (a PlanContext) and runs this for every item.
import { posix } from 'node:path';
import type { ScanResult, ScannedImage } from '../core-api';
import type { BatchSettings, ItemState, ModelInputValue, PlanNote, PlannedItem } from '../domain';
import type { ModelSpec } from '../catalog/catalog';
import { estimateCostUsd, estimateGenerationMs } from '../catalog/catalog';
import type { FitMode } from './fit';
import { buildRequest } from './model-request';
import { planElements } from './plan-elements';
import { endFrameFor, type EndFrameChoice } from './plan-end-frame';
import { planImage } from './plan-image';
import { readOverrides } from './plan-csv-row';
import { ceilingOf, charCount, ItemRejection, reject, withStandInImages } from './plan-settings';
import { stemOf, templateValues, type TemplateValues } from './plan-variables';
import { imageUrl, requestFingerprint } from './requests';
import { parseShots, shotsProblem } from './shots';
import { takeFingerprint } from './takes';
import { parseTemplate, renderTemplate, TemplateError } from './template';
import type { ParsedTemplate } from './template';
import { formatReason, reason, type Reason, type ReasonParam } from '@common/reasons';

export type FindDone = (
  imageHash: string,
  requestFingerprint: string,
) => { itemId?: number; outputPath: string; batchId?: number; state?: ItemState } | null;

type Verdict = NonNullable<PlannedItem['verdict']>;

/** What every item of a batch shares, prepared once by planBatch. */
export interface PlanContext {
  model: ModelSpec;
  settings: BatchSettings;
  variables: string[];
  /** Null when the template has an error (a batch problem; every item is refused). */
  promptTemplate: ParsedTemplate | null;
  nameTemplate: ParsedTemplate | null;
  /** The model or a setting is wrong: every item is refused, pointing at the batch problem. */
  settingsBroken: boolean;
  batchFields: Record<string, ModelInputValue>;
  /** The models that take an end frame, named when this one does not. */
  endImageModels: ReasonParam;
  /** The models that take reference elements, named when this one does not. */
  withElementsModels: string[];
  /** The scan (its element images, checked and fitted like start images). */
  scan: Pick<ScanResult, 'elementImages'>;
  /** What is done with images outside the model's limits (crop, pad, refuse). */
  fit: FitMode;
  /** Images in the scan ({count}). */
  count: number;
  takes: number;
  mode: 'url' | 'data-uri';
  force: boolean;
  findDone: FindDone;
  /** Fingerprints planned so far in this batch, each with the label of the item that has it. */
  seenFingerprints: Map<string, string>;
}

export interface ItemDraft {
  image: ScannedImage;
  take: number;
  renderedPrompt: string;
  request: Record<string, unknown>;
  fingerprint: string;
  estimatedCostUsd: number;
  generationMs: number;
  notes: PlanNote[];
  verdict: Verdict | null;
  relativeDir: string;
  renderedName: string;
}

/** Plans take `take` of the scan's `index`-th image (from 1). */
export function planItem(ctx: PlanContext, image: ScannedImage, index: number, take: number): ItemDraft {
  const { model, settings, mode } = ctx;
  const label = ctx.takes > 1 ? `${image.relativePath} (take ${take})` : image.relativePath;
  const fileName = posix.basename(image.relativePath);
  const dir = posix.dirname(image.relativePath);
  const values = templateValues(image, index, ctx.count, take);

  const notes: PlanNote[] = [];
  let verdict: Verdict | null = null;
  let renderedPrompt = '';
  let request: Record<string, unknown> = {};
  let fingerprint = '';
  let estimatedCostUsd = 0;
  let generationMs = 0;
  let renderedName = `${stemOf(fileName)}.mp4`;
  try {
    renderedName = renderName(ctx, values) ?? renderedName;
    if (ctx.settingsBroken) reject('invalid_settings', reason('plan_settings_problem'));
    if (!ctx.nameTemplate) reject('template_error', reason('plan_name_template_error'));
    const overrides = readOverrides(image, model);
    renderedPrompt = renderPrompt(ctx, image, values);

    const start = planImage(model, image, { fit: ctx.fit, mode, label: '', where: '', notes });

    const duration = overrides.duration ?? settings.duration;
    const hashes: Record<string, string> = { [image.sourcePath]: image.sha256 };
    const endFrame = endFrameFor(image, model, {
      loop: settings.loop === true,
      mode,
      fit: ctx.fit,
      start,
      endImageModels: ctx.endImageModels,
      notes,
    });
    const endImage = endFrame.endImage;
    if (endFrame.hash) hashes[endFrame.hash.path] = endFrame.hash.sha256;
    const multiShot = multiShotFor(ctx, image, duration, endFrame, values);
    const elements = elementsFor(ctx, image, renderedPrompt, multiShot, notes, hashes);
    request = buildRequest(
      model,
      {
        prompt: renderedPrompt,
        startImage: start.ref,
        endImage,
        negativePrompt: overrides.negativePrompt ?? settings.negativePrompt,
        duration,
        audio: overrides.generateAudio ?? settings.generateAudio,
        guidance: overrides.cfgScale ?? settings.cfgScale,
        multiShot,
        elements,
      },
      { ...ctx.batchFields, ...overrides.fields },
    );
    fingerprint = takeFingerprint(requestFingerprint(model.id, request, hashes), take);
    if (settings.urlPrefix) {
      request[model.roles.startImage] = imageUrl(settings.urlPrefix, image.relativePath);
      const endField = model.roles.endImage;
      if (endField && endFrame.loop) request[endField] = request[model.roles.startImage];
      else if (endField && endFrame.hash) {
        const rootPosix = image.rootPath.split(/[\\/]/).join('/');
        const endRelative = posix.relative(rootPosix, endFrame.hash.path.split(/[\\/]/).join('/'));
        request[endField] = imageUrl(settings.urlPrefix, endRelative);
      }
    }
    const invalid = model.validateInput(withStandInImages(request));
    if (invalid.length > 0)
      reject(
        'invalid_request',
        `The request for ${image.relativePath} does not fit ${model.displayName}: ${invalid.join('; ')}`,
      );
    // Unknown price: the ceiling the user accepts per video, else 0 (priceUnknown on the plan;
    // a capped batch was refused above, and the engine sends no $0 video under a cap).
    estimatedCostUsd = estimateCostUsd(model, request, duration) ?? ceilingOf(settings) ?? 0;
    generationMs = estimateGenerationMs(model, duration);

    verdict = ctx.force ? null : skipVerdict(ctx, image, fingerprint);
    if (!ctx.seenFingerprints.has(fingerprint)) ctx.seenFingerprints.set(fingerprint, label);
  } catch (error) {
    if (!(error instanceof ItemRejection)) throw error;
    verdict = {
      state: 'rejected',
      code: error.code,
      message: error.message,
      ...(error.reason && { reason: error.reason }),
    };
  }
  if (verdict) estimatedCostUsd = 0;
  return {
    image,
    take,
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
}

/** The output name from the name template (null: no template, the default name stands). */
function renderName(ctx: PlanContext, { lookup, missing }: TemplateValues): string | null {
  const { nameTemplate } = ctx;
  let renderedName: string | null = null;
  if (nameTemplate) {
    try {
      renderedName = renderTemplate(nameTemplate, lookup, missing);
    } catch (error) {
      if (error instanceof TemplateError)
        reject('output_name_missing_value', `Output name: ${error.message}`);
      throw error;
    }
  }
  return renderedName;
}

/** The prompt: the row's own prompt from prompts.csv, else the batch template, filled in and checked. */
function renderPrompt(ctx: PlanContext, image: ScannedImage, { lookup, missing }: TemplateValues): string {
  const { model, variables, promptTemplate } = ctx;
  const csv = image.csvRow;
  let rendered = '';
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
  } else if (!template) reject('template_error', reason('plan_prompt_template_error'));
  try {
    rendered = renderTemplate(template!, lookup, missing).trim();
  } catch (error) {
    if (error instanceof TemplateError) reject(`prompt_${error.code}`, error.message);
    throw error;
  }
  if (rendered === '')
    reject(
      'empty_prompt',
      reason('plan_empty_prompt', { file: image.relativePath, model: model.displayName }),
    );
  const length = charCount(rendered);
  const promptMax = model.limits?.promptMaxChars;
  if (promptMax !== undefined && length > promptMax)
    reject(
      'prompt_too_long',
      reason('plan_prompt_too_long', {
        file: image.relativePath,
        length,
        model: model.displayName,
        max: promptMax,
        orCaption: template!.variables.has('caption') ? reason('plan_or_caption_file') : '',
        orCsv: csvPrompt !== '' ? reason('plan_or_csv_prompt', { file: csv!.file, row: csv!.row }) : '',
      }),
    );
  return rendered;
}

/** The shots of a multi-shot video, each a template of its own (undefined: one shot). */
function multiShotFor(
  ctx: PlanContext,
  image: ScannedImage,
  duration: number,
  endFrame: EndFrameChoice,
  { lookup, missing }: TemplateValues,
): { prompt: string; duration: number }[] | undefined {
  const { model, settings, variables } = ctx;
  const csv = image.csvRow;
  const endImage = endFrame.endImage;
  // Multi-shot: the row's shots column, else the batch's shots; each shot a template of its own.
  const shotsCell = csv?.values.shots ?? '';
  const sidecar = shotsCell === '' ? image.shotsFile : null;
  const shotsWhere = shotsCell
    ? ` (${csv!.file}, row ${csv!.row}, column shots)`
    : sidecar
      ? ` (${sidecar.file})`
      : '';
  let shots = settings.shots && settings.shots.length > 0 ? settings.shots : undefined;
  if (shotsCell !== '')
    try {
      shots = parseShots(shotsCell, `${csv!.file}, row ${csv!.row}, column shots`);
    } catch (error) {
      reject('csv_bad_shots', (error as Error).message);
    }
  else if (sidecar)
    try {
      // A shot a line, or the one-line form with "|".
      const text = sidecar.text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .join(' | ');
      shots = parseShots(text, sidecar.file);
    } catch (error) {
      reject('bad_shots_file', (error as Error).message);
    }
  let multiShot: { prompt: string; duration: number }[] | undefined;
  if (shots) {
    const wrong = shotsProblem(shots, duration, model);
    if (wrong) reject('bad_shots', `Shots for ${image.relativePath}: ${wrong}${shotsWhere}`);
    if (endImage)
      reject(
        'shots_with_end_frame',
        reason('plan_shots_with_end_frame', {
          file: image.relativePath,
          loop: endFrame.loop ? reason('plan_loop_mark') : '',
        }),
      );
    multiShot = shots.map((shot, k) => {
      const label = `Shot ${k + 1}${shotsCell ? ` of ${csv!.file}, row ${csv!.row},` : sidecar ? ` of ${sidecar.file}` : ''}`;
      try {
        const text = renderTemplate(parseTemplate(shot.prompt, variables, label), lookup, missing).trim();
        if (text === '') reject('empty_prompt', `${label} is empty after filling in the template`);
        return { prompt: text, duration: shot.duration };
      } catch (error) {
        if (error instanceof TemplateError) reject(`shot_${error.code}`, error.message);
        throw error;
      }
    });
  }
  return multiShot;
}

/** The reference elements of the item (undefined: none); every @ElementN in its texts must exist. */
function elementsFor(
  ctx: PlanContext,
  image: ScannedImage,
  renderedPrompt: string,
  multiShot: { prompt: string }[] | undefined,
  notes: PlanNote[],
  hashes: Record<string, string>,
): Record<string, unknown>[] | undefined {
  const csv = image.csvRow;
  const csvPrompt = csv?.values.prompt ?? '';
  const texts = [
    {
      source:
        csvPrompt !== ''
          ? reason('plan_source_csv_prompt', { file: csv!.file, row: csv!.row })
          : reason('plan_source_template'),
      text: renderedPrompt,
    },
    ...(multiShot ?? []).map((shot, k) => ({
      source: reason('plan_source_shot', { n: k + 1 }),
      text: shot.prompt,
    })),
  ];
  const elements = planElements(image, ctx.scan, ctx.settings.elements, ctx.model, {
    fit: ctx.fit,
    texts,
    notes,
    hashes,
    withElementsModels: ctx.withElementsModels,
  });
  if (elements && ctx.settings.urlPrefix)
    reject('elements_with_url_prefix', reason('plan_elements_with_url_prefix', { file: image.relativePath }));
  return elements;
}

/** Skipped because the same image and request is in this batch already or was generated before. */
function skipVerdict(ctx: PlanContext, image: ScannedImage, fingerprint: string): Verdict | null {
  const earlier = ctx.seenFingerprints.get(fingerprint);
  if (earlier !== undefined)
    return skipped('duplicate_in_batch', reason('plan_duplicate_in_batch', { earlier }));
  const existing = ctx.findDone(image.sha256, fingerprint);
  if (!existing) return null;
  const batch = existing.batchId ?? '?';
  // The item and its batch ride along (unused by the sentence) so the window can play the video,
  // show it in its folder and open the batch that made it.
  if ((existing.state ?? 'done') === 'done')
    return skipped(
      'already_generated',
      reason('plan_already_generated', {
        path: existing.outputPath,
        item: existing.itemId ?? null,
        batch: existing.batchId ?? null,
      }),
    );
  // Sent, but whether RunComfy took it is unknown: neither "being generated" nor safe to send.
  if (existing.state === 'unknown_submit')
    return skipped('already_in_progress', reason('plan_answer_lost', { batch }));
  // Still on its way in another (or this) batch: sending it again would pay twice.
  return skipped(
    'already_in_progress',
    reason(existing.state === 'queued' ? 'plan_already_queued' : 'plan_being_generated', {
      batch,
      path: existing.outputPath,
    }),
  );
}

const skipped = (code: string, why: Reason): Verdict => ({
  state: 'skipped',
  code,
  message: formatReason(why),
  reason: why,
});
