// Electron entry: wires the Electron-free app core (main/core/app) to the OS. Everything with
// a decision in it lives in a pure module next to this one (window-options, navigation, csp,
// overnight, ipc) and is tested there; the wiring is split by what it serves (main-window, tray,
// menu, notifications, progress, startup, lifecycle, sharing app-context); this file settles
// what must precede `ready` and hands over to lifecycle.ts.
//
// Order matters: the single-instance lock, the data folder and the app and media schemes' privileges
// must be settled before `ready`; the engine starts after `ready` (safeStorage needs it) and takes
// over batches left running only once the stored key is applied (core.start()), never before.
import { homedir } from 'node:os';
import { app, crashReporter, protocol } from 'electron';
import { defaultDataDir, defaultLogDir, PRODUCT_NAME } from '../core/app/paths';
import { APP_INDEX_URL, APP_SCHEME_PRIVILEGES } from './app-protocol';
import { createAppContext } from './running-app';
import { runApp } from './lifecycle';
import { MEDIA_SCHEME_PRIVILEGES } from './media-protocol';
import { rendererIndexFor } from './window-options';

const dataDir = defaultDataDir(process.platform, process.env, homedir());
app.setName(PRODUCT_NAME);
// Explicit, so the CLI (which calls defaultDataDir too) opens the same database.
app.setPath('userData', dataDir);
const logDir = defaultLogDir(process.platform, dataDir, homedir());
app.setAppLogsPath(logDir);
crashReporter.start({ uploadToServer: false });
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES, MEDIA_SCHEME_PRIVILEGES]);
if (process.platform === 'win32') app.setAppUserModelId('net.stillmotion.app');

if (!app.requestSingleInstanceLock()) {
  // Another Stillmotion runs: it gets focused (its 'second-instance' handler); we leave.
  app.quit();
} else {
  const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const rendererIndex = rendererIndexFor(__dirname);
  // The built page comes through the app's own scheme, never file:// (app-protocol.ts).
  const indexUrl = APP_INDEX_URL;
  runApp(
    createAppContext({
      devServerUrl,
      rendererIndex,
      location: devServerUrl ? { devServerUrl, indexUrl } : { indexUrl },
      dataDir,
      logDir,
    }),
  );
}
