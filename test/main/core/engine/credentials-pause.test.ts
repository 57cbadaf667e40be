// Keys, endpoints and pauses: an account error pauses batches only
// when it speaks for the key in use now; a user's pause stays the user's whatever the API says
// and whatever key is set; a job whose API has no key any more waits and says so.
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../main/core/domain';
import { startSimulator } from '../../../../main/core/simulator';
import { DEMO_API_KEY, type SimulatorHandle } from '../../../../main/core/simulator/types';
import { harness, type Harness } from './harness';
import { until } from './helpers';

let h: Harness | undefined;
const extra: SimulatorHandle[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.allSettled(extra.splice(0).map((sim) => sim.close()));
});

const isPoll = (url: string) => /\/v1\/requests\/[^/]+\/(status|result)/.test(url);
const refusedKey = () =>
  Response.json({ error_code: 400004, error_message: 'Invalid API key' }, { status: 401 });

describe("a user's pause", () => {
  it('survives a 401 to the key in use and a later key change (nothing more is sent)', async () => {
    let refuse = false;
    let refused = 0;
    const spy: typeof fetch = async (input, init) => {
      if (refuse && isPoll(String(input))) {
        refused++;
        return refusedKey();
      }
      return fetch(input, init);
    };
    // A long generation: the job is still running when the key is refused.
    h = await harness({ generationMs: () => 3600_000 }, { fetch: spy });
    const { batchId, itemIds } = h.batch(2, { concurrency: 1 });
    h.engine.commands.startBatch(batchId);
    await h.engine.waitForItemState(itemIds[0]!, ['in_queue', 'in_progress']);
    h.engine.commands.pauseBatch(batchId);
    // The key is refused while the batch is paused (revoked, say): two refusals, so the first
    // one's answer was handled before we look.
    refuse = true;
    await until(() => refused >= 2, 'two refused polls');
    expect(h.engine.getBatch(batchId)).toMatchObject({ state: 'paused', pauseReason: 'user' });
    // The user sets a key: it answers a key problem, not the user's pause.
    refuse = false;
    h.engine.setCredentials({ apiBaseUrl: h.sim.url, apiKey: DEMO_API_KEY });
    await h.engine.waitForItemState(itemIds[0]!, 'done', 20_000);
    expect(h.engine.getBatch(batchId)).toMatchObject({ state: 'paused', pauseReason: 'user' });
    expect(h.engine.getItem(itemIds[1]!)!.state).toBe('queued');
    expect(h.sim.ledger.submits.filter((s) => s.created)).toHaveLength(1);
  });
});

describe('an account error about a key replaced since', () => {
  it('pauses nothing: the job is asked again with the new key and saved', async () => {
    let answerHeld!: () => void;
    const polled = new Promise<void>((resolve) => (answerHeld = resolve));
    let releaseAnswer!: () => void;
    const released = new Promise<void>((resolve) => (releaseAnswer = resolve));
    let holding = true;
    const spy: typeof fetch = async (input, init) => {
      if (holding && isPoll(String(input))) {
        holding = false;
        answerHeld();
        await released; // the old key's answer arrives after the user set a new one
        return refusedKey();
      }
      return fetch(input, init);
    };
    h = await harness({ generationMs: () => 20_000 }, { fetch: spy });
    const pauses: EngineEvent[] = [];
    h.engine.on((event) => {
      if (event.type === 'batch' && event.state === 'paused') pauses.push(event);
    });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    await polled;
    // The user enters the key again (the simulator knows one account: the same key, set anew).
    h.engine.setCredentials({ apiBaseUrl: h.sim.url, apiKey: DEMO_API_KEY });
    releaseAnswer();
    const end = await h.engine.waitForItemState(itemIds[0]!, ['done', 'failed', 'expired'], 20_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(pauses).toEqual([]);
    expect(h.engine.getBatch(batchId)!.state).toBe('finished');
  });
});

describe('a job whose API has no key any more', () => {
  it('waits and says so (never asked elsewhere), and continues when its key is back', async () => {
    h = await harness({ generationMs: () => 30_000 });
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    h.engine.commands.startBatch(batchId);
    await h.engine.waitForItemState(id, ['in_queue', 'in_progress']);
    await h.engine.close();
    // The app starts again in simulated mode: the real job's API has no key in this process.
    const demo = await startSimulator({ clock: h.clock, seed: 4 });
    extra.push(demo);
    const engine = h.restart({ apiBaseUrl: demo.url, apiKey: DEMO_API_KEY, simulated: true });
    await until(() => engine.getItem(id)!.errorCode === 'endpoint_key_missing', 'the item to say it waits');
    const waiting = engine.getItem(id)!;
    expect(['in_queue', 'in_progress']).toContain(waiting.state);
    expect(waiting.errorMessage).toContain(`sent to ${h.sim.url}`);
    expect(engine.getBatch(batchId)!.state).toBe('running');
    // Simulated mode is switched off again: the key for the real API is known once more.
    engine.setCredentials({ apiBaseUrl: h.sim.url, apiKey: DEMO_API_KEY });
    const end = await engine.waitForItemState(id, ['done', 'failed', 'expired'], 20_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(end.errorCode).toBeNull();
    expect(demo.ledger.polls.filter((p) => p.requestId === end.requestId)).toEqual([]);
  });
});
