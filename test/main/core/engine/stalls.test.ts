// The overnight stalls of issue #12: a path that ended an item and freed its generation slot
// without scheduling the next submit left the batch `running` with items queued until someone
// clicked. Each test runs one slot (concurrency 1) so a forgotten pump stalls the whole batch;
// `idle()` then returns with the work undone. Every path now ends in the coordinator's settle.
import { afterEach, describe, expect, it } from 'vitest';
import type { MaterializeRequest } from '../../../../main/core/engine';
import { readImageRefsAsDataUris } from '../../../../main/core/engine';
import { closeDatabase, openDatabase } from '../../../../main/core/db/connection';
import { harness, type Harness } from './harness';
import { until } from './helpers';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

function expectFinished(batchId: number, counts: Record<string, number>) {
  const batch = h.engine.getBatch(batchId)!;
  expect({
    state: batch.state,
    ...Object.fromEntries(Object.entries(batch.counts).filter(([, n]) => n > 0)),
  }).toEqual({
    state: 'finished',
    ...counts,
  });
  h.engine.assertNoIdleBatchWithWork();
}

describe('engine: a slot freed by any ending is used again', () => {
  it('goes on after a source image that cannot be read at submit time', async () => {
    let unreadable = '';
    const materialize: MaterializeRequest = async (request, image) => {
      if (image.sourcePath === unreadable) throw new Error('EACCES: permission denied');
      return readImageRefsAsDataUris(request, image);
    };
    h = await harness({}, { materializeRequest: materialize });
    const { batchId, itemIds } = h.batch(3, { concurrency: 1 });
    unreadable = h.engine.getItem(itemIds[0]!)!.sourcePath;
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    expect(h.engine.getItem(itemIds[0]!)).toMatchObject({ state: 'failed', errorCode: 'input_unreadable' });
    expectFinished(batchId, { failed: 1, done: 2 });
  });

  it('goes on after a job that succeeds without a video URL', async () => {
    let stripped = false;
    const stripFirstResult: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (stripped || !String(input).includes('/result')) return response;
      const body = (await response.json()) as Record<string, unknown>;
      if (body.status !== 'succeeded' && body.status !== 'completed') return Response.json(body);
      stripped = true;
      delete body.output;
      return Response.json(body, { status: response.status });
    };
    h = await harness({}, { fetch: stripFirstResult });
    const { batchId, itemIds } = h.batch(3, { concurrency: 1 });
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    expect(stripped).toBe(true);
    expect(h.engine.getItem(itemIds[0]!)).toMatchObject({ state: 'failed', errorCode: 'no_output' });
    expectFinished(batchId, { failed: 1, done: 2 });
  });

  it('goes on after an item is cancelled while its image is being prepared', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let preparing = '';
    const slowFirst: MaterializeRequest = async (request, image) => {
      if (!preparing) {
        preparing = image.sourcePath;
        await held;
      }
      return readImageRefsAsDataUris(request, image);
    };
    h = await harness({}, { materializeRequest: slowFirst });
    const { batchId, itemIds } = h.batch(3, { concurrency: 1 });
    h.engine.commands.startBatch(batchId);
    await until(() => preparing !== '', 'the first image is being prepared');
    const first = itemIds.find((id) => h.engine.getItem(id)!.sourcePath === preparing)!;
    expect(await h.engine.commands.cancelItem(first)).toBe('cancelled');
    release();
    await h.engine.idle();
    expect(h.engine.getItem(first)!.state).toBe('cancelled');
    expectFinished(batchId, { cancelled: 1, done: 2 });
  });
});

describe('engine: the backstop', () => {
  /** Starts a 2-item, 1-slot batch, then ends its running item behind the engine's back. */
  async function slotFreedElsewhere() {
    const { batchId, itemIds } = h.batch(2, { concurrency: 1 });
    h.engine.commands.startBatch(batchId);
    const live = ['in_queue', 'in_progress'];
    await until(() => live.includes(h.engine.getItem(itemIds[0]!)!.state), 'the first item is accepted');
    // Another process writes the row: no settle in this engine knows the slot is free.
    const other = openDatabase(h.dbPath);
    other
      .prepare(`UPDATE items SET state = 'failed', error_message = 'ended elsewhere' WHERE id = ?`)
      .run(itemIds[0]);
    closeDatabase(other);
    return { batchId, itemIds };
  }

  it('names a batch that is idle with work it could start', async () => {
    h = await harness({}, { backstopMs: 1e12 });
    const { batchId } = await slotFreedElsewhere();
    expect(() => h.engine.assertNoIdleBatchWithWork()).toThrow(
      new RegExp(`batch ${batchId}: 1 queued item\\(s\\) could start`),
    );
  });

  it('re-pumps held batches on its timer, so such a batch still finishes', async () => {
    h = await harness({}, { backstopMs: 2_000 }); // 2 simulated seconds
    const { batchId, itemIds } = await slotFreedElsewhere();
    await until(
      () => h.engine.getBatch(batchId)!.state === 'finished',
      'the backstop starts the queued item',
    );
    expect(h.engine.getItem(itemIds[1]!)!.state).toBe('done');
  });
});
