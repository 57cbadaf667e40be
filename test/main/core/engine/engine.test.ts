import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../main/core/domain';
import { harness, type Harness } from './harness';
import { partFiles, until } from './helpers';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/**
 * Waits until, among `ids`, the engine reports exactly these counts per state; returns the ids
 * ordered as the states are listed (e.g. the running one first). Which item of a race wins is
 * up to the network, so tests ask "one running, two waiting", not "item 1 running".
 */
async function untilStates(ids: number[], wanted: Partial<Record<string, number>>): Promise<number[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const items = ids.map((id) => h!.engine.getItem(id)!);
    const ok = Object.entries(wanted).every(
      ([state, n]) => items.filter((i) => i.state === state).length === n,
    );
    if (ok)
      return Object.keys(wanted).flatMap((state) => items.filter((i) => i.state === state).map((i) => i.id));
    if (Date.now() > deadline)
      throw new Error(
        `states ${JSON.stringify(items.map((i) => i.state))} never matched ${JSON.stringify(wanted)}`,
      );
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('engine: the happy path', () => {
  it('generates and downloads a small batch, exactly once each, byte for byte', async () => {
    h = await harness();
    const events: EngineEvent[] = [];
    h.engine.on((event) => events.push(event));
    const { batchId, itemIds } = h.batch(6);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const batch = h.engine.getBatch(batchId)!;
    expect(batch.state).toBe('finished');
    expect(batch.counts.done).toBe(6);
    expect(batch.spentUsd).toBeCloseTo(6 * 0.42, 6);
    const ledger = h.sim.ledger;
    expect(ledger.submits.filter((s) => s.created)).toHaveLength(6);
    for (const id of itemIds) {
      const item = h.engine.getItem(id)!;
      expect(item.state).toBe('done');
      expect(item.costUsd).toBe(0.42);
      expect(existsSync(item.outputPath!)).toBe(true);
      expect(h.sha256(item.outputPath!)).toBe(ledger.jobs.get(item.requestId!)!.outputSha256);
    }
    expect(partFiles(h.outputDir)).toEqual([]);
    expect(events.some((e) => e.type === 'batch-finished' && e.batchId === batchId)).toBe(true);
    expect(events.some((e) => e.type === 'items')).toBe(true);
  });
});

describe('engine: faults', () => {
  it('takes 200 items through 5xx, resets, 429s, truncated downloads and failed generations', async () => {
    h = await harness(
      {
        faults: {
          http5xx: 0.05,
          resetBeforeBody: 0.01,
          resetAfterBody: 0.01,
          http429: 0.01,
          truncatedDownload: 0.05,
          generationFailure: 0.03,
        },
        concurrencyCap: 6,
        outputBytes: 64 * 1024,
      },
      { maxConsecutiveFailures: 1000 },
    );
    const { batchId, itemIds } = h.batch(200, { concurrency: 6 });
    h.engine.commands.startBatch(batchId);
    await h.engine.idle(50_000);
    const ledger = h.sim.ledger;
    const items = itemIds.map((id) => h.engine.getItem(id)!);
    const states = new Map<string, number>();
    for (const item of items) states.set(item.state, (states.get(item.state) ?? 0) + 1);
    console.info('200-item fault run:', Object.fromEntries(states), 'requests:', h.engine.requestCounts());
    expect([...states.keys()].every((s) => ['done', 'failed', 'unknown_submit'].includes(s))).toBe(true);
    expect(states.get('done')).toBeGreaterThan(150);
    expect(h.engine.getBatch(batchId)!.state).toBe('finished');
    const images = h.engine.pageItems({ batchId, offset: 0, limit: 200 }).items;
    for (const item of items) {
      const hash = images.find((i) => i.id === item.id)!.sourcePath;
      expect(hash).toBeTruthy();
      const created = ledger.submits.filter(
        (s) => s.created && s.requestId && item.requestId === s.requestId,
      );
      if (item.requestId) expect(created).toHaveLength(1);
      if (item.state === 'done')
        expect(h.sha256(item.outputPath!)).toBe(ledger.jobs.get(item.requestId!)!.outputSha256);
      if (item.state === 'failed') expect(item.errorMessage).toMatch(/Generation failed for request/); // the API's own words
      if (item.state === 'unknown_submit') expect(item.errorMessage).toMatch(/may or may not have been paid/);
    }
    // No image was ever sent twice: one created job at most per image.
    const perImage = new Map<string | null, number>();
    for (const submit of ledger.submits.filter((s) => s.created))
      perImage.set(submit.imageHash, (perImage.get(submit.imageHash) ?? 0) + 1);
    expect(Math.max(...perImage.values())).toBe(1);
    // The faults really happened, and were survived.
    expect(ledger.downloads.some((d) => d.fault === 'truncated')).toBe(true);
    expect(ledger.downloads.some((d) => d.httpStatus === 206)).toBe(true);
    expect(ledger.polls.some((p) => p.httpStatus === 429)).toBe(true);
    expect(partFiles(h.outputDir)).toEqual([]);
  }, 60_000);

  it('marks a lost submit answer unknown_submit, never resends it, and resubmits when asked', async () => {
    h = await harness(
      { faults: { resetAfterBody: 1 }, faultTargets: ['submit'] },
      { maxConsecutiveFailures: 100 },
    );
    const { batchId, itemIds } = h.batch(3);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    for (const id of itemIds)
      expect(h.engine.getItem(id)).toMatchObject({ state: 'unknown_submit', requestId: null });
    expect(h.sim.ledger.submits).toHaveLength(3); // each sent once
    expect(h.sim.ledger.submits.every((s) => s.created)).toBe(true); // and each was in fact created
    h.sim.setFaults({});
    h.engine.commands.resubmitItem(itemIds[0]!);
    await h.engine.waitForItemState(itemIds[0]!, 'done');
    expect(h.sim.ledger.submits).toHaveLength(4);
    expect(() => h.engine.commands.resubmitItem(itemIds[0]!)).toThrow(
      /only items whose submit answer was lost/,
    );
  });

  it('retries a submit that provably never reached the server (429), honouring Retry-After', async () => {
    h = await harness({ faults: { http429: 1, retryAfter: 'seconds' }, faultTargets: ['submit', 'status'] });
    const { batchId, itemIds } = h.batch(2, { concurrency: 1 });
    h.engine.commands.startBatch(batchId);
    // Let it hit 429s for a while, then lift them.
    await until(() => h.sim.ledger.submits.length >= 4, 'four refused submits');
    expect(h.sim.ledger.submits.every((s) => !s.created && s.httpStatus === 429)).toBe(true);
    // The 429 said "retry after 2 s": no two submits came closer than that.
    const times = h.sim.ledger.submits.map((s) => s.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1900);
    h.sim.setFaults({ http429: 1, retryAfter: 'seconds' }, ['status']);
    await h.engine.waitForItemState(itemIds[0]!, 'in_queue');
    await until(
      () => h.sim.ledger.polls.filter((p) => p.httpStatus === 429).length >= 6,
      'six refused polls',
    );
    // Status polls of one request also keep Retry-After's distance.
    const polls = h.sim.ledger.polls.filter((p) => p.httpStatus === 429);
    expect(polls.length).toBeGreaterThan(2);
    const byRequest = new Map<string, number[]>();
    for (const p of polls) byRequest.set(p.requestId, [...(byRequest.get(p.requestId) ?? []), p.at]);
    for (const at of byRequest.values())
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1900);
    h.sim.setFaults({});
    h.engine.wake();
    await h.engine.idle();
    expect(itemIds.map((id) => h.engine.getItem(id)!.state)).toEqual(['done', 'done']);
    expect(h.sim.ledger.submits.filter((s) => s.created)).toHaveLength(2);
  });
});

