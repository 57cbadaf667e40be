// The plan: from a scan and the batch settings to one PlannedItem per image, with its rendered
// prompt, its request (checked against the model's schema), its output name, its price and,
// when it must not be sent, a verdict that says why in words. No network, no file reads:
// everything it needs was read by the scan, so re-planning after each keystroke is cheap.
import { posix } from 'node:path';
import type { BatchPlan, InputProblem, ScanResult } from '../core-api';
import type { BatchSettings, ItemState, PlannedItem } from '../domain';
import type { Catalog, ModelSpec } from '../catalog/catalog';
import { estimateBatchMs, estimateCostUsd, estimateGenerationMs, roundUsd } from '../catalog/catalog';
import { fitModeOf } from './fit';
import { buildRequest } from './model-request';
import { allocateOutputPaths, safeOutputPath } from './output-name';
import {
  charCount,
  ItemRejection,
  readOverrides,
  reject,
  settingsFields,
  settingsProblems,
  withStandInImages,
} from './plan-settings';
import { elementShape } from './elements';
import { endFrameFor } from './plan-end-frame';
import { planElements } from './plan-elements';
import { planImage } from './plan-image';
import { parseShots, shotsProblem } from './shots';
import { imageUrl, requestFingerprint } from './requests';
import { nameTemplateForTakes, takeFingerprint, takesOf, takesProblem } from './takes';
import { parseTemplate, renderTemplate, TemplateError } from './template';
import type { ParsedTemplate } from './template';

export { previewItem, roleValuesOf } from './plan-settings';

export type FindDone = (
  imageHash: string,
  requestFingerprint: string,
) => { itemId?: number; outputPath: string; batchId?: number; state?: ItemState } | null;

export interface PlanDeps {
  catalog: Catalog;
  findDone: FindDone;
}

type Verdict = NonNullable<PlannedItem['verdict']>;

const stemOf = (fileName: string) => {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
};

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
  // A take count out of range is a settings problem (every item refused); plan one take meanwhile.
  const takes = takesProblem(takesOf(settings)) ? 1 : takesOf(settings);
  const nameTemplate = parseOrProblem(
    nameTemplateForTakes(settings.outputNameTemplate, takes),
    variables,
    'The output name template',
    'outputNameTemplate',
    problems,
  );
  const settingsBroken = !modelOk || problems.some((p) => p.code === 'invalid_setting');
  const batchFields = settingsFields(settings, model);
  const withEnd = deps.catalog
    .list()
    .filter((m) => m.roles.endImage)
    .map((m) => m.displayName);
  const endImageModels =
    withEnd.slice(0, 3).join(', ') + (withEnd.length > 3 ? ` and ${withEnd.length - 3} more` : '');
  const withElementsModels = deps.catalog
    .list()
    .filter((m) => elementShape(m))
    .map((m) => m.displayName);
  const count = scan.images.length;
  const mode = settings.urlPrefix ? 'url' : 'data-uri';
  const fit = fitModeOf(settings);
  const seenFingerprints = new Map<string, string>();

  // One item per take of each image, takes of one image next to each other.
  const work = scan.images.flatMap((image, i) =>
    Array.from({ length: takes }, (_, t) => ({ image, i, take: t + 1 })),
  );
  const drafts = work.map(({ image, i, take }) => {
    const index = i + 1;
    const label = takes > 1 ? `${image.relativePath} (take ${take})` : image.relativePath;
    const fileName = posix.basename(image.relativePath);
    const dir = posix.dirname(image.relativePath);
    const csv = image.csvRow;
    const lookup = (name: string): string | null => {
      // The take is the app's own count, never a column: two takes must not share a name.
      if (name === 'take') return String(take);
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
          )}.txt) and there is none; add it, give a default ({caption|a quiet street}), ` +
          'or remove {caption} from the template'
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

      const start = planImage(model, image, { fit, mode, label: '', where: '', notes });

      const duration = overrides.duration ?? settings.duration;
      const hashes: Record<string, string> = { [image.sourcePath]: image.sha256 };
      const endFrame = endFrameFor(image, model, {
        loop: settings.loop === true,
        mode,
        fit,
        start,
        endImageModels,
        notes,
      });
      const endImage = endFrame.endImage;
      if (endFrame.hash) hashes[endFrame.hash.path] = endFrame.hash.sha256;
      // Multi-shot: the row's shots column, else the batch's shots; each shot a template of its own.
      const shotsCell = csv?.values.shots ?? '';
      const shotsWhere = csv ? ` (${csv.file}, row ${csv.row}, column shots)` : '';
      let shots = settings.shots && settings.shots.length > 0 ? settings.shots : undefined;
      if (shotsCell !== '')
        try {
          shots = parseShots(shotsCell, `${csv!.file}, row ${csv!.row}, column shots`);
        } catch (error) {
          reject('csv_bad_shots', (error as Error).message);
        }
      let multiShot: { prompt: string; duration: number }[] | undefined;
      if (shots) {
        const wrong = shotsProblem(shots, duration, model);
        if (wrong)
          reject('bad_shots', `Shots for ${image.relativePath}: ${wrong}${shotsCell ? shotsWhere : ''}`);
        if (endImage)
          reject(
            'shots_with_end_frame',
            `${image.relativePath} has an end frame${endFrame.loop ? ' (loop)' : ''} and shots; a multi-shot video ` +
              'has no end frame (RunComfy refuses the two together): remove the shots or the end frame',
          );
        multiShot = shots.map((shot, k) => {
          const label = `Shot ${k + 1}${shotsCell ? ` of ${csv!.file}, row ${csv!.row},` : ''}`;
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
      const texts = [
        {
          source: csvPrompt !== '' ? `The prompt in ${csv!.file}, row ${csv!.row},` : 'The prompt template',
          text: renderedPrompt,
        },
        ...(multiShot ?? []).map((shot, k) => ({ source: `Shot ${k + 1}`, text: shot.prompt })),
      ];
      const elements = planElements(image, scan, settings.elements, model, {
        fit,
        texts,
        notes,
        hashes,
        withElementsModels,
      });
      if (elements && settings.urlPrefix)
        reject(
          'elements_with_url_prefix',
          `${image.relativePath} has reference elements and the batch sends images by URL; elements are sent ` +
            'inline, so clear the URL prefix or remove the elements',
        );
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
        { ...batchFields, ...overrides.fields },
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
      if (!seenFingerprints.has(fingerprint)) seenFingerprints.set(fingerprint, label);
    } catch (error) {
      if (!(error instanceof ItemRejection)) throw error;
      verdict = { state: 'rejected', code: error.code, message: error.message };
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
    ...(takes > 1 ? { take: d.take } : {}),
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
