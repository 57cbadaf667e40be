// The environment faults (CDN lag, a download outage, a proxy's HTML 404, a success without a
// video URL) over real loopback HTTP, on a clock the test moves by hand.
import { afterEach, describe, expect, it } from 'vitest';
import { optionsFromArgs } from '../../../../main/core/simulator/cli-options';
import { startSimulator } from '../../../../main/core/simulator/index';
import type { SimulatorHandle, SimulatorOptions } from '../../../../main/core/simulator/index';
import { call, manualClock, submitUrl, validBody } from './helpers';
import type { ManualClock } from './helpers';

const GENERATION_MS = 60_000;
/** Queue pick-up (3 s) plus the generation: the job has ended once this much time passed. */
const DONE_MS = 3_000 + GENERATION_MS;

let sims: SimulatorHandle[] = [];
let clock: ManualClock;

async function start(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  clock = manualClock();
  const sim = await startSimulator({ clock, seed: 11, generationMs: () => GENERATION_MS, ...options });
  sims.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function submitOne(sim: SimulatorHandle, prompt = 'a lighthouse'): Promise<string> {
  const res = await call(submitUrl(sim.url), { body: validBody({ prompt }) });
  expect(res.status).toBe(200);
  return res.body.request_id as string;
}

/** A download's outcome as data: status and body text, or a network error. */
async function download(
  sim: SimulatorHandle,
  requestId: string,
): Promise<{ status: number; type: string | null; text: string } | 'network-error'> {
  try {
    const res = await fetch(`${sim.url}/outputs/${requestId}.mp4`, { signal: AbortSignal.timeout(5_000) });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, type: res.headers.get('content-type'), text: bytes.toString('latin1') };
  } catch {
    return 'network-error';
  }
}

