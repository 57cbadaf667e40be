// The app's updater against a local HTTP update server, with only `electron` mocked (its net
// module is Node's http here, the app object a plain one): the real electron-updater reads the
// app-update.yml a build puts in the package (pointing at the local server, as publish points it
// at GitHub), finds 0.2.0 in latest-linux.yml, downloads the artifact and checks its sha512; the
// update policy asks once the engine has been idle for two minutes of its clock; "Restart and
// update" installs it (the AppImage updater moves the new file into place and starts it: the
// fake artifact is a script that leaves a mark), then quits.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../core/app/helpers';
import { manualClock } from '../core/simulator/helpers';

const h = await vi.hoisted(async () => {
  const { createRequire } = await import('node:module');
  const http = await import('node:http');
  const { EventEmitter } = await import('node:events');
  const quit = { count: 0 };
  const electron = {
    app: {
      isPackaged: true,
      getVersion: () => '0.1.0',
      getName: () => 'Stillmotion',
      getLocale: () => 'en-US',
      getPath: () => process.env.SM_TEST_USER_DATA!,
      getAppPath: () => process.cwd(),
      whenReady: async () => {},
      quit: () => void quit.count++,
      once: () => {},
      on: () => {},
      relaunch: () => {},
    },
    // Chromium's network stack stands in as Node's http (same request options, same events).
    net: { request: (options: object) => http.request(options) },
    session: { fromPartition: () => ({}) },
    autoUpdater: new EventEmitter(),
    dialog: { showMessageBox: async (..._args: unknown[]) => ({ response: 0 }) },
  };
  // electron-updater is plain CommonJS from node_modules and requires `electron` itself.
  const require = createRequire(import.meta.url);
  const resolved = require.resolve('electron');
  require.cache[resolved] = { id: resolved, filename: resolved, loaded: true, exports: electron } as never;
  return { electron, quit, questions: [] as string[] };
});

vi.mock('electron', () => h.electron);

const dir = tempDir('sm-updates-');
const resources = join(dir.path, 'resources');
const installed = join(dir.path, 'apps', 'Stillmotion.AppImage');
const mark = join(dir.path, 'installed.txt');
const ARTIFACT = 'stillmotion-0.2.0-linux-x64.AppImage';
/** The new version: a script that says it ran. */
const artifact = Buffer.from(`#!/bin/sh\necho "0.2.0 started" > '${mark}'\n`);
const served: string[] = [];
let server: Server;

beforeAll(async () => {
  server = createServer((req, res) => {
    served.push(`${req.method} ${req.url}`);
    const sha512 = createHash('sha512').update(artifact).digest('base64');
    if (req.url?.startsWith('/latest-linux.yml'))
      res
        .writeHead(200, { 'content-type': 'text/yaml' })
        .end(
          [
            'version: 0.2.0',
            'files:',
            `  - url: ${ARTIFACT}`,
            `    sha512: ${sha512}`,
            `    size: ${artifact.length}`,
            `path: ${ARTIFACT}`,
            `sha512: ${sha512}`,
            "releaseDate: '2026-12-01T00:00:00.000Z'",
          ].join('\n'),
        );
    else if (req.url === `/${ARTIFACT}`)
      res.writeHead(200, { 'content-length': String(artifact.length) }).end(artifact);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // What electron-builder writes into a package from `publish` (here: a studio's own server).
  mkdirSync(resources, { recursive: true });
  writeFileSync(
    join(resources, 'app-update.yml'),
    `provider: generic\nurl: ${url}\nupdaterCacheDirName: stillmotion-updater\n`,
  );
  (process as { resourcesPath?: string }).resourcesPath = resources;
  mkdirSync(join(dir.path, 'apps'));
  writeFileSync(installed, '#!/bin/sh\n');
  chmodSync(installed, 0o755);
  vi.stubEnv('APPIMAGE', installed);
  vi.stubEnv('XDG_CACHE_HOME', join(dir.path, 'cache'));
  vi.stubEnv('SM_TEST_USER_DATA', join(dir.path, 'user-data'));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
  dir.remove();
});

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 600 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('updates in the packaged app', () => {
  it('finds, downloads and verifies 0.2.0 from the server; installs it only after idle minutes and a yes', async () => {
    const { createEngine } = await import('../../../main/core/engine');
    const { createAppContext } = await import('../../../main/electron/running-app');
    const { checkForUpdatesFromMenu, startUpdates } = await import('../../../main/electron/updates');
    const logged: string[] = [];
    const context = createAppContext({
      devServerUrl: undefined,
      rendererIndex: '',
      location: { kind: 'file', path: '' } as never,
      dataDir: dir.path,
      logDir: dir.path,
    });
    context.logger = { log: (level, message) => void logged.push(`${level}: ${message}`), logFile: '' };
    const engine = createEngine({ dbPath: join(dir.path, 'jobs.sqlite') });
    context.engine = engine;
    const dialog = vi.spyOn(h.electron.dialog, 'showMessageBox');
    const clock = manualClock();
    const policy = startUpdates(context, { clock })!;
    try {
      await until(() => policy.state().kind === 'ready', 'the update to download');
      expect(policy.state()).toEqual({ kind: 'ready', version: '0.2.0' });
      expect(served.map((line) => line.replace(/\?noCache=\w+$/, ''))).toEqual([
        'GET /latest-linux.yml',
        `GET /${ARTIFACT}`,
      ]);
      // Downloaded, not yet asked: the queue has not been idle for two minutes of the clock.
      await new Promise((r) => setTimeout(r, 50));
      expect(dialog).not.toHaveBeenCalled();
      expect(existsSync(mark)).toBe(false);
      // The menu's Check for Updates… says where it stands (and a checkout says it does not update).
      await checkForUpdatesFromMenu(context, policy);
      await checkForUpdatesFromMenu(context, null);
      expect(dialog.mock.calls.map(([options]) => (options as { message: string }).message)).toEqual([
        'Stillmotion 0.2.0 is downloaded. It installs when no batch is running and you agree, or when you quit.',
        'This Stillmotion runs from a source checkout, which does not update itself: pull the new version with git.',
      ]);
      dialog.mockClear();

      clock.advance(2 * 60_000);
      await until(() => existsSync(mark), 'the new version to start');
      expect(dialog).toHaveBeenCalledTimes(1);
      expect(JSON.stringify(dialog.mock.calls[0])).toContain(
        'Stillmotion 0.2.0 is ready to install. No batch is running now: restart to update?',
      );
      expect(readFileSync(mark, 'utf8')).toBe('0.2.0 started\n');
      // The installed file is now the downloaded one.
      expect(readFileSync(installed)).toEqual(artifact);
      await until(() => h.quit.count > 0, 'the quit after installing');
    } finally {
      policy.close();
      await engine.close();
    }
  }, 60_000);
});
