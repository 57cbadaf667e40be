// Downloads that go silent (an environment fault): the headers, maybe part of the body, then
// nothing while the socket stays open, over real loopback HTTP on a clock the test moves by
// hand. The ledger says how long the client held each one and who closed it.
import { request, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { optionsFromArgs } from '../../../../main/core/simulator/cli-options';
import { startSimulator } from '../../../../main/core/simulator/index';
import type { SimulatorHandle, SimulatorOptions } from '../../../../main/core/simulator/index';
import { call, manualClock, submitUrl, validBody } from './helpers';
import type { ManualClock } from './helpers';

/** Queue pick-up (3 s) plus a 60 s generation: the job has ended once this much time passed. */
const DONE_MS = 63_000;

let sims: SimulatorHandle[] = [];
let clock: ManualClock;

async function start(options: SimulatorOptions): Promise<SimulatorHandle> {
  clock = manualClock();
  const sim = await startSimulator({ clock, seed: 4, generationMs: () => 60_000, ...options });
  sims.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function finishedJob(sim: SimulatorHandle): Promise<string> {
  const res = await call(submitUrl(sim.url), { body: validBody({ prompt: 'a lighthouse' }) });
  clock.advance(DONE_MS);
  return res.body.request_id as string;
}

/** Waits (on events, not on time) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** A GET of the video that reports its headers, the bytes so far, and how the socket ended. */
function openDownload(url: string) {
  const state = { response: null as IncomingMessage | null, bytes: 0, ended: false, closed: false };
  const req = request(url);
  req.on('response', (response) => {
    state.response = response;
    response.on('data', (chunk: Buffer) => (state.bytes += chunk.length));
    response.on('end', () => (state.ended = true));
    response.on('error', () => {});
  });
  req.on('error', () => {});
  req.on('close', () => (state.closed = true));
  req.end();
  return { state, destroy: () => req.destroy() };
}

describe('silent downloads', () => {
  it('send the headers (or part of the body), then nothing, with the socket left open until the client gives up', async () => {
    const sim = await start({ environment: { silentDownload: { rate: 1 } } });
    const id = await finishedJob(sim);
    const { state, destroy } = openDownload(`${sim.url}/outputs/${id}.mp4`);
    await until(() => sim.ledger.downloads.at(-1)?.silence !== undefined && state.response !== null);
    const record = sim.ledger.downloads.at(-1)!;
    expect(state.response!.statusCode).toBe(200);
    const length = Number(state.response!.headers['content-length']);
    expect(record.fault).toMatch(/^silent-(after-headers|mid-body)$/);
    await until(() => state.bytes >= record.bytesSent);
    expect(state.bytes).toBeLessThan(length);
    expect(state).toMatchObject({ ended: false, closed: false });
    expect(record.silence).toEqual({ heldMs: null, closedBy: null });

    clock.advance(10 * 60_000); // no cut configured: still held
    expect(state.closed).toBe(false);
    destroy();
    await until(() => record.silence!.closedBy !== null);
    expect(record.silence).toEqual({ heldMs: 10 * 60_000, closedBy: 'client' });
  });

  it('are cut by the server after cutAfterMs of its clock, and the ledger says the server did it', async () => {
    const sim = await start({ environment: { silentDownload: { rate: 1, cutAfterMs: 5 * 60_000 } } });
    const id = await finishedJob(sim);
    const { state } = openDownload(`${sim.url}/outputs/${id}.mp4`);
    await until(() => sim.ledger.downloads.at(-1)?.silence !== undefined);
    clock.advance(5 * 60_000 - 1);
    expect(state.closed).toBe(false);
    clock.advance(1);
    await until(() => state.closed);
    expect(state.ended).toBe(false);
    expect(sim.ledger.downloads.at(-1)!.silence).toEqual({ heldMs: 5 * 60_000, closedBy: 'server' });
  });

  it('a seeded rate silences some downloads, the same ones for the same seed, leaving the API faults alone', async () => {
    const pattern = async (silentDownload?: { rate: number }) => {
      const sim = await start({ faults: { truncatedDownload: 0.3 }, environment: { silentDownload } });
      const id = await finishedJob(sim);
      const faults: string[] = [];
      for (let i = 0; i < 30; i++) {
        const { destroy } = openDownload(`${sim.url}/outputs/${id}.mp4`);
        // The faults are drawn as the headers go out: a fault named, or a first byte sent.
        await until(() => {
          const record = sim.ledger.downloads[i];
          return (
            record !== undefined && record.httpStatus !== 0 && (record.fault !== null || record.bytesSent > 0)
          );
        });
        destroy();
        faults.push(sim.ledger.downloads[i]!.fault ?? '-');
      }
      return faults;
    };
    const plain = await pattern();
    const silenced = await pattern({ rate: 0.3 });
    expect(await pattern({ rate: 0.3 })).toEqual(silenced);
    const silent = silenced.filter((f) => f.startsWith('silent-')).length;
    expect(silent).toBeGreaterThan(2);
    expect(silent).toBeLessThan(30);
    // Every download the silence left alone has the fault it had without it.
    silenced.forEach((fault, i) => {
      if (!fault.startsWith('silent-')) expect(fault).toBe(plain[i]);
    });
  });

  it('turns the flags into options and refuses a cut without a rate', () => {
    expect(optionsFromArgs(['--silent-download', '0.02', '--silent-cut-after-ms', '900000'])).toMatchObject({
      environment: { silentDownload: { rate: 0.02, cutAfterMs: 900_000 } },
    });
    expect(() => optionsFromArgs(['--silent-cut-after-ms', '5'])).toThrow(/needs --silent-download/);
  });
});
