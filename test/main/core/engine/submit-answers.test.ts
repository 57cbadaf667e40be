// A submit RunComfy accepted is never lost to the machine: the answer goes to the request
// journal (an fsync'd file beside the database) before the database is asked to store it; a
// database that cannot take it now (another process holding the write lock past the busy
// timeout) is asked again until it does, and a process that stops meanwhile leaves it to the
// next start, which stores it from the journal. Answers land only on the attempt that sent them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { JobStore } from '../../../../main/core/db/store';
import { journalDirFor } from '../../../../main/core/engine';
import { harness, type Harness } from './harness';
import { until } from './helpers';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const isSubmit = (input: unknown, init?: RequestInit) =>
  init?.method === 'POST' && /\/v1\/models\//.test(String(input));
const created = (harnessed: Harness) => harnessed.sim.ledger.submits.filter((s) => s.created);
const journalled = (dbPath: string) => {
  const dir = journalDirFor(dbPath)!;
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('');
};

/** Another process (a backup tool, a second app) takes the database's write lock. */
function lockDatabase(dbPath: string): () => void {
  const other = new Database(dbPath);
  other.exec('BEGIN EXCLUSIVE');
  return () => {
    other.exec('ROLLBACK');
    other.close();
  };
}

describe('an accepted submit whose answer the database cannot take now', () => {
  it('is journalled, stored once the lock is gone, and its video saved; nothing is sent twice', async () => {
    let unlock: (() => void) | null = null;
    const logged: string[] = [];
    const lockOnAnswer: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      // The answer is on its way back while another process holds the write lock.
      if (isSubmit(input, init) && !unlock) unlock = lockDatabase(h!.dbPath);
      return response;
    };
    h = await harness(
      { generationMs: () => 60_000 },
      {
        fetch: lockOnAnswer,
        busyTimeoutMs: 50,
        log: (level, message) => void logged.push(`${level}: ${message}`),
      },
    );
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    h.engine.commands.startBatch(batchId);
    await until(
      () => logged.some((line) => /submit answer could not be stored/.test(line)),
      'a failed store',
    );
    const requestId = created(h)[0]!.requestId!;
    // The paid request is on disk already, though the database does not have it.
    expect(journalled(h.dbPath)).toContain(requestId);
    const peek = new Database(h.dbPath, { readonly: true });
    expect(peek.prepare('SELECT state, request_id FROM items WHERE id = ?').get(id)).toEqual({
      state: 'submitting',
      request_id: null,
    });
    peek.close();
    unlock!();
    const end = await h.engine.waitForItemState(id, ['done', 'failed', 'unknown_submit'], 20_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(end.requestId).toBe(requestId);
    expect(created(h)).toHaveLength(1);
  });

  it('left behind by a process that stopped, is stored from the journal at the next start (never "unknown")', async () => {
    let unlock: (() => void) | null = null;
    const lockOnAnswer: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (isSubmit(input, init) && !unlock) unlock = lockDatabase(h!.dbPath);
      return response;
    };
    h = await harness(
      { generationMs: () => 60_000 },
      { fetch: lockOnAnswer, busyTimeoutMs: 50, log: () => {} },
    );
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    h.engine.commands.startBatch(batchId);
    await until(
      () => created(h!).length === 1 && journalled(h!.dbPath).includes(created(h!)[0]!.requestId!),
      'the journal',
    );
    const requestId = created(h)[0]!.requestId!;
    // The process ends with the answer only in memory and in the journal (the lock never lifted).
    await h.engine.close();
    unlock!();
    const next = h.restart({ owner: 'next-start', fetch: undefined });
    const end = await next.waitForItemState(id, ['done', 'failed', 'unknown_submit'], 20_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(end.requestId).toBe(requestId);
    expect(created(h)).toHaveLength(1);
    expect(next.itemEvents(id).map((e) => e.reason)).toContain(
      `accepted as ${requestId} (stored from the request journal)`,
    );
  });
});