describe('environment faults', () => {
  it('CDN lag: a bare 404 (no error_code) for the first N ms after the job ended, then the video', async () => {
    const sim = await start({ environment: { cdnLagMs: 30_000 } });
    const id = await submitOne(sim);
    clock.advance(DONE_MS);
    const lagging = await download(sim, id);
    expect(lagging).toMatchObject({ status: 404, type: 'text/plain' });
    expect(lagging !== 'network-error' && lagging.text).not.toMatch(/error_code/);
    expect(sim.ledger.downloads.at(-1)).toMatchObject({ requestId: id, httpStatus: 404, fault: 'cdn-lag' });

    clock.advance(29_000);
    expect(await download(sim, id)).toMatchObject({ status: 404 });
    clock.advance(1_000);
    expect(await download(sim, id)).toMatchObject({ status: 200, type: 'video/mp4' });
    expect(sim.ledger.downloads.at(-1)).toMatchObject({ httpStatus: 200, fault: null });
  });

  it('without CDN lag the same video downloads as soon as the job ended', async () => {
    const sim = await start();
    const id = await submitOne(sim);
    clock.advance(DONE_MS);
    expect(await download(sim, id)).toMatchObject({ status: 200 });
  });

  it('a download outage at a set time resets every download inside its window, and only there', async () => {
    const sim = await start({ environment: { downloadOutage: { startMs: 70_000, durationMs: 60_000 } } });
    const t0 = clock.now();
    expect(sim.ledger.environment?.outage).toEqual({ from: t0 + 70_000, to: t0 + 130_000, kind: 'reset' });
    const id = await submitOne(sim);
    clock.advance(DONE_MS);
    expect(await download(sim, id)).toMatchObject({ status: 200 });
    clock.advance(70_000 - DONE_MS);
    expect(await download(sim, id)).toBe('network-error');
    expect(sim.ledger.downloads.at(-1)).toMatchObject({ httpStatus: 0, fault: 'outage-reset' });
    clock.advance(59_999);
    expect(await download(sim, id)).toBe('network-error');
    clock.advance(1);
    expect(await download(sim, id)).toMatchObject({ status: 200 });
    // The API itself stays up during a download outage.
    expect((await call(`${sim.url}/v1/requests/${id}/status`)).status).toBe(200);
  });

  it('a 503 outage answers a bare 503; a seeded outage starts at the same moment for the same seed', async () => {
    const sim = await start({
      environment: { downloadOutage: { startMs: 0, durationMs: 120_000, kind: '503' } },
    });
    const id = await submitOne(sim);
    clock.advance(DONE_MS);
    const answer = await download(sim, id);
    expect(answer).toMatchObject({ status: 503, type: 'text/plain' });
    expect(answer !== 'network-error' && answer.text).not.toMatch(/error_code/);
    expect(sim.ledger.downloads.at(-1)).toMatchObject({ httpStatus: 503, fault: 'outage-503' });

    const seeded = { downloadOutage: { durationMs: 60_000, withinMs: 600_000 } };
    const a = await start({ seed: 5, environment: seeded });
    const aStart = a.ledger.environment!.outage!.from - clock.now();
    const b = await start({ seed: 5, environment: seeded });
    const bStart = b.ledger.environment!.outage!.from - clock.now();
    const c = await start({ seed: 6, environment: seeded });
    const cStart = c.ledger.environment!.outage!.from - clock.now();
    expect(aStart).toBe(bStart);
    expect(cStart).not.toBe(aStart);
    for (const offset of [aStart, cStart]) {
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(600_000);
    }
  });

  it("a proxy's bare HTML 404 on status and result: no JSON, no error_code, the job untouched", async () => {
    const sim = await start({ environment: { proxyHtml404: 1 } });
    const id = await submitOne(sim);
    for (const endpoint of ['status', 'result'] as const) {
      const res = await fetch(`${sim.url}/v1/requests/${id}/${endpoint}`, {
        headers: { Authorization: 'Bearer sim-demo-key' },
      });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html');
      const text = await res.text();
      expect(text).toMatch(/<html>[\s\S]*404 Not Found[\s\S]*nginx/);
      expect(text).not.toMatch(/error_code/);
    }
    expect(sim.ledger.polls.map((p) => [p.endpoint, p.httpStatus, p.fault])).toEqual([
      ['status', 404, 'proxy-html-404'],
      ['result', 404, 'proxy-html-404'],
    ]);
    sim.setEnvironment({});
    clock.advance(DONE_MS);
    expect((await call(`${sim.url}/v1/requests/${id}/result`)).body.status).toBe('succeeded');
  });

  it('a seeded rate of proxy 404s repeats with the seed and leaves the API faults where they were', async () => {
    const pattern = async (environment: SimulatorOptions['environment']) => {
      const sim = await start({ seed: 3, faults: { http5xx: 0.3 }, faultTargets: ['status'], environment });
      const id = await submitOne(sim);
      for (let i = 0; i < 40; i++) await call(`${sim.url}/v1/requests/${id}/status`);
      return sim.ledger.polls.map((p) => p.fault ?? '-');
    };
    const plain = await pattern(undefined);
    const withProxy = await pattern({ proxyHtml404: 0.3 });
    const again = await pattern({ proxyHtml404: 0.3 });
    expect(again).toEqual(withProxy);
    expect(withProxy.filter((f) => f === 'proxy-html-404').length).toBeGreaterThan(3);
    // Every 5xx of the plain run is still a 5xx: the proxy draws from a stream of its own.
    expect(withProxy.map((f) => (f === 'proxy-html-404' ? '-' : f))).toEqual(plain);
  });

  it('a success without a video URL: output is empty, the job was billed, the ledger says which', async () => {
    const sim = await start({ environment: { missingOutputUrl: 1 } });
    const id = await submitOne(sim);
    clock.advance(DONE_MS);
    const result = await call(`${sim.url}/v1/requests/${id}/result`);
    expect(result.status).toBe(200);
    expect(result.body.status).toBe('succeeded');
    expect(result.body.output).toEqual({});
    expect((await call(`${sim.url}/v1/requests/${id}/status`)).body.status).toBe('completed');
    expect(sim.ledger.charges.map((c) => c.requestId)).toEqual([id]);
    expect([...sim.ledger.environment!.jobsWithoutOutputUrl]).toEqual([id]);
  });

  it('a seeded rate of successes without a URL: some jobs, the same ones for the same seed', async () => {
    const withoutUrl = async () => {
      const sim = await start({ seed: 9, environment: { missingOutputUrl: 0.5 } });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(await submitOne(sim, `still ${i}`));
      return ids.map((id) => sim.ledger.environment!.jobsWithoutOutputUrl.has(id));
    };
    const first = await withoutUrl();
    expect(await withoutUrl()).toEqual(first);
    expect(first.filter(Boolean).length).toBeGreaterThan(0);
    expect(first.filter((b) => !b).length).toBeGreaterThan(0);
  });

  it('turns the environment flags into options and refuses bad values', () => {
    const options = optionsFromArgs([
      '--cdn-lag-ms',
      '45000',
      '--download-outage-ms',
      '300000',
      '--download-outage-at-ms',
      '600000',
      '--download-outage-kind',
      '503',
      '--proxy-html-404',
      '0.02',
      '--missing-output-url',
      '0.01',
    ]);
    expect(options).toMatchObject({
      environment: {
        cdnLagMs: 45_000,
        downloadOutage: { durationMs: 300_000, startMs: 600_000, kind: '503' },
        proxyHtml404: 0.02,
        missingOutputUrl: 0.01,
      },
    });
    expect(() => optionsFromArgs(['--download-outage-kind', 'flood', '--download-outage-ms', '1'])).toThrow(
      /--download-outage-kind must be one of reset, 503, got 'flood'/,
    );
    expect(() => optionsFromArgs(['--download-outage-at-ms', '5'])).toThrow(/needs --download-outage-ms/);
    expect(() => optionsFromArgs(['--cdn-lag-ms', 'soon'])).toThrow(/--cdn-lag-ms must be a number/);
  });
});
