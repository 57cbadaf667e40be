import { describe, expect, it, vi } from 'vitest';

// The factory imports only electron's types; mocking the module proves nothing at run time
// reaches into electron.
vi.mock('electron', () => ({}));

import { preloadPathFor, rendererIndexFor, windowOptions } from '../../../main/electron/window-options';

describe('windowOptions', () => {
  const options = windowOptions({ preloadPath: '/app/out/preload/index.cjs' });

  it('isolates and sandboxes the renderer', () => {
    expect(options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    });
  });

  it('waits for ready-to-show and points at the built CommonJS preload', () => {
    expect(options.show).toBe(false);
    expect(preloadPathFor('/app/out/main')).toBe('/app/out/preload/index.cjs');
    expect(rendererIndexFor('/app/out/main')).toBe('/app/out/renderer/index.html');
  });
});
