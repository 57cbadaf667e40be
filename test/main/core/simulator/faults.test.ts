import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../../main/core/simulator/index';
import type { SimulatorHandle, SimulatorOptions } from '../../../../main/core/simulator/index';
import { auth, call, manualClock, submitUrl, validBody, waitFor } from './helpers';
import type { ManualClock } from './helpers';

const GENERATION_MS = 60_000;
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

/** fetch's outcome as data: the status, or the kind of failure. */
async function attempt(
  url: string,
  init: RequestInit = {},
  // Generous, so a loaded machine never turns a reset into a "timeout"; the hang test passes less.
  timeoutMs = 5_000,
): Promise<number | 'network-error' | 'timeout'> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch (error) {
    const name = (error as Error).name;
    return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network-error';
  }
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: auth(),
  body: JSON.stringify(body),
});

describe('simulator faults', () => {
  it('reset before the body: the connection dies and NO job exists', async () => {
    const s = await start({ faults: { resetBeforeBody: 1 }, faultTargets: ['submit'] });
    expect(await attempt(submitUrl(s.url), post(validBody()))).toBe('network-error');
    expect(s.ledger.submits).toEqual([
      expect.objectContaining({
        created: false,
        requestId: null,
        httpStatus: null,
        fault: 'reset-before-body',
      }),
    ]);
    expect(s.ledger.jobs.size).toBe(0);
    clock.advance(DONE_MS);
    expect(s.ledger.charges).toEqual([]);
  });

  it('reset after the body: the answer is lost but the job WAS created, runs and is billed', async () => {
    const s = await start({ faults: { resetAfterBody: 1 }, faultTargets: ['submit'] });
    expect(await attempt(submitUrl(s.url), post(validBody()))).toBe('network-error');
    const [record] = s.ledger.submits;
    expect(record).toMatchObject({ created: true, httpStatus: null, fault: 'reset-after-body' });
    expect(record!.requestId).toEqual(expect.any(String));
    clock.advance(DONE_MS);
    expect(s.ledger.jobs.get(record!.requestId!)?.status).toBe('succeeded');
    expect(s.ledger.charges.map((c) => c.requestId)).toEqual([record!.requestId]);
    // The job is real: its status answers once the fault is gone.
    s.setFaults({});
    expect((await call(`${s.url}/v1/requests/${record!.requestId}/status`)).body.status).toBe('completed');
  });

  it('hang: never answers, the job exists, and close() still ends promptly', async () => {
    const s = await start({ faults: { hang: 1 }, faultTargets: ['submit', 'status'] });
    expect(await attempt(submitUrl(s.url), post(validBody()), 300)).toBe('timeout');
    expect(s.ledger.submits[0]).toMatchObject({ created: true, fault: 'hang', httpStatus: null });
    const id = s.ledger.submits[0]!.requestId!;
    // Leave one request hanging open while closing.
    const pending = fetch(`${s.url}/v1/requests/${id}/status`, { headers: auth() }).then(
      () => 'answered',
      () => 'failed',
    );
    await waitFor(() => s.ledger.polls.length === 1);
    await s.close();
    expect(await pending).toBe('failed');
  });

  it('429 carries Retry-After in seconds, or as an HTTP date in the simulator clock', async () => {
    const s = await start({ faults: { http429: 1 }, faultTargets: ['submit'] });
    const res = await fetch(submitUrl(s.url), post(validBody()));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await res.arrayBuffer();
    expect(s.ledger.submits[0]).toMatchObject({ created: false, httpStatus: 429, fault: '429' });

    s.setFaults({ http429: 1, retryAfter: 'http-date' });
    const dated = await fetch(submitUrl(s.url), post(validBody()));
    expect(dated.status).toBe(429);
    const when = Date.parse(dated.headers.get('retry-after') ?? '');
    expect(when).toBeGreaterThan(clock.now() - 1000);
    expect(when).toBeLessThan(clock.now() + 60_000);
    await dated.arrayBuffer();
    expect(s.ledger.jobs.size).toBe(0);
  });

  it('5xx on submit: sometimes after the job was created; the ledger says which', async () => {
    const s = await start({ faults: { http5xx: 1 }, faultTargets: ['submit'] });
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push(await attempt(submitUrl(s.url), post(validBody())));
    for (const status of statuses) expect([500, 502, 503, 504]).toContain(status);
    const created = s.ledger.submits.filter((r) => r.created);
    // Both kinds occur with this seed, and every "created" one is a real job.
    expect(created.length).toBeGreaterThan(0);
    expect(created.length).toBeLessThan(12);
    expect(s.ledger.jobs.size).toBe(created.length);
    for (const record of created) expect(s.ledger.jobs.has(record.requestId!)).toBe(true);
    expect(s.ledger.submits.every((r) => r.fault === '5xx' && r.httpStatus! >= 500)).toBe(true);
  });

  it('faultTargets limits faults to the chosen endpoints; setFaults changes them live', async () => {
    const s = await start({ faults: { http5xx: 1 }, faultTargets: ['status'] });
    const sub = await call(submitUrl(s.url), { body: validBody() });
    expect(sub.status).toBe(200);
    expect((await call(sub.body.status_url)).status).toBeGreaterThanOrEqual(500);
    expect((await call(sub.body.result_url)).status).toBe(200);
    expect(s.ledger.polls.map((p) => [p.endpoint, p.fault])).toEqual([
      ['status', '5xx'],
      ['result', null],
    ]);
    s.setFaults({ http5xx: 1 }, ['result']);
    expect((await call(sub.body.status_url)).status).toBe(200);
    expect((await call(sub.body.result_url)).status).toBeGreaterThanOrEqual(500);
    s.setFaults({});
    expect((await call(sub.body.result_url)).status).toBe(200);
  });

  it('cancel and model endpoints take faults too; a reset cancel still cancelled', async () => {
    const s = await start({ faults: { resetAfterBody: 1 }, faultTargets: ['cancel'] });
    const sub = await call(submitUrl(s.url), { body: validBody() });
    expect(await attempt(sub.body.cancel_url, { method: 'POST', headers: auth() })).toBe('network-error');
    expect(s.ledger.jobs.get(sub.body.request_id)?.status).toBe('cancelled');
    s.setFaults({ http429: 1 }, ['model']);
    expect((await call(`${s.url}/v1/models/kling/kling-3.0/standard/image-to-video`)).status).toBe(429);
  });

  it('is repeatable: the same seed gives the same faults and request ids', async () => {
    const run = async () => {
      const s = await start({ seed: 99, faults: { http5xx: 0.3, http429: 0.2, resetAfterBody: 0.2 } });
      const seen = [];
      for (let i = 0; i < 15; i++) seen.push(await attempt(submitUrl(s.url), post(validBody())));
      return { seen, ids: s.ledger.submits.map((r) => r.requestId) };
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(new Set(a.seen).size).toBeGreaterThan(2);
  });

  it('truncated download: Content-Length promised, fewer bytes sent, connection cut', async () => {
    const s = await start({
      outputBytes: 512 * 1024,
      faults: { truncatedDownload: 1 },
      faultTargets: ['download'],
    });
    const sub = await call(submitUrl(s.url), { body: validBody() });
    clock.advance(DONE_MS);
    const res = await fetch(`${s.url}/outputs/${sub.body.request_id}.mp4`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(512 * 1024));
    await expect(res.arrayBuffer()).rejects.toThrow();
    const [download] = s.ledger.downloads;
    expect(download).toMatchObject({ httpStatus: 200, fault: 'truncated' });
    expect(download!.bytesSent).toBeGreaterThan(0);
    expect(download!.bytesSent).toBeLessThan(512 * 1024);
  });

  it('slow download: throttled to slowDownloadBytesPerSec, complete and correct', async () => {
    const s = await start({
      faults: { slowDownload: 1, slowDownloadBytesPerSec: 20_000 },
      faultTargets: ['download'],
    });
    const sub = await call(submitUrl(s.url), { body: validBody() });
    clock.advance(DONE_MS);
    const began = Date.now();
    const res = await fetch(`${s.url}/outputs/${sub.body.request_id}.mp4`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const elapsed = Date.now() - began;
    // The throttle sleeps about size / rate before ending the response (an unthrottled one takes
    // a few ms). Timers may fire a little early, so the bound leaves a fifth of slack.
    expect(elapsed).toBeGreaterThanOrEqual(0.8 * (bytes.length / 20_000) * 1000);
    expect(s.ledger.downloads[0]).toMatchObject({ fault: 'slow', bytesSent: bytes.length, httpStatus: 200 });
  });

  it('download 5xx and resets leave the file downloadable afterwards', async () => {
    const s = await start({ faults: { http5xx: 1 }, faultTargets: ['download'] });
    const sub = await call(submitUrl(s.url), { body: validBody() });
    clock.advance(DONE_MS);
    const url = `${s.url}/outputs/${sub.body.request_id}.mp4`;
    expect(await attempt(url)).toBeGreaterThanOrEqual(500);
    s.setFaults({ resetBeforeBody: 1 });
    expect(await attempt(url)).toBe('network-error');
    s.setFaults({});
    expect(await attempt(url)).toBe(200);
    expect(s.ledger.downloads.map((d) => d.fault)).toEqual(['5xx', 'reset-before-body', null]);
  });

  it('poll faults are recorded with the request id', async () => {
    const s = await start({ faults: { resetBeforeBody: 1 }, faultTargets: ['result'] });
    const sub = await call(submitUrl(s.url), { body: validBody() });
    expect(await attempt(sub.body.result_url, { headers: auth() })).toBe('network-error');
    expect(s.ledger.polls).toEqual([
      expect.objectContaining({
        requestId: sub.body.request_id,
        endpoint: 'result',
        fault: 'reset-before-body',
        httpStatus: null,
      }),
    ]);
  });
});
