// The Electron entry, run with the `electron` module mocked (the binary is not installed here)
// and a real engine, intake and SQLite file underneath: what is set up before `ready`, what the
// window and session get, that IPC answers only our main frame, and the overnight wiring.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCsp } from '../../../main/electron/csp';
import { invokeChannels } from '@common/contract';
import { tempDir, writeImage, batchSettings } from '../core/app/helpers';
import { version as packageVersion } from '../../../package.json';

type Listener = (...args: unknown[]) => unknown;
const h = vi.hoisted(() => {
  const order: string[] = [];
  const appListeners = new Map<string, Listener[]>();
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const windows: FakeWindowShape[] = [];
  const logLines: string[] = [];
  const trays: { setToolTip: ReturnType<typeof vi.fn>; setContextMenu: ReturnType<typeof vi.fn> }[] = [];
  interface FakeWindowShape {
    options: unknown;
    listeners: Map<string, Listener[]>;
    webContents: {
      listeners: Map<string, Listener[]>;
      mainFrame: { processId: number; routingId: number; parent: null; url: string };
      reload: ReturnType<typeof vi.fn>;
      send: ReturnType<typeof vi.fn>;
      isDestroyed(): boolean;
      on(event: string, fn: Listener): void;
    };
    hide: ReturnType<typeof vi.fn>;
    setProgressBar: ReturnType<typeof vi.fn>;
    loadFile: ReturnType<typeof vi.fn>;
  }
  return { order, appListeners, ready, resolveReady: () => resolveReady(), windows, logLines, trays };
});

vi.mock('electron-log/main', () => {
  const hooks: ((m: { data: unknown[]; level: string }) => { data: unknown[] })[] = [];
  const write =
    (level: string) =>
    (...data: unknown[]) => {
      let message = { data, level };
      for (const hook of hooks) message = { ...message, ...hook(message) };
      h.logLines.push(`${level}: ${message.data.join(' ')}`);
    };
  const logger = {
    transports: { file: {} },
    hooks,
    errorHandler: { startCatching: vi.fn() },
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
  return { default: logger };
});

vi.mock('electron', () => {
  const on = (map: Map<string, Listener[]>) => (event: string, fn: Listener) => {
    map.set(event, [...(map.get(event) ?? []), fn]);
  };
  class BrowserWindow {
    listeners = new Map<string, Listener[]>();
    webContents = {
      listeners: new Map<string, Listener[]>(),
      mainFrame: { processId: 3, routingId: 1, parent: null, url: '' },
      reload: vi.fn(),
      send: vi.fn(),
      isDestroyed: () => false,
      on(event: string, fn: Listener) {
        on(this.listeners)(event, fn);
      },
    };
    hide = vi.fn();
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    setProgressBar = vi.fn();
    loadFile = vi.fn(async (file: string) => {
      this.webContents.mainFrame.url = `file://${file}`;
    });
    loadURL = vi.fn(async (url: string) => {
      this.webContents.mainFrame.url = url;
    });
    constructor(public options: unknown) {
      h.windows.push(this as never);
    }
    on(event: string, fn: Listener) {
      on(this.listeners)(event, fn);
    }
    once(event: string, fn: Listener) {
      on(this.listeners)(event, fn);
    }
    isDestroyed = () => false;
    isMinimized = () => false;
  }
  class Tray {
    setContextMenu = vi.fn();
    setToolTip = vi.fn();
    on = vi.fn();
    constructor() {
      h.trays.push(this as never);
    }
  }
  class Notification {
    static isSupported = () => true;
    static shown: { title: string; body: string }[] = [];
    constructor(private content: { title: string; body: string }) {}
    on = vi.fn();
    show() {
      Notification.shown.push(this.content);
    }
  }
  const electron = {
    app: {
      setName: vi.fn(() => h.order.push('setName')),
      setPath: vi.fn(() => h.order.push('setPath')),
      setAppLogsPath: vi.fn(),
      setAppUserModelId: vi.fn(),
      setAboutPanelOptions: vi.fn(),
      requestSingleInstanceLock: vi.fn(() => (h.order.push('lock'), true)),
      quit: vi.fn(() => {
        for (const fn of h.appListeners.get('before-quit') ?? []) fn({ preventDefault: vi.fn() });
      }),
      on: on(h.appListeners),
      whenReady: () => h.ready,
      isPackaged: true,
      getVersion: () => '0.1.0-test',
      getLocale: () => 'en-US',
    },
    crashReporter: { start: vi.fn(() => h.order.push('crashReporter')) },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(() => h.order.push('schemes')),
      handle: vi.fn(),
      unhandle: vi.fn(),
    },
    BrowserWindow,
    Tray,
    Notification,
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: vi.fn() },
    nativeImage: { createFromDataURL: vi.fn(() => ({})) },
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        webRequest: { onHeadersReceived: vi.fn() },
      },
    },
    shell: {
      openExternal: vi.fn(async () => {}),
      openPath: vi.fn(async () => ''),
      showItemInFolder: vi.fn(),
    },
    dialog: {
      showOpenDialog: vi.fn(),
      showMessageBox: vi.fn(async () => ({ response: 0 })),
      showErrorBox: vi.fn(),
    },
    // Chromium's network stack stands in as Node's fetch; the calls show what went through it.
    net: { fetch: vi.fn((input: string, init?: RequestInit) => fetch(input, init)) },
    powerMonitor: { on: vi.fn() },
    powerSaveBlocker: { start: vi.fn(() => 11), stop: vi.fn() },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x33)),
      decryptString: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x33)).toString(),
    },
  };
  // electron-updater (plain CommonJS from node_modules) requires `electron` itself.
  const { createRequire } = process.getBuiltinModule('node:module');
  const require = createRequire(__filename);
  const resolved = require.resolve('electron');
  require.cache[resolved] = { id: resolved, filename: resolved, loaded: true, exports: electron } as never;
  return electron;
});

