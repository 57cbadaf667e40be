/**
 * Browser test harness: the built renderer (out/renderer) in a real browser, talking to the
 * real engine, intake and simulator through the SAME handler map and media resolver as the
 * Electron app (main/core/app/app-core.ts). Only the transport differs: HTTP + WebSocket on
 * 127.0.0.1 instead of IPC.
 *
 *   const h = await startHarness({ rootDir, simulator: { timeScale: 0.001 }, pickInputs: ['/abs/dir'] });
 *   const browser = await launchBrowser();              // test/harness/launch-browser.ts
 *   const page = await browser.newPage();
 *   await page.goto(h.url);                             // window.api is defined before the app runs
 *   ...
 *   await browser.close(); await h.close();
 *
 * Options (`HarnessOptions`):
 *   rootDir        a temp folder owned by the test: data/ (SQLite file, settings.json, thumbnails)
 *                  lives under it; put input images and the output folder there too.
 *   simulator      SimulatorOptions for the RunComfy simulator (default { timeScale: 0.001, seed: 1 }:
 *                  a 90 s generation takes 90 ms). Its ledger is `h.simulator.ledger`.
 *   pickInputs     what "Add files/folders…" (dialog.pickInputs) answers; change with setPickedInputs.
 *   pickOutputDir  what "Choose folder…" (dialog.pickOutputDir) answers (default null = cancelled).
 *   apiKey         a key stored before the page loads (default: the simulator's demo key, so
 *                  batches run; pass null for a first-run screen without a key).
 *   settings       initial settings patch (e.g. { simulated: true, notifications: false }).
 *   secureSecrets  false makes the key store behave like Linux without a keyring
 *                  (setApiKey answers needs_confirmation unless allowPlainTextStorage).
 *   engine         extra EngineOptions (default: a 50 ms fixed poll policy so e2e runs are quick).
 *   recordTraffic  keep every invoke (channel, request, response) and event in `h.traffic`.
 *
 * The handle (`Harness`):
 *   url                       http://127.0.0.1:<port> (the app at /, media at /media/...)
 *   engine, intake, simulator the live services (engine.waitForItemState(id, 'done'), engine.idle(), ledger...)
 *   handlers                  the handler map (call a channel directly: h.handlers['query:batches.list']({}))
 *   core                      scans, credentials, media resolver, settings via core.services
 *   setPickedInputs(paths), setPickedOutputDir(path|null)
 *   desktopCalls              { showInFolder: string[], openPath: string[] } recorded, nothing opened
 *   logs                      lines the services logged
 *   traffic                   { invokes: [...], events: [...] } when recordTraffic
 *   close()                   stops server, engine (resumable), simulator
 *
 * Dropped files: the page's `api.files.pathForFile(file)` returns `file.path ?? file.name`, so a
 * test can dispatch a drop of `new File([bytes], '/abs/path/img.jpg')`.
 * HTTP routes: POST /api/invoke/<channel> (JSON body -> Envelope), WS /api/events ({channel,payload}),
 * GET|HEAD /media/<item/1/thumb|item/1/video|scan/<id>/<i>/thumb> (Range supported), the app files.
 * Requests from another Origin are refused (403), as Electron refuses other senders.
 */
import { readFileSync, existsSync, statSync, createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, relative, resolve, sep, isAbsolute } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { WebSocketServer, type WebSocket } from 'ws';
import { openMediaBody } from '../../main/core/app/media';
import { buildCsp } from '../../main/electron/csp';
import { invokeChannels, type Envelope, type InvokeChannel } from '@common/contract';
import { createTestApp, type TestApp, type TestAppOptions } from './test-app';

const projectRoot = resolve(__dirname, '..', '..');

export interface HarnessOptions extends Omit<TestAppOptions, 'mediaBaseUrl'> {
  recordTraffic?: boolean;
  /** Built renderer folder (default out/renderer). */
  rendererDir?: string;
}

export interface Harness extends TestApp {
  url: string;
  traffic: {
    invokes: { channel: string; request: unknown; response: unknown }[];
    events: { channel: string; payload: unknown }[];
  };
}

let clientBundle: Promise<string> | null = null;

