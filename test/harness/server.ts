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
import { readFileSync, existsSync, mkdirSync, statSync, createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, relative, resolve, sep, isAbsolute } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { WebSocketServer, type WebSocket } from 'ws';
import { createAppCore, type AppCore } from '../../main/core/app/app-core';
import type { Handlers } from '../../main/core/app/handlers';
import { openMediaBody } from '../../main/core/app/media';
import { dataFiles } from '../../main/core/app/paths';
import { createMemorySecretStore, type SecretStore } from '../../main/core/app/secrets';
import { createSettingsStore, type SettingsPatch } from '../../main/core/app/settings-store';
import { createCatalog } from '../../main/core/catalog/models';
import type { IntakeApi } from '../../main/core/contracts';
import { createEngine, fixedPollPolicy, type Engine, type EngineOptions } from '../../main/core/engine';
import { createIntake } from '../../main/core/intake';
import {
  DEMO_API_KEY,
  startSimulator,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../../main/core/simulator';
import { buildCsp } from '../../main/electron/csp';
import { invokeChannels, type Envelope, type InvokeChannel } from '../../preload/contract';

const projectRoot = resolve(__dirname, '..', '..');

export interface HarnessOptions {
  rootDir: string;
  simulator?: SimulatorOptions;
  pickInputs?: string[];
  pickOutputDir?: string | null;
  apiKey?: string | null;
  settings?: SettingsPatch;
  secureSecrets?: boolean;
  engine?: Partial<EngineOptions>;
  recordTraffic?: boolean;
  /** Built renderer folder (default out/renderer). */
  rendererDir?: string;
}

export interface Harness {
  url: string;
  engine: Engine;
  intake: IntakeApi;
  simulator: SimulatorHandle;
  handlers: Handlers;
  core: AppCore;
  secrets: SecretStore;
  dataDir: string;
  setPickedInputs(paths: string[]): void;
  setPickedOutputDir(path: string | null): void;
  desktopCalls: { showInFolder: string[]; openPath: string[] };
  logs: string[];
  traffic: {
    invokes: { channel: string; request: unknown; response: unknown }[];
    events: { channel: string; payload: unknown }[];
  };
  close(): Promise<void>;
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
  const rootDir = resolve(options.rootDir);
  const dataDir = join(rootDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const files = dataFiles(dataDir);
  const rendererDir = options.rendererDir ?? join(projectRoot, 'out', 'renderer');
  const indexFile = join(rendererDir, 'index.html');
  if (!existsSync(indexFile))
    throw new Error(
      `The harness serves the built renderer, but ${indexFile} is missing. Run \`npm run build\` first.`,
    );

  const logs: string[] = [];
  const log = (level: 'info' | 'warn' | 'error', message: string) => logs.push(`${level}: ${message}`);
  const simulator = await startSimulator({ timeScale: 0.001, seed: 1, ...options.simulator });
  const engine = createEngine({
    dbPath: files.database,
    owner: `harness:${process.pid}`,
    apiBaseUrl: simulator.url,
    apiKey: null,
    pollPolicy: fixedPollPolicy(50),
    log,
    ...options.engine,
  });
  const catalog = createCatalog();
  const intake = createIntake({
    findDone: (hash, fingerprint) => engine.findDone(hash, fingerprint),
    catalog,
  });
  const settings = createSettingsStore(files.settings);
  // The harness has no network: the "real" API is the simulator too.
  settings.update({ apiBaseUrl: simulator.url, ...options.settings });
  const secrets = createMemorySecretStore({ secure: options.secureSecrets ?? true });
  const apiKey = options.apiKey === undefined ? DEMO_API_KEY : options.apiKey;
  if (apiKey) secrets.set(apiKey, { allowPlainText: true });

  let pickedInputs = [...(options.pickInputs ?? [])];
  let pickedOutputDir = options.pickOutputDir ?? null;
  const desktopCalls = { showInFolder: [] as string[], openPath: [] as string[] };
  let url = '';
  const core = createAppCore({
    engine,
    intake,
    catalog,
    settings,
    secrets,
    dialogs: { pickInputs: async () => [...pickedInputs], pickOutputDir: async () => pickedOutputDir },
    desktop: {
      showInFolder: (path) => void desktopCalls.showInFolder.push(path),
      openPath: async (path) => void desktopCalls.openPath.push(path),
    },
    appInfo: () => ({
      version: 'harness',
      platform: process.platform,
      locale: 'en-US',
      mediaBaseUrl: `${url}/media`,
    }),
    demo: async () => ({ apiBaseUrl: simulator.url, apiKey: DEMO_API_KEY }),
    thumbnailsDir: files.thumbnails,
    log,
  });
  await core.credentials.apply();

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
    url,
    engine,
    intake,
    simulator,
    handlers: core.handlers,
    core,
    secrets,
    dataDir,
    setPickedInputs: (paths) => {
      pickedInputs = [...paths];
    },
    setPickedOutputDir: (path) => {
      pickedOutputDir = path;
    },
    desktopCalls,
    logs,
    traffic,
    async close() {
      unsubscribe();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      core.close();
      await engine.close();
      await simulator.close();
    },
  };
}
