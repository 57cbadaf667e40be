// Electron entry: wires the Electron-free app core (main/core/app) to the OS. Everything with
// a decision in it lives in a pure module next to this one (window-options, navigation, csp,
// overnight, ipc) and is tested there; this file only connects them.
//
// Order matters: the single-instance lock, the data folder and the media scheme's privileges
// must be settled before `ready`; the engine starts after `ready` (safeStorage needs it) and takes
// over batches left running only once the stored key is applied (core.start()), never before.
import { mkdirSync } from 'node:fs';
import { hostname, homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BrowserWindow,
  Menu,
  Notification,
  Tray,
  app,
  crashReporter,
  dialog,
  ipcMain,
  nativeImage,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  safeStorage,
  session,
  shell,
  type MenuItemConstructorOptions,
} from 'electron';
import { createAppCore, type AppCore } from '../core/app/app-core';
import { dataFiles, defaultDataDir, defaultLogDir, PRODUCT_NAME } from '../core/app/paths';
import { createSettingsStore } from '../core/app/settings-store';
import { describeCatalogProblem, loadCatalog, USER_MODELS_FOLDER } from '../core/catalog/load';
import type { EngineEvent } from '../core/domain';
import { createEngine, type Engine } from '../core/engine';
import { createIntake } from '../core/intake';
import { DEMO_API_KEY, startSimulator, type SimulatorHandle } from '../core/simulator';
import { aboutPanelOptions, helpMenu } from './about';
import { buildCsp } from './csp';
import { electronDesktop, electronDialogs } from './dialogs';
import { forwardEvents, registerIpc, trustedSenderCheck } from './ipc';
import { setupLogging } from './logging';
import { handleMediaProtocol, MEDIA_BASE_URL, MEDIA_SCHEME_PRIVILEGES } from './media-protocol';
import { decideNavigation, decideWindowOpen, type AppLocation } from './navigation';
import {
  CLOSE_DIALOG_BUTTONS,
  closeChoice,
  decideClose,
  notificationFor,
  shouldBlockSuspension,
  shouldReloadAfterCrash,
  summarizeProgress,
  trayTooltip,
} from './overnight';
import { createSafeStorageSecretStore } from './secrets';
import { TRAY_ICON_PNG_BASE64 } from './tray-icon';
import { preloadPathFor, rendererIndexFor, windowOptions } from './window-options';

/** The demo simulator runs 20x faster than the real API: a 10-image demo ends in about a minute. */
const DEMO_TIME_SCALE = 0.05;

const dataDir = defaultDataDir(process.platform, process.env, homedir());
app.setName(PRODUCT_NAME);
// Explicit, so the CLI (which calls defaultDataDir too) opens the same database.
app.setPath('userData', dataDir);
const logDir = defaultLogDir(process.platform, dataDir, homedir());
app.setAppLogsPath(logDir);
crashReporter.start({ uploadToServer: false });
protocol.registerSchemesAsPrivileged([MEDIA_SCHEME_PRIVILEGES]);
if (process.platform === 'win32') app.setAppUserModelId('net.stillmotion.app');

if (!app.requestSingleInstanceLock()) {
  // Another Stillmotion runs: it gets focused (its 'second-instance' handler); we leave.
  app.quit();
} else {
  startApp();
}

