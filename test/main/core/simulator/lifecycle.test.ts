import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startSimulator } from '../../../../main/core/simulator/index';
import type { SimulatorHandle, SimulatorOptions } from '../../../../main/core/simulator/index';
import { SAMPLE_MP4 } from '../../../../main/core/simulator/sample-video';
import { PNG_1X1, PRO, STANDARD, call, manualClock, submitUrl, tick, validBody, waitFor } from './helpers';
import type { ManualClock } from './helpers';

// Generation takes 60 s of simulated time; a queued job is picked up 3 s after it arrives.
const GENERATION_MS = 60_000;
const PICK_UP_MS = 3_000;

let sim: SimulatorHandle | null = null;
let clock: ManualClock;

async function start(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  clock = manualClock();
  sim = await startSimulator({ clock, seed: 7, generationMs: () => GENERATION_MS, ...options });
  return sim;
}

afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function submit(s: SimulatorHandle, body: unknown = validBody(), model = STANDARD, key?: string) {
  const res = await call(submitUrl(s.url, model), { body, key });
  expect(res.status).toBe(200);
  return res.body as { request_id: string; status_url: string; result_url: string; cancel_url: string };
}

describe('simulator lifecycle', () => {
  it('takes a job from in_queue to completed, bills it when it starts and serves its video', async () => {
    const s = await start();
    const t0 = clock.now();
    const sub = await submit(s);
    expect(sub.request_id).toMatch(/^[A-Za-z0-9_-]{1,128}$/);
    expect(Object.keys(sub).sort()).toEqual(['cancel_url', 'request_id', 'result_url', 'status_url']);
    expect(sub.status_url).toBe(`${s.url}/v1/requests/${sub.request_id}/status`);
    expect(sub.result_url).toBe(`${s.url}/v1/requests/${sub.request_id}/result`);
    expect(sub.cancel_url).toBe(`${s.url}/v1/requests/${sub.request_id}/cancel`);

    let status = await call(sub.status_url);
    expect(status.body).toEqual({
      request_id: sub.request_id,
      status: 'in_queue',
      queue_position: 0,
      status_url: sub.status_url,
      result_url: sub.result_url,
    });
    let result = await call(`${sub.result_url}?include_cost=true`);
    expect(result.body).toMatchObject({ request_id: sub.request_id, status: 'in_queue', cost: 0 });
    expect(result.body.output).toBeUndefined();
    expect(s.ledger.charges).toEqual([]);

    clock.advance(PICK_UP_MS);
    status = await call(sub.status_url);
    expect(status.body.status).toBe('in_progress');
    expect(status.body.queue_position).toBeUndefined();
    // Standard, 5 s, no audio: $0.084 x 5, charged at the moment it started.
    expect(s.ledger.charges).toEqual([{ at: t0 + PICK_UP_MS, requestId: sub.request_id, usd: 0.42 }]);

    clock.advance(GENERATION_MS - 1);
    expect((await call(sub.status_url)).body.status).toBe('in_progress');
    clock.advance(1);
    expect((await call(sub.status_url)).body.status).toBe('completed');
    result = await call(`${sub.result_url}?include_cost=true`);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      request_id: sub.request_id,
      status: 'succeeded',
      created_at: new Date(t0).toISOString(),
      finished_at: new Date(t0 + PICK_UP_MS + GENERATION_MS).toISOString(),
      output: { video: `${s.url}/outputs/${sub.request_id}.mp4` },
      cost: 0.42,
    });
    // Without include_cost there is no cost field.
    expect((await call(sub.result_url)).body.cost).toBeUndefined();

    // The video: no key needed, a real mp4 (the embedded sample plus a trailing free box).
    const video = await fetch(result.body.output.video);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(video.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await video.arrayBuffer());
    expect(Number(video.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.subarray(0, SAMPLE_MP4.length).equals(SAMPLE_MP4)).toBe(true);
    expect(bytes.toString('latin1', SAMPLE_MP4.length + 4, SAMPLE_MP4.length + 8)).toBe('free');
    expect(bytes.readUInt32BE(SAMPLE_MP4.length)).toBe(bytes.length - SAMPLE_MP4.length);
    expect(bytes.includes(Buffer.from(sub.request_id))).toBe(true);

    const job = s.ledger.jobs.get(sub.request_id);
    expect(job).toMatchObject({
      modelId: STANDARD,
      imageHash: createHash('sha256').update(PNG_1X1).digest('hex'),
      createdAt: t0,
      startedAt: t0 + PICK_UP_MS,
      finishedAt: t0 + PICK_UP_MS + GENERATION_MS,
      status: 'succeeded',
    });
    expect(job?.outputSha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(s.ledger.downloads).toEqual([
      expect.objectContaining({
        requestId: sub.request_id,
        httpStatus: 200,
        bytesSent: bytes.length,
        range: null,
      }),
    ]);
    expect(s.ledger.polls.map((p) => p.endpoint)).toEqual([
      'status',
      'result',
      'status',
      'status',
      'status',
      'result',
      'result',
    ]);
    expect(s.ledger.submits).toEqual([
      expect.objectContaining({
        modelId: STANDARD,
        created: true,
        requestId: sub.request_id,
        httpStatus: 200,
        prompt: validBody().prompt,
        duration: 5,
        generateAudio: false,
        imageHash: job?.imageHash,
        payloadHash: createHash('sha256').update(JSON.stringify(validBody())).digest('hex'),
        fault: null,
      }),
    ]);
  });

  it('gives every job different output bytes', async () => {
    const s = await start();
    const a = await submit(s);
    const b = await submit(s);
    clock.advance(PICK_UP_MS + GENERATION_MS);
    const [va, vb] = await Promise.all(
      [a, b].map(async (sub) =>
        Buffer.from(await (await fetch(`${s.url}/outputs/${sub.request_id}.mp4`)).arrayBuffer()),
      ),
    );
    expect(va!.length).toBe(vb!.length);
    expect(va!.equals(vb!)).toBe(false);
    expect(s.ledger.jobs.get(a.request_id)?.outputSha256).not.toBe(
      s.ledger.jobs.get(b.request_id)?.outputSha256,
    );
  });

  it('moves and bills jobs when nobody polls (background progression)', async () => {
    const s = await start();
    // Hold the ledger object itself: reading it here does not go through the handle's getter,
    // so only the simulator's own loop can move these jobs.
    const ledger = s.ledger;
    const sub = await submit(s);
    clock.advance(PICK_UP_MS);
    await waitFor(() => ledger.charges.length > 0);
    expect(ledger.charges.map((c) => c.requestId)).toEqual([sub.request_id]);
    expect(ledger.jobs.get(sub.request_id)?.status).toBe('in_progress');
    clock.advance(GENERATION_MS);
    await waitFor(() => ledger.jobs.get(sub.request_id)?.status !== 'in_progress');
    expect(ledger.jobs.get(sub.request_id)?.status).toBe('succeeded');
  });

  it('with real time and a time scale, finishes on its own', async () => {
    sim = await startSimulator({ timeScale: 0.001, seed: 3 });
    const s = sim;
    const ledger = s.ledger;
    const sub = await submit(s);
    // Default timing: ~90 s for 5 s of standard (x0.001 = ~90 ms) plus a 3 ms pick-up.
    await waitFor(() => ledger.jobs.get(sub.request_id)?.status === 'succeeded');
    const job = ledger.jobs.get(sub.request_id)!;
    expect(job.status).toBe('succeeded');
    const runMs = job.finishedAt! - job.startedAt!;
    expect(runMs).toBeGreaterThanOrEqual(80);
    expect(runMs).toBeLessThanOrEqual(100);
  });

  it('holds jobs beyond the concurrency cap in the queue with falling positions', async () => {
    const s = await start({ concurrencyCap: 2 });
    const subs: Awaited<ReturnType<typeof submit>>[] = [];
    for (let i = 0; i < 5; i++) {
      subs.push(await submit(s));
      clock.advance(1_000); // arrive one second apart
    }
    const positions = async () =>
      Promise.all(
        subs.map(async (sub) => {
          const body = (await call(sub.status_url)).body;
          return body.status === 'in_queue' ? body.queue_position : body.status;
        }),
      );
    // t = 5 s: the first two started (at 3 s and 4 s), three wait.
    expect(await positions()).toEqual(['in_progress', 'in_progress', 0, 1, 2]);
    // The first finishes at 63 s and its slot goes to the third at once.
    clock.advance(63_000 - 5_000);
    expect(await positions()).toEqual(['completed', 'in_progress', 'in_progress', 0, 1]);
    clock.advance(1_000);
    expect(await positions()).toEqual(['completed', 'completed', 'in_progress', 'in_progress', 0]);
    const charges = s.ledger.charges;
    expect(charges.map((c) => c.requestId)).toEqual(subs.slice(0, 4).map((sub) => sub.request_id));
    expect(charges[2]!.at).toBe(Date.UTC(2026, 0, 1) + 63_000);
    // Never more than two running at once: each start is at or after a finish.
    const jobs = [...s.ledger.jobs.values()];
    for (const job of jobs.filter((j) => j.startedAt !== null)) {
      const running = jobs.filter(
        (j) =>
          j.startedAt !== null &&
          j.startedAt <= job.startedAt! &&
          (j.finishedAt ?? Infinity) > job.startedAt!,
      );
      expect(running.length).toBeLessThanOrEqual(2);
    }
  });

  it('keeps the cap per account: another key has its own slots', async () => {
    const s = await start({ concurrencyCap: 1, apiKeys: { [DEMO_API_KEY]: 100, other: 100 } });
    const a = await submit(s);
    const b = await submit(s);
    const c = await submit(s, validBody(), STANDARD, 'other');
    clock.advance(PICK_UP_MS);
    expect((await call(a.status_url)).body.status).toBe('in_progress');
    expect((await call(b.status_url)).body).toMatchObject({ status: 'in_queue', queue_position: 0 });
    expect((await call(c.status_url, { key: 'other' })).body.status).toBe('in_progress');
  });

  it('cancels a queued job (no charge) and refuses once it runs (billed, still delivered)', async () => {
    const s = await start({ concurrencyCap: 1 });
    const running = await submit(s);
    const queued = await submit(s);
    clock.advance(PICK_UP_MS);

    const cancelQueued = await call(queued.cancel_url, { method: 'POST' });
    expect(cancelQueued.status).toBe(202);
    expect(cancelQueued.body).toEqual({
      request_id: queued.request_id,
      status: 'cancelled',
      outcome: 'cancelled',
    });
    expect((await call(queued.status_url)).body).toMatchObject({ status: 'cancelled' });
    expect((await call(queued.result_url)).body).toMatchObject({ status: 'cancelled' });

    const cancelRunning = await call(running.cancel_url, { method: 'POST' });
    expect(cancelRunning.status).toBe(202);
    expect(cancelRunning.body).toEqual({
      request_id: running.request_id,
      status: 'in_progress',
      outcome: 'not_cancellable',
    });
    clock.advance(GENERATION_MS);
    expect((await call(running.result_url)).body.status).toBe('succeeded');
    const afterEnd = await call(running.cancel_url, { method: 'POST' });
    expect(afterEnd.body).toMatchObject({ status: 'completed', outcome: 'not_cancellable' });

    expect(s.ledger.charges.map((c) => c.requestId)).toEqual([running.request_id]);
    expect(s.ledger.jobs.get(queued.request_id)?.status).toBe('cancelled');
    expect(s.ledger.cancels.map((c) => [c.requestId, c.outcome, c.httpStatus])).toEqual([
      [queued.request_id, 'cancelled', 202],
      [running.request_id, 'not_cancellable', 202],
      [running.request_id, 'not_cancellable', 202],
    ]);
  });

  it('prices standard and pro, with and without audio, per second', async () => {
    const s = await start({ concurrencyCap: 10 });
    const cases: [string, number, boolean, number][] = [
      [STANDARD, 5, false, 0.42],
      [STANDARD, 10, true, 1.26],
      [PRO, 5, false, 0.56],
      [PRO, 15, true, 2.52],
    ];
    const ids: string[] = [];
    for (const [model, duration, audio] of cases)
      ids.push((await submit(s, validBody({ duration, generate_audio: audio }), model)).request_id);
    // Omitted duration and audio default to 10 s with audio.
    const defaults = await submit(s, { prompt: 'p', start_image_url: 'https://example.com/a.jpg' });
    clock.advance(PICK_UP_MS);
    const charged = new Map(s.ledger.charges.map((c) => [c.requestId, c.usd]));
    cases.forEach(([, , , usd], i) => expect(charged.get(ids[i]!)).toBeCloseTo(usd, 9));
    expect(charged.get(defaults.request_id)).toBeCloseTo(1.26, 9);
  });

  it('answers 402 / 400002 once the key has no balance left for the job', async () => {
    const s = await start({ apiKeys: { [DEMO_API_KEY]: 1.0 } });
    await submit(s); // 0.42 reserved
    await submit(s); // 0.84 reserved
    const third = await call(submitUrl(s.url), { body: validBody() });
    expect(third.status).toBe(402);
    expect(third.body).toMatchObject({ error_code: 400002 });
    expect(third.body.error_message).toMatch(/0\.420.*0\.160/);
    expect(s.ledger.submits.map((r) => r.created)).toEqual([true, true, false]);
    // Spending is real: once both ran, the ledger shows $0.84 charged and no more jobs.
    clock.advance(PICK_UP_MS + GENERATION_MS);
    expect(s.ledger.charges.reduce((sum, c) => sum + c.usd, 0)).toBeCloseTo(0.84, 9);
    expect((await call(submitUrl(s.url), { body: validBody() })).status).toBe(402);
  });

  it('setKeyCredit tops an account up after a 402; revokeKey turns a key away mid-run', async () => {
    const s = await start({ apiKeys: { [DEMO_API_KEY]: 0.5 } });
    const first = await submit(s);
    expect((await call(submitUrl(s.url), { body: validBody() })).body.error_code).toBe(400002);
    s.setKeyCredit(DEMO_API_KEY, 1.0);
    await submit(s);
    clock.advance(PICK_UP_MS);
    s.revokeKey(DEMO_API_KEY);
    const refused = await call(first.status_url);
    expect([refused.status, refused.body.error_code]).toEqual([401, 400004]);
    expect((await call(submitUrl(s.url), { body: validBody() })).status).toBe(401);
    // The revoked key's running jobs still finish and stay billed.
    clock.advance(GENERATION_MS);
    expect(s.ledger.jobs.get(first.request_id)?.status).toBe('succeeded');
    expect(s.ledger.charges).toHaveLength(2);
    // A new key added at runtime works at once.
    s.setKeyCredit('fresh', 5);
    expect((await call(submitUrl(s.url), { body: validBody(), key: 'fresh' })).status).toBe(200);
  });

  it('rejects missing and wrong keys with 401 / 400004 and another account with 403 / 403001', async () => {
    const s = await start({ apiKeys: { [DEMO_API_KEY]: 10, other: 10 } });
    const noKey = await call(submitUrl(s.url), { body: validBody(), key: null });
    expect(noKey.status).toBe(401);
    expect(noKey.body).toMatchObject({ error_code: 400004 });
    expect(typeof noKey.body.error_message).toBe('string');
    const wrongKey = await call(submitUrl(s.url), { body: validBody(), key: 'nope' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.error_code).toBe(400004);
    expect(s.ledger.submits.every((r) => !r.created)).toBe(true);

    const sub = await submit(s);
    expect((await call(sub.status_url, { key: null })).body.error_code).toBe(400004);
    for (const url of [sub.status_url, sub.result_url]) {
      const other = await call(url, { key: 'other' });
      expect(other.status).toBe(403);
      expect(other.body.error_code).toBe(403001);
    }
    const otherCancel = await call(sub.cancel_url, { method: 'POST', key: 'other' });
    expect(otherCancel.status).toBe(403);
    expect(s.ledger.jobs.get(sub.request_id)?.status).toBe('in_queue');
    expect((await call(`${s.url}/v1/models/${STANDARD}`, { key: 'nope' })).status).toBe(401);
  });

  it('answers 404 / 404001 for unknown requests and 400 / 400001 for unknown models', async () => {
    const s = await start();
    for (const url of [`${s.url}/v1/requests/nope/status`, `${s.url}/v1/requests/nope/result`]) {
      const res = await call(url);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error_code: 404001 });
    }
    expect((await call(`${s.url}/v1/requests/nope/cancel`, { method: 'POST' })).body.error_code).toBe(404001);
    const unknownModel = await call(submitUrl(s.url, 'kling/kling-9/image-to-video'), { body: validBody() });
    expect(unknownModel.status).toBe(400);
    expect(unknownModel.body.error_code).toBe(400001);
    expect(unknownModel.body.error_message).toContain('kling/kling-9/image-to-video');
    expect((await call(`${s.url}/v1/models/nope/nope`)).body.error_code).toBe(400001);
    expect((await call(`${s.url}/v2/whatever`)).status).toBe(404);
  });

  it('serves catalog entries with both prices', async () => {
    const s = await start();
    const standard = await call(`${s.url}/v1/models/${STANDARD}`);
    expect(standard.status).toBe(200);
    expect(standard.body).toMatchObject({
      model_id: STANDARD,
      base_price_usd: 0.084,
      price_unit: 'second',
      pricing: { without_audio_usd: 0.084, with_audio_usd: 0.126 },
    });
    expect(typeof standard.body.display_name).toBe('string');
    const pro = await call(`${s.url}/v1/models/${PRO}`);
    expect(pro.body).toMatchObject({ base_price_usd: 0.112, pricing: { with_audio_usd: 0.168 } });
  });

  it('forgets finished requests after requestTtlMs and their videos after outputTtlMs', async () => {
    const s = await start({ requestTtlMs: 3_600_000, outputTtlMs: 600_000 });
    const sub = await submit(s);
    clock.advance(PICK_UP_MS + GENERATION_MS);
    const video = `${s.url}/outputs/${sub.request_id}.mp4`;
    expect((await fetch(video)).status).toBe(200);
    clock.advance(600_000 - 1);
    expect((await fetch(video)).status).toBe(200);
    clock.advance(1);
    const expired = await fetch(video);
    expect(expired.status).toBe(404);
    await expired.arrayBuffer();
    expect((await call(sub.result_url)).body.status).toBe('succeeded');
    clock.advance(3_600_000);
    const gone = await call(sub.status_url);
    expect(gone.status).toBe(404);
    expect(gone.body.error_code).toBe(404001);
    expect((await call(sub.result_url)).body.error_code).toBe(404001);
    expect(s.ledger.downloads.map((d) => d.httpStatus)).toEqual([200, 200, 404]);
  });

  it('does not serve a video before the job succeeded', async () => {
    const s = await start();
    const sub = await submit(s);
    const early = await fetch(`${s.url}/outputs/${sub.request_id}.mp4`);
    expect(early.status).toBe(404);
    await early.arrayBuffer();
  });

  it('fails generations at the generationFailure rate: completed on /status, failed on /result', async () => {
    const s = await start({ faults: { generationFailure: 1 } });
    const sub = await submit(s);
    clock.advance(PICK_UP_MS + GENERATION_MS);
    expect((await call(sub.status_url)).body.status).toBe('completed');
    const result = await call(`${sub.result_url}?include_cost=true`);
    expect(result.body.status).toBe('failed');
    expect(result.body.output).toBeUndefined();
    expect(typeof result.body.error).toBe('string');
    expect(result.body.error).toContain(sub.request_id);
    // It ran, so it was billed.
    expect(result.body.cost).toBe(0.42);
    expect(s.ledger.jobs.get(sub.request_id)).toMatchObject({ status: 'failed', outputSha256: null });
    const video = await fetch(`${s.url}/outputs/${sub.request_id}.mp4`);
    expect(video.status).toBe(404);
    await video.arrayBuffer();
  });
});

