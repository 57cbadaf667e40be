// close(): queued downloads of paid videos are left for a restart (never dropped), and a poll
// that hangs does not hold the close up (issue "House in order", close() and AbortSignal).
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from './harness';
import { until } from './helpers';

let h: Harness | null = null;

afterEach(async () => {
  await h?.close();
  h = null;
});

/** Item states as the database holds them (the engine that wrote them is closed). */
function statesOnDisk(dbPath: string, itemIds: number[]): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    const state = db.prepare('SELECT state FROM items WHERE id = ?');
    return itemIds.map((id) => (state.get(id) as { state: string }).state);
  } finally {
    db.close();
  }
}

describe('engine close', () => {
  it('leaves queued downloads recorded; after a restart every paid video is downloaded and nothing is sent again', async () => {
    h = await harness({}, { downloadConcurrency: 1 });
    // Every download hangs: the first holds the one download slot, the others wait in the queue.
    h.sim.setFaults({ hang: 1 }, ['download']);
    const { batchId, itemIds } = h.batch(3, { concurrency: 3 });
    h.engine.commands.startBatch(batchId);
    await until(
      () => itemIds.every((id) => h!.engine.getItem(id)!.state === 'downloading'),
      'all three generated (paid) and waiting for their downloads',
    );
    await h.engine.close();
    expect(statesOnDisk(h.dbPath, itemIds)).toEqual(['downloading', 'downloading', 'downloading']);

    h.sim.setFaults({});
    const engine = h.restart();
    await until(
      () => itemIds.every((id) => engine.getItem(id)!.state === 'done'),
      'every video downloaded after the restart',
    );
    await engine.idle();
    const ledger = h.sim.ledger;
    expect(ledger.submits.filter((s) => s.created)).toHaveLength(3); // each paid once, never again
    for (const id of itemIds) {
      const item = engine.getItem(id)!;
      expect(h.sha256(item.outputPath!)).toBe(ledger.jobs.get(item.requestId!)!.outputSha256);
    }
  });

  it('does not wait for a status request that hangs; the job is followed again after a restart', async () => {
    // Without the close signal reaching the poll, close() would wait out this 10-minute timeout.
    h = await harness({ generationMs: () => 60_000 }, { requestTimeoutMs: 10 * 60_000 });
    const { batchId, itemIds } = h.batch(1);
    h.sim.setFaults({ hang: 1 }, ['status']);
    h.engine.commands.startBatch(batchId);
    await until(
      () => h!.sim.ledger.polls.some((p) => p.endpoint === 'status' && p.fault === 'hang'),
      'a status request left hanging',
    );
    await h.engine.close();
    expect(statesOnDisk(h.dbPath, itemIds)).toEqual(['in_queue']);

    h.sim.setFaults({});
    const engine = h.restart();
    await until(() => engine.getItem(itemIds[0]!)!.state === 'done', 'the video after the restart');
    expect(h.sim.ledger.submits).toHaveLength(1);
  });

  it('does not wait for a /result request that hangs while a download asks for a fresh link', async () => {
    const hours = 10 * 60 * 60_000;
    // The video link answers 404 for hours (a CDN lagging): each try asks /result for a fresh one.
    h = await harness(
      { environment: { cdnLagMs: hours } },
      { requestTimeoutMs: 10 * 60_000, outputLinkLifetimeMs: hours, linkRefusalGraceMs: hours },
    );
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    await until(() => h!.engine.getItem(itemIds[0]!)!.state === 'downloading', 'generated (paid)');
    h.sim.setFaults({ hang: 1 }, ['result']);
    await until(
      () => h!.sim.ledger.polls.some((p) => p.endpoint === 'result' && p.fault === 'hang'),
      'a /result request for a fresh link left hanging',
    );
    await h.engine.close();
    expect(statesOnDisk(h.dbPath, itemIds)).toEqual(['downloading']);

    h.sim.setFaults({});
    h.sim.setEnvironment({});
    const engine = h.restart();
    await until(() => engine.getItem(itemIds[0]!)!.state === 'done', 'the video after the restart');
    expect(h.sim.ledger.submits).toHaveLength(1);
  });
});
