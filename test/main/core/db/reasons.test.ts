// Reasons stored as codes: the code and its parameters survive a round trip, the
// English sentence is written beside it for readers without codes, a plain message clears a code
// that no longer applies, and a pause keeps its detail.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatReason, reason } from '@common/reasons';
import { closeDatabase, openDatabase, type Db } from '../../../../main/core/db/connection';
import { JobStore } from '../../../../main/core/db/store';
import { makeImages, plannedItems, settingsFor, tempDir } from '../engine/helpers';

let dir: ReturnType<typeof tempDir>;
let db: Db;
let store: JobStore;
beforeEach(() => {
  dir = tempDir('sm-reasons-');
  db = openDatabase(join(dir.path, 'jobs.sqlite'));
  store = new JobStore(db);
});
afterEach(() => {
  closeDatabase(db);
  dir.remove();
});

describe('reason codes in the job store', () => {
  it('stores a failure as code + parameters with its English sentence, and clears it on requeue', () => {
    const settings = settingsFor(join(dir.path, 'out'));
    const batchId = store.batches.createBatch(
      settings,
      plannedItems(makeImages(dir.path, 1), settings),
      'one',
      1000,
    );
    const [item] = store.itemQueries.pageItems({ batchId, offset: 0, limit: 1 }).items;
    const why = reason('input_unreadable', { file: '/photos/a.jpg', detail: 'ENOENT' });
    const failed = store.items.transition(
      item!.id,
      'queued',
      'failed',
      { errorCode: 'input_unreadable', reason: why },
      'x',
      2000,
    )!;
    expect(failed.reason).toEqual(why);
    expect(failed.errorMessage).toBe(formatReason(why, 'en'));
    expect(failed.errorMessage).toContain('/photos/a.jpg');
    // Read back from the file by a fresh store: the code survives, the Chinese rendering works.
    const reread = new JobStore(db).items.getItem(item!.id)!;
    expect(formatReason(reread.reason!, 'zh-CN')).toContain('无法准备 /photos/a.jpg');
    const requeued = store.items.transition(
      item!.id,
      'failed',
      'queued',
      { errorCode: null, errorMessage: null },
      'retry',
      3000,
    )!;
    expect(requeued).toMatchObject({ reason: null, errorMessage: null });
  });

  it('keeps a pause detail (nested reasons included) beside its English message', () => {
    const settings = settingsFor(join(dir.path, 'out'));
    const batchId = store.batches.createBatch(
      settings,
      plannedItems(makeImages(dir.path, 1), settings),
      'one',
      1000,
    );
    const last = reason('generation_failed', { provider: 'NSFW' });
    const detail = reason('too_many_failures', { count: 5, last });
    const batch = store.batches.setBatchState(
      batchId,
      'paused',
      { reason: 'too_many_failures', detail },
      'why',
      2000,
    );
    expect(batch.pauseDetail).toEqual(detail);
    expect(batch.pauseMessage).toBe(
      '5 items in a row did not succeed; the last one: RunComfy could not generate this video: NSFW Look at the failed items’ reasons, fix the cause, then resume.',
    );
    expect(formatReason(batch.pauseDetail!, 'zh-CN')).toContain('RunComfy 无法生成此视频：NSFW');
  });
});
