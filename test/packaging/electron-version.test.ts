// The Electron the app is built on, and what `npm start` and electron-builder need of it: the
// ABI that scripts/native-sqlite.mjs asks node-abi for (an older node-abi that does not know a
// new Electron stops `npm start` with "Could not detect abi"), and a supported line. README:
// "Keeping Electron current" says how the version is kept up to date.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const require = createRequire(join(root, 'package.json'));
const electronVersion = (
  JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as {
    version: string;
  }
).version;

describe('the Electron line', () => {
  it('is 45 or newer (39 and older receive no security fixes)', () => {
    expect(Number(electronVersion.split('.')[0])).toBeGreaterThanOrEqual(45);
  });

  it('has an ABI both node-abi copies know, for the better-sqlite3 rebuilds', () => {
    // The copy scripts/native-sqlite.mjs resolves, and the one @electron/rebuild brings.
    const { getAbi } = require('node-abi') as { getAbi(target: string, runtime: string): string };
    const rebuild = createRequire(require.resolve('@electron/rebuild'))('node-abi') as {
      getAbi(target: string, runtime: string): string;
    };
    const abi = getAbi(electronVersion, 'electron');
    expect(Number(abi)).toBeGreaterThanOrEqual(150);
    expect(rebuild.getAbi(electronVersion, 'electron')).toBe(abi);
  });
});
