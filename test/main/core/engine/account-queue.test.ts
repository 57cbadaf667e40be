// The account's one queue in the engine: two engines on one database (two processes) share the
// account-wide limit and never pass it together, the first batch in the queue taking the free
// slots first; a 429 lowers the limit for a while and the batch says so; a batch waits for its
// night window, sends nothing outside it while what was sent finishes and downloads.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, readImageRefsAsDataUris, type Engine } from '../../../../main/core/engine';
import { DEMO_API_KEY } from '../../../../main/core/simulator/types';
import { seededRandom } from '../../../../main/core/util/clock';
import { clockText } from '../../../../main/core/domain';
import { harness, SPEED, type Harness } from './harness';
import { makeImages, plannedItems, settingsFor, until } from './helpers';

let h: Harness;
let other: Engine | null = null;
afterEach(async () => {
  await other?.close();
  other = null;
  await h?.close();
});

const refused429 = () => h.sim.ledger.submits.filter((s) => s.httpStatus === 429).length;

/** The most jobs the simulator had queued or running at once. */
function peakActive(): number {
  const edges: [number, number][] = [];
  for (const job of h.sim.ledger.jobs.values()) {
    edges.push([job.createdAt, 1]);
    edges.push([job.finishedAt ?? Infinity, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let active = 0;
  let peak = 0;
  for (const [, step] of edges) peak = Math.max(peak, (active += step));
  return peak;
}

describe('engine: the account-wide limit across processes', () => {
  it('two engines on one database never pass it together; the first batch in the queue finishes first', async () => {
    h = await harness({ maxActivePerAccount: 4, concurrencyCap: 4, generationMs: () => 60_000 });
    h.engine.queue.setLimit(4);
    const a = h.batch(8, { concurrency: 4 });
    const b = h.batch(8, { concurrency: 4 });
    // A second process: its own connection to the same database, its own owner.
    other = createEngine({
      dbPath: h.dbPath,
      owner: 'test-engine-b',
      clock: h.clock,
      random: seededRandom(6),
      apiBaseUrl: h.sim.url,
      apiKey: DEMO_API_KEY,
      leaseMs: 600 * SPEED,
      materializeRequest: readImageRefsAsDataUris,
    });
    h.engine.commands.startBatch(a.batchId);
    other.commands.startBatch(b.batchId);
    await until(
      () =>
        h.engine.getBatch(a.batchId)!.state === 'finished' &&
        h.engine.getBatch(b.batchId)!.state === 'finished',
      'both batches to finish',
      60_000,
    );
    expect(refused429()).toBe(0);
    expect(peakActive()).toBeLessThanOrEqual(4);
    expect(h.engine.getBatch(a.batchId)!.counts.done).toBe(8);
    expect(h.engine.getBatch(b.batchId)!.counts.done).toBe(8);
    expect(h.engine.getBatch(a.batchId)!.finishedAt!).toBeLessThan(h.engine.getBatch(b.batchId)!.finishedAt!);
    expect(h.engine.queue.limit()).toMatchObject({ configured: 4, effective: 4, lowered: null, inFlight: 0 });
  });

  it('a batch moved to the top of the queue takes the slots first', async () => {
    h = await harness({ generationMs: () => 60_000 });
    h.engine.queue.setLimit(2);
    const a = h.batch(4, { concurrency: 2 });
    const b = h.batch(4, { concurrency: 2 });
    expect(h.engine.queue.list().map((e) => e.batchId)).toEqual([a.batchId, b.batchId]);
    h.engine.queue.move(b.batchId, 'top');
    expect(h.engine.queue.list().map((e) => [e.batchId, e.position])).toEqual([
      [b.batchId, 1],
      [a.batchId, 2],
    ]);
    h.engine.commands.startBatch(a.batchId);
    h.engine.commands.startBatch(b.batchId);
    // While b sends, a waits for a slot (the queue says so).
    await until(() => h.engine.queue.list()[1]?.waitingFor === 'slot', 'a to wait for a slot');
    await h.engine.idle();
    expect(h.engine.getBatch(b.batchId)!.finishedAt!).toBeLessThan(h.engine.getBatch(a.batchId)!.finishedAt!);
    // An item moved to the front of its batch is the next one sent.
    const c = h.batch(3, { concurrency: 1 });
    h.engine.queue.moveItemToFront(c.itemIds[2]!);
    h.engine.commands.startBatch(c.batchId);
    await h.engine.idle();
    const order = c.itemIds.map((id) => h.engine.getItem(id)!.submittedAt!);
    expect(order[2]).toBeLessThan(order[0]!);
    expect(() => h.engine.queue.move(c.batchId, 'up')).toThrow(/has no place in the queue/);
  });
});

describe('engine: RunComfy answers 429', () => {
  it('lowers the account limit to what is in flight, says so, and stops hammering', async () => {
    h = await harness(
      { maxActivePerAccount: 2, concurrencyCap: 2, generationMs: () => 60_000 },
      { rateLimitedMs: 60 * 60_000 },
    );
    const a = h.batch(6, { concurrency: 4 });
    h.engine.commands.startBatch(a.batchId);
    await until(
      () => h.engine.getBatch(a.batchId)!.condition?.code === 'account_limit_lowered',
      'the batch to say the limit went down',
    );
    const condition = h.engine.getBatch(a.batchId)!.condition!;
    expect(condition.message).toMatch(
      /^RunComfy refused a video because too many were running on the account \(429\), so Stillmotion sends at most 2 at once across all batches until \d\d:\d\d/,
    );
    await h.engine.idle();
    expect(h.engine.getBatch(a.batchId)!.counts.done).toBe(6);
    // The two sent beside the first two were refused; after that, never again.
    expect(refused429()).toBeLessThanOrEqual(2);
    expect(h.engine.queue.limit()).toMatchObject({ configured: null, effective: 2, lowered: { limit: 2 } });
  });
});

describe('engine: a batch with a night window', () => {
  it(
    'sends nothing before its window opens, then runs; outside it, what was sent finishes',
    { timeout: 60_000 },
    async () => {
      h = await harness({ generationMs: () => 10 * 60_000, concurrencyCap: 10 }, { timeZone: 'UTC' });
      const minuteNow = Math.floor((h.clock.now() % 86_400_000) / 60_000);
      // Opens 30 minutes from now (clock time: 1.8 s real), for 30 minutes.
      const opens = (minuteNow + 30) % 1440;
      const window = { start: clockText(opens), end: clockText((opens + 30) % 1440) };
      const settings = settingsFor(h.outputDir, { concurrency: 2 });
      const items = plannedItems(makeImages(join(h.dir, 'night'), 10), settings);
      const batchId = h.engine.createBatch(settings, items, 'night', { schedule: { startAt: null, window } });
      h.engine.commands.startBatch(batchId);
      await until(() => h.engine.getBatch(batchId)!.condition?.code === 'waiting_for_window', 'the wait');
      expect(h.engine.getBatch(batchId)!.condition!.message).toBe(
        `Waiting for its hours: this batch sends new videos only ${window.start}–${window.end}; it starts again by itself at ${window.start}. Videos already sent finish and download meanwhile.`,
      );
      expect(h.engine.queue.list()[0]).toMatchObject({ batchId, waitingFor: 'hours' });
      const opensAt = h.engine.queue.list()[0]!.opensAt!;
      const closesAt = opensAt + 30 * 60_000;
      expect(h.sim.ledger.submits).toHaveLength(0);
      // The window opens and closes; what was sent in it finishes and downloads after it closed.
      await until(() => h.clock.now() > closesAt, 'the window to close', 30_000);
      await until(() => {
        const counts = h.engine.getBatch(batchId)!.counts;
        return counts.done === h.sim.ledger.submits.length && counts.queued > 0;
      }, 'what was sent to finish');
      const sentAt = h.sim.ledger.submits.map((s) => s.at);
      expect(sentAt.length).toBeGreaterThanOrEqual(2);
      expect(sentAt.length).toBeLessThan(10);
      for (const at of sentAt) {
        expect(at).toBeGreaterThanOrEqual(opensAt);
        expect(at).toBeLessThan(closesAt);
      }
      const closed = h.engine.getBatch(batchId)!;
      expect(closed).toMatchObject({ state: 'running', condition: { code: 'waiting_for_window' } });
      expect(closed.etaMs!).toBeGreaterThan(20 * 3_600_000); // tomorrow night
      // Any time from now on: the rest goes.
      h.engine.queue.setSchedule(batchId, null);
      await h.engine.idle();
      expect(h.engine.getBatch(batchId)).toMatchObject({ state: 'finished', condition: null });
      expect(h.engine.getBatch(batchId)!.counts.done).toBe(10);
    },
  );
});
