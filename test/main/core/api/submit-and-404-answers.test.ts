// What an answer proves, on the client's side: a submit answer about billing (a 2xx carrying an
// error_code), a 404 about a request (only RunComfy's 404001 says it is unknown). A bare node:http server gives
// the answers gateways and proxies give and the simulator does not.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunComfyClient } from '../../../../main/core/api/client';

const MODEL = 'kling/kling-3.0/standard/image-to-video';
const body = { prompt: 'a cat', start_image_url: 'data:image/png;base64,AAAA', duration: 5 };

let server: Server;
let base = '';
let reply: () => { status: number; body: string; type?: string };
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const r = reply();
    res.writeHead(r.status, { 'content-type': r.type ?? 'application/json' });
    res.end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () => new RunComfyClient({ baseUrl: base, apiKey: 'k-secret' });

describe('a 2xx submit answer carrying an error_code', () => {
  it('keeps a valid request_id: the job exists and must be tracked, whatever the error_code says', async () => {
    reply = () => ({
      status: 200,
      body: JSON.stringify({ request_id: 'req_abc123', error_code: 400001, error_message: 'odd' }),
    });
    expect(await client().submit(MODEL, body)).toEqual({ ok: true, value: { requestId: 'req_abc123' } });
  });

  it('takes an undocumented error_code without a request_id as "maybe sent" (unknown_submit), never "refused, not billed"', async () => {
    reply = () => ({
      status: 200,
      body: JSON.stringify({ error_code: 500123, error_message: 'upstream hiccup' }),
    });
    const answer = await client().submit(MODEL, body);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    // The engine turns garbage / server / network / timeout into unknown_submit; rejected,
    // forbidden and not_found into "failed, not billed".
    expect(['garbage', 'server', 'network', 'timeout']).toContain(answer.failure.kind);
    expect(answer.failure).toMatchObject({ neverSent: false, errorCode: '500123', httpStatus: 200 });
    expect(answer.failure.message).toMatch(/500123/);
  });

  it('still takes the documented "nothing was created" codes in a 2xx as refusals', async () => {
    reply = () => ({
      status: 200,
      body: JSON.stringify({ error_code: 400001, error_message: 'unknown model' }),
    });
    expect(await client().submit(MODEL, body)).toMatchObject({ ok: false, failure: { kind: 'rejected' } });
    reply = () => ({ status: 200, body: JSON.stringify({ error_code: 400004, error_message: 'bad key' }) });
    expect(await client().submit(MODEL, body)).toMatchObject({ ok: false, failure: { kind: 'bad_key' } });
    reply = () => ({ status: 200, body: JSON.stringify({ error_code: '400002', error_message: 'top up' }) });
    expect(await client().submit(MODEL, body)).toMatchObject({ ok: false, failure: { kind: 'no_balance' } });
  });

  it('does not take a request-level code (403001, 404001) in a 2xx submit answer as proof nothing was created', async () => {
    for (const code of [403001, 404001]) {
      reply = () => ({ status: 200, body: JSON.stringify({ error_code: code, error_message: 'strange' }) });
      const answer = await client().submit(MODEL, body);
      expect(!answer.ok && answer.failure.kind).toBe('garbage');
    }
  });
});

describe('only error_code 404001 means a request is unknown or expired', () => {
  it('classifies a bare HTML 404 (a proxy page) on status and result as transient, not not_found', async () => {
    reply = () => ({ status: 404, body: '<html><body>404 Not Found</body></html>', type: 'text/html' });
    for (const answer of [await client().status('req_1'), await client().result('req_1')]) {
      expect(answer.ok).toBe(false);
      if (answer.ok) continue;
      expect(answer.failure.kind).not.toBe('not_found');
      expect(answer.failure).toMatchObject({ httpStatus: 404, errorCode: null });
      expect(answer.failure.message).toMatch(/404/);
    }
  });

  it('classifies a JSON 404 without an error_code (a gateway default) as transient too', async () => {
    reply = () => ({ status: 404, body: JSON.stringify({ detail: 'Not Found' }) });
    const answer = await client().status('req_1');
    expect(!answer.ok && answer.failure.kind).not.toBe('not_found');
  });

  it('keeps 404001 (with HTTP 404 or 200) as not_found', async () => {
    reply = () => ({ status: 404, body: JSON.stringify({ error_code: 404001, error_message: 'expired' }) });
    expect(await client().status('req_1')).toMatchObject({
      ok: false,
      failure: { kind: 'not_found', errorCode: '404001' },
    });
    reply = () => ({ status: 200, body: JSON.stringify({ error_code: '404001', error_message: 'expired' }) });
    expect(await client().result('req_1')).toMatchObject({ ok: false, failure: { kind: 'not_found' } });
  });
});
