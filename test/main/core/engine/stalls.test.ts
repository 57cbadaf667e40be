// Stalls and lost videos overnight. A path that ended an item and freed its generation slot
// without scheduling the next submit left the batch `running` with items queued until someone
// clicked: each test of that runs one slot (concurrency 1) so a forgotten pump stalls the whole
// batch, and `idle()` then returns with the work undone (every path now ends in the
// coordinator's settle). A paid video is not lost to one bad answer from its link, a network
// outage of minutes, a file error or an exception while polling. Through public interfaces only
// (createEngine options, the Engine methods, the simulator over loopback HTTP and its ledger,
// real SQLite and folders); faults the simulator lacks come from a wrapping fetch.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { TERMINAL_STATES } from '@common/item-actions';
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

const isOutput = (url: string) => /\/outputs\/[^/?]+\.mp4/.test(url);
const created = (harnessed: Harness) => harnessed.sim.ledger.submits.filter((s) => s.created);

/** Waits until every item of the batch has ended, or fails naming the ones left behind. */
async function allEnded(harnessed: Harness, itemIds: number[], timeoutMs = 15_000): Promise<void> {
  const left = () =>
    itemIds
      .map((id) => harnessed.engine.getItem(id)!)
      .filter((item) => !TERMINAL_STATES.includes(item.state))
      .map((item) => `${item.relativePath}: ${item.state}`);
  try {
    await until(() => left().length === 0, 'every item to end', timeoutMs);
  } catch {
    throw new Error(`The batch stalled with items left: ${left().join(', ')}`);
  }
}

describe('a freed slot always schedules the next item', () => {
  it('after a source image that cannot be read at submit time', async () => {
    h = await harness();
    const { batchId, itemIds } = h.batch(4, { concurrency: 1 });
    rmSync(h.engine.getItem(itemIds[0]!)!.sourcePath); // deleted after the scan
    h.engine.commands.startBatch(batchId);
    await allEnded(h, itemIds);
    expect(h.engine.getItem(itemIds[0]!)!.state).toBe('failed');
    expect(itemIds.slice(1).map((id) => h!.engine.getItem(id)!.state)).toEqual(['done', 'done', 'done']);
    expect(h.engine.getBatch(batchId)!.state).toBe('finished');
  });

  it('after a job that succeeds without a video URL', async () => {
    let emptyResults = 1;
    const spy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).includes('/result') || emptyResults <= 0) return response;
      const body = (await response.json()) as Record<string, unknown>;
      if (body.status !== 'succeeded' && body.status !== 'completed') return Response.json(body);
      emptyResults--;
      return Response.json({ ...body, output: {} });
    };
    h = await harness({}, { fetch: spy });
    const { batchId, itemIds } = h.batch(3, { concurrency: 1 });
    h.engine.commands.startBatch(batchId);
    await allEnded(h, itemIds);
    expect(itemIds.map((id) => h!.engine.getItem(id)!.state)).toEqual(['failed', 'done', 'done']);
  });

  it('after an item cancelled while its submit was being prepared', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let preparing = 0;
    h = await harness(
      {},
      {
        materializeRequest: async (request, item) => {
          if (++preparing === 1) await gate; // the first image is large and slow to read
          return readImageRefsAsDataUris(request, item);
        },
      },
    );
    const { batchId, itemIds } = h.batch(3, { concurrency: 1 });
    h.engine.commands.startBatch(batchId);
    await until(() => preparing === 1, 'the first submit to be prepared');
    await h.engine.commands.cancelItem(itemIds[0]!);
    release();
    await allEnded(h, itemIds);
    expect(itemIds.map((id) => h!.engine.getItem(id)!.state)).toEqual(['cancelled', 'done', 'done']);
  });
});