describe('engine: pause, cancel, budget', () => {
  it('pause stops submitting while in-flight work finishes; resume carries on', async () => {
    // 2,000 simulated seconds (2 s real) for the two sent before the pause: the first job is
    // still generating when the second is accepted and the pause arrives, even on a loaded
    // machine (at 60 ms it had sometimes finished and freed its slot for a third submit first).
    // The four sent after the resume take 20 ms each: nothing is timed against them.
    let sent = 0;
    h = await harness({ generationMs: () => (sent++ < 2 ? 2_000_000 : 20_000) });
    const { batchId, itemIds } = h.batch(6, { concurrency: 2 });
    h.engine.commands.startBatch(batchId);
    await h.engine.waitForItemState(itemIds[1]!, ['in_queue', 'in_progress']);
    expect(h.engine.hasPendingWork()).toBe(true);
    h.engine.commands.pauseBatch(batchId);
    expect(h.engine.hasPendingWork()).toBe(true); // in flight: keep the machine awake
    await h.engine.idle();
    expect(h.engine.hasPendingWork()).toBe(false); // only queued work of a paused batch
    const paused = h.engine.getBatch(batchId)!;
    expect(paused).toMatchObject({ state: 'paused', pauseReason: 'user' });
    expect(paused.counts.done).toBe(2);
    expect(paused.counts.queued).toBe(4);
    expect(h.sim.ledger.submits).toHaveLength(2);
    h.engine.commands.resumeBatch(batchId);
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)!.counts.done).toBe(6);
  });

  it('cancels a batch: queued at once, queued-at-the-API through the API, running ones are kept and downloaded', async () => {
    // 50 simulated minutes (3 s real): the running job must still run when the cancel arrives,
    // even on a machine so loaded that the test's own steps take a second.
    h = await harness({ concurrencyCap: 1, generationMs: () => 3_000_000 });
    const { batchId, itemIds } = h.batch(6, { concurrency: 3 });
    h.engine.commands.startBatch(batchId);
    // Three submits race: whichever reaches the simulator first runs, the other two wait.
    const [running] = await untilStates(itemIds.slice(0, 3), { in_progress: 1, in_queue: 2 });
    const result = await h.engine.commands.cancelBatch(batchId);
    expect(result).toEqual({ cancelledLocally: 3 + 2, cancelRequested: 0, running: 1 });
    await h.engine.idle();
    expect(itemIds.map((id) => h.engine.getItem(id)!.state)).toEqual(
      itemIds.map((id) => (id === running ? 'done' : 'cancelled')),
    );
    expect(h.sim.ledger.charges).toHaveLength(1); // only the running one was billed
    expect(h.sim.ledger.cancels.map((c) => c.outcome)).toEqual(['cancelled', 'cancelled']);
    expect(h.engine.getBatch(batchId)!.state).toBe('cancelled');
    expect(await h.engine.commands.cancelItem(itemIds[0]!)).toBe('already_finished');
  });

  it('cancels single items and reports a running one as billed and kept; an odd outcome is "requested"', async () => {
    h = await harness({
      concurrencyCap: 1,
      generationMs: () => 3_000_000, // long enough that item 1 is still queued when cancelled
      variants: { cancelOutcome: 'queued_for_review' },
    });
    const { batchId, itemIds } = h.batch(4, { concurrency: 2 });
    h.engine.commands.startBatch(batchId);
    // Two submits race: whichever reaches the simulator first runs, the other waits.
    const [running, queued] = await untilStates(itemIds.slice(0, 2), { in_progress: 1, in_queue: 1 });
    expect(await h.engine.commands.cancelItem(itemIds[3]!)).toBe('cancelled'); // still local
    expect(await h.engine.commands.cancelItem(running!)).toBe('running_cannot_stop');
    // The simulator did cancel it but answered an unknown outcome: not confirmed, so polling decides.
    expect(await h.engine.commands.cancelItem(queued!)).toBe('cancel_requested');
    await h.engine.waitForItemState(queued!, 'cancelled');
    h.engine.commands.pauseBatch(batchId);
    await h.engine.idle();
    expect(h.engine.getItem(running!)!.state).toBe('done');
    expect(h.engine.itemEvents(queued!).map((e) => e.toState)).toEqual([
      'queued',
      'submitting',
      'in_queue',
      'cancelled',
    ]);
  });

  it('never lets spending pass the budget cap, pauses with what is left, and continues when it is raised', async () => {
    h = await harness();
    const { batchId } = h.batch(10, { concurrency: 3, budgetUsd: 2 });
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const batch = h.engine.getBatch(batchId)!;
    expect(batch).toMatchObject({ state: 'paused', pauseReason: 'budget_reached' });
    expect(batch.pauseMessage).toMatch(/Budget of \$2\.00 reached.*6 items \(about \$2\.52\) are left/);
    expect(batch.counts.done).toBe(4);
    const charged = h.sim.ledger.charges.reduce((sum, c) => sum + c.usd, 0);
    expect(charged).toBeLessThanOrEqual(2);
    expect(charged).toBeCloseTo(1.68, 6);
    h.engine.commands.setBudget(batchId, 3);
    h.engine.commands.resumeBatch(batchId);
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)!.counts.done).toBe(7);
    expect(h.sim.ledger.charges.reduce((sum, c) => sum + c.usd, 0)).toBeLessThanOrEqual(3);
  });

  it('refuses an output folder that is not there, whoever asks (the window or the CLI)', async () => {
    h = await harness();
    const { batchId } = h.batch(2);
    const before = h.engine.getBatch(batchId)!.settings.outputDir;
    expect(() => h.engine.commands.setOutputDir(batchId, '/nonexistent-stillmotion-folder')).toThrow(
      /^\/nonexistent-stillmotion-folder is not a folder \(it was moved or deleted since it was chosen\); choose the folder again\.$/,
    );
    expect(h.engine.getBatch(batchId)!.settings.outputDir).toBe(before);
  });
});

