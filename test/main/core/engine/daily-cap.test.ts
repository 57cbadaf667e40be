// The account-wide daily cap: several batches together never commit more than the cap in one
// day, a pause names it, and raising the cap or the next day lets them continue by themselves.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../../main/core/db/connection';
import { AccountSpendStore, localDayStart } from '../../../../main/core/db/account-spend';
import { harness, type Harness } from './harness';
import { until } from './helpers';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const charged = () => h.sim.ledger.charges.reduce((sum, c) => sum + c.usd, 0);
const doneOf = (batchId: number) => h.engine.getBatch(batchId)!.counts.done;

describe('engine: the daily cap across batches', () => {
  it('two batches running together never pass it, pause with daily_cap_reached, continue when it is raised', async () => {
    h = await harness({}, { dayStart: () => 0 });
    h.engine.commands.setDailyCap(2);
    const a = h.batch(6, { concurrency: 3 });
    const b = h.batch(6, { concurrency: 3 });
    h.engine.commands.startBatch(a.batchId);
    h.engine.commands.startBatch(b.batchId);
    await h.engine.idle();
    // 0.42 each: four fit in $2.00 (1.68), a fifth would make 2.10.
    expect(doneOf(a.batchId) + doneOf(b.batchId)).toBe(4);
    expect(charged()).toBeCloseTo(1.68, 6);
    for (const id of [a.batchId, b.batchId]) {
      const batch = h.engine.getBatch(id)!;
      expect(batch).toMatchObject({ state: 'paused', pauseReason: 'daily_cap_reached' });
      expect(batch.pauseMessage).toMatch(
        /daily spending cap of \$2\.00 is reached: \$1\.68 was spent today across all batches/,
      );
    }
    expect(h.engine.dailySpend()).toMatchObject({ capUsd: 2, dayStartedAt: 0 });
    expect(h.engine.dailySpend().spentTodayUsd).toBeCloseTo(1.68, 6);

    h.engine.commands.setDailyCap(3);
    await h.engine.idle();
    expect(doneOf(a.batchId) + doneOf(b.batchId)).toBe(7);
    expect(charged()).toBeLessThanOrEqual(3);
    h.engine.assertNoIdleBatchWithWork();
  });

  it('counts retried items’ earlier attempts, and a new day lets the paused batches continue', async () => {
    let dayStart = 0;
    h = await harness({}, { dayStart: () => dayStart, backstopMs: 5_000 });
    h.engine.commands.setDailyCap(1);
    const a = h.batch(4, { concurrency: 1 });
    h.engine.commands.startBatch(a.batchId);
    await h.engine.idle();
    expect(doneOf(a.batchId)).toBe(2);
    expect(h.engine.getBatch(a.batchId)!.pauseReason).toBe('daily_cap_reached');
    // A paid item retried is a second payment: the first one still counts today. (Marked failed
    // by hand: the simulator's videos do not fail on request here.)
    const [first] = a.itemIds;
    const store = openDatabase(h.dbPath);
    store
      .prepare(`UPDATE items SET state = 'failed', error_code = 'generation_failed' WHERE id = ?`)
      .run(first);
    closeDatabase(store);
    h.engine.commands.retryItem(first!);
    expect(h.engine.dailySpend().spentTodayUsd).toBeCloseTo(0.84, 6);

    // Midnight: the next day has nothing spent; the backstop resumes the batch by itself.
    dayStart = h.clock.now();
    await until(
      () => h.engine.getBatch(a.batchId)!.state !== 'paused',
      'the batch to continue on the new day',
    );
    await h.engine.idle();
    // Two of the three left fit in the new day's $1.00; the third waits for the day after.
    const batch = h.engine.getBatch(a.batchId)!;
    expect(batch.counts.done).toBe(3);
    expect(batch.pauseReason).toBe('daily_cap_reached');
    expect(h.engine.dailySpend().spentTodayUsd).toBeCloseTo(0.84, 6);
    expect(charged()).toBeCloseTo(4 * 0.42, 6);
  });

  it('refuses a cap that is not a number of dollars, and removes it with null', async () => {
    h = await harness({}, { dayStart: () => 0 });
    expect(() => h.engine.commands.setDailyCap(-1)).toThrow(
      /daily cap must be a number of US dollars, 0 or more/,
    );
    expect(() => h.engine.commands.setDailyCap(Number.NaN)).toThrow(/got NaN/);
    h.engine.commands.setDailyCap(5);
    expect(h.engine.dailySpend().capUsd).toBe(5);
    h.engine.commands.setDailyCap(null);
    expect(h.engine.dailySpend().capUsd).toBeNull();
  });

  it('the day is the local day: its start is the local midnight before now', () => {
    const noon = new Date(2026, 10, 29, 12, 30).getTime();
    expect(localDayStart(noon)).toBe(new Date(2026, 10, 29, 0, 0).getTime());
    expect(localDayStart(new Date(2026, 10, 29, 0, 0).getTime())).toBe(new Date(2026, 10, 29).getTime());
  });

  it('the cap lives in the database, so another process on it sees the same one', async () => {
    h = await harness({}, { dayStart: () => 0 });
    h.engine.commands.setDailyCap(7.5);
    const other = openDatabase(h.dbPath);
    expect(new AccountSpendStore(other).dailyCap()).toBe(7.5);
    closeDatabase(other);
  });
});
