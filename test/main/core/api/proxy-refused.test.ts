// A proxy that refuses the tunnel (a company proxy's rules, a wrong HTTPS_PROXY): the request
// never left this machine's proxy, so a submit that fails this way was provably not sent and
// cannot have been paid; it is said in words that point at the proxy. Its own file: the default
// network reads HTTP_PROXY once per process, at its first request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunComfyClient } from '../../../../main/core/api/client';
import { DEMO_API_KEY, startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { PNG_1X1 } from '../simulator/helpers';

let sim: SimulatorHandle;
let proxy: Server;
const connects: string[] = [];

beforeAll(async () => {
  sim = await startSimulator();
  proxy = createServer((_req, res) => res.writeHead(403).end());
  proxy.on('connect', (req, socket) => {
    connects.push(req.url ?? '');
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  vi.stubEnv('HTTP_PROXY', url);
  vi.stubEnv('HTTPS_PROXY', url);
  vi.stubEnv('NO_PROXY', '');
  vi.stubEnv('no_proxy', '');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sim?.close();
  await new Promise((resolve) => proxy.close(resolve));
});

describe('a proxy that refuses the tunnel', () => {
  it('makes a submit "never sent" (nothing paid), with the proxy named as the cause', async () => {
    const client = new RunComfyClient({ baseUrl: sim.url, apiKey: DEMO_API_KEY });
    const answer = await client.submit('kling/kling-3.0/standard/image-to-video', {
      prompt: 'a cat',
      start_image_url: `data:image/png;base64,${PNG_1X1.toString('base64')}`,
      duration: 5,
    });
    expect(connects).toEqual([new URL(sim.url).host]);
    expect(sim.ledger.submits).toEqual([]);
    expect(!answer.ok && answer.failure).toMatchObject({
      kind: 'network',
      errorCode: 'PROXY_REFUSED',
      neverSent: true,
    });
    expect(!answer.ok && answer.failure.message).toMatch(
      /^POST \/v1\/models\/kling\/kling-3\.0\/standard\/image-to-video to http:\/\/127\.0\.0\.1:\d+ failed: the proxy refused the connection \(HTTP 403\); check the proxy settings \(the system's for the app; HTTPS_PROXY and NO_PROXY for the CLI\) and the proxy's rules$/,
    );
  });
});