describe('simulator limits and robustness', () => {
  it('maxActivePerAccount refuses submits beyond it with 429 + Retry-After and no job', async () => {
    const s = await start({ maxActivePerAccount: 2, concurrencyCap: 1 });
    await submit(s);
    await submit(s);
    const third = await call(submitUrl(s.url), { body: validBody() });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(third.body).toMatchObject({ error_code: 429002 });
    expect(third.body.error_message).toMatch(/limit 2/);
    expect(s.ledger.submits.map((r) => [r.created, r.httpStatus])).toEqual([
      [true, 200],
      [true, 200],
      [false, 429],
    ]);
    // Once one finishes there is room again.
    clock.advance(PICK_UP_MS + GENERATION_MS);
    expect((await call(submitUrl(s.url), { body: validBody() })).status).toBe(200);
  });

  it('close() ends even when the injected clock ignores abort signals', async () => {
    const stubborn = manualClock();
    const s = await startSimulator({
      clock: { now: stubborn.now, sleep: (ms) => stubborn.sleep(ms) },
      generationMs: () => GENERATION_MS,
    });
    await submit(s);
    await tick(10);
    const outcome = await Promise.race([s.close().then(() => 'closed'), tick(3_000).then(() => 'hung')]);
    expect(outcome).toBe('closed');
  });

  it('answers 404 to malformed paths instead of failing', async () => {
    const s = await start();
    const res = await call(`${s.url}/v1/requests/%E0%A4%A/status`);
    expect(res.status).toBe(404);
    expect((await call(`${s.url}/v1/requests/x/status`, { method: 'DELETE' })).status).toBe(405);
  });

  it('hands out loopback URLs when listening on every interface', async () => {
    const s = await start({ host: '0.0.0.0' });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sub = await submit(s);
    expect(sub.status_url.startsWith(s.url)).toBe(true);
  });
});

