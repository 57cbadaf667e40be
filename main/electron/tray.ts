// The tray icon: it shows the night's counts in its tooltip and brings the window back once the
// window is hidden ("keep running in the tray"); its menu speaks the window's language.
import { Menu, Tray, app, nativeImage } from 'electron';
import { desktopText } from '@common/desktop-texts';
import { languageOf, type AppContext } from './running-app';
import { updateProgress } from './power-and-progress';
import { TRAY_ICON_PNG_BASE64 } from './tray-icon';

/** Creates the tray once; `showWindow` is what its click and its menu's first entry do. */
export function ensureTray(context: AppContext, showWindow: () => void): void {
  if (context.tray) return;
  const tray = new Tray(nativeImage.createFromDataURL(`data:image/png;base64,${TRAY_ICON_PNG_BASE64}`));
  context.tray = tray;
  context.showWindow = showWindow;
  relabelTray(context);
  tray.on('click', () => showWindow());
  updateProgress(context);
}

/** The tray's menu in the current language (again when the language changes). */
export function relabelTray(context: AppContext): void {
  const { tray, showWindow } = context;
  if (!tray || !showWindow) return;
  const language = languageOf(context);
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: desktopText(language, 'tray.show'), click: () => showWindow() },
      { type: 'separator' },
      {
        label: desktopText(language, 'tray.quit'),
        click: () => {
          context.quitting = true;
          app.quit();
        },
      },
    ]),
  );
}
