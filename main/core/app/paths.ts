// Where the app keeps its files, per OS. Pure (platform, env and home are passed in) so the
// Electron app, the CLI and the tests agree on one answer: the CLI opens the same database as
// the app. The data folder is what Electron's app.getPath('userData') gives for the product
// name "Stillmotion"; the app sets userData to this value explicitly, so the two cannot drift
// (in development `electron .` would otherwise use the lower-case package name).
import { posix, win32 } from 'node:path';

export const PRODUCT_NAME = 'Stillmotion';

type Env = Record<string, string | undefined>;

function pathFor(platform: NodeJS.Platform) {
  return platform === 'win32' ? win32 : posix;
}

/**
 * The folder holding the database, settings, the encrypted key and the thumbnail cache.
 * `STILLMOTION_DATA_DIR` overrides it (tests, portable installs, a second profile).
 */
export function defaultDataDir(platform: NodeJS.Platform, env: Env, home: string): string {
  const override = env.STILLMOTION_DATA_DIR?.trim();
  if (override) return override;
  const p = pathFor(platform);
  switch (platform) {
    case 'win32':
      return p.join(env.APPDATA?.trim() || p.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
    case 'darwin':
      return p.join(home, 'Library', 'Application Support', PRODUCT_NAME);
    default: {
      // XDG: only an absolute XDG_CONFIG_HOME counts (the spec says relative ones are invalid).
      const xdg = env.XDG_CONFIG_HOME?.trim();
      return p.join(xdg && p.isAbsolute(xdg) ? xdg : p.join(home, '.config'), PRODUCT_NAME);
    }
  }
}

/** Where videos go unless the user picks another folder: ~/Videos (~/Movies on macOS)/Stillmotion. */
export function defaultOutputDir(platform: NodeJS.Platform, home: string): string {
  const p = pathFor(platform);
  return p.join(home, platform === 'darwin' ? 'Movies' : 'Videos', PRODUCT_NAME);
}

/**
 * Logs: what Electron's app.getPath('logs') gives (~/Library/Logs/Stillmotion on macOS,
 * <data>/logs elsewhere); electron-log writes there.
 */
export function defaultLogDir(platform: NodeJS.Platform, dataDir: string, home: string): string {
  const p = pathFor(platform);
  return platform === 'darwin' ? p.join(home, 'Library', 'Logs', PRODUCT_NAME) : p.join(dataDir, 'logs');
}

/** The files inside the data folder. One place, so the README, the app and the CLI agree. */
export function dataFiles(dataDir: string, platform: NodeJS.Platform = process.platform) {
  const p = pathFor(platform);
  return {
    database: p.join(dataDir, 'stillmotion.sqlite'),
    settings: p.join(dataDir, 'settings.json'),
    /** The API key, encrypted with the OS keychain (safeStorage) where there is one. */
    apiKey: p.join(dataDir, 'api-key.bin'),
    /** The webhook address, kept like the key (main/core/app/webhook-setting.ts). */
    webhook: p.join(dataDir, 'webhook.bin'),
    thumbnails: p.join(dataDir, 'thumbnails'),
    /** RunComfy's catalog as last fetched, per API (app/catalog-cache.ts): the offline fallback. */
    catalogCache: p.join(dataDir, 'runcomfy-catalog.json'),
  };
}
