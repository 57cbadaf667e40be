// Native dialogs (titled in the window's language) and the OS shell, behind the app layer's
// Dialogs/Desktop interfaces.
import type { BrowserWindow, Dialog, Shell } from 'electron';
import { desktopText, type DesktopTextKey } from '@common/desktop-texts';
import type { ReasonLanguage } from '@common/reasons';
import { AppError } from '../core/app/errors';
import type { Desktop, Dialogs } from '../core/app/app-services';

export function electronDialogs(
  dialog: Pick<Dialog, 'showOpenDialog'>,
  getWindow: () => BrowserWindow | null,
  language: () => ReasonLanguage = () => 'en',
): Dialogs {
  const say = (key: DesktopTextKey) => desktopText(language(), key);
  const open = (options: Electron.OpenDialogOptions) => {
    const window = getWindow();
    return window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options);
  };
  return {
    async pickInputs() {
      // Linux and Windows cannot offer files and folders in one dialog; folders are the
      // common case (a night's batch), single images can be dropped.
      const both = process.platform === 'darwin';
      const result = await open({
        title: say('dialog.pickInputs'),
        properties: both
          ? ['openFile', 'openDirectory', 'multiSelections']
          : ['openDirectory', 'multiSelections'],
        filters: both
          ? [{ name: say('dialog.images'), extensions: ['jpg', 'jpeg', 'png', 'bmp', 'webp'] }]
          : undefined,
      });
      return result.canceled ? [] : result.filePaths;
    },
    async pickImages() {
      const result = await open({
        title: say('dialog.pickImages'),
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: say('dialog.images'), extensions: ['jpg', 'jpeg', 'png', 'bmp', 'webp'] }],
      });
      return result.canceled ? [] : result.filePaths;
    },
    async pickOutputDir() {
      const result = await open({
        title: say('dialog.pickOutputDir'),
        properties: ['openDirectory', 'createDirectory'],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}

export function electronDesktop(shell: Pick<Shell, 'showItemInFolder' | 'openPath'>): Desktop {
  return {
    showInFolder: (path) => shell.showItemInFolder(path),
    async openPath(path) {
      const error = await shell.openPath(path);
      if (error)
        throw new AppError(
          'unavailable',
          `Could not open ${path}: ${error}. Open it from the folder instead.`,
        );
    },
  };
}
