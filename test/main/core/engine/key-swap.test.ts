// A key replaced mid-run (another RunComfy account's) does not cost the jobs already running:
// each is polled and downloaded with the key it was sent with until it ends. After a restart
// that no longer has that key, its jobs wait and say why; nothing is failed or counted as lost.
import { afterEach, describe, expect, it } from 'vitest';
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
    h.engine.startBatch(batchId);
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
    h.engine.startBatch(batchId);
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