import * as electron from 'electron';

const mocked = electron as unknown as {
  app: { setPath: ReturnType<typeof vi.fn>; setAboutPanelOptions: ReturnType<typeof vi.fn> };
  Menu: { setApplicationMenu: ReturnType<typeof vi.fn> };
  crashReporter: { start: ReturnType<typeof vi.fn> };
  ipcMain: { handle: ReturnType<typeof vi.fn> };
  protocol: { registerSchemesAsPrivileged: ReturnType<typeof vi.fn>; handle: ReturnType<typeof vi.fn> };
  session: {
    defaultSession: {
      setPermissionRequestHandler: ReturnType<typeof vi.fn>;
      setPermissionCheckHandler: ReturnType<typeof vi.fn>;
      webRequest: { onHeadersReceived: ReturnType<typeof vi.fn> };
    };
  };
  shell: { openExternal: ReturnType<typeof vi.fn> };
  dialog: { showMessageBox: ReturnType<typeof vi.fn> };
  powerSaveBlocker: { start: ReturnType<typeof vi.fn>; stop: ReturnType<typeof vi.fn> };
  powerMonitor: { on: ReturnType<typeof vi.fn> };
  net: { fetch: ReturnType<typeof vi.fn> };
};

let dir: { path: string; remove(): void };
const CANARY = 'rk_live_CANARY_index_5150';

function invoker(channel: string) {
  const call = mocked.ipcMain.handle.mock.calls.find(([c]) => c === channel);
  if (!call) throw new Error(`no handler for ${channel}`);
  return call[1] as (
    event: unknown,
    payload: unknown,
  ) => Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
}

async function waitFor(condition: () => boolean, what: string) {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  dir = tempDir('sm-index-');
  vi.stubEnv('STILLMOTION_DATA_DIR', join(dir.path, 'data'));
  await import('../../../main/electron/index');
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  dir?.remove();
});

