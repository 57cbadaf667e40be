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
  batchId = store.createBatch(settings, plannedItems(makeImages(dir.path, 2), settings), 'cached', 1000);
});
afterEach(() => {
  closeDatabase(other);
  closeDatabase(db);
  dir.remove();
});

describe('remembered batch rows', () => {
  it('hands out one frozen record while nothing writes the batch', () => {
    const first = store.getBatch(batchId)!;
    expect(store.getBatch(batchId)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.settings)).toBe(true);
    expect(() => {
      (first as { state: string }).state = 'running';
    }).toThrow(TypeError);
  });

  it('reads the row again after each write of this connection', () => {
    expect(store.getBatch(batchId)!.state).toBe('draft');
    store.setBatchState(batchId, 'running', null, 'started', 2000);
    expect(store.getBatch(batchId)!.state).toBe('running');
    expect(store.acquireLease(batchId, 'me', 2000, 60_000).ok).toBe(true);
    expect(store.getBatch(batchId)!.leaseOwner).toBe('me');
    store.renewLease(batchId, 'me', 3000, 60_000);
    expect(store.getBatch(batchId)!.leaseExpiresAt).toBe(63_000);
    const settings = { ...store.getBatch(batchId)!.settings, budgetUsd: 12 };
    store.updateBatchSettings(batchId, settings);
    expect(store.getBatch(batchId)!.settings.budgetUsd).toBe(12);
    store.markOutputDirSeen(batchId, 4000);
    expect(store.getBatch(batchId)!.outputDirSeenAt).toBe(4000);
    const condition = { code: 'network_down' as const, params: { detail: 'x' }, since: 5, message: 'down' };
    store.setBatchCondition(batchId, condition);
    expect(store.getBatch(batchId)!.condition).toEqual(condition);
    store.releaseLease(batchId, 'me');
    expect(store.getBatch(batchId)!.leaseOwner).toBeNull();
    const schedule = { startAt: 9000, window: null };
    store.setBatchSchedule(batchId, schedule);
    expect(store.getBatch(batchId)!.schedule).toEqual(schedule);
    const watch = { folders: [dir.path], active: true, lastTaken: null };
    store.setBatchWatch(batchId, watch);
    expect(store.getBatch(batchId)!.watch).toEqual(watch);
    // Moving one batch in the queue renumbers the others too: each is read again.
    const second = store.createBatch(settings, [], 'second', 5000);
    const [before, secondBefore] = [store.getBatch(batchId)!, store.getBatch(second)!];
    expect(store.moveInQueue(second, 'top')).toBe(true);
    expect(store.getBatch(second)!.queueOrder).toBeLessThan(store.getBatch(batchId)!.queueOrder);
    expect(store.getBatch(batchId)).not.toBe(before);
    expect(store.getBatch(second)).not.toBe(secondBefore);
  });

  it("sees another connection's commit at once", () => {
    expect(store.getBatch(batchId)!.leaseOwner).toBeNull();
    expect(new JobStore(other).acquireLease(batchId, 'cli', 2000, 60_000).ok).toBe(true);
    expect(store.getBatch(batchId)!.leaseOwner).toBe('cli');
    other.prepare(`UPDATE batches SET state = 'paused' WHERE id = ?`).run(batchId);
    expect(store.getBatch(batchId)!.state).toBe('paused');
  });

  it('never remembers what a transaction read or wrote before it was rolled back', () => {
    expect(store.getBatch(batchId)!.state).toBe('draft');
    expect(() =>
      db
        .transaction(() => {
          store.setBatchState(batchId, 'running', null, 'started', 2000);
          expect(store.getBatch(batchId)!.state).toBe('running');
          throw new Error('undone');
        })
        .immediate(),
    ).toThrow('undone');
    expect(store.getBatch(batchId)!.state).toBe('draft');
  });
});
