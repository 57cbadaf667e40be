// The RunComfy client against the simulator over real loopback HTTP (every documented variant),
// plus a bare node:http server for the answers the simulator never gives (garbage, odd codes).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunComfyClient } from '../../../../main/core/api/client';
import { extractVideoUrl, normalizeStatus } from '../../../../main/core/api/schemas';
import { parseRetryAfter } from '../../../../main/core/api/retry';
import { startSimulator } from '../../../../main/core/simulator';
import {
  DEMO_API_KEY,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../../../../main/core/simulator/types';

const MODEL = 'kling/kling-3.0/standard/image-to-video';
const PNG =
  'data:image/png;base64,' +
  Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(40, 7)]).toString('base64');
const body = { prompt: 'a cat', start_image_url: PNG, duration: 5, generate_audio: false };

const sims: SimulatorHandle[] = [];
async function sim(options: SimulatorOptions = {}) {
  const handle = await startSimulator({ timeScale: 0.0005, seed: 7, ...options });
  sims.push(handle);
  return handle;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function waitForStatus(client: RunComfyClient, requestId: string, wanted: string) {
  for (let i = 0; i < 400; i++) {
    const status = await client.status(requestId);
    if (status.ok && status.value.status === wanted) return status.value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`never reached ${wanted}`);
}

describe('RunComfyClient against the simulator', () => {
  it('submits, polls, reads the result with its cost and the video URL', async () => {
    const s = await sim();
    const client = new RunComfyClient({ baseUrl: s.url, apiKey: DEMO_API_KEY });
    const submitted = await client.submit(MODEL, body);
    expect(submitted.ok).toBe(true);
    if (!submitted.ok) return;
    await waitForStatus(client, submitted.value.requestId, 'completed');
    const result = await client.result(submitted.value.requestId);
    expect(result).toEqual({
      ok: true,
      value: {
        status: 'completed',
        videoUrl: `${s.url}/outputs/${submitted.value.requestId}.mp4`,
        error: null,
        costUsd: 0.42,
        serverElapsedMs: expect.any(Number),
      },
    });
    const job = s.ledger.jobs.get(submitted.value.requestId)!;
    expect(result.ok && result.value.serverElapsedMs).toBe(job.finishedAt! - job.createdAt);
  });

  it('reads output.videos[0], a failed result with an object error, and failed on /status', async () => {
    const s = await sim({ variants: { outputShape: 'videos' } });
    const client = new RunComfyClient({ baseUrl: s.url, apiKey: DEMO_API_KEY });
    const ok = await client.submit(MODEL, body);
    if (!ok.ok) throw new Error(ok.failure.message);
    await waitForStatus(client, ok.value.requestId, 'completed');
    const result = await client.result(ok.value.requestId);
    expect(result.ok && result.value.videoUrl).toBe(`${s.url}/outputs/${ok.value.requestId}.mp4`);

    const failing = await sim({
      faults: { generationFailure: 1 },
      variants: { errorShape: 'object', failureOnStatus: 'failed' },
    });
    const client2 = new RunComfyClient({ baseUrl: failing.url, apiKey: DEMO_API_KEY });
    const job = await client2.submit(MODEL, body);
    if (!job.ok) throw new Error(job.failure.message);
    await waitForStatus(client2, job.value.requestId, 'failed');
    const failed = await client2.result(job.value.requestId);
    expect(failed.ok && failed.value.status).toBe('failed');
    expect(failed.ok && failed.value.error).toMatch(/Generation failed/);
    expect(failed.ok && failed.value.videoUrl).toBeNull();
  });

  it('classifies a bad key, an unknown model, an unknown request and another account', async () => {
    const s = await sim({ apiKeys: { [DEMO_API_KEY]: 100, other: 100 } });
    const bad = new RunComfyClient({ baseUrl: s.url, apiKey: 'nope-secret-key' });
    const refused = await bad.submit(MODEL, body);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.failure).toMatchObject({
      kind: 'bad_key',
      httpStatus: 401,
      errorCode: '400004',
      neverSent: false,
    });
    expect(refused.failure.message).not.toContain('nope-secret-key');

    const client = new RunComfyClient({ baseUrl: s.url, apiKey: DEMO_API_KEY });
    const unknownModel = await client.submit('kling/nope', body);
    expect(!unknownModel.ok && unknownModel.failure.kind).toBe('rejected');
    expect(!unknownModel.ok && unknownModel.failure.errorCode).toBe('400001');
    const schema = await client.submit(MODEL, { ...body, duration: 99 });
    expect(!schema.ok && schema.failure).toMatchObject({ kind: 'rejected', httpStatus: 422 });

    const missing = await client.status('does-not-exist');
    expect(!missing.ok && missing.failure).toMatchObject({ kind: 'not_found', errorCode: '404001' });

    const mine = await client.submit(MODEL, body);
    if (!mine.ok) throw new Error(mine.failure.message);
    const theirs = await new RunComfyClient({ baseUrl: s.url, apiKey: 'other' }).status(mine.value.requestId);
    expect(!theirs.ok && theirs.failure).toMatchObject({ kind: 'forbidden', errorCode: '403001' });
  });

  it('sees an error_code inside an HTTP 200 as the error it is', async () => {
    const s = await sim({ variants: { errorsAsHttp200: true } });
    const answer = await new RunComfyClient({ baseUrl: s.url, apiKey: 'wrong' }).submit(MODEL, body);
    expect(!answer.ok && answer.failure).toMatchObject({
      kind: 'bad_key',
      httpStatus: 200,
      errorCode: '400004',
    });
    const broke = await sim({ apiKeys: { [DEMO_API_KEY]: 0.1 }, variants: { errorsAsHttp200: true } });
    const poor = await new RunComfyClient({ baseUrl: broke.url, apiKey: DEMO_API_KEY }).submit(MODEL, body);
    expect(!poor.ok && poor.failure).toMatchObject({ kind: 'no_balance', errorCode: '400002' });
  });

  it('reads a 429 with Retry-After (seconds and HTTP date) as provably not sent', async () => {
    for (const retryAfter of ['seconds', 'http-date'] as const) {
      const s = await sim({ faults: { http429: 1, retryAfter } });
      const answer = await new RunComfyClient({ baseUrl: s.url, apiKey: DEMO_API_KEY }).submit(MODEL, body);
      expect(!answer.ok && answer.failure).toMatchObject({
        kind: 'rate_limited',
        httpStatus: 429,
        neverSent: true,
      });
      expect(!answer.ok && answer.failure.retryAfterMs).toBeGreaterThanOrEqual(
        retryAfter === 'seconds' ? 1000 : 0,
      );
      expect(s.ledger.submits.every((submit) => !submit.created)).toBe(true);
    }
  });

  it('stops a hanging status request when the caller aborts, long before its timeout, and says so', async () => {
    const s = await sim();
    const client = new RunComfyClient({ baseUrl: s.url, apiKey: DEMO_API_KEY, timeoutMs: 10 * 60_000 });
    const submitted = await client.submit(MODEL, body);
    if (!submitted.ok) throw new Error(submitted.failure.message);
    s.setFaults({ hang: 1 }, ['status', 'result']);
    for (const ask of [client.status.bind(client), client.result.bind(client)]) {
      const stop = new AbortController();
      const answer = ask(submitted.value.requestId, stop.signal);
      await new Promise((resolve) => setTimeout(resolve, 50));
      stop.abort();
      const failure = await answer;
      expect(!failure.ok && failure.failure).toMatchObject({
        kind: 'network',
        errorCode: 'ABORTED',
        neverSent: false,
      });
    }
  });

  it('treats a reset, a 5xx and a hang after sending as "maybe sent", and a refused connection as not sent', async () => {
    const reset = await sim({ faults: { resetAfterBody: 1 }, faultTargets: ['submit'] });
    const r = await new RunComfyClient({ baseUrl: reset.url, apiKey: DEMO_API_KEY }).submit(MODEL, body);
    expect(!r.ok && r.failure).toMatchObject({ kind: 'network', neverSent: false });
    expect(reset.ledger.submits[0]!.created).toBe(true); // the job exists: resending would pay twice

    const hang = await sim({ faults: { hang: 1 }, faultTargets: ['submit'] });
    const h = await new RunComfyClient({
      baseUrl: hang.url,
      apiKey: DEMO_API_KEY,
      submitTimeoutMs: 200,
    }).submit(MODEL, body);
    expect(!h.ok && h.failure).toMatchObject({ kind: 'timeout', neverSent: false });

    const fiveXx = await sim({ faults: { http5xx: 1 }, faultTargets: ['submit'] });
    const f = await new RunComfyClient({ baseUrl: fiveXx.url, apiKey: DEMO_API_KEY }).submit(MODEL, body);
    expect(!f.ok && f.failure).toMatchObject({ kind: 'server', neverSent: false });

    const closed = await sim();
    const url = closed.url;
    await closed.close();
    const refused = await new RunComfyClient({ baseUrl: url, apiKey: DEMO_API_KEY }).submit(MODEL, body);
    expect(!refused.ok && refused.failure).toMatchObject({
      kind: 'network',
      errorCode: 'ECONNREFUSED',
      neverSent: true,
    });
  });

  it('classifies a poll (a GET over undici) that hangs, is cut or is refused as fetch would', async () => {
    const hang = await sim({ faults: { hang: 1 }, faultTargets: ['status'] });
    const h = await new RunComfyClient({ baseUrl: hang.url, apiKey: DEMO_API_KEY, timeoutMs: 200 }).status(
      'a1b2c3d4-0000-4000-8000-000000000000',
    );
    expect(!h.ok && h.failure).toMatchObject({ kind: 'timeout', errorCode: 'TIMEOUT' });

    const reset = await sim({ faults: { resetBeforeBody: 1 }, faultTargets: ['status'] });
    const r = await new RunComfyClient({ baseUrl: reset.url, apiKey: DEMO_API_KEY }).status(
      'a1b2c3d4-0000-4000-8000-000000000000',
    );
    // fetch names a connection closed before the answer the same way (its cause, undici's).
    expect(!r.ok && r.failure).toMatchObject({ kind: 'network', errorCode: 'UND_ERR_SOCKET' });

    const closed = await sim();
    const url = closed.url;
    await closed.close();
    const refused = await new RunComfyClient({ baseUrl: url, apiKey: DEMO_API_KEY }).status(
      'a1b2c3d4-0000-4000-8000-000000000000',
    );
    expect(!refused.ok && refused.failure).toMatchObject({ kind: 'network', errorCode: 'ECONNREFUSED' });
  });

  it('never sends the key on to another origin when a poll is redirected', async () => {
    const seen: (string | undefined)[] = [];
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"in_queue"}');
    });
    const first = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const port = (other.address() as AddressInfo).port;
      res.writeHead(302, { location: `http://localhost:${port}${req.url}` }).end();
    });
    await Promise.all([other, first].map((srv) => new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))));
    try {
      const answer = await new RunComfyClient({
        baseUrl: `http://127.0.0.1:${(first.address() as AddressInfo).port}`,
        apiKey: 'secret-key',
      }).status('a1b2c3d4-0000-4000-8000-000000000000');
      expect(answer).toMatchObject({ ok: true, value: { status: 'in_queue' } });
      expect(seen).toEqual(['Bearer secret-key', undefined]);
    } finally {
      await Promise.all([other, first].map((srv) => new Promise((r) => srv.close(r))));
    }
  });

  it('reports cancel outcomes, and any other outcome as not confirmed', async () => {
    const s = await sim({ timeScale: 1 }); // jobs stay queued for seconds: cancellable
    const client = new RunComfyClient({ baseUrl: s.url, apiKey: DEMO_API_KEY });
    const job = await client.submit(MODEL, body);
    if (!job.ok) throw new Error(job.failure.message);
    expect(await client.cancel(job.value.requestId)).toEqual({ ok: true, value: { outcome: 'cancelled' } });
    expect(await client.cancel(job.value.requestId)).toEqual({
      ok: true,
      value: { outcome: 'not_cancellable' },
    });
    const odd = await sim({ timeScale: 1, variants: { cancelOutcome: 'pending_review' } });
    const client2 = new RunComfyClient({ baseUrl: odd.url, apiKey: DEMO_API_KEY });
    const job2 = await client2.submit(MODEL, body);
    if (!job2.ok) throw new Error(job2.failure.message);
    expect(await client2.cancel(job2.value.requestId)).toEqual({
      ok: true,
      value: { outcome: 'not_confirmed' },
    });
  });

  it('reads the model catalog price', async () => {
    const s = await sim();
    const model = await new RunComfyClient({ baseUrl: s.url, apiKey: DEMO_API_KEY }).model(MODEL);
    expect(model.ok && model.value.basePriceUsd).toBe(0.084);
  });
});

