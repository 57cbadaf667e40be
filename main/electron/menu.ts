// The application menu, in the window's language: File opens the log and data folders and looks
// for updates, Edit, View and Window carry the usual roles (developer tools only in development),
// and Help (or the macOS app menu) About (about.ts). Electron names its roles in English only, so
// every item has its label here; built again when the language changes.
import { Menu, app, shell } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import { desktopText, type DesktopTextKey } from '@common/desktop-texts';
import type { ReasonLanguage } from '@common/reasons';
import { aboutPanelOptions, helpMenu } from './about';

export interface MenuFolders {
  logFile: string;
  logDir: string;
  dataDir: string;
}

export interface MenuActions {
  checkForUpdates: () => void;
}

/** The menu's template (pure but for shell's clicks), so a test reads it in each language. */
export function menuTemplate(
  folders: MenuFolders,
  actions: MenuActions,
  language: ReasonLanguage,
  platform: NodeJS.Platform = process.platform,
  packaged = app.isPackaged,
): MenuItemConstructorOptions[] {
  const label = (key: DesktopTextKey) => desktopText(language, key);
  const role = (name: NonNullable<MenuItemConstructorOptions['role']>, key: DesktopTextKey) => ({
    role: name,
    label: label(key),
  });
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: label('menu.file'),
      submenu: [
        { label: label('menu.openLogFile'), click: () => void shell.openPath(folders.logFile) },
        { label: label('menu.openLogFolder'), click: () => void shell.openPath(folders.logDir) },
        { label: label('menu.openDataFolder'), click: () => void shell.openPath(folders.dataDir) },
        { type: 'separator' },
        { label: label('menu.checkForUpdates'), click: actions.checkForUpdates },
        { type: 'separator' },
        platform === 'darwin' ? role('close', 'menu.closeWindow') : role('quit', 'menu.quit'),
      ],
    },
    {
      label: label('menu.edit'),
      submenu: [
        role('undo', 'menu.undo'),
        role('redo', 'menu.redo'),
        { type: 'separator' },
        role('cut', 'menu.cut'),
        role('copy', 'menu.copy'),
        role('paste', 'menu.paste'),
        role('selectAll', 'menu.selectAll'),
      ],
    },
    {
      label: label('menu.view'),
      submenu: [
        role('reload', 'menu.reload'),
        ...(packaged ? [] : [role('toggleDevTools', 'menu.devTools')]),
        { type: 'separator' },
        role('resetZoom', 'menu.actualSize'),
        role('zoomIn', 'menu.zoomIn'),
        role('zoomOut', 'menu.zoomOut'),
        role('togglefullscreen', 'menu.fullScreen'),
      ],
    },
    {
      label: label('menu.window'),
      submenu: [role('minimize', 'menu.minimize'), role('close', 'menu.closeWindow')],
    },
    ...helpMenu(platform, language),
  ];
}

export function buildMenu(folders: MenuFolders, actions: MenuActions, language: ReasonLanguage): void {
  app.setAboutPanelOptions(aboutPanelOptions());
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(folders, actions, language)));
}
