// Launches a system Chromium through playwright-core (no bundled browser downloads here). The
// executable is STILLMOTION_CHROMIUM when set, else /usr/bin/chromium (Debian's package), so the
// browser tests run on any machine that has a Chromium or Chrome somewhere.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ENV = 'STILLMOTION_CHROMIUM';
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
];

/** The browser the tests drive: the environment's choice, or the Debian default. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env[CHROMIUM_ENV]?.trim() || DEFAULT_CHROMIUM_PATH;
}

/** Why `path` cannot be launched, in words that say what to do; null when it exists. */
export function missingChromiumMessage(path: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (existsSync(path)) return null;
  const source = env[CHROMIUM_ENV]?.trim() ? `${CHROMIUM_ENV}=${path}` : `the default ${path}`;
  return (
    `The browser tests need Chromium, and there is none at ${source}. Set ${CHROMIUM_ENV} to a ` +
    'Chromium or Chrome executable (e.g. /usr/bin/chromium-browser, /Applications/Google Chrome.app/' +
    'Contents/MacOS/Google Chrome), or install Chromium (Debian: the chromium package).'
  );
}

export async function launchBrowser(): Promise<Browser> {
  const path = chromiumPath();
  const missing = missingChromiumMessage(path);
  if (missing) throw new Error(missing);
  return chromium.launch({ executablePath: path, headless: true, args: CHROMIUM_ARGS });
}
