// The BrowserWindow options, as a pure factory so the hardening is asserted by a test rather
// than trusted: the renderer is untrusted web content with no Node, no Electron, isolated
// from the preload, sandboxed, same-origin enforced, no <webview>, no drag-to-navigate.
import { join } from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';

/** out/main/index.js -> out/preload/index.cjs (electron-vite's layout, see electron.vite.config.ts). */
export function preloadPathFor(mainDir: string): string {
  return join(mainDir, '..', 'preload', 'index.cjs');
}

/** out/main/index.js -> out/renderer/index.html */
export function rendererIndexFor(mainDir: string): string {
  return join(mainDir, '..', 'renderer', 'index.html');
}

export function windowOptions(options: {
  preloadPath: string;
  iconPath?: string;
}): BrowserWindowConstructorOptions {
  return {
    title: 'Stillmotion',
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    // Shown on 'ready-to-show' to avoid a white flash.
    show: false,
    backgroundColor: '#101114',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Dropping a file on the window must reach the app's drop handler, never load file://.
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}