describe('a late answer from the process that lost the batch', () => {
  it('is filed with its own attempt and never takes the place of the paid Resubmit', async () => {
    // The first process sends, sleeps with the answer on its way, and loses its lease.
    let releaseFirst!: () => void;
    const firstGate = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstAnswered!: () => void;
    const firstSent = new Promise<void>((resolve) => (firstAnswered = resolve));
    let held = false;
    const slowFirst: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (isSubmit(input, init) && !held) {
        held = true;
        firstAnswered();
        await firstGate;
      }
      return response;
    };
    h = await harness({ generationMs: () => 20_000 }, { fetch: slowFirst });
    const first = h.engine;
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    first.commands.startBatch(batchId);
    await firstSent;
    const raw = new Database(h.dbPath);
    raw.prepare('UPDATE batches SET lease_expires_at = ? WHERE id = ?').run(h.clock.now() - 1, batchId);
    raw.close();
    // The heir's own submit (the user's Resubmit) is on the wire when the late answer lands.
    let releaseHeir!: () => void;
    const heirGate = new Promise<void>((resolve) => (releaseHeir = resolve));
    let heirSent!: () => void;
    const heirOnWire = new Promise<void>((resolve) => (heirSent = resolve));
    const slowHeir: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (isSubmit(input, init)) {
        heirSent();
        await heirGate;
      }
      return response;
    };
    const heir = h.restart({ owner: 'heir', fetch: slowHeir });
    const unknown = await heir.waitForItemState(id, 'unknown_submit');
    // The process that was sending it may still be alive (its lease ran out): said so.
    expect(unknown.errorMessage).toMatch(/Another Stillmotion process \(test-engine\) was sending this item/);
    heir.commands.resubmitItem(id);
    await heirOnWire;
    releaseFirst();
    const [lateId, resubmitId] = await (async () => {
      await until(() => created(h!).length === 2, 'both submits answered');
      return created(h!).map((s) => s.requestId!);
    })();
    // Let the late answer be settled by the first process before the heir's answer comes.
    const store = new JobStore(new Database(h.dbPath, { readonly: true }));
    await until(() => store.attempts.knowsRequest(lateId!), 'the late answer to be filed');
    releaseHeir();
    const end = await heir.waitForItemState(id, ['done', 'failed', 'unknown_submit'], 20_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(end.requestId).toBe(resubmitId);
    // Both paid requests are known to the database: the late one as the first attempt's.
    expect(store.attempts.knowsRequest(lateId!)).toBe(true);
    const earlier = store.db
      .prepare('SELECT request_id, attempt FROM earlier_attempts WHERE item_id = ?')
      .all(id);
    expect(earlier).toEqual([{ request_id: lateId, attempt: 1 }]);
    store.db.close();
    await first.close();
  });
});

describe('an answer the database refuses for what it says (not for the machine)', () => {
  it('ends the item unknown, with the reason, instead of keeping it "submitting" all night', async () => {
    // A broken answer: the second submit comes back with the first one's request id, which the
    // database holds already (a unique index), so storing it fails every time.
    let firstId: string | null = null;
    const echoFirstId: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!isSubmit(input, init)) return response;
      const body = (await response.json()) as { request_id: string };
      if (firstId === null) firstId = body.request_id;
      else body.request_id = firstId;
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    };
    const logged: string[] = [];
    h = await harness(
      { generationMs: () => 5_000 },
      { fetch: echoFirstId, log: (level, message) => void logged.push(`${level}: ${message}`) },
    );
    const { batchId, itemIds } = h.batch(2);
    h.engine.commands.startBatch(batchId);
    const states = await Promise.all(
      itemIds.map((id) => h!.engine.waitForItemState(id, ['done', 'failed', 'unknown_submit'], 20_000)),
    );
    const unknown = states.filter((s) => s.state === 'unknown_submit');
    expect(states.filter((s) => s.state === 'done')).toHaveLength(1);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.errorMessage).toMatch(/the answer could not be stored: .*UNIQUE/);
    // Not retried for ever: one refusal, then the item is settled.
    expect(logged.filter((line) => /could not be stored/.test(line))).toHaveLength(1);
    expect(created(h)).toHaveLength(2);
  });
});
