// The application menu: File opens the log and data folders and looks for updates, the usual
// Edit/View/Window roles (developer tools only in development), Help and About (about.ts).
import { Menu, app, shell } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import { aboutPanelOptions, helpMenu } from './about';

export function buildMenu(
  folders: { logFile: string; logDir: string; dataDir: string },
  actions: { checkForUpdates: () => void },
): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Log File', click: () => void shell.openPath(folders.logFile) },
        { label: 'Open Log Folder', click: () => void shell.openPath(folders.logDir) },
        { label: 'Open Data Folder', click: () => void shell.openPath(folders.dataDir) },
        { type: 'separator' },
        { label: 'Check for Updates…', click: actions.checkForUpdates },
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
