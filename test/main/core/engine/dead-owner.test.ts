// After a crash the next process need not wait out the lease: a holder that is a process of
// this machine which no longer exists is taken over at once. A live holder, or one on another
// machine, still blocks until its lease expires.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ownerIsGone } from '../../../../main/core/engine/engine';
import { harness, type Harness } from './harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

function claim(dbPath: string, batchId: number, owner: string, expiresAt: number): void {
  const db = new Database(dbPath);
  db.prepare('UPDATE batches SET lease_owner = ?, lease_expires_at = ? WHERE id = ?').run(
    owner,
    expiresAt,
    batchId,
  );
  db.close();
}

describe('leases held by a crashed process', () => {
  it('knows a dead local process from a live one, and never judges another machine', () => {
    expect(ownerIsGone(`cli:${hostname()}:${deadPid()}`)).toBe(true);
    expect(ownerIsGone(`cli:${hostname()}:${process.pid}`)).toBe(false); // ourselves
    expect(ownerIsGone(`app:${hostname()}:1`)).toBe(false); // init: alive
    expect(ownerIsGone(`cli:some-other-host:${deadPid()}`)).toBe(false);
    expect(ownerIsGone('test-engine')).toBe(false);
  });

  it('takes a batch over at once from a killed local process, not from a live one', async () => {
    h = await harness();
    const { batchId } = h.batch(2);
    const farFuture = h.clock.now() + 3_600_000;
    claim(h.dbPath, batchId, `cli:${hostname()}:1`, farFuture);
    expect(h.engine.leaseHolder(batchId)?.owner).toBe(`cli:${hostname()}:1`);
    expect(() => h!.engine.commands.startBatch(batchId)).toThrow(/is being run by cli:/);

    claim(h.dbPath, batchId, `cli:${hostname()}:${deadPid()}`, farFuture);
    expect(h.engine.leaseHolder(batchId)).toBeNull();
    h.engine.commands.startBatch(batchId);
    expect(h.engine.leaseHolder(batchId)?.mine).toBe(true);
    await h.engine.idle();
    await new Promise((r) => setTimeout(r, 50));
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)?.counts.done).toBe(2);
  });
});
