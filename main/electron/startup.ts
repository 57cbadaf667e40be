// What happens once Electron is ready: logging, settings, the engine, the catalog, the app core
// (which takes over batches left running only after the stored key is applied), the app and media schemes,
// permissions and CSP, IPC, the overnight upkeep, then the menu, tray and window.
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { app, dialog, ipcMain, net, powerMonitor, protocol, safeStorage, session, shell } from 'electron';
import { createAppCore } from '../core/app/app-core';
import { dataFiles } from '../core/app/paths';
import { createSettingsStore } from '../core/app/settings-store';
import { describeCatalogProblem, loadCatalog, USER_MODELS_FOLDER } from '../core/catalog/load';
import { createCoreServices } from '../core';
import { DEMO_API_KEY, startSimulator } from '../core/simulator';
import { handleAppProtocol } from './app-protocol';
import { languageOf, type AppContext } from './running-app';
import { buildCsp } from './csp';
import { electronDesktop, electronDialogs } from './dialogs';
import { forwardEvents, registerIpc, trustedSenderCheck } from './ipc';
import { setupLogging } from './logging';
import { createWindow, showWindow } from './main-window';
import { handleMediaProtocol, MEDIA_BASE_URL } from './media-protocol';
import { buildMenu } from './menu';
import { notify, notifyHours } from './notifications';
import { updatePower, updateProgress } from './power-and-progress';
import { createSafeStorageSecretStore } from './safe-storage-secrets';
import { ensureTray, relabelTray } from './tray';
import { checkForUpdatesFromMenu, startUpdates } from './updates';

/**
 * The API's requests and the video downloads go through Chromium's network stack, as the user's
 * browser does: the system's proxy settings or PAC file, and the OS certificate store (a studio
 * whose proxy inspects TLS installs its authority there).
 */
const chromiumFetch: typeof fetch = (input, init) => net.fetch(input as string | Request, init);

/** The demo simulator runs 20x faster than the real API: a 10-image demo ends in about a minute. */
const DEMO_TIME_SCALE = 0.05;

export async function start(context: AppContext): Promise<void> {
  const { dataDir, logDir, devServerUrl, location } = context;
  mkdirSync(dataDir, { recursive: true });
  const files = dataFiles(dataDir);
  const secrets = createSafeStorageSecretStore({
    file: files.apiKey,
    storage: safeStorage,
    log: (m) => context.logger.log('warn', m),
    language: () => languageOf(context),
  });
  const logger = setupLogging({ logDir, secrets: () => [secrets.get()] });
  context.logger = logger;
  logger.log('info', `Stillmotion ${app.getVersion()} starting; data in ${dataDir}`);
  const settings = createSettingsStore(files.settings);
  if (settings.recoveredFrom)
    logger.log('warn', `settings file was unreadable; moved to ${settings.recoveredFrom} and defaults used`);

  const catalog = await loadCatalog({ dataDir });
  for (const problem of catalog.problems)
    logger.log('warn', `model entry not loaded: ${describeCatalogProblem(problem)}`);
  // The engine reads the same catalog as the intake (user entries included): polling priors and
  // each model's duration field come from it.
  const { engine, intake } = createCoreServices({
    catalog,
    dbPath: files.database,
    owner: `app:${hostname()}:${process.pid}`,
    apiBaseUrl: settings.get().apiBaseUrl,
    apiKey: null,
    fetch: chromiumFetch,
    // Batches left running are taken over by core.start(), once the stored key is applied.
    adoptBatches: false,
    log: logger.log,
  });
  context.engine = engine;
  const core = createAppCore({
    engine,
    intake,
    catalog,
    settings,
    secrets,
    webhookSecret: createSafeStorageSecretStore({
      file: files.webhook,
      storage: safeStorage,
      what: 'webhook address',
      log: (m) => context.logger.log('warn', m),
    }),
    dialogs: electronDialogs(
      dialog,
      () => context.window,
      () => languageOf(context),
    ),
    desktop: electronDesktop(shell),
    appInfo: () => ({
      version: app.getVersion(),
      platform: process.platform,
      locale: app.getLocale(),
      mediaBaseUrl: MEDIA_BASE_URL,
    }),
    demo: async () => {
      // Simulated videos show the start image moving, so a demo shows the user's own pictures.
      context.demo ??= startSimulator({ timeScale: DEMO_TIME_SCALE, motionVideos: true });
      const simulator = await context.demo;
      return { apiBaseUrl: simulator.url, apiKey: DEMO_API_KEY, timeScale: DEMO_TIME_SCALE };
    },
    noticeLanguage: () => languageOf(context),
    thumbnailsDir: files.thumbnails,
    modelsDir: join(dataDir, USER_MODELS_FOLDER),
    catalogCacheFile: files.catalogCache,
    log: logger.log,
    fetch: chromiumFetch,
  });
  context.core = core;
  await core.start();

  handleMediaProtocol(protocol, core.media);
  const appSession = session.defaultSession;
  appSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  appSession.setPermissionCheckHandler(() => false);
  const csp = buildCsp({
    header: true,
    devServerOrigin: devServerUrl ? new URL(devServerUrl).origin : undefined,
  });
  handleAppProtocol(protocol, dirname(context.rendererIndex), csp);
  appSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });

  registerIpc(
    ipcMain,
    core.handlers,
    trustedSenderCheck(() => context.window, location),
  );
  forwardEvents(core.subscribe, () => {
    const { window } = context;
    return window && !window.isDestroyed() ? window.webContents : null;
  });

  // Overnight: stay awake while work is pending, show progress, notify what needs a person.
  let progressTimer: ReturnType<typeof setTimeout> | null = null;
  engine.on((event) => {
    notify(context, event);
    updatePower(context);
    // Counts change many times a second in a big batch; the taskbar needs one update a second.
    progressTimer ??= setTimeout(() => {
      progressTimer = null;
      updateProgress(context);
    }, 1000);
  });
  settings.onChange(() => updatePower(context));
  // A backstop for changes without an event (e.g. a batch resumed by the CLI).
  setInterval(() => {
    updatePower(context);
    updateProgress(context);
    notifyHours(context);
  }, 30_000).unref();
  powerMonitor.on('resume', () => engine.wake());
  powerMonitor.on('unlock-screen', () => engine.wake());

  // Looks for an update now and every few hours; installs only when no batch runs.
  context.updates = startUpdates(context);
  const folders = { logFile: logger.logFile, logDir, dataDir };
  const menuActions = { checkForUpdates: () => void checkForUpdatesFromMenu(context, context.updates) };
  buildMenu(folders, menuActions, languageOf(context));
  // The tray shows counts all night and brings the window back once it is hidden.
  ensureTray(context, () => showWindow(context));
  // The OS integration speaks the window's language, from the moment it is changed.
  let language = languageOf(context);
  settings.onChange(() => {
    if (languageOf(context) === language) return;
    language = languageOf(context);
    buildMenu(folders, menuActions, language);
    relabelTray(context);
    updateProgress(context);
  });
  createWindow(context);
  updatePower(context);
  app.on('activate', () => showWindow(context));
}
