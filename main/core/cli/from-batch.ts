// `stillmotion run --from <batch> [--only failed|rejected]`: a new batch from an earlier one's
// images and settings (flags still override them). `--only failed` takes the items that ended
// failed or expired; `--only rejected` the videos the user rejected in the review, generated
// again as new takes (their request was already generated, so this is a forced re-run, and the
// preview says so before anything is paid). The images are scanned from the earlier batch's
// folders, so sub-folders, sidecar captions and prompts.csv rows apply as they did.
import { rerunSource, type RerunSource } from '../app/rerun';
import type { ScanResult } from '../core-api';
import type { Engine } from '../engine';
import { UsageError } from './usage-error';
import { countOf } from '../util/count-words';

export const RERUN_ONLY = ['failed', 'rejected'] as const;
export type RerunOnly = (typeof RERUN_ONLY)[number];

export function parseOnly(value: string | undefined): RerunOnly | null {
  if (value === undefined) return null;
  if ((RERUN_ONLY as readonly string[]).includes(value)) return value as RerunOnly;
  throw new UsageError(
    `--only must be "failed" (items that failed or expired) or "rejected" (videos you rejected in the review), got "${value}".`,
  );
}

/** The app's re-run source (main/core/app/rerun.ts), and the words of the preview line. */
export interface RerunSelection extends RerunSource {
  /** "3 failed items of batch 12", for the preview line. */
  what: string;
}

export function rerunSelection(engine: Engine, batchId: number, only: RerunOnly | null): RerunSelection {
  if (!engine.getBatch(batchId))
    throw new UsageError(`There is no batch ${batchId} to run again; see: stillmotion status`);
  // Every folder and image is kept, there or not: the scan of the folders says what is gone.
  const { itemCount, ...source } = rerunSource(engine, batchId, only ?? 'all', [], () => true);
  const noun = only === 'failed' ? 'failed item' : only === 'rejected' ? 'rejected video' : 'item';
  if (itemCount === 0)
    throw new UsageError(`Batch ${batchId} has no ${noun}s to run again; see: stillmotion report ${batchId}`);
  return { ...source, what: `${countOf(itemCount, noun)} of batch ${batchId}` };
}

/** The scan narrowed to the chosen images (the rest of their folders is left out). */
export function onlyImages(scan: ScanResult, chosen: readonly string[]): ScanResult {
  const sourcePaths = new Set(chosen);
  return {
    ...scan,
    images: scan.images.filter((image) => sourcePaths.has(image.sourcePath)),
    rejected: scan.rejected.filter((rejected) => sourcePaths.has(rejected.path)),
  };
}
