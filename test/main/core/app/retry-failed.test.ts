// "Retry all failed": one call says how many failed items there are and what
// retrying them may cost against the cap, changing nothing; the retry itself runs only with a
// confirmed cost that still covers them, through the engine's per-item retry, and the cap
// still holds: the batch pauses at it instead of sending more.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { batchSettings, call, runBatch, tempDir, value, writeImage } from './helpers';

let app: TestApp;
let dir: { path: string; remove(): void };
let batchId: number;
const IMAGES = 4;

beforeAll(async () => {
  dir = tempDir('sm-retry-failed-');
  const inputDir = join(dir.path, 'shoot');
  const outputDir = join(dir.path, 'videos');
  mkdirSync(outputDir);
  for (let i = 0; i < IMAGES; i++)
    await writeImage(join(inputDir, `take-${i}.jpg`), { color: `#${(i * 40 + 30).toString(16)}3366` });
  // Every generation fails the first time round.
  app = await createTestApp({ rootDir: dir.path, simulator: { faults: { generationFailure: 1 } } });
  batchId = await runBatch(app, [inputDir], batchSettings(outputDir, { concurrency: 1 }));
});

afterAll(async () => {
  await app?.close();
  dir?.remove();
});

const states = async () =>
  (await value(app.handlers, 'query:items.page', { batchId, offset: 0, limit: 10 })).items.map(
    (i) => i.state,
  );

describe('retry all failed', () => {
  it('says how many and what they may cost, changing nothing', async () => {
    expect(await states()).toEqual(Array(IMAGES).fill('failed'));
    const submitsBefore = app.simulator.ledger.submits.length;
    const plan = await value(app.handlers, 'command:batch.retryFailed', { batchId });
    const estimate = (await value(app.handlers, 'query:items.page', { batchId, offset: 0, limit: 1 }))
      .items[0]!.estimatedCostUsd;
    expect(plan).toMatchObject({
      count: IMAGES,
      retried: 0,
      budgetUsd: null,
      passesBudget: false,
      notRetryable: [],
    });
    expect(plan.estimatedCostUsd).toBeCloseTo(IMAGES * estimate, 6);
    expect(await states()).toEqual(Array(IMAGES).fill('failed'));
    expect(app.simulator.ledger.submits.length).toBe(submitsBefore);
  });

  it('refuses to retry for less than it may cost, retrying nothing', async () => {
    const plan = await value(app.handlers, 'command:batch.retryFailed', { batchId });
    const answer = await call(app.handlers, 'command:batch.retryFailed', {
      batchId,
      confirmCostUsd: plan.estimatedCostUsd - 0.5,
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(!answer.ok && answer.error.message).toMatch(
      /more than the \$[\d.]+ that was confirmed.*Nothing was retried/,
    );
    expect(await states()).toEqual(Array(IMAGES).fill('failed'));
  });

  it('retries them all once confirmed, and stops at the cap', async () => {
    app.simulator.setFaults({});
    const plan = await value(app.handlers, 'command:batch.retryFailed', { batchId });
    const each = plan.estimatedCostUsd / IMAGES;
    // Room for two more videos under the cap.
    const cap = plan.spentUsd + 2.5 * each;
    await value(app.handlers, 'command:batch.setBudget', { batchId, budgetUsd: cap });
    const capped = await value(app.handlers, 'command:batch.retryFailed', { batchId });
    expect(capped).toMatchObject({ count: IMAGES, budgetUsd: cap, passesBudget: true });

    const done = await value(app.handlers, 'command:batch.retryFailed', {
      batchId,
      confirmCostUsd: capped.estimatedCostUsd,
    });
    expect(done).toMatchObject({ count: IMAGES, retried: IMAGES });
    await app.engine.idle(20_000);
    const batch = await value(app.handlers, 'query:batch.get', { batchId });
    expect(batch.counts.done).toBe(2);
    expect(batch).toMatchObject({ state: 'paused', pauseReason: 'budget_reached' });
    expect(batch.spentUsd).toBeLessThanOrEqual(cap);
    // Nothing failed is left to retry; the two not sent wait in the queue for a higher cap.
    expect((await value(app.handlers, 'command:batch.retryFailed', { batchId })).count).toBe(0);
    expect(batch.counts.queued).toBe(2);
  });

  it('retries chosen items only, naming the ones it cannot retry', async () => {
    const items = (await value(app.handlers, 'query:items.page', { batchId, offset: 0, limit: 10 })).items;
    const doneItem = items.find((i) => i.state === 'done')!;
    const plan = await value(app.handlers, 'command:batch.retryFailed', { batchId, itemIds: [doneItem.id] });
    expect(plan).toMatchObject({
      count: 0,
      notRetryable: [{ itemId: doneItem.id, fileName: doneItem.relativePath, state: 'done' }],
    });
    expect(await call(app.handlers, 'command:batch.retryFailed', { batchId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('says when retrying would pass the daily cap across all batches', async () => {
    app.simulator.setFaults({ generationFailure: 1 });
    await value(app.handlers, 'command:batch.setBudget', { batchId, budgetUsd: null });
    await value(app.handlers, 'command:batch.resume', { batchId });
    await app.engine.idle(20_000);
    const failed = (
      await value(app.handlers, 'query:items.page', { batchId, states: ['failed'], offset: 0, limit: 10 })
    ).items;
    expect(failed.length).toBeGreaterThan(0);
    const spend = app.engine.dailySpend();
    const open = await value(app.handlers, 'command:batch.retryFailed', { batchId });
    expect(open).toMatchObject({ dailyCapUsd: null, passesDailyCap: false });
    expect(open.spentTodayUsd).toBeCloseTo(spend.spentTodayUsd, 6);

    await value(app.handlers, 'command:settings.update', { dailyCapUsd: spend.spentTodayUsd + 0.01 });
    const capped = await value(app.handlers, 'command:batch.retryFailed', { batchId });
    expect(capped).toMatchObject({ dailyCapUsd: spend.spentTodayUsd + 0.01, passesDailyCap: true });
    await value(app.handlers, 'command:settings.update', { dailyCapUsd: null });
  });
});
