// The About panel shows the version `stillmotion --version` prints: both read APP_VERSION
// (package.json's version, inlined by the build), so a support request can quote either.
// macOS puts About in its app menu; on Windows and Linux a Help menu carries it, and Linux shows
// only what is set here (it has no defaults).
import type { AboutPanelOptionsOptions, MenuItemConstructorOptions } from 'electron';
import { PRODUCT_NAME } from '../core/app/paths';
import { desktopText } from '@common/desktop-texts';
import type { ReasonLanguage } from '@common/reasons';
import { APP_VERSION } from '../core/version';

export function aboutPanelOptions(version: string = APP_VERSION): AboutPanelOptionsOptions {
  return { applicationName: PRODUCT_NAME, applicationVersion: version, version };
}

/** The menu that carries About where the app menu does not, labelled in the window's language. */
export function helpMenu(
  platform: NodeJS.Platform,
  language: ReasonLanguage = 'en',
): MenuItemConstructorOptions[] {
  if (platform === 'darwin') return [];
  return [
    {
      role: 'help',
      label: desktopText(language, 'menu.help'),
      submenu: [{ role: 'about', label: desktopText(language, 'menu.about') }],
    },
  ];
}