function startApp(): void {
  const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const rendererIndex = rendererIndexFor(__dirname);
  const location: AppLocation = devServerUrl
    ? { devServerUrl, indexUrl: pathToFileURL(rendererIndex).href }
    : { indexUrl: pathToFileURL(rendererIndex).href };

  let window: BrowserWindow | null = null;
  let tray: Tray | null = null;
  let core: AppCore | null = null;
  let engine: Engine | null = null;
  let demo: Promise<SimulatorHandle> | null = null;
  let quitting = false;
  let shutdownDone = false;
  const crashes: number[] = [];

  app.on('second-instance', () => showWindow());

  // Every web contents (the window, anything it might try to open): no navigation away, no
  // new windows, no <webview>.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (decideNavigation(url, location) === 'deny') event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (decideNavigation(url, location) === 'deny') event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      if (decision.openExternal) void shell.openExternal(decision.openExternal);
      return { action: 'deny' };
    });
  });

  const showWindow = () => {
    if (!window || window.isDestroyed()) {
      createWindow();
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  function createWindow(): void {
    const created = new BrowserWindow(windowOptions({ preloadPath: preloadPathFor(__dirname) }));
    window = created;
    created.once('ready-to-show', () => created.show());
    created.webContents.on('render-process-gone', (_event, details) => {
      logger.log(
        'error',
        `renderer gone (${details.reason}, exit code ${details.exitCode}); the queue keeps running`,
      );
      if (details.reason === 'clean-exit' || created.isDestroyed()) return;
      const now = Date.now();
      if (shouldReloadAfterCrash(crashes, now)) {
        crashes.push(now);
        created.webContents.reload();
      }
    });
    created.on('close', (event) => {
      const decision = decideClose({
        hasPendingWork: engine?.hasPendingWork() ?? false,
        quitting,
        keepInTray: false,
      });
      if (decision === 'close') return;
      event.preventDefault();
      if (decision === 'hide') return created.hide();
      void dialog
        .showMessageBox(created, {
          type: 'question',
          buttons: [...CLOSE_DIALOG_BUTTONS],
          defaultId: 0,
          cancelId: 2,
          title: 'Videos are still being made',
          message: 'Stillmotion is still generating videos.',
          detail:
            'Keep it running in the tray to finish overnight, or quit: everything paid for is kept and ' +
            'the queue resumes the next time you open Stillmotion.',
        })
        .then(({ response }) => {
          const choice = closeChoice(response);
          if (choice === 'tray') {
            ensureTray();
            created.hide();
          } else if (choice === 'quit') {
            quitting = true;
            app.quit();
          }
        });
    });
    created.on('closed', () => {
      if (window === created) window = null;
    });
    if (devServerUrl) void created.loadURL(devServerUrl);
    else void created.loadFile(rendererIndex);
  }

  function ensureTray(): void {
    if (tray) return;
    tray = new Tray(nativeImage.createFromDataURL(`data:image/png;base64,${TRAY_ICON_PNG_BASE64}`));
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show Stillmotion', click: () => showWindow() },
        { type: 'separator' },
        {
          label: 'Quit',
          click: () => {
            quitting = true;
            app.quit();
          },
        },
      ]),
    );
    tray.on('click', () => showWindow());
    updateProgress();
  }

  let blockerId: number | null = null;
  function updatePower(): void {
    if (!engine || !core) return;
    const wanted = shouldBlockSuspension({
      hasPendingWork: engine.hasPendingWork(),
      keepAwake: core.services.settings.get().keepAwake,
    });
    if (wanted && blockerId === null) {
      blockerId = powerSaveBlocker.start('prevent-app-suspension');
      logger.log('info', 'work pending: preventing system sleep');
    } else if (!wanted && blockerId !== null) {
      powerSaveBlocker.stop(blockerId);
      blockerId = null;
      logger.log('info', 'queue drained: system sleep allowed again');
    }
  }

  function updateProgress(): void {
    if (!engine) return;
    const summary = summarizeProgress(engine.listBatches());
    if (window && !window.isDestroyed())
      window.setProgressBar(summary.fraction ?? -1, {
        mode: summary.mode === 'none' ? 'none' : summary.mode === 'normal' ? 'normal' : summary.mode,
      });
    tray?.setToolTip(trayTooltip(summary));
  }

  function notify(event: EngineEvent): void {
    if (!engine || !core || !Notification.isSupported()) return;
    const content = notificationFor(event, engine.getBatch(event.batchId), core.services.settings.get());
    if (!content) return;
    const notification = new Notification({ title: content.title, body: content.body });
    notification.on('click', () => showWindow());
    notification.show();
  }

  function buildMenu(logFile: string): void {
    const template: MenuItemConstructorOptions[] = [
      ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
      {
        label: 'File',
        submenu: [
          { label: 'Open Log File', click: () => void shell.openPath(logFile) },
          { label: 'Open Log Folder', click: () => void shell.openPath(logDir) },
          { label: 'Open Data Folder', click: () => void shell.openPath(dataDir) },
          { type: 'separator' },
          process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      {
        label: 'View',
        submenu: [
          { role: 'reload' },
          ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
          { type: 'separator' },
          { role: 'resetZoom' },
          { role: 'zoomIn' },
          { role: 'zoomOut' },
          { role: 'togglefullscreen' },
        ],
      },
      { role: 'windowMenu' },
      ...helpMenu(process.platform),
    ];
    app.setAboutPanelOptions(aboutPanelOptions());
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  let logger: { log: ReturnType<typeof setupLogging>['log']; logFile: string } = {
    log: () => {},
    logFile: '',
  };

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      // E.g. a database written by a newer Stillmotion, or a data folder that cannot be created:
      // say what happened (the messages name the file and the way out) instead of a blank window.
      const message = error instanceof Error ? error.message : String(error);
      logger.log('error', `could not start: ${message}`);
      dialog.showErrorBox('Stillmotion could not start', message);
      quitting = true;
      app.quit();
    });

  async function start(): Promise<void> {
    mkdirSync(dataDir, { recursive: true });
    const files = dataFiles(dataDir);
    const secrets = createSafeStorageSecretStore({
      file: files.apiKey,
      storage: safeStorage,
      log: (m) => logger.log('warn', m),
    });
    logger = setupLogging({ logDir, secrets: () => [secrets.get()] });
    logger.log('info', `Stillmotion ${app.getVersion()} starting; data in ${dataDir}`);
    const settings = createSettingsStore(files.settings);
    if (settings.recoveredFrom)
      logger.log(
        'warn',
        `settings file was unreadable; moved to ${settings.recoveredFrom} and defaults used`,
      );

    engine = createEngine({
      dbPath: files.database,
      owner: `app:${hostname()}:${process.pid}`,
      apiBaseUrl: settings.get().apiBaseUrl,
      apiKey: null,
      // Batches left running are taken over by core.start(), once the stored key is applied.
      adoptBatches: false,
      log: logger.log,
    });
    const liveEngine = engine;
    const catalog = await loadCatalog({ dataDir });
    for (const problem of catalog.problems)
      logger.log('warn', `model entry not loaded: ${describeCatalogProblem(problem)}`);
    const intake = createIntake({
      findDone: (hash, fingerprint) => liveEngine.findDone(hash, fingerprint),
      catalog,
    });
    core = createAppCore({
      engine: liveEngine,
      intake,
      catalog,
      settings,
      secrets,
      dialogs: electronDialogs(dialog, () => window),
      desktop: electronDesktop(shell),
      appInfo: () => ({
        version: app.getVersion(),
        platform: process.platform,
        locale: app.getLocale(),
        mediaBaseUrl: MEDIA_BASE_URL,
      }),
      demo: async () => {
        demo ??= startSimulator({ timeScale: DEMO_TIME_SCALE });
        const simulator = await demo;
        return { apiBaseUrl: simulator.url, apiKey: DEMO_API_KEY, timeScale: DEMO_TIME_SCALE };
      },
      thumbnailsDir: files.thumbnails,
      modelsDir: join(dataDir, USER_MODELS_FOLDER),
      log: logger.log,
    });
    await core.start();

    handleMediaProtocol(protocol, core.media);
    const appSession = session.defaultSession;
    appSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    appSession.setPermissionCheckHandler(() => false);
    const csp = buildCsp({
      header: true,
      devServerOrigin: devServerUrl ? new URL(devServerUrl).origin : undefined,
    });
    appSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });

    registerIpc(
      ipcMain,
      core.handlers,
      trustedSenderCheck(() => window, location),
    );
    forwardEvents(core.subscribe, () => (window && !window.isDestroyed() ? window.webContents : null));

    // Overnight: stay awake while work is pending, show progress, notify what needs a person.
    let progressTimer: ReturnType<typeof setTimeout> | null = null;
    liveEngine.on((event) => {
      notify(event);
      updatePower();
      // Counts change many times a second in a big batch; the taskbar needs one update a second.
      progressTimer ??= setTimeout(() => {
        progressTimer = null;
        updateProgress();
      }, 1000);
    });
    settings.onChange(() => updatePower());
    // A backstop for changes without an event (e.g. a batch resumed by the CLI).
    setInterval(() => {
      updatePower();
      updateProgress();
    }, 30_000).unref();
    powerMonitor.on('resume', () => liveEngine.wake());
    powerMonitor.on('unlock-screen', () => liveEngine.wake());

    buildMenu(logger.logFile);
    // The tray shows counts all night and brings the window back once it is hidden.
    ensureTray();
    createWindow();
    updatePower();
    app.on('activate', () => showWindow());
  }

  app.on('window-all-closed', () => {
    // Reached only when the window really closed (nothing pending, or the user chose quit);
    // "keep running in the tray" hides it instead. macOS apps stay in the dock as usual.
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', (event) => {
    quitting = true;
    if (shutdownDone) return;
    event.preventDefault();
    if (!core && !engine) {
      shutdownDone = true;
      app.quit();
      return;
    }
    const closing = async () => {
      logger.log('info', 'quitting: letting in-flight steps reach a resumable point');
      core?.close();
      core = null;
      await engine?.close();
      engine = null;
      if (demo) await (await demo).close();
      if (blockerId !== null) powerSaveBlocker.stop(blockerId);
    };
    closing()
      .catch((error: unknown) => logger.log('error', `shutdown: ${String(error)}`))
      .finally(() => {
        shutdownDone = true;
        app.quit();
      });
  });
}