describe('engine: account errors and expiry', () => {
  it('pauses the whole queue on a bad key instead of failing items, and continues with a new key', async () => {
    h = await harness({}, { apiKey: 'not-a-real-key' });
    const { batchId, itemIds } = h.batch(5, { concurrency: 2 });
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const batch = h.engine.getBatch(batchId)!;
    expect(batch).toMatchObject({ state: 'paused', pauseReason: 'bad_key' });
    expect(batch.pauseMessage).toMatch(/did not accept the API key/);
    expect(batch.pauseMessage).not.toContain('not-a-real-key');
    expect(batch.counts.queued).toBe(5);
    expect(h.sim.ledger.submits.length).toBeLessThanOrEqual(2); // not one per item
    h.engine.setCredentials({ apiBaseUrl: h.sim.url, apiKey: 'sim-demo-key' });
    await h.engine.idle();
    expect(itemIds.map((id) => h.engine.getItem(id)!.state)).toEqual(Array(5).fill('done'));
    // The key is nowhere in the database.
    const { readFileSync } = await import('node:fs');
    await h.engine.close();
    expect(readFileSync(h.dbPath).includes('not-a-real-key')).toBe(false);
    h.restart();
  });

  it('pauses on no balance with what to do, finishing what was accepted', async () => {
    h = await harness({ apiKeys: { 'sim-demo-key': 1 } });
    const { batchId } = h.batch(5, { concurrency: 3 });
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const batch = h.engine.getBatch(batchId)!;
    expect(batch).toMatchObject({ state: 'paused', pauseReason: 'no_balance' });
    expect(batch.pauseMessage).toMatch(/Top up/);
    expect(batch.counts.done).toBe(2);
    expect(batch.counts.queued).toBe(3);
    expect(batch.counts.failed).toBe(0);
  });

  it('pauses after too many failures in a row, saying why', async () => {
    h = await harness({ faults: { generationFailure: 1 } }, { maxConsecutiveFailures: 3 });
    const { batchId } = h.batch(8, { concurrency: 1 });
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const batch = h.engine.getBatch(batchId)!;
    expect(batch).toMatchObject({ state: 'paused', pauseReason: 'too_many_failures' });
    expect(batch.pauseMessage).toMatch(/3 items in a row did not succeed.*Generation failed/);
    expect(batch.counts.failed).toBe(3);
    expect(batch.counts.queued).toBe(5);
  });

  it('marks an item expired when its video link expired, and when the API forgot the request', async () => {
    // A link that keeps answering 404 is expired only past its likely lifetime.
    h = await harness({ outputTtlMs: 1 }, { outputLinkLifetimeMs: 60_000 });
    const first = h.batch(1);
    h.engine.commands.startBatch(first.batchId);
    const expired = await h.engine.waitForItemState(first.itemIds[0]!, 'expired');
    expect(expired.errorMessage).toMatch(/download link answered HTTP 404 for too long: it expired/);
    await h.close();

    h = await harness(
      { requestTtlMs: 1, generationMs: () => 10_000 },
      { pollPolicy: { nextPollAt: (o) => o.now + 30_000 } },
    );
    const second = h.batch(1);
    h.engine.commands.startBatch(second.batchId);
    const gone = await h.engine.waitForItemState(second.itemIds[0]!, 'expired');
    expect(gone.errorCode).toBe('404001');
    expect(gone.errorMessage).toMatch(/no longer knows request/);
    await h.engine.idle();
    expect(h.sim.ledger.submits).toHaveLength(1); // never resubmitted on its own
    h.engine.commands.retryItem(second.itemIds[0]!);
    expect(h.engine.getItem(second.itemIds[0]!)!.state).toBe('queued');
  });
});

