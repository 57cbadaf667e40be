// The About panel's contents and where the menu offers it, per platform.
import { describe, expect, it } from 'vitest';
import { version as packageVersion } from '../../../package.json';
import { aboutPanelOptions, helpMenu } from '../../../main/electron/about';
import { APP_VERSION } from '../../../main/core/version';

describe('About', () => {
  it("shows the product name and package.json's version, the one `stillmotion --version` prints", () => {
    expect(APP_VERSION).toBe(packageVersion);
    expect(aboutPanelOptions()).toEqual({
      applicationName: 'Stillmotion',
      applicationVersion: packageVersion,
      version: packageVersion,
    });
  });

  it('is in a Help menu on Windows and Linux; macOS has it in the app menu already', () => {
    for (const platform of ['win32', 'linux'] as const)
      expect(helpMenu(platform)).toEqual([
        { role: 'help', label: 'Help', submenu: [{ role: 'about', label: 'About Stillmotion' }] },
      ]);
    expect(helpMenu('darwin')).toEqual([]);
  });
});
