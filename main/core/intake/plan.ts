// The plan: from a scan and the batch settings to one PlannedItem per image, with its rendered
// prompt, its request (checked against the model's schema), its output name, its price and,
// when it must not be sent, a verdict that says why in words. No network, no file reads:
// everything it needs was read by the scan, so re-planning after each keystroke is cheap.
// Its steps: here what the batch shares (model, settings, templates), plan-item.ts each take of
// each image (plan-variables.ts its template values, plan-end-frame.ts its end frame), then here
// the output names allocated and the totals.
import type { BatchPlan, InputProblem, PlanOptions, ScanResult } from '../core-api';
import type { BatchSettings, PlannedItem } from '../domain';
import type { Catalog, ModelSpec } from '../catalog/catalog';
import { estimateBatchMs, roundUsd } from '../catalog/catalog';
import { elementShape } from './elements';
import { fitModeOf } from './fit';
import { allocateOutputPaths, safeOutputPath } from './output-name';
import { planItem, type FindDone, type PlanContext } from './plan-item';
import { ceilingOf, settingsFields, settingsProblems } from './plan-settings';
import { nameTemplateForTakes, takesOf, takesProblem } from './takes';
import { parseTemplate, TemplateError } from './template';
import type { ParsedTemplate } from './template';
import { reason, type ReasonParam } from '@common/reasons';

/** The first three models by name, and how many more, in the reader's language. */
function modelList(names: readonly string[]): ReasonParam {
  const first = names.slice(0, 3).join(', ');
  return names.length > 3 ? reason('plan_models_more', { names: first, more: names.length - 3 }) : first;
}

export { previewItem, resizedImages } from './plan-settings';

export type { FindDone } from './plan-item';

export interface PlanDeps {
  catalog: Catalog;
  findDone: FindDone;
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

export function planBatch(
  scan: ScanResult,
  settings: BatchSettings,
  options: PlanOptions,
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
  problems.push(...settingsProblems(settings, model, options.dailyCapUsd ?? null));
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
  const withEnd = deps.catalog
    .list()
    .filter((m) => m.roles.endImage)
    .map((m) => m.displayName);
  const ctx: PlanContext = {
    model,
    settings,
    variables,
    promptTemplate,
    nameTemplate,
    settingsBroken: !modelOk || problems.some((p) => p.code === 'invalid_setting'),
    batchFields: settingsFields(settings, model),
    endImageModels: modelList(withEnd),
    withElementsModels: deps.catalog
      .list()
      .filter((m) => elementShape(m))
      .map((m) => m.displayName),
    scan,
    fit: fitModeOf(settings),
    count: scan.images.length,
    takes,
    mode: settings.urlPrefix ? 'url' : 'data-uri',
    force: Boolean(options.force),
    findDone: deps.findDone,
    seenFingerprints: new Map(),
  };

  // One item per take of each image, takes of one image next to each other.
  const drafts = scan.images.flatMap((image, i) =>
    Array.from({ length: takes }, (_, t) => planItem(ctx, image, i + 1, t + 1)),
  );

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
    perVideoCeilingUsd: model.price.per === 'unknown' ? ceilingOf(settings) : null,
    estimatedDurationMs: estimateBatchMs(
      sendable.map((d) => d.generationMs),
      settings.concurrency,
    ),
  };
}