describe('engine: downloads', () => {
  it('waits on a full disk without failing or pausing, saying how much room a video needs; continues by itself', async () => {
    let diskFull = true;
    h = await harness(
      {},
      {
        outputRecheckMs: 2_000,
        fileOps: {
          async write(handle, chunks) {
            if (diskFull)
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            await handle.writev(chunks);
          },
        },
      },
    );
    const { batchId, itemIds } = h.batch(4, { concurrency: 2 });
    h.engine.commands.startBatch(batchId);
    const h1 = h;
    await until(() => h1.engine.getBatch(batchId)!.condition?.code === 'disk_full', 'the full disk to show');
    const batch = h.engine.getBatch(batchId)!;
    expect(batch.state).toBe('running');
    expect(batch.condition!.message).toMatch(
      /is full \(.*MB free, about 0\.\d MB needed\).*continue by themselves/,
    );
    expect(batch.counts.failed).toBe(0);
    expect(batch.counts.downloading).toBeGreaterThan(0);
    // The user frees some space and goes to bed: nothing to click.
    diskFull = false;
    for (const id of itemIds) await h.engine.waitForItemState(id, 'done');
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)).toMatchObject({ state: 'finished', condition: null });
    for (const id of itemIds) {
      const item = h.engine.getItem(id)!;
      expect(h.sha256(item.outputPath!)).toBe(h.sim.ledger.jobs.get(item.requestId!)!.outputSha256);
    }
    expect(partFiles(h.outputDir)).toEqual([]);
  });

  it('never overwrites an existing file: picks "name (2).mp4"', async () => {
    h = await harness();
    const { batchId, itemIds } = h.batch(1);
    const { mkdirSync, writeFileSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    mkdirSync(h.outputDir, { recursive: true });
    writeFileSync(join(h.outputDir, 'img-0000.mp4'), 'precious');
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const item = h.engine.getItem(itemIds[0]!)!;
    expect(item.outputPath).toBe(join(h.outputDir, 'img-0000 (2).mp4'));
    expect(readFileSync(join(h.outputDir, 'img-0000.mp4'), 'utf8')).toBe('precious');
  });

  it('refuses an output path that leaves the output folder', async () => {
    h = await harness();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(h.outputDir, { recursive: true });
    const settings = (await import('./helpers')).settingsFor(h.outputDir);
    const items = (await import('./helpers')).plannedItems(
      (await import('./helpers')).makeImages(h.dir, 1),
      settings,
    );
    items[0]!.outputRelativePath = '../escape.mp4';
    const batchId = h.engine.createBatch(settings, items);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const [item] = h.engine.pageItems({ batchId, offset: 0, limit: 1 }).items;
    expect(item).toMatchObject({ state: 'failed', errorCode: 'bad_output_path' });
    expect(item!.errorMessage).toMatch(/outside the output folder/);
  });
});
