#!/usr/bin/env node
// better-sqlite3 is a native module, and one binary serves one ABI. Stillmotion runs the
// same core under two runtimes: plain Node (tests, CLI, benchmarks, soak) and Electron
// (the app). We keep both on purpose:
//
//   node_modules/better-sqlite3/build/Release/better_sqlite3.node  always Node's ABI
//   .native/better_sqlite3-electron-abi<N>-<platform>-<arch>.node   Electron's ABI
//
// `node scripts/native-sqlite.mjs node` (run before tests and benchmarks) makes sure the
// binary in node_modules loads under this Node, rebuilding it from source if it does not.
// `node scripts/native-sqlite.mjs electron` (run before `npm start`) builds the Electron
// copy once per Electron ABI, then puts the Node binary back. The app's database module
// picks the Electron copy through better-sqlite3's `nativeBinding` option
// (main/core/db/native-binding.ts). Packaged apps need neither: electron-builder rebuilds
// node_modules for Electron when it packs.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const target = process.argv[2];
const moduleDir = dirname(require.resolve('better-sqlite3/package.json'));
const builtBinary = join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
const cacheDir = join(root, '.native');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function loadsUnderNode() {
  const probe = `const D=require(${JSON.stringify(moduleDir)});new D(':memory:').prepare('select 1').get()`;
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore' }).status === 0;
}

function ensureNode() {
  if (existsSync(builtBinary) && loadsUnderNode()) return;
  console.log('native-sqlite: better-sqlite3 does not load under this Node; rebuilding it from source…');
  execFileSync(npm, ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit' });
  if (!loadsUnderNode()) {
    console.error('native-sqlite: better-sqlite3 still does not load under Node after a rebuild.');
    console.error(
      'Check that python3, make and a C++ compiler are installed, then run `npm rebuild better-sqlite3`.',
    );
    process.exit(1);
  }
}

async function ensureElectron() {
  ensureNode();
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const { getAbi } = require('node-abi');
  const abi = getAbi(electronVersion, 'electron');
  const cached = join(cacheDir, `better_sqlite3-electron-abi${abi}-${process.platform}-${process.arch}.node`);
  if (existsSync(cached)) return;
  mkdirSync(cacheDir, { recursive: true });
  const nodeCopy = join(cacheDir, 'better_sqlite3-node-backup.node');
  copyFileSync(builtBinary, nodeCopy);
  console.log(`native-sqlite: building better-sqlite3 for Electron ${electronVersion} (ABI ${abi}), once…`);
  try {
    const { rebuild } = require('@electron/rebuild');
    await rebuild({ buildPath: root, electronVersion, onlyModules: ['better-sqlite3'], force: true });
    copyFileSync(builtBinary, cached);
  } catch (error) {
    console.error(
      `native-sqlite: could not build better-sqlite3 for Electron ${electronVersion}: ${error.message}`,
    );
    console.error(
      "This needs one-time network access to Electron's headers or prebuilt binaries; try again online.",
    );
    process.exitCode = 1;
  } finally {
    // Whatever happened (@electron/rebuild clears build/ first), node_modules keeps the Node
    // binary the tests and the CLI need.
    mkdirSync(dirname(builtBinary), { recursive: true });
    copyFileSync(nodeCopy, builtBinary);
  }
}

if (target === 'node') ensureNode();
else if (target === 'electron') await ensureElectron();
else {
  console.error('usage: node scripts/native-sqlite.mjs node|electron');
  process.exit(2);
}
