// "Re-run with changes": what a new batch made from an earlier one starts from. Its settings,
// the folders its images were found under (scanned again, so captions and prompts.csv rows
// apply as before) and which images: all, the failed ones, the rejected videos (as new takes), the
// kept ones (to finish the winners on another model, say) or chosen items.
// Images no longer where they were are named, so the window can offer to rescan a folder.
// The one source for both the window (query:batch.rerunSource) and `stillmotion run --from`.
import { existsSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import type { EngineApi } from '../core-api';
import { NotFoundError, type BatchSettings, type ItemView } from '../domain';
import type { RerunWhichDto } from '@common/contract';
import { RETRY_ALL_STATES } from '@common/item-actions';
import { eachItem } from './all-items';

export interface RerunSource {
  batchId: number;
  batchName: string;
  settings: BatchSettings;
  /** The folders (or files) to scan again. */
  roots: string[];
  /** The images to keep from that scan. */
  sourcePaths: string[];
  /** Chosen images that are not where the batch found them (moved, renamed, deleted). */
  missing: string[];
  /** Re-running rejected videos repeats requests already generated: that is the point. */
  force: boolean;
}

/** The source and how many items it was drawn from (a batch with takes has several per image). */
export interface RerunItems extends RerunSource {
  itemCount: number;
}

/** The folder an item was found under: its source path without its relative path. */
function rootOf(item: ItemView): string {
  const relative = item.relativePath.split('/').join(sep);
  return item.sourcePath.endsWith(sep + relative)
    ? item.sourcePath.slice(0, -(relative.length + 1))
    : dirname(item.sourcePath);
}

/**
 * `exists` says which images are still there; the command line passes one that says yes to all
 * and lets its scan of the folders say what is gone.
 */
export function rerunSource(
  engine: EngineApi,
  batchId: number,
  which: RerunWhichDto,
  itemIds: readonly number[] = [],
  exists: (path: string) => boolean = existsSync,
): RerunItems {
  const batch = engine.getBatch(batchId);
  if (!batch)
    throw new NotFoundError(
      `Batch ${batchId} does not exist; reload the list to see the batches there are.`,
      {
        kind: 'batch_not_found',
        batchId,
      },
    );
  const items =
    which === 'selected'
      ? itemIds.map((id) => engine.getItem(id)).filter((i): i is ItemView => i?.batchId === batchId)
      : [
          ...eachItem(
            engine,
            which === 'failed'
              ? { batchId, states: [...RETRY_ALL_STATES] }
              : which === 'rejected' || which === 'kept'
                ? { batchId, states: ['done'], reviews: [which] }
                : { batchId },
          ),
        ];
  const sourcePaths = [...new Set(items.map((item) => item.sourcePath))];
  const missing = sourcePaths.filter((path) => !exists(path));
  const found = new Set(sourcePaths.filter((path) => !missing.includes(path)));
  return {
    batchId,
    batchName: batch.name,
    settings: batch.settings,
    roots: [...new Set(items.filter((item) => found.has(item.sourcePath)).map(rootOf))].filter(exists),
    sourcePaths: [...found],
    missing,
    force: which === 'rejected',
    itemCount: items.length,
  };
}