describe('simulator variants', () => {
  it("successOnStatus 'succeeded' says succeeded on /status", async () => {
    const s = await start({ variants: { successOnStatus: 'succeeded' } });
    const sub = await submit(s);
    clock.advance(PICK_UP_MS + GENERATION_MS);
    expect((await call(sub.status_url)).body.status).toBe('succeeded');
  });

  it("outputShape 'videos' answers output.videos as an array", async () => {
    const s = await start({ variants: { outputShape: 'videos' } });
    const sub = await submit(s);
    clock.advance(PICK_UP_MS + GENERATION_MS);
    const result = await call(sub.result_url);
    expect(result.body.output).toEqual({ videos: [`${s.url}/outputs/${sub.request_id}.mp4`] });
    expect((await fetch(result.body.output.videos[0])).status).toBe(200);
  });

  it("failureOnStatus 'failed' and errorShape 'object'", async () => {
    const s = await start({
      faults: { generationFailure: 1 },
      variants: { failureOnStatus: 'failed', errorShape: 'object' },
    });
    const sub = await submit(s);
    clock.advance(PICK_UP_MS + GENERATION_MS);
    expect((await call(sub.status_url)).body.status).toBe('failed');
    const result = await call(sub.result_url);
    expect(result.body.status).toBe('failed');
    expect(result.body.error).toMatchObject({ code: 'GENERATION_FAILED', message: expect.any(String) });
  });

  it('errorsAsHttp200 answers error bodies with HTTP 200', async () => {
    const s = await start({ variants: { errorsAsHttp200: true }, apiKeys: { [DEMO_API_KEY]: 0.1 } });
    const noKey = await call(submitUrl(s.url), { body: validBody(), key: null });
    expect([noKey.status, noKey.body.error_code]).toEqual([200, 400004]);
    const noMoney = await call(submitUrl(s.url), { body: validBody() });
    expect([noMoney.status, noMoney.body.error_code]).toEqual([200, 400002]);
    const unknown = await call(`${s.url}/v1/requests/nope/status`);
    expect([unknown.status, unknown.body.error_code]).toEqual([200, 404001]);
    const badModel = await call(submitUrl(s.url, 'x/y'), { body: validBody() });
    expect([badModel.status, badModel.body.error_code]).toEqual([200, 400001]);
    const invalid = await call(submitUrl(s.url), { body: validBody({ duration: 99 }) });
    expect(invalid.status).toBe(200);
    expect(invalid.body.detail[0].loc).toEqual(['body', 'duration']);
    expect(s.ledger.submits.map((r) => r.httpStatus)).toEqual([200, 200, 200, 200]);
  });

  it('cancelOutcome overrides what the client is told, not what happens', async () => {
    const s = await start({ variants: { cancelOutcome: 'unknown' } });
    const sub = await submit(s);
    const res = await call(sub.cancel_url, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(res.body.outcome).toBe('unknown');
    expect(s.ledger.jobs.get(sub.request_id)?.status).toBe('cancelled');
    expect(s.ledger.cancels[0]?.outcome).toBe('unknown');
  });
});
