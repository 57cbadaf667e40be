// `stillmotion run --from <batch> [--only failed|rejected]`: a new batch from an earlier one's
// images and settings (flags still override them). `--only failed` takes the items that ended
// failed or expired; `--only rejected` the videos the user rejected in the review, generated
// again as new takes (their request was already generated, so this is a forced re-run, and the
// preview says so before anything is paid). The images are scanned from the earlier batch's
// folders, so sub-folders, sidecar captions and prompts.csv rows apply as they did.
import { dirname, sep } from 'node:path';
import type { ScanResult } from '../core-api';
import type { BatchView, ItemPageQuery, ItemView } from '../domain';
import type { Engine } from '../engine';
import { UsageError } from './usage-error';
import { RETRY_ALL_STATES } from '../../../preload/item-actions';

export const RERUN_ONLY = ['failed', 'rejected'] as const;
export type RerunOnly = (typeof RERUN_ONLY)[number];

export function parseOnly(value: string | undefined): RerunOnly | null {
  if (value === undefined) return null;
  if ((RERUN_ONLY as readonly string[]).includes(value)) return value as RerunOnly;
  throw new UsageError(
    `--only must be "failed" (items that failed or expired) or "rejected" (videos you rejected in the review), got "${value}".`,
  );
}

export interface RerunSelection {
  batch: BatchView;
  /** The folders (or files) the earlier batch was made from, scanned again. */
  roots: string[];
  sourcePaths: Set<string>;
  /** Re-running rejected takes repeats requests already generated: that is the point. */
  force: boolean;
  /** "3 failed items of batch 12", for the preview line. */
  what: string;
}

/** The folder an item was found under: its source path without its relative path. */
function rootOf(item: ItemView): string {
  const relative = item.relativePath.split('/').join(sep);
  return item.sourcePath.endsWith(sep + relative)
    ? item.sourcePath.slice(0, -(relative.length + 1))
    : dirname(item.sourcePath);
}

export function rerunSelection(engine: Engine, batchId: number, only: RerunOnly | null): RerunSelection {
  const batch = engine.getBatch(batchId);
  if (!batch) throw new UsageError(`There is no batch ${batchId} to run again; see: stillmotion status`);
  const query: Omit<ItemPageQuery, 'offset' | 'limit'> =
    only === 'failed'
      ? { batchId, states: [...RETRY_ALL_STATES] }
      : only === 'rejected'
        ? { batchId, states: ['done'], reviews: ['rejected'] }
        : { batchId };
  const items: ItemView[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = engine.pageItems({ ...query, offset, limit: 1000 });
    items.push(...page.items);
    if (offset + 1000 >= page.total) break;
  }
  const noun = (one: string) => (items.length === 1 ? one : `${one}s`);
  const label = only === 'failed' ? 'failed items' : only === 'rejected' ? 'rejected videos' : 'items';
  if (items.length === 0)
    throw new UsageError(`Batch ${batchId} has no ${label} to run again; see: stillmotion report ${batchId}`);
  return {
    batch,
    roots: [...new Set(items.map(rootOf))],
    sourcePaths: new Set(items.map((item) => item.sourcePath)),
    force: only === 'rejected',
    what: `${items.length} ${only === 'failed' ? noun('failed item') : only === 'rejected' ? noun('rejected video') : noun('item')} of batch ${batchId}`,
  };
}

/** The scan narrowed to the chosen images (the rest of their folders is left out). */
export function onlyImages(scan: ScanResult, sourcePaths: ReadonlySet<string>): ScanResult {
  return {
    ...scan,
    images: scan.images.filter((image) => sourcePaths.has(image.sourcePath)),
    rejected: scan.rejected.filter((rejected) => sourcePaths.has(rejected.path)),
  };
}
