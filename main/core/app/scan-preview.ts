// The setup screen's preview of a scan: one page of what each planned video will be (its prompt,
// its model's fields, the image it starts from), with the plan's figures (to send, refused,
// already generated, cost, time) and the images that will be resized.
import type { ModelInfoDto, ParsedRequestOf, PreviewItemDto, ResponseOf } from '@common/contract';
import { previewItem, resizedImages } from '../intake/plan';
import type { ScanRegistry } from './scans';

export function scanPreview(
  scans: Pick<ScanRegistry, 'plan' | 'result'>,
  models: readonly ModelInfoDto[],
  { scanId, settings, force, offset, limit }: ParsedRequestOf<'query:scan.preview'>,
): ResponseOf<'query:scan.preview'> {
  const plan = scans.plan(scanId, settings, force);
  const scanned = scans.result(scanId).images;
  const model = models.find((m) => m.id === settings.modelId);
  // The plan holds each image's takes side by side, so this many items share an image.
  const perImage = Math.max(1, Math.round(plan.items.length / Math.max(1, scanned.length)));
  return {
    items: plan.items.slice(offset, offset + limit).map((item, i): PreviewItemDto => {
      const imageIndex = Math.floor((offset + i) / perImage);
      return previewItem(item, offset + i, settings, model, imageIndex, scanned[imageIndex]);
    }),
    total: plan.items.length,
    toSend: plan.toSend,
    rejected: plan.rejected,
    skipped: plan.skipped,
    problems: plan.problems,
    estimatedCostUsd: plan.estimatedCostUsd,
    priceUnknown: plan.priceUnknown,
    perVideoCeilingUsd: plan.perVideoCeilingUsd,
    estimatedDurationMs: plan.estimatedDurationMs,
    resized: resizedImages(plan, scanned, model),
  };
}
