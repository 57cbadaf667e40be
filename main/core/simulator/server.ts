// The simulated RunComfy Model API over a real node:http server (see runcomfy-api.md for every
// shape produced here). One request flows: route -> fault roll -> body (capped while streaming)
// -> auth -> endpoint -> the answer, or the fault's way of not answering. Every request lands in
// the ledger, including the ones whose answer the client never saw. This file owns the server's
// life (listen, sockets, close) and the handle; state.ts holds what a run knows, routes.ts,
// submit-route.ts and download-route.ts answer, replies.ts says how.
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { send } from './replies';
import { route } from './routes';
import { createState } from './state';
import type { FaultTarget, SimulatorHandle, SimulatorOptions } from './types';

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const sim = createState(options);
  const { book, ledger, faults, environment, clock } = sim;
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    route(sim, req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed)
        send(res, {
          status: 500,
          body: { error_code: 500000, error_message: `Simulator bug: ${String(error)}` },
        });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that cuts a connection must not crash the simulator.
  server.on('clientError', (_error, socket) => socket.destroy());

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // Listening on every interface still hands out loopback URLs that a client can dial.
  const reachable =
    address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  sim.baseUrl = `http://${address.family === 'IPv6' ? `[${reachable}]` : reachable}:${address.port}`;

  const stopLoop = new AbortController();
  const loop = book.run(stopLoop.signal);

  let closing: Promise<void> | null = null;
  return {
    url: sim.baseUrl,
    // A getter, so a test reading the ledger sees every start and finish already due.
    get ledger() {
      book.advance(clock.now());
      return ledger;
    },
    setFaults(rates, targets?: FaultTarget[]) {
      faults.set(rates, targets);
    },
    setEnvironment(environmentFaults) {
      environment.set(environmentFaults);
      ledger.environment!.outage = environment.outageWindow;
    },
    setKeyCredit(key, usd) {
      book.setCredit(key, usd);
    },
    revokeKey(key) {
      book.revoke(key);
    },
    close() {
      closing ??= (async () => {
        stopLoop.abort();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
        await loop;
      })();
      return closing;
    },
  };
}
