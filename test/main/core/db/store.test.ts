// The job store on a real SQLite file: batches with verdicts, the one transition function and
// its event log, paging and counting by index, money, leases and damaged rows.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../../../main/core/db/connection';
import { DamagedRowError } from '../../../../main/core/db/rows';
import { JobStore } from '../../../../main/core/db/store';
import { IllegalTransitionError } from '../../../../main/core/domain/states';
import { makeImages, plannedItems, settingsFor, tempDir } from '../engine/helpers';

let dir: ReturnType<typeof tempDir>;
let db: Db;
let store: JobStore;
beforeEach(() => {
  dir = tempDir('sm-store-');
  db = openDatabase(join(dir.path, 'jobs.sqlite'));
  store = new JobStore(db);
});
afterEach(() => {
  closeDatabase(db);
  dir.remove();
});

function seed(count: number) {
  const settings = settingsFor(join(dir.path, 'out'));
  const items = plannedItems(makeImages(dir.path, count), settings);
  return { settings, items, batchId: store.batches.createBatch(settings, items, 'test', 1000) };
}

describe('JobStore', () => {
  it('creates a draft batch with its items in queue order and keeps intake verdicts', () => {
    const settings = settingsFor(join(dir.path, 'out'));
    const items = plannedItems(makeImages(dir.path, 3), settings);
    items[1]!.verdict = {
      state: 'rejected',
      code: 'too_small',
      message: 'img-0001.png is 20x20; at least 300 px needed',
    };
    const batchId = store.batches.createBatch(settings, items, 'three', 1000);
    const batch = store.batches.getBatch(batchId)!;
    expect(batch).toMatchObject({
      name: 'three',
      state: 'draft',
      settings,
      createdAt: 1000,
      leaseOwner: null,
    });
    const page = store.itemQueries.pageItems({ batchId, offset: 0, limit: 10 });
    expect(page.total).toBe(3);
    expect(page.items.map((i) => i.state)).toEqual(['queued', 'rejected', 'queued']);
    expect(page.items[1]).toMatchObject({
      errorCode: 'too_small',
      errorMessage: expect.stringContaining('300 px'),
    });
    // The stored request holds the placeholder, never image bytes.
    expect(store.items.getItem(page.items[0]!.id)!.request.start_image_url).toMatch(/^image-ref:/);
    expect(store.items.itemEvents(page.items[1]!.id)).toMatchObject([
      { fromState: null, toState: 'rejected' },
    ]);
  });

  it('reads back every batch setting it stored: takes, loop, shots and sidecars too', () => {
    // They were dropped when the row was read (the row schema lacked them), so a batch re-run
    // with its settings ("Re-run with changes", run --from) lost its takes and its loop.
    const settings = {
      ...settingsFor(join(dir.path, 'out')),
      takes: 3,
      loop: true,
      shots: [{ prompt: 'a pan over {name}', duration: 5 }],
      sidecars: false,
    };
    const batchId = store.batches.createBatch(
      settings,
      plannedItems(makeImages(dir.path, 1), settings),
      'all',
      1000,
    );
    expect(store.batches.getBatch(batchId)!.settings).toEqual(settings);
  });

  it('moves items only along the table, logs every move, and loses races quietly', () => {
    const { batchId } = seed(1);
    const id = store.itemQueries.pageItems({ batchId, offset: 0, limit: 1 }).items[0]!.id;
    const moved = store.items.transition(
      id,
      'queued',
      'submitting',
      (c) => ({ attempts: c.attempts + 1, mayBeBilled: true }),
      'submit attempt 1',
      2000,
    );
    expect(moved).toMatchObject({
      state: 'submitting',
      attempts: 1,
      mayBeBilled: true,
      stateChangedAt: 2000,
    });
    // Not in the expected state any more: nothing happens.
    expect(store.items.transition(id, 'queued', 'cancelled', {}, 'late cancel', 2100)).toBeNull();
    // Against the table: refused loudly, nothing written.
    expect(() => store.items.transition(id, 'submitting', 'done', {}, 'skip ahead', 2200)).toThrow(
      IllegalTransitionError,
    );
    expect(store.items.getItem(id)!.state).toBe('submitting');
    store.items.transition(id, 'submitting', 'in_queue', { requestId: 'req-1' }, 'accepted', 2300);
    expect(store.items.itemEvents(id).map((e) => [e.fromState, e.toState, e.reason, e.at])).toEqual([
      [null, 'queued', 'planned', 1000],
      ['queued', 'submitting', 'submit attempt 1', 2000],
      ['submitting', 'in_queue', 'accepted', 2300],
    ]);
  });

  it('proves the lease inside the submit transaction', () => {
    const { batchId } = seed(1);
    const id = store.itemQueries.pageItems({ batchId, offset: 0, limit: 1 }).items[0]!.id;
    expect(store.leases.acquireLease(batchId, 'cli:1', 0, 1000)).toEqual({ ok: true });
    expect(() =>
      store.items.transition(id, 'queued', 'submitting', {}, 'x', 10, { owner: 'app:2', leaseMs: 1000 }),
    ).toThrow(/driven by cli:1/);
    expect(store.items.getItem(id)!.state).toBe('queued');
    expect(
      store.items.transition(id, 'queued', 'submitting', {}, 'x', 10, { owner: 'cli:1', leaseMs: 1000 }),
    ).not.toBeNull();
  });

  it('renews its own lapsed lease in the transaction (a sleep), but never one another process took', () => {
    const { batchId } = seed(2);
    const [a, b] = store.itemQueries.pageItems({ batchId, offset: 0, limit: 2 }).items.map((i) => i.id);
    expect(store.leases.acquireLease(batchId, 'cli:1', 0, 1000)).toEqual({ ok: true });
    // 30 minutes later, nobody took it over: the owner carries on and the lease runs again.
    expect(
      store.items.transition(a!, 'queued', 'submitting', {}, 'x', 1_800_000, {
        owner: 'cli:1',
        leaseMs: 1000,
      }),
    ).not.toBeNull();
    expect(store.leases.acquireLease(batchId, 'app:2', 1_800_500, 1000)).toMatchObject({
      ok: false,
      owner: 'cli:1',
    });
    // Lapsed again and taken over by another process: the first may not go on.
    expect(store.leases.acquireLease(batchId, 'app:2', 1_900_000, 1000)).toEqual({
      ok: true,
      previousOwner: 'cli:1',
    });
    expect(() =>
      store.items.transition(b!, 'queued', 'submitting', {}, 'x', 1_900_001, {
        owner: 'cli:1',
        leaseMs: 1000,
      }),
    ).toThrow(/driven by app:2/);
  });

  it('grants, renews, refuses and hands over a lease when it expires', () => {
    const { batchId } = seed(1);
    expect(store.leases.acquireLease(batchId, 'cli:1', 0, 1000)).toEqual({ ok: true });
    expect(store.leases.acquireLease(batchId, 'app:2', 500, 1000)).toEqual({
      ok: false,
      owner: 'cli:1',
      expiresAt: 1000,
    });
    expect(store.leases.renewLease(batchId, 'cli:1', 900, 1000)).toBe(true);
    expect(store.leases.acquireLease(batchId, 'app:2', 1500, 1000)).toMatchObject({ ok: false });
    // cli:1 was killed and stopped renewing: after expiry app:2 takes over; cli:1 cannot renew.
    expect(store.leases.acquireLease(batchId, 'app:2', 1901, 1000)).toEqual({
      ok: true,
      previousOwner: 'cli:1',
    });
    expect(store.leases.renewLease(batchId, 'cli:1', 1902, 1000)).toBe(false);
    store.leases.releaseLease(batchId, 'app:2');
    expect(store.batches.getBatch(batchId)).toMatchObject({ leaseOwner: null, leaseExpiresAt: null });
  });

  it('pages, filters by state and searches a 10,000-item batch without loading it', () => {
    const settings = settingsFor(join(dir.path, 'out'));
    const template = plannedItems(makeImages(dir.path, 1), settings)[0]!;
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      ...template,
      relativePath: `folder-${i % 10}/Shot_${i}.png`,
      verdict:
        i % 7 === 0 ? { state: 'skipped' as const, code: 'already_generated', message: 'done before' } : null,
    }));
    const batchId = store.batches.createBatch(settings, items, 'big', 1);
    const counts = store.itemQueries.counts(batchId);
    expect(counts.skipped).toBe(1429);
    expect(counts.queued).toBe(8571);
    const page = store.itemQueries.pageItems({ batchId, states: ['skipped'], offset: 40, limit: 40 });
    expect(page.total).toBe(1429);
    expect(page.items).toHaveLength(40);
    expect(page.items[0]!.relativePath).toBe('folder-0/Shot_280.png');
    const search = store.itemQueries.pageItems({ batchId, search: 'SHOT_99', offset: 0, limit: 5 });
    expect(search.total).toBe(111); // Shot_99, Shot_990..999, Shot_9900..9999
    expect(store.itemQueries.pageItems({ batchId, search: '100%_', offset: 0, limit: 5 }).total).toBe(0);
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT state, count(*) FROM items WHERE batch_id = 1 GROUP BY state`)
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX items_batch_state/);
    // The next queued items come off an index by state in queue order: asked before every
    // submit, a walk past every finished item (or a sort of the queue) made a night quadratic.
    const next = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT * FROM items WHERE batch_id = 1 AND state = 'queued'
           AND id NOT IN (SELECT value FROM json_each('[]')) ORDER BY position LIMIT 5`,
      )
      .all() as { detail: string }[];
    const nextPlan = next.map((p) => p.detail).join(' ');
    expect(nextPlan).toMatch(/SEARCH items USING INDEX \w+ \(batch_id=\? AND state=\?\)/);
    expect(nextPlan).not.toMatch(/TEMP B-TREE/);
    expect(store.itemQueries.nextQueued(batchId, 2, [page.items[0]!.id]).map((i) => i.relativePath)).toEqual([
      'folder-1/Shot_1.png',
      'folder-2/Shot_2.png',
    ]);
  });

  it('counts money: possibly billed items against the cap, actual costs where known', () => {
    const { batchId } = seed(4);
    const [a, b, c] = store.itemQueries.pageItems({ batchId, offset: 0, limit: 4 }).items;
    store.items.transition(a!.id, 'queued', 'submitting', { mayBeBilled: true }, 'x', 1);
    store.items.transition(b!.id, 'queued', 'submitting', { mayBeBilled: true }, 'x', 1);
    store.items.transition(b!.id, 'submitting', 'in_queue', { requestId: 'r-b' }, 'x', 1);
    store.items.transition(b!.id, 'in_queue', 'downloading', { costUsd: 0.4 }, 'x', 1);
    store.items.transition(c!.id, 'queued', 'submitting', { mayBeBilled: true }, 'x', 1);
    store.items.transition(c!.id, 'submitting', 'failed', { mayBeBilled: false }, 'refused', 1);
    const money = store.itemQueries.money(batchId);
    expect(money.committedUsd).toBeCloseTo(0.42 + 0.4, 9);
    expect(money.spentUsd).toBeCloseTo(0.4, 9);
    expect(money.remainingEstimateUsd).toBeCloseTo(0.42 * 2, 9); // one queued, one submitting
  });

  it('reports a damaged JSON column by table, row and column', () => {
    const { batchId } = seed(1);
    const id = store.itemQueries.pageItems({ batchId, offset: 0, limit: 1 }).items[0]!.id;
    db.prepare(`UPDATE items SET notes_json = '{"not":"a list"}' WHERE id = ?`).run(id);
    expect(() => store.items.getItem(id)).toThrow(DamagedRowError);
    expect(() => store.items.getItem(id)).toThrow(
      new RegExp(`Row ${id} of table 'items' has an unreadable notes_json`),
    );
    db.prepare(`UPDATE batches SET settings_json = '{"modelId":"x"}' WHERE id = ?`).run(batchId);
    expect(() => store.batches.getBatch(batchId)).toThrow(/settings_json/);
  });

  it('finds a done item by image hash and request fingerprint, and one still on its way', () => {
    const { batchId, items } = seed(1);
    const id = store.itemQueries.pageItems({ batchId, offset: 0, limit: 1 }).items[0]!.id;
    const { imageHash, requestFingerprint } = items[0]!;
    expect(store.itemQueries.findDone('0'.repeat(64), requestFingerprint)).toBeNull();
    // Queued or in flight: found, so dropping the folder again does not pay twice.
    expect(store.itemQueries.findDone(imageHash, requestFingerprint)).toMatchObject({
      itemId: id,
      batchId,
      state: 'queued',
    });
    for (const [from, to] of [
      ['queued', 'submitting'],
      ['submitting', 'in_queue'],
      ['in_queue', 'downloading'],
    ] as const) {
      store.items.transition(id, from, to, {}, 'x', 1);
      expect(store.itemQueries.findDone(imageHash, requestFingerprint)).toMatchObject({
        itemId: id,
        state: to,
      });
    }
    store.items.transition(id, 'downloading', 'done', { outputPath: '/out/a.mp4' }, 'saved', 2);
    expect(store.itemQueries.findDone(imageHash, requestFingerprint)).toEqual({
      itemId: id,
      outputPath: '/out/a.mp4',
      batchId,
      state: 'done',
    });
  });
});

describe('the output folder seen mark (migration 009)', () => {
  it('is set once, kept when other settings change and forgotten when the folder changes', () => {
    const { settings, batchId } = seed(1);
    expect(store.batches.getBatch(batchId)!.outputDirSeenAt).toBeNull();
    store.batches.markOutputDirSeen(batchId, 5000);
    store.batches.markOutputDirSeen(batchId, 9000); // the first sighting stays
    expect(store.batches.getBatch(batchId)!.outputDirSeenAt).toBe(5000);
    store.batches.updateBatchSettings(batchId, { ...settings, budgetUsd: 12 });
    expect(store.batches.getBatch(batchId)!.outputDirSeenAt).toBe(5000);
    store.batches.updateBatchSettings(batchId, { ...settings, outputDir: join(dir.path, 'elsewhere') });
    expect(store.batches.getBatch(batchId)!.outputDirSeenAt).toBeNull();
  });
});
