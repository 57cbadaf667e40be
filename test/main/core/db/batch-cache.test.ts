// The batch rows the store remembers between writes: read once while nothing changes them,
// never stale after a write of this connection (committed or rolled back) or of another one.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../../../main/core/db/connection';
import { JobStore } from '../../../../main/core/db/store';
import { makeImages, plannedItems, settingsFor, tempDir } from '../engine/helpers';

let dir: ReturnType<typeof tempDir>;
let db: Db;
let other: Db;
let store: JobStore;
let batchId: number;
beforeEach(() => {
  dir = tempDir('sm-batch-cache-');
  db = openDatabase(join(dir.path, 'jobs.sqlite'));
  // Another process's connection to the same file (the app beside the CLI).
  other = openDatabase(join(dir.path, 'jobs.sqlite'));
  store = new JobStore(db);
  const settings = settingsFor(join(dir.path, 'out'));
  batchId = store.batches.createBatch(
    settings,
    plannedItems(makeImages(dir.path, 2), settings),
    'cached',
    1000,
  );
});
afterEach(() => {
  closeDatabase(other);
  closeDatabase(db);
  dir.remove();
});

describe('remembered batch rows', () => {
  it('hands out one frozen record while nothing writes the batch', () => {
    const first = store.batches.getBatch(batchId)!;
    expect(store.batches.getBatch(batchId)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.settings)).toBe(true);
    expect(() => {
      (first as { state: string }).state = 'running';
    }).toThrow(TypeError);
  });

  it('reads the row again after each write of this connection', () => {
    expect(store.batches.getBatch(batchId)!.state).toBe('draft');
    store.batches.setBatchState(batchId, 'running', null, 'started', 2000);
    expect(store.batches.getBatch(batchId)!.state).toBe('running');
    expect(store.leases.acquireLease(batchId, 'me', 2000, 60_000).ok).toBe(true);
    expect(store.batches.getBatch(batchId)!.leaseOwner).toBe('me');
    store.leases.renewLease(batchId, 'me', 3000, 60_000);
    expect(store.batches.getBatch(batchId)!.leaseExpiresAt).toBe(63_000);
    const settings = { ...store.batches.getBatch(batchId)!.settings, budgetUsd: 12 };
    store.batches.updateBatchSettings(batchId, settings);
    expect(store.batches.getBatch(batchId)!.settings.budgetUsd).toBe(12);
    store.batches.markOutputDirSeen(batchId, 4000);
    expect(store.batches.getBatch(batchId)!.outputDirSeenAt).toBe(4000);
    const condition = { code: 'network_down' as const, params: { detail: 'x' }, since: 5, message: 'down' };
    store.batches.setBatchCondition(batchId, condition);
    expect(store.batches.getBatch(batchId)!.condition).toEqual(condition);
    store.leases.releaseLease(batchId, 'me');
    expect(store.batches.getBatch(batchId)!.leaseOwner).toBeNull();
    const schedule = { startAt: 9000, window: null };
    store.batches.setBatchSchedule(batchId, schedule);
    expect(store.batches.getBatch(batchId)!.schedule).toEqual(schedule);
    const watch = { folders: [dir.path], active: true, lastTaken: null };
    store.batches.setBatchWatch(batchId, watch);
    expect(store.batches.getBatch(batchId)!.watch).toEqual(watch);
    // Moving one batch in the queue renumbers the others too: each is read again.
    const second = store.batches.createBatch(settings, [], 'second', 5000);
    const [before, secondBefore] = [store.batches.getBatch(batchId)!, store.batches.getBatch(second)!];
    expect(store.batches.moveInQueue(second, 'top')).toBe(true);
    expect(store.batches.getBatch(second)!.queueOrder).toBeLessThan(
      store.batches.getBatch(batchId)!.queueOrder,
    );
    expect(store.batches.getBatch(batchId)).not.toBe(before);
    expect(store.batches.getBatch(second)).not.toBe(secondBefore);
  });

  it("sees another connection's commit at once", () => {
    expect(store.batches.getBatch(batchId)!.leaseOwner).toBeNull();
    expect(new JobStore(other).leases.acquireLease(batchId, 'cli', 2000, 60_000).ok).toBe(true);
    expect(store.batches.getBatch(batchId)!.leaseOwner).toBe('cli');
    other.prepare(`UPDATE batches SET state = 'paused' WHERE id = ?`).run(batchId);
    expect(store.batches.getBatch(batchId)!.state).toBe('paused');
  });

  it('never remembers what a transaction read or wrote before it was rolled back', () => {
    expect(store.batches.getBatch(batchId)!.state).toBe('draft');
    expect(() =>
      db
        .transaction(() => {
          store.batches.setBatchState(batchId, 'running', null, 'started', 2000);
          expect(store.batches.getBatch(batchId)!.state).toBe('running');
          throw new Error('undone');
        })
        .immediate(),
    ).toThrow('undone');
    expect(store.batches.getBatch(batchId)!.state).toBe('draft');
  });
});