/** The browser client (client.ts + preload/api.ts + contract), bundled once per process. */
export function harnessClientScript(): Promise<string> {
  clientBundle ??= build({
    entryPoints: [join(__dirname, 'client.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  return clientBundle;
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

const MAX_BODY = 64 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const rendererDir = options.rendererDir ?? join(projectRoot, 'out', 'renderer');
  const indexFile = join(rendererDir, 'index.html');
  if (!existsSync(indexFile))
    throw new Error(
      `The harness serves the built renderer, but ${indexFile} is missing. Run \`npm run build\` first.`,
    );
  let url = '';
  const app = await createTestApp({ ...options, mediaBaseUrl: () => `${url}/media` });
  const { core, logs } = app;

  const traffic: Harness['traffic'] = { invokes: [], events: [] };
  const html = readFileSync(indexFile, 'utf8');
  // A classic (non-module) script runs during parsing, before the app's deferred module script.
  const page = html.replace(/<script\b/, '<script src="/__harness/client.js"></script>\n    <script');

  const sameOrigin = (req: IncomingMessage) => {
    const origin = req.headers.origin;
    const host = req.headers.host;
    // Host must be ours (DNS rebinding); Origin, when sent, must be ours (CSRF from other pages).
    return host === new URL(url).host && (origin === undefined || origin === url);
  };

  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  };

  const serveInvoke = async (req: IncomingMessage, res: ServerResponse, channel: string) => {
    if (req.method !== 'POST') return send(res, 405, 'POST only');
    if (!sameOrigin(req)) return send(res, 403, 'forbidden');
    if (!Object.hasOwn(invokeChannels, channel)) return send(res, 404, `unknown channel ${channel}`);
    let payload: unknown;
    try {
      const text = await readBody(req);
      payload = text ? JSON.parse(text) : {};
    } catch {
      payload = Symbol('unreadable'); // fails the schema: an invalid_request envelope
    }
    const handler = core.handlers[channel as InvokeChannel] as (p: unknown) => Promise<Envelope<unknown>>;
    const envelope = await handler(payload);
    if (options.recordTraffic) traffic.invokes.push({ channel, request: payload, response: envelope });
    send(res, 200, JSON.stringify(envelope), 'application/json');
  };

  const serveMedia = async (req: IncomingMessage, res: ServerResponse, rawPath: string) => {
    if (!sameOrigin(req)) return send(res, 403, 'forbidden');
    const answer = await core.media.resolve({
      path: rawPath,
      method: req.method,
      range: req.headers.range ?? null,
    });
    res.writeHead(answer.status, answer.headers);
    const body = openMediaBody(answer.body);
    if (!body) return res.end();
    body.on('error', () => res.destroy());
    body.pipe(res);
  };

  const serveStatic = (res: ServerResponse, rawPath: string) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return send(res, 400, 'bad path');
    }
    const file = normalize(join(rendererDir, decoded));
    const rel = relative(rendererDir, file);
    if (rel.startsWith('..') || isAbsolute(rel) || decoded.includes('\0')) return send(res, 403, 'forbidden');
    if (!existsSync(file) || !statSync(file).isFile()) return send(res, 404, 'not found');
    res.writeHead(200, {
      'Content-Type': STATIC_TYPES[extname(file)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
    });
    createReadStream(file).pipe(res);
  };

  const server = createServer((req, res) => {
    const target = req.url ?? '/';
    const path = target.split(/[?#]/, 1)[0]!;
    const route = async () => {
      if (path === '/' || path === '/index.html') {
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': buildCsp({ header: true }),
          'Cache-Control': 'no-store',
        });
        return res.end(page);
      }
      if (path === '/__harness/client.js')
        return send(res, 200, await harnessClientScript(), 'text/javascript; charset=utf-8');
      if (path.startsWith('/api/invoke/')) return serveInvoke(req, res, path.slice('/api/invoke/'.length));
      if (path.startsWith('/media/')) return serveMedia(req, res, path.slice('/media/'.length));
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
      return serveStatic(res, path.slice(1).split('/').join(sep));
    };
    route().catch((error: unknown) => {
      logs.push(`error: harness ${path}: ${String(error)}`);
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });

  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/api/events' || !sameOrigin(req)) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });
  const unsubscribe = core.subscribe((channel, payload) => {
    if (options.recordTraffic) traffic.events.push({ channel, payload });
    const message = JSON.stringify({ channel, payload });
    for (const client of sockets.clients as Set<WebSocket>)
      if (client.readyState === client.OPEN) client.send(message);
  });

  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Build the client now so the first page load does not wait for esbuild.
  await harnessClientScript();

  return {
    ...app,
    url,
    traffic,
    async close() {
      unsubscribe();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await app.close();
    },
  };
}
