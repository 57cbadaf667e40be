// An HTTP proxy in front of the simulator for bench 14 (picker.ts): passes every request through,
// except that while stalled it holds the catalog's requests (GET /v1/models...) unanswered, as a
// slow or hanging network would, and lets them go on when released. So the bench can open the
// model picker while a refresh of RunComfy's catalog is on its way and cannot arrive.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StallProxy {
  url: string;
  /** Holds catalog requests from now on, until release(). */
  stall(): void;
  /** Sends the held requests on, and every later one at once. */
  release(): void;
  /** Catalog requests held right now. */
  held(): number;
  close(): Promise<void>;
}

async function forward(target: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = Object.fromEntries(
    Object.entries(req.headers).flatMap(([name, value]) =>
      name === 'host' || name === 'connection' || value === undefined
        ? []
        : [[name, Array.isArray(value) ? value.join(', ') : value]],
    ),
  );
  const answer = await fetch(`${target}${req.url}`, {
    method: req.method,
    headers,
    body: chunks.length ? Buffer.concat(chunks) : undefined,
  });
  const body = Buffer.from(await answer.arrayBuffer());
  res.writeHead(answer.status, {
    'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
    'content-length': String(body.length),
  });
  res.end(body);
}

export async function startStallProxy(target: string): Promise<StallProxy> {
  let stalled = false;
  let held: (() => void)[] = [];
  const server = createServer((req, res) => {
    const pass = () =>
      void forward(target, req, res).catch((error: unknown) => {
        res.writeHead(502).end(`proxy: ${(error as Error).message}`);
      });
    if (stalled && req.method === 'GET' && req.url?.startsWith('/v1/models')) held.push(pass);
    else pass();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stall: () => void (stalled = true),
    release: () => {
      stalled = false;
      const waiting = held;
      held = [];
      for (const pass of waiting) pass();
    },
    held: () => held.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
