// The app's life from the single-instance lock on: a second launch focuses this one, every web
// contents is guarded (no navigation away, no popups, no <webview>), `ready` starts everything
// (startup.ts) or explains why it could not, and quitting lets in-flight steps reach a resumable
// point before the engine, the demo simulator and the sleep blocker are released.
import { app, dialog, powerSaveBlocker, shell } from 'electron';
import { desktopText } from '@common/desktop-texts';
import { languageOf, type AppContext } from './running-app';
import { showWindow } from './main-window';
import { decideNavigation, decideWindowOpen } from './navigation';
import { start } from './startup';

export function runApp(context: AppContext): void {
  let shutdownDone = false;

  app.on('second-instance', () => showWindow(context));

  // Every web contents (the window, anything it might try to open): no navigation away, no
  // new windows, no <webview>.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (decideNavigation(url, context.location) === 'deny') event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (decideNavigation(url, context.location) === 'deny') event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      if (decision.openExternal) void shell.openExternal(decision.openExternal);
      return { action: 'deny' };
    });
  });

  app
    .whenReady()
    .then(() => start(context))
    .catch((error: unknown) => {
      // E.g. a database written by a newer Stillmotion, or a data folder that cannot be created:
      // say what happened (the messages name the file and the way out) instead of a blank window.
      const message = error instanceof Error ? error.message : String(error);
      context.logger.log('error', `could not start: ${message}`);
      dialog.showErrorBox(desktopText(languageOf(context), 'start.failed'), message);
      context.quitting = true;
      app.quit();
    });

  app.on('window-all-closed', () => {
    // Reached only when the window really closed (nothing pending, or the user chose quit);
    // "keep running in the tray" hides it instead. macOS apps stay in the dock as usual.
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', (event) => {
    context.quitting = true;
    if (shutdownDone) return;
    event.preventDefault();
    if (!context.core && !context.engine) {
      shutdownDone = true;
      app.quit();
      return;
    }
    const closing = async () => {
      context.logger.log('info', 'quitting: letting in-flight steps reach a resumable point');
      context.updates?.close();
      context.updates = null;
      context.core?.close();
      context.core = null;
      await context.engine?.close();
      context.engine = null;
      if (context.demo) await (await context.demo).close();
      if (context.blockerId !== null) powerSaveBlocker.stop(context.blockerId);
    };
    closing()
      .catch((error: unknown) => context.logger.log('error', `shutdown: ${String(error)}`))
      .finally(() => {
        shutdownDone = true;
        app.quit();
      });
  });
}
