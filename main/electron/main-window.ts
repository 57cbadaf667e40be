// The app's one window: created hardened (window-options.ts), reloaded after a renderer crash
// (within limits), and, when closed with work pending, asking whether to keep running in the tray.
import { BrowserWindow, app, dialog } from 'electron';
import { APP_INDEX_URL } from './app-protocol';
import { languageOf, type AppContext } from './running-app';
import { closeChoice, closeDialog, decideClose, shouldReloadAfterCrash } from './overnight';
import { ensureTray } from './tray';
import { preloadPathFor, windowOptions } from './window-options';

/** Brings the window back (creating it if it was closed). */
export function showWindow(context: AppContext): void {
  const { window } = context;
  if (!window || window.isDestroyed()) {
    createWindow(context);
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

export function createWindow(context: AppContext): void {
  const created = new BrowserWindow(windowOptions({ preloadPath: preloadPathFor(__dirname) }));
  context.window = created;
  created.once('ready-to-show', () => created.show());
  created.webContents.on('render-process-gone', (_event, details) => {
    context.logger.log(
      'error',
      `renderer gone (${details.reason}, exit code ${details.exitCode}); the queue keeps running`,
    );
    if (details.reason === 'clean-exit' || created.isDestroyed()) return;
    const now = Date.now();
    if (shouldReloadAfterCrash(context.crashes, now)) {
      context.crashes.push(now);
      created.webContents.reload();
    }
  });
  created.on('close', (event) => {
    const decision = decideClose({
      hasPendingWork: context.engine?.hasPendingWork() ?? false,
      quitting: context.quitting,
      keepInTray: false,
    });
    if (decision === 'close') return;
    event.preventDefault();
    if (decision === 'hide') return created.hide();
    void dialog
      .showMessageBox(created, {
        type: 'question',
        ...closeDialog(languageOf(context)),
        defaultId: 0,
        cancelId: 2,
      })
      .then(({ response }) => {
        const choice = closeChoice(response);
        if (choice === 'tray') {
          ensureTray(context, () => showWindow(context));
          created.hide();
        } else if (choice === 'quit') {
          context.quitting = true;
          app.quit();
        }
      });
  });
  created.on('closed', () => {
    if (context.window === created) context.window = null;
  });
  if (context.devServerUrl) void created.loadURL(context.devServerUrl);
  else void created.loadURL(APP_INDEX_URL);
}