describe('RunComfyClient against odd servers', () => {
  let server: Server;
  let base = '';
  let reply: (path: string) => { status: number; body: string; headers?: Record<string, string> };
  const seenAuth: (string | undefined)[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seenAuth.push(req.headers.authorization);
      req.resume();
      const r = reply(req.url ?? '');
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(r.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('calls a garbage 2xx on submit garbage (maybe sent), never a success', async () => {
    reply = () => ({ status: 200, body: '<html>gateway</html>' });
    const client = new RunComfyClient({ baseUrl: base, apiKey: 'k-secret' });
    const answer = await client.submit(MODEL, body);
    expect(!answer.ok && answer.failure).toMatchObject({ kind: 'garbage', neverSent: false });
    reply = () => ({ status: 200, body: JSON.stringify({ request_id: 'has spaces/and slashes' }) });
    const badId = await client.submit(MODEL, body);
    expect(!badId.ok && badId.failure.kind).toBe('garbage');
    expect(seenAuth.at(-1)).toBe('Bearer k-secret');
  });

  it('maps 402 / 403 without a code to account errors and redacts an echoed key', async () => {
    reply = () => ({ status: 402, body: JSON.stringify({ detail: 'pay up' }) });
    const client = new RunComfyClient({ baseUrl: base, apiKey: 'k-secret' });
    expect(await client.status('abc')).toMatchObject({ ok: false, failure: { kind: 'no_balance' } });
    reply = () => ({
      status: 403,
      body: JSON.stringify({ error_code: 400004, error_message: 'key k-secret revoked' }),
    });
    const answer = await client.status('abc');
    expect(!answer.ok && answer.failure.kind).toBe('bad_key');
    expect(!answer.ok && answer.failure.message).not.toContain('k-secret');
    expect(!answer.ok && answer.failure.message).toContain('[redacted]');
  });

  it('accepts status synonyms and refuses unknown statuses as garbage', async () => {
    reply = () => ({ status: 200, body: JSON.stringify({ status: 'succeeded' }) });
    const client = new RunComfyClient({ baseUrl: base, apiKey: null });
    expect(await client.status('abc')).toEqual({
      ok: true,
      value: { status: 'completed', queuePosition: null },
    });
    reply = () => ({ status: 200, body: JSON.stringify({ status: 'mystery' }) });
    expect(await client.status('abc')).toMatchObject({ ok: false, failure: { kind: 'garbage' } });
  });

  it('refuses a request id outside the documented alphabet before sending it', async () => {
    const client = new RunComfyClient({ baseUrl: base, apiKey: null });
    await expect(client.status('../../etc')).rejects.toThrow(/not of the form/);
  });
});

describe('response helpers', () => {
  it('finds the video URL in every documented shape', () => {
    expect(extractVideoUrl({ video: 'https://cdn.runcomfy.net/a.mp4' })).toBe(
      'https://cdn.runcomfy.net/a.mp4',
    );
    expect(extractVideoUrl({ videos: ['https://cdn.runcomfy.net/b.mp4'] })).toBe(
      'https://cdn.runcomfy.net/b.mp4',
    );
    expect(extractVideoUrl({ data: [{ files: { url: 'https://x.runcomfy.net/c.mp4' } }] })).toBe(
      'https://x.runcomfy.net/c.mp4',
    );
    expect(extractVideoUrl({ nothing: 'http://insecure/d.mp4' })).toBeNull();
    expect(extractVideoUrl({ x: 'http://127.0.0.1:9/o.mp4' }, 'http://127.0.0.1:9')).toBe(
      'http://127.0.0.1:9/o.mp4',
    );
    expect(normalizeStatus('COMPLETED')).toBe('completed');
  });

  it('parses Retry-After', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter('999999', 0)).toBe(3_600_000);
  });
});