describe('main/electron/index.ts', () => {
  it('settles the lock, data folder, crash reporter and media scheme before ready', () => {
    expect(h.order.slice(0, 5)).toEqual(['setName', 'setPath', 'crashReporter', 'schemes', 'lock']);
    expect(mocked.app.setPath).toHaveBeenCalledWith('userData', join(dir.path, 'data'));
    expect(mocked.crashReporter.start).toHaveBeenCalledWith({ uploadToServer: false });
    expect(mocked.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'stillmotion-app' }),
      expect.objectContaining({ scheme: 'stillmotion-media' }),
    ]);
    expect(h.windows).toHaveLength(0);
  });

  it('after ready: one hardened window, every channel registered, permissions denied, CSP header', async () => {
    h.resolveReady();
    await waitFor(() => h.windows.length === 1, 'the window');
    const [window] = h.windows;
    const prefs = (window!.options as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/);
    const channels = mocked.ipcMain.handle.mock.calls.map(([c]) => c).sort();
    expect(channels).toEqual(Object.keys(invokeChannels).sort());
    expect(mocked.protocol.handle).toHaveBeenCalledWith('stillmotion-media', expect.any(Function));
    expect(mocked.protocol.handle).toHaveBeenCalledWith('stillmotion-app', expect.any(Function));

    const deny = mocked.session.defaultSession.setPermissionRequestHandler.mock.calls[0]![0] as Listener;
    const callback = vi.fn();
    deny({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect((mocked.session.defaultSession.setPermissionCheckHandler.mock.calls[0]![0] as Listener)()).toBe(
      false,
    );

    const headers = mocked.session.defaultSession.webRequest.onHeadersReceived.mock.calls[0]![0] as Listener;
    const done = vi.fn();
    headers({ responseHeaders: { 'X-Other': ['1'] } }, done);
    expect(done).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [buildCsp({ header: true })] },
    });
  });

  it("About shows package.json's version (the one `stillmotion --version` prints), reachable from the menu", () => {
    expect(mocked.app.setAboutPanelOptions).toHaveBeenCalledWith(
      expect.objectContaining({ applicationName: 'Stillmotion', applicationVersion: packageVersion }),
    );
    const template = mocked.Menu.setApplicationMenu.mock.calls.at(-1)![0] as {
      role?: string;
      submenu?: unknown;
    }[];
    const roles = JSON.stringify(template);
    expect(roles).toContain('"role":"about"');
    expect(roles).toContain('"label":"Check for Updates…"');
  });

  it('guards every web contents: no navigation away, no popups, no webviews', () => {
    const created = h.appListeners.get('web-contents-created')![0]!;
    const listeners = new Map<string, Listener>();
    let openHandler: Listener = () => null;
    created(
      {},
      {
        on: (e: string, fn: Listener) => listeners.set(e, fn),
        setWindowOpenHandler: (fn: Listener) => (openHandler = fn),
      },
    );
    const navigate = { preventDefault: vi.fn() };
    listeners.get('will-navigate')!(navigate, 'https://evil.example/');
    expect(navigate.preventDefault).toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    listeners.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(openHandler({ url: 'https://www.runcomfy.com/pricing' })).toEqual({ action: 'deny' });
    expect(mocked.shell.openExternal).toHaveBeenCalledWith('https://www.runcomfy.com/pricing');
    expect(openHandler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(mocked.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('answers IPC from our main frame only', async () => {
    const window = h.windows[0]!;
    await waitFor(() => window.webContents.mainFrame.url !== '', 'the page to load');
    const frame = window.webContents.mainFrame;
    // The app's own scheme, never file:// (the grantFileProtocolExtraPrivileges fuse is off).
    expect(frame.url).toBe('stillmotion-app://app/index.html');
    const info = await invoker('query:app.info')({ sender: window.webContents, senderFrame: frame }, {});
    expect(info).toMatchObject({
      ok: true,
      value: { version: '0.1.0-test', mediaBaseUrl: 'stillmotion-media://media', simulated: false },
    });
    const forged = await invoker('query:app.info')(
      { sender: window.webContents, senderFrame: { ...frame, routingId: 9 } },
      {},
    );
    expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    const elsewhere = await invoker('query:app.info')(
      { sender: window.webContents, senderFrame: { ...frame, url: 'https://evil.example/' } },
      {},
    );
    expect(elsewhere).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
  });

  it('runs a demo batch through net.fetch: stays awake while pending, forwards events, never logs the key', async () => {
    const window = h.windows[0]!;
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    expect((await invoker('command:settings.setApiKey')(event, { apiKey: CANARY })).ok).toBe(true);
    expect((await invoker('command:settings.update')(event, { simulated: true })).ok).toBe(true);
    const input = join(dir.path, 'in');
    await writeImage(join(input, 'one.jpg'));
    mkdirSync(join(dir.path, 'out'), { recursive: true });
    const scan = (await invoker('command:scan.start')(event, { paths: [input] })) as {
      value: { scanId: string };
    };
    await waitFor(
      () =>
        window.webContents.send.mock.calls.some(
          ([c, p]) => c === 'event:scan.progress' && (p as { finished: boolean }).finished,
        ),
      'the scan',
    );
    const created = (await invoker('command:batch.create')(event, {
      scanId: scan.value.scanId,
      settings: batchSettings(join(dir.path, 'out'), { duration: 3 }),
    })) as { value: { batchId: number } };
    expect((await invoker('command:batch.start')(event, { batchId: created.value.batchId })).ok).toBe(true);
    await waitFor(() => mocked.powerSaveBlocker.start.mock.calls.length > 0, 'the power save blocker');
    expect(mocked.powerSaveBlocker.start).toHaveBeenCalledWith('prevent-app-suspension');
    await waitFor(
      () => window.webContents.send.mock.calls.some(([c]) => c === 'event:batch.changed'),
      'a batch event',
    );
    expect(h.logLines.join('\n')).not.toContain('CANARY');
    // The submit went through Chromium's network stack (system proxy, PAC, OS certificates).
    const submitted = () => mocked.net.fetch.mock.calls.some(([url]) => String(url).includes('/v1/models/'));
    await waitFor(submitted, 'the submit through net.fetch');
  }, 60_000);

  it('asks before closing with work pending and keeps running in the tray', async () => {
    const window = h.windows[0]!;
    const close = window.listeners.get('close')![0]!;
    const event = { preventDefault: vi.fn() };
    close(event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(mocked.dialog.showMessageBox).toHaveBeenCalled();
    await waitFor(() => window.hide.mock.calls.length > 0, 'the window to hide');
  });

  it('speaks the language chosen in the window: the menu, the tray and the close dialog follow it', async () => {
    const setLanguage = (language: string) =>
      invoker('command:settings.update')(
        { senderFrame: h.windows[0]!.webContents.mainFrame, sender: h.windows[0]!.webContents },
        { language },
      );
    expect((await setLanguage('zh-CN')).ok).toBe(true);
    const menu = JSON.stringify(mocked.Menu.setApplicationMenu.mock.calls.at(-1)?.[0]);
    expect(menu).toContain('"label":"文件"');
    expect(menu).toContain('"label":"打开数据文件夹"');
    const tray = h.trays[0]!.setContextMenu.mock.calls.at(-1)?.[0] as { label?: string }[];
    expect(tray[0]?.label).toBe('显示 Stillmotion');
    const close = h.windows[0]!.listeners.get('close')![0]!;
    close({ preventDefault: vi.fn() });
    expect(mocked.dialog.showMessageBox.mock.calls.at(-1)?.[1]).toMatchObject({
      buttons: ['在托盘中继续运行', '退出（稍后继续）', '取消'],
    });
    expect((await setLanguage('en')).ok).toBe(true);
    expect(JSON.stringify(mocked.Menu.setApplicationMenu.mock.calls.at(-1)?.[0])).toContain('"label":"File"');
  });

  it('reloads a crashed renderer and wakes the engine on resume', () => {
    const window = h.windows[0]!;
    window.webContents.listeners.get('render-process-gone')![0]!({}, { reason: 'crashed', exitCode: 139 });
    expect(window.webContents.reload).toHaveBeenCalledTimes(1);
    window.webContents.listeners.get('render-process-gone')![0]!({}, { reason: 'clean-exit', exitCode: 0 });
    expect(window.webContents.reload).toHaveBeenCalledTimes(1);
    const events = mocked.powerMonitor.on.mock.calls.map(([e]) => e);
    expect(events).toEqual(expect.arrayContaining(['resume', 'unlock-screen']));
  });

  it('on quit, closes the engine (resumable) and releases the blocker', async () => {
    const beforeQuit = h.appListeners.get('before-quit')![0]!;
    const event = { preventDefault: vi.fn() };
    beforeQuit(event);
    expect(event.preventDefault).toHaveBeenCalled();
    await waitFor(() => mocked.powerSaveBlocker.stop.mock.calls.length > 0, 'shutdown');
    expect(mocked.powerSaveBlocker.stop).toHaveBeenCalledWith(11);
    expect(h.logLines.join('\n')).not.toContain('CANARY');
  }, 30_000);
});
