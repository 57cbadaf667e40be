// A batch made in simulated (demo) mode is never sent to the real, paid API, and a batch made
// with a real key is not silently finished on the simulator: the engine pauses it and says why.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../../../main/core/simulator/types';
import { harness, type Harness } from './harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('simulated batches and real keys', () => {
  it('a demo batch is not submitted once the engine talks to the real API', async () => {
    h = await harness({}, { simulated: true });
    const { batchId } = h.batch(3);
    expect(h.engine.getBatch(batchId)?.simulated).toBe(true);
    // The user sets a real key: same server here, but the engine is told it is the real API.
    h.engine.setCredentials({ apiBaseUrl: h.sim.url, apiKey: DEMO_API_KEY, simulated: false });
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const batch = h.engine.getBatch(batchId)!;
    expect(batch.state).toBe('paused');
    expect(batch.pauseReason).toBe('bad_key');
    expect(batch.pauseMessage).toMatch(/made in simulated mode.*would be paid/);
    expect(batch.counts.queued).toBe(3);
    expect(h.sim.ledger.submits).toHaveLength(0);

    // Back in simulated mode it resumes by itself and finishes.
    h.engine.setCredentials({ apiBaseUrl: h.sim.url, apiKey: DEMO_API_KEY, simulated: true });
    expect(h.engine.getBatch(batchId)?.state).toBe('running');
    await h.engine.idle();
    await new Promise((r) => setTimeout(r, 50));
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)?.counts.done).toBe(3);
    expect(h.sim.ledger.submits.filter((s) => s.created)).toHaveLength(3);
  });

  it('without a key nothing is sent; setting one continues the batch', async () => {
    h = await harness({}, { apiKey: null });
    const { batchId } = h.batch(2);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)).toMatchObject({ state: 'paused', pauseReason: 'bad_key' });
    expect(h.engine.getBatch(batchId)?.pauseMessage).toMatch(/No RunComfy API key is set/);
    expect(h.sim.ledger.submits).toHaveLength(0);
    h.engine.setCredentials({ apiBaseUrl: h.sim.url, apiKey: DEMO_API_KEY });
    expect(h.engine.getBatch(batchId)?.state).toBe('running');
    await h.engine.idle();
    await new Promise((r) => setTimeout(r, 50));
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)?.counts.done).toBe(2);
  });

  it('a batch made with a real key is not run on the simulator', async () => {
    h = await harness();
    const { batchId } = h.batch(2);
    expect(h.engine.getBatch(batchId)?.simulated).toBe(false);
    h.engine.setCredentials({ apiBaseUrl: h.sim.url, apiKey: DEMO_API_KEY, simulated: true });
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)?.pauseMessage).toMatch(/simulated mode is on now/);
    expect(h.sim.ledger.submits).toHaveLength(0);
  });

  it("in demo mode the first videos are picked up at the simulator's speed, told or not", async () => {
    const pickupDelays = async (timeScale: number | undefined) => {
      // A slower clock than the other tests (1 real ms = 20 simulated ms), so a busy machine's
      // scheduling delays (a SQLite commit blocks the loop) do not blur 2 s steps against 45 s.
      h = await harness({ timeScale: 0.05 }, { simulated: true }, 20);
      h.engine.setCredentials({ apiBaseUrl: h.sim.url, apiKey: DEMO_API_KEY, simulated: true, timeScale });
      const { batchId } = h.batch(2);
      h.engine.commands.startBatch(batchId);
      await h.engine.idle();
      await new Promise((r) => setTimeout(r, 50));
      await h.engine.idle();
      expect(h.engine.getBatch(batchId)?.counts.done).toBe(2);
      const delays = [...h.sim.ledger.jobs.values()].map((job) => {
        const result = h!.sim.ledger.polls.find(
          (p) => p.requestId === job.requestId && p.endpoint === 'result',
        )!;
        return result.at - job.finishedAt!;
      });
      await h.close();
      h = null;
      return delays;
    };
    // Jobs of ~5 s. Told its speed (20x), the prior fits; not told, the prior is RunComfy's
    // (~90 s), which once meant a first poll after ~45 s. Probing from a few seconds on, a
    // nothing-learned job is seen done within seconds either way.
    expect(Math.max(...(await pickupDelays(0.05)))).toBeLessThan(10_000);
    expect(Math.max(...(await pickupDelays(undefined)))).toBeLessThan(10_000);
  });
});
