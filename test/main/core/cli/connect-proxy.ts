// A forward proxy on loopback for the proxy tests, which logs every request that passes it: a
// CONNECT tunnel (how undici's proxy agent reaches every origin) is answered here and its plain
// HTTP read request by request (the simulator speaks http, so the tunnel's content is readable),
// each one logged and forwarded to the tunnel's target; a plain absolute-URL proxy request is
// logged and forwarded the same way.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LoggingProxy {
  url: string;
  /** "METHOD http://host:port/path" per request forwarded, in order; "CONNECT host:port" per tunnel. */
  log: string[];
  close(): Promise<void>;
}

const tunnelTargets = new WeakMap<Socket, string>();

function forward(req: IncomingMessage, res: ServerResponse, target: URL, log: string[]): void {
  log.push(`${req.method} ${target.href}`);
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: target.pathname + target.search,
      headers: req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}

export async function startLoggingProxy(): Promise<LoggingProxy> {
  const log: string[] = [];
  const sockets = new Set<Socket>();
  const insideTunnels = createServer((req, res) => {
    const target = tunnelTargets.get(req.socket) ?? 'unknown:0';
    forward(req, res, new URL(req.url ?? '/', `http://${target}`), log);
  });
  const proxy = createServer((req, res) => forward(req, res, new URL(req.url ?? ''), log));
  proxy.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    log.push(`CONNECT ${req.url}`);
    tunnelTargets.set(socket, req.url ?? '');
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    insideTunnels.emit('connection', socket);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    log,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
