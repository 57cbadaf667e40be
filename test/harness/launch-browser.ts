// Launches Debian's chromium through playwright-core (no bundled browser downloads here).
// Install it with: flock /tmp/sm-apt.lock sh -c 'apt-get update && apt-get install -y chromium'
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `${CHROMIUM_PATH} is missing; install Debian chromium: flock /tmp/sm-apt.lock sh -c 'apt-get update && apt-get install -y chromium'`,
    );
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
