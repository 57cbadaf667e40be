// Simulated (demo) spending is not money: it neither counts toward the real daily cap nor is
// held back by it, and the day's figures keep the two apart.
import { afterEach, expect, it } from 'vitest';
import { harness, type Harness } from './harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

it('a simulated batch is not held by the daily cap, and its spend does not count toward it', async () => {
  h = await harness({}, { dayStart: () => 0, simulated: true });
  h.engine.commands.setDailyCap(1);
  const demo = h.batch(4, { concurrency: 2 });
  h.engine.commands.startBatch(demo.batchId);
  await h.engine.idle();
  // 0.42 each: a real batch would stop after two ($0.84 of $1.00).
  expect(h.engine.getBatch(demo.batchId)).toMatchObject({ state: 'finished', simulated: true });
  expect(h.engine.getBatch(demo.batchId)!.counts.done).toBe(4);
  const day = h.engine.dailySpend();
  expect(day.spentTodayUsd).toBe(0);
  expect(day.simulatedTodayUsd).toBeCloseTo(1.68, 6);

  // The same day, for real: the whole $1.00 is still there.
  await h.engine.close();
  h.restart({ simulated: false });
  const real = h.batch(4, { concurrency: 2 });
  h.engine.commands.startBatch(real.batchId);
  await h.engine.idle();
  expect(h.engine.getBatch(real.batchId)).toMatchObject({
    state: 'paused',
    pauseReason: 'daily_cap_reached',
  });
  expect(h.engine.getBatch(real.batchId)!.counts.done).toBe(2);
  expect(h.engine.dailySpend().spentTodayUsd).toBeCloseTo(0.84, 6);
  expect(h.engine.dailySpend().simulatedTodayUsd).toBeCloseTo(1.68, 6);
});
