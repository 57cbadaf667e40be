// The tray icon: it shows the night's counts in its tooltip and brings the window back once the
// window is hidden ("keep running in the tray").
import { Menu, Tray, app, nativeImage } from 'electron';
import type { AppContext } from './running-app';
import { updateProgress } from './power-and-progress';
import { TRAY_ICON_PNG_BASE64 } from './tray-icon';

/** Creates the tray once; `showWindow` is what its click and its menu's first entry do. */
export function ensureTray(context: AppContext, showWindow: () => void): void {
  if (context.tray) return;
  const tray = new Tray(nativeImage.createFromDataURL(`data:image/png;base64,${TRAY_ICON_PNG_BASE64}`));
  context.tray = tray;
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Stillmotion', click: () => showWindow() },
      { type: 'separator' },
      {
        label: 'Quit',
        click: () => {
          context.quitting = true;
          app.quit();
        },
      },
    ]),
  );
  tray.on('click', () => showWindow());
  updateProgress(context);
}
