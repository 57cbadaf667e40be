// The amounts the window shows for the same money agree: a batch's spent figure and the day's
// spent figure of all batches are one definition (billed), so a day with one batch shows one
// amount twice, and two batches' spent figures add up to the day's. What the daily cap counts
// (billed or possibly billed) is shown beside it as what is still on its way.
import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../engine/harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('spent in a batch and spent today agree', () => {
  it('one batch alone today: its spent figure is the day’s, while it runs and at its end', async () => {
    h = await harness({}, { dayStart: () => 0 });
    const a = h.batch(4, { concurrency: 2 });
    h.engine.commands.startBatch(a.batchId);
    // While videos are on their way the cap counts them too, so it is never below what was billed.
    while (h.engine.getBatch(a.batchId)!.state === 'running') {
      const spend = h.engine.dailySpend();
      const batch = h.engine.getBatch(a.batchId)!;
      // Read apart (the engine moves between the two reads): equal up to one video in between.
      expect(Math.abs(spend.billedTodayUsd - batch.spentUsd)).toBeLessThanOrEqual(0.42 + 1e-9);
      expect(spend.spentTodayUsd).toBeGreaterThanOrEqual(spend.billedTodayUsd - 1e-9);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await h.engine.idle();
    const spend = h.engine.dailySpend();
    expect(h.engine.getBatch(a.batchId)!.spentUsd).toBeCloseTo(1.68, 6);
    expect(spend.billedTodayUsd).toBeCloseTo(1.68, 6);
    expect(spend.spentTodayUsd).toBeCloseTo(1.68, 6);
  });

  it('two batches: their spent figures add up to the day’s', async () => {
    h = await harness({}, { dayStart: () => 0 });
    const a = h.batch(2);
    const b = h.batch(3);
    h.engine.commands.startBatch(a.batchId);
    h.engine.commands.startBatch(b.batchId);
    await h.engine.idle();
    const sum = h.engine.getBatch(a.batchId)!.spentUsd + h.engine.getBatch(b.batchId)!.spentUsd;
    expect(sum).toBeCloseTo(2.1, 6);
    expect(h.engine.dailySpend().billedTodayUsd).toBeCloseTo(sum, 6);
  });
});
