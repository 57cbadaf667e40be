// Updates in the packaged app: electron-updater looks where electron-builder.yml's `publish`
// says (it reads the app-update.yml the build writes into the package, so the address is set in
// that one place), downloads in the background through Electron's network stack, and the update
// policy (core/app/update-policy.ts) decides when to install: never while a batch runs. Also the
// menu's "Check for Updates…" and the dialogs, in the app's language.
import { app, dialog } from 'electron';
import { autoUpdater, type AppUpdater, type UpdateInfo } from 'electron-updater';
import { createUpdatePolicy, type UpdatePolicy, type UpdateSource } from '../core/app/update-policy';
import { systemClock, type Clock } from '../core/util/clock';
import { formatReason, type Reason } from '@common/reasons';
import { languageOf, type AppContext } from './running-app';

/** electron-updater as the policy sees it: downloads by itself, installs at quit or when told. */
export function updaterSource(updater: AppUpdater): UpdateSource {
  updater.autoDownload = true;
  // Quitting stops the batches anyway (they resume at the next start), so an update may go in then.
  updater.autoInstallOnAppQuit = true;
  return {
    check: async () => {
      const result = await updater.checkForUpdates();
      return result?.isUpdateAvailable
        ? { version: result.updateInfo.version, download: result.downloadPromise ?? Promise.resolve() }
        : null;
    },
    onDownloaded: (listener) => {
      const downloaded = (info: UpdateInfo) => listener(info.version);
      updater.on('update-downloaded', downloaded);
      return () => void updater.off('update-downloaded', downloaded);
    },
    install: () => updater.quitAndInstall(),
  };
}

/** In the window's language (Settings → Appearance), like the rest of the OS integration. */
function text(context: AppContext, code: Reason['code'], params: Reason['params'] = {}): string {
  return formatReason({ code, params }, languageOf(context));
}

/**
 * Starts looking for updates (at once, then every few hours) in a packaged app; a checkout has
 * no app-update.yml and nothing to update, so it answers null there.
 */
export function startUpdates(
  context: AppContext,
  options: { updater?: AppUpdater; clock?: Clock } = {},
): UpdatePolicy | null {
  const engine = context.engine;
  if (!app.isPackaged || !engine) return null;
  const updater = options.updater ?? autoUpdater;
  const log = context.logger.log;
  updater.logger = {
    info: (message?: unknown) => log('info', `updater: ${String(message)}`),
    warn: (message?: unknown) => log('warn', `updater: ${String(message)}`),
    error: (message?: unknown) => log('error', `updater: ${String(message)}`),
    debug: () => {},
  };
  // A failed check or download is logged by the policy; without a listener the updater would
  // throw it.
  updater.on('error', () => {});
  return createUpdatePolicy({
    source: updaterSource(updater),
    engine,
    clock: options.clock ?? systemClock,
    log,
    ask: async (version) => {
      const { response } = await dialog.showMessageBox({
        type: 'info',
        buttons: [text(context, 'update_restart'), text(context, 'update_later')],
        defaultId: 0,
        cancelId: 1,
        title: 'Stillmotion',
        message: text(context, 'update_ready', { version }),
      });
      return response === 0;
    },
  });
}

/** The menu's "Check for Updates…": looks now and says what it found. */
export async function checkForUpdatesFromMenu(
  context: AppContext,
  policy: UpdatePolicy | null,
): Promise<void> {
  const state = policy ? await policy.checkNow() : null;
  const message = !state
    ? text(context, 'update_not_installed')
    : state.kind === 'failed'
      ? text(context, 'update_check_failed', { detail: state.message })
      : state.kind === 'downloading'
        ? text(context, 'update_downloading', { version: state.version })
        : state.kind === 'ready'
          ? text(context, 'update_downloaded', { version: state.version })
          : text(context, 'update_none', { version: app.getVersion() });
  const options = {
    type: state?.kind === 'failed' ? 'warning' : 'info',
    title: 'Stillmotion',
    message,
  } as const;
  const window = context.window;
  await (window && !window.isDestroyed()
    ? dialog.showMessageBox(window, options)
    : dialog.showMessageBox(options));
}
