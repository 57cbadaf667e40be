// The About panel shows the version `stillmotion --version` prints: both read APP_VERSION
// (package.json's version, inlined by the build), so a support request can quote either.
// macOS puts About in its app menu; on Windows and Linux a Help menu carries it, and Linux shows
// only what is set here (it has no defaults).
import type { AboutPanelOptionsOptions, MenuItemConstructorOptions } from 'electron';
import { PRODUCT_NAME } from '../core/app/paths';
import { APP_VERSION } from '../core/version';

export function aboutPanelOptions(version: string = APP_VERSION): AboutPanelOptionsOptions {
  return { applicationName: PRODUCT_NAME, applicationVersion: version, version };
}

/** The menu that carries About where the app menu does not (labels come from Electron's roles). */
export function helpMenu(platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  return platform === 'darwin' ? [] : [{ role: 'help', submenu: [{ role: 'about' }] }];
}
