// A batch paused because the balance ran out continues by itself once the account is topped up:
// the engine and the simulator on one fast clock (a simulated minute in 60 ms), the balance read
// from the simulator's account endpoint, a webhook notice saying so. While the balance does not
// cover the next video, nothing is resumed (no second refused submit, no second "paused" notice).
import { afterEach, describe, expect, it } from 'vitest';
import { createBalanceService, TOP_UP_URL } from '../../../../main/core/app/account-balance';
import { BALANCE_POLL_MS, watchBalance, type BalanceWatch } from '../../../../main/core/app/balance-watch';
import { webhookNotice, type Notice } from '../../../../main/core/app/webhooks';
import { DEMO_API_KEY } from '../../../../main/core/simulator';
import { harness, type Harness } from '../engine/harness';
import { until } from '../engine/helpers';

let h: Harness;
let watch: BalanceWatch | undefined;
afterEach(async () => {
  watch?.close();
  await h?.close();
});

function balanceOf(h: Harness, simulated = false) {
  const reads: number[] = [];
  const service = createBalanceService({
    credentials: { current: async () => ({ apiBaseUrl: h.sim.url, apiKey: DEMO_API_KEY, simulated }) },
    now: h.clock.now,
  });
  return {
    reads,
    read: async (fresh?: boolean) => {
      reads.push(h.clock.now());
      return service.read(fresh);
    },
  };
}

describe('the balance watch', () => {
  it('resumes a batch paused for no balance after a top-up, and says so', async () => {
    // $0.90 of credit: two 5 s Kling videos ($0.42 each) are paid, the third is refused (402).
    h = await harness({ apiKeys: { [DEMO_API_KEY]: 0.9 } });
    const balance = balanceOf(h);
    const notices: Notice[] = [];
    watch = watchBalance({
      engine: h.engine,
      balance,
      clock: h.clock,
      notify: (notice, batch) => void notices.push(webhookNotice(notice, batch)),
    });
    const { batchId } = h.batch(5, { concurrency: 1 });
    h.engine.commands.startBatch(batchId);
    await until(() => h.engine.getBatch(batchId)!.pauseReason === 'no_balance', 'the no-balance pause');
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)!.counts.done).toBe(2);

    // Two polls later (one every 5 minutes) the balance ($0.06) still does not cover a video:
    // the batch keeps waiting.
    await until(() => balance.reads.length >= 2, 'two balance readings');
    expect(balance.reads[1]! - balance.reads[0]!).toBeGreaterThanOrEqual(BALANCE_POLL_MS - 5_000);
    expect(h.engine.getBatch(batchId)!.state).toBe('paused');
    expect(notices).toEqual([]);
    const refused = h.sim.ledger.submits.filter((s) => !s.created).length;

    // 2 a.m.: the user tops up from their phone. Within one poll the batch continues by itself.
    h.sim.setKeyCredit(DEMO_API_KEY, 10);
    await until(() => h.engine.getBatch(batchId)!.state === 'finished', 'the batch to finish');
    expect(h.engine.getBatch(batchId)!.counts.done).toBe(5);
    expect(h.sim.ledger.submits.filter((s) => !s.created).length).toBe(refused);
    expect(notices).toEqual([
      expect.objectContaining({
        event: 'resumed',
        batch: { id: batchId, name: 'test batch' },
        title: 'Stillmotion — Continues: test batch',
        message: expect.stringMatching(
          /^The RunComfy balance is \$9\.16 now, so the batch continues by itself/,
        ),
      }),
    ]);
  });

  it('reads the balance from the account endpoint, with the top-up link; simulated mode has none', async () => {
    h = await harness({ apiKeys: { [DEMO_API_KEY]: 12.5 } });
    expect(await balanceOf(h).read()).toMatchObject({ state: 'known', usd: 12.5, topUpUrl: TOP_UP_URL });
    expect(await balanceOf(h, true).read()).toMatchObject({
      state: 'known',
      simulated: true,
      topUpUrl: null,
    });
    const unknown = createBalanceService({
      credentials: {
        current: async () => ({ apiBaseUrl: `${h.sim.url}/nowhere`, apiKey: DEMO_API_KEY, simulated: false }),
      },
      now: h.clock.now,
    });
    expect(await unknown.read()).toMatchObject({ state: 'unknown', why: expect.stringMatching(/404/) });
  });
});
