// A key replaced mid-run (another RunComfy account's) does not cost the jobs already running:
// each is polled and downloaded with the key it was sent with until it ends. After a restart
// that no longer has that key, its jobs wait and say why; nothing is failed or counted as lost.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../../main/core/simulator';
import { DEMO_API_KEY } from '../../../../main/core/simulator/types';
import { harness, type Harness } from './harness';
import { until } from './helpers';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ACCOUNTS = { 'key-old': 100, 'key-new': 100 };
const LIVE = ['in_queue', 'in_progress'];

describe('a key replaced while jobs run', () => {
  it('keeps polling and downloading each job with the key that sent it; new submits use the new key', async () => {
    h = await harness({ apiKeys: ACCOUNTS, generationMs: () => 900_000 }, { apiKey: 'key-old' });
    const { batchId, itemIds } = h.batch(4, { concurrency: 2 });
    h.engine.commands.startBatch(batchId);
    const h1 = h;
    await until(
      () => itemIds.slice(0, 2).every((id) => LIVE.includes(h1.engine.getItem(id)!.state)),
      'two jobs running',
    );
    h.engine.setCredentials({ apiBaseUrl: h.sim.url, apiKey: 'key-new' });
    for (const id of itemIds) {
      const end = await h.engine.waitForItemState(id, ['done', 'failed', 'expired'], 20_000);
      expect(end.state, end.errorMessage ?? '').toBe('done');
    }
    const submits = h.sim.ledger.submits.filter((s) => s.created);
    expect(submits).toHaveLength(4);
    // No poll was refused as "another account's".
    expect(h.sim.ledger.polls.filter((p) => p.httpStatus === 403)).toEqual([]);
  });

  it('after a restart without the old key, its jobs wait and say why; they finish when it is set again', async () => {
    h = await harness({ apiKeys: ACCOUNTS, generationMs: () => 600_000 }, { apiKey: 'key-old' });
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    h.engine.commands.startBatch(batchId);
    await h.engine.waitForItemState(id, LIVE as never);
    await h.engine.close();
    const next = h.restart({ apiKey: 'key-new' });
    await until(() => next.getItem(id)!.errorCode === 'endpoint_key_missing', 'the job to wait for its key');
    const waiting = next.getItem(id)!;
    expect(LIVE).toContain(waiting.state);
    expect(waiting.errorMessage).toMatch(/sent with another API key .* set that key again/);
    next.setCredentials({ apiBaseUrl: h.sim.url, apiKey: 'key-old' });
    const end = await next.waitForItemState(id, ['done', 'failed', 'expired'], 20_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
  });
});

describe('a job sent through another API address', () => {
  it('is asked there with the same key after a restart whose settings point elsewhere', async () => {
    // A run through a second address (a proxy, another region) is stopped with jobs running;
    // the next run's settings point at the first address, with the same key.
    h = await harness({ generationMs: () => 600_000 });
    const elsewhere = await startSimulator({ clock: h.clock, seed: 3, generationMs: () => 600_000 });
    try {
      await h.engine.close();
      const through = h.restart({ apiBaseUrl: elsewhere.url });
      const { batchId, itemIds } = h.batch(1);
      const id = itemIds[0]!;
      through.commands.startBatch(batchId);
      await through.waitForItemState(id, LIVE as never);
      await through.close();
      const next = h.restart({ apiBaseUrl: h.sim.url, apiKey: DEMO_API_KEY });
      const end = await next.waitForItemState(id, ['done', 'failed', 'expired'], 20_000);
      expect(end.state, end.errorMessage ?? '').toBe('done');
      expect(elsewhere.ledger.submits.filter((s) => s.created)).toHaveLength(1);
      expect(h.sim.ledger.submits).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('is never asked with the key at an address the key may not go to', async () => {
    h = await harness({ generationMs: () => 600_000 });
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    h.engine.commands.startBatch(batchId);
    await h.engine.waitForItemState(id, LIVE as never);
    await h.engine.close();
    // The database says the job went to a foreign host (a tampered or hand-edited file).
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(h.dbPath);
    raw.prepare('UPDATE items SET api_base_url = ? WHERE id = ?').run('http://attacker.example', id);
    raw.close();
    const asked: string[] = [];
    const spy: typeof fetch = async (input, init) => {
      asked.push(String(input));
      return fetch(input, init);
    };
    const next = h.restart({ fetch: spy });
    await until(() => next.getItem(id)!.errorCode === 'endpoint_key_missing', 'the job to wait');
    expect(asked.filter((url) => url.includes('attacker'))).toEqual([]);
  });
});