describe('one 403/404/410 from a video link does not lose the paid video', () => {
  it('retries with back-off (re-asking /result) and saves the video', async () => {
    let refusals = 3;
    const statuses = [404, 403, 410];
    const spy: typeof fetch = async (input, init) => {
      if (isOutput(String(input)) && refusals > 0) {
        refusals--;
        // A CDN edge that does not have the file yet: a bare HTML page, no error_code.
        return new Response('<html><body>Not Found</body></html>', {
          status: statuses[refusals]!,
          headers: { 'content-type': 'text/html' },
        });
      }
      return fetch(input, init);
    };
    h = await harness({}, { fetch: spy });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const end = await h.engine.waitForItemState(itemIds[0]!, TERMINAL_STATES, 20_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(created(h)).toHaveLength(1);
  });
});

describe('a network outage of a few minutes does not fail downloads', () => {
  it('keeps retrying network errors (capped back-off) for as long as the link can live', async () => {
    let outageEndsAt: number | null = null;
    const spy: typeof fetch = async (input, init) => {
      if (isOutput(String(input))) {
        // Ten minutes without network from the first download attempt on.
        outageEndsAt ??= h!.clock.now() + 10 * 60_000;
        if (h!.clock.now() < outageEndsAt)
          throw new TypeError('fetch failed', {
            cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
          });
      }
      return fetch(input, init);
    };
    h = await harness({}, { fetch: spy });
    const { batchId, itemIds } = h.batch(2, { concurrency: 2 });
    h.engine.commands.startBatch(batchId);
    for (const id of itemIds) {
      const end = await h.engine.waitForItemState(id, TERMINAL_STATES, 30_000);
      expect(end.state, end.errorMessage ?? '').toBe('done');
    }
    expect(created(h)).toHaveLength(2);
  });
});

describe('every file error is classified; no item stays downloading', () => {
  it('an error opening the temporary file (EISDIR) ends in a retry, a parked batch with a reason, or a failure with one', async () => {
    h = await harness();
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    // Something occupies the temporary download file's name (here a folder): open() fails.
    mkdirSync(join(h.outputDir, `.img-0000.mp4.part-${id}`), { recursive: true });
    h.engine.commands.startBatch(batchId);
    const h1 = h;
    const explained = () => {
      const item = h1.engine.getItem(id)!;
      if (item.state === 'done') return true;
      if (item.state === 'failed' && item.errorMessage) return true;
      return item.state === 'downloading' && !!h1.engine.getBatch(batchId)!.pauseMessage;
    };
    try {
      await until(explained, 'the download to end or be explained', 15_000);
    } catch {
      const item = h.engine.getItem(id)!;
      throw new Error(
        `Item left in '${item.state}' with no reason (batch: ${h.engine.getBatch(batchId)!.state}, ` +
          `pause message: ${h.engine.getBatch(batchId)!.pauseMessage})`,
      );
    }
  });
});

describe("an exception while polling does not end that item's polling", () => {
  it('keeps polling after the database was busy (SQLITE_BUSY) for longer than its busy timeout', async () => {
    const logged: string[] = [];
    // A long generation (2 simulated hours, ~7 real seconds), so polls happen around the lock.
    h = await harness(
      { generationMs: () => 2 * 3600_000 },
      { log: (level, message) => void logged.push(`${level}: ${message}`) },
    );
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    h.engine.commands.startBatch(batchId);
    await h.engine.waitForItemState(id, ['in_queue', 'in_progress']);
    // Another process (a backup tool, a second app) holds the write lock past the 5 s busy
    // timeout: the engine's next write while polling fails with SQLITE_BUSY.
    const other = new Database(h.dbPath);
    other.exec('BEGIN EXCLUSIVE');
    try {
      await until(
        () => logged.some((line) => /database is locked|SQLITE_BUSY/i.test(line)),
        'a write to fail',
        30_000,
      );
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const end = await h.engine.waitForItemState(id, TERMINAL_STATES, 30_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
  }, 90_000);
});

describe('a bare 404 on status/result does not expire a running paid job', () => {
  it('treats a proxy 404 page (no error_code) as transient and saves the video', async () => {
    let proxyPages = 3;
    const spy: typeof fetch = async (input, init) => {
      const url = String(input);
      if (proxyPages > 0 && /\/v1\/requests\/[^/]+\/(status|result)/.test(url)) {
        proxyPages--;
        return new Response('<html><body>404 Not Found</body></html>', {
          status: 404,
          headers: { 'content-type': 'text/html' },
        });
      }
      return fetch(input, init);
    };
    h = await harness({}, { fetch: spy });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const end = await h.engine.waitForItemState(itemIds[0]!, TERMINAL_STATES, 20_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
  });
});
