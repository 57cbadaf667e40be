#!/usr/bin/env node
// `stillmotion`: the headless CLI.
//
// Installed from the package (`npm install -g stillmotion-<version>.tgz`), it runs the bundle
// that scripts/build-cli.mjs wrote into out/cli/: no TypeScript, no devDependencies, and the
// engine, intake and simulator load only for the commands that need them.
//
// In a development checkout (`npx stillmotion`) the TypeScript sources sit next to this file,
// and it runs them directly through tsx instead, so the CLI is always the code in the checkout
// with no build step (a bundle left in out/ may be older than the sources). Set
// STILLMOTION_CLI=bundle to run the built bundle from a checkout (the tests and the bench do).
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = join(root, 'main/core/cli/index.ts');

async function loadMain() {
  if (process.env.STILLMOTION_CLI !== 'bundle' && existsSync(sources)) {
    // The checkout's better-sqlite3 build for Electron lives under <root>/.native; the core
    // finds the root through this variable (main/core/db/native-binding.ts).
    process.env.STILLMOTION_ROOT ??= root;
    // The sources import the shared vocabulary as @common/...: tsx must read the checkout's
    // tsconfig (its paths), not whatever tsconfig the user's folder has (or none).
    process.env.TSX_TSCONFIG_PATH ??= join(root, 'tsconfig.json');
    // The package is CommonJS, so tsx compiles the .ts sources to CommonJS; ESM-only packages
    // (p-queue) are loaded through the ESM hook.
    const [{ register: registerCjs }, { register: registerEsm }, { createRequire }] = await Promise.all([
      import('tsx/cjs/api'),
      import('tsx/esm/api'),
      import('node:module'),
    ]);
    registerCjs();
    registerEsm();
    return createRequire(import.meta.url)(sources).main;
  }
  const bundle = join(root, 'out/cli/stillmotion.mjs');
  if (!existsSync(bundle)) {
    process.stderr.write(
      `stillmotion: the built CLI is missing (${bundle}). Run \`npm run build:cli\` in the checkout, ` +
        'or reinstall the package.\n',
    );
    process.exit(2);
  }
  // Node 22.1+ keeps V8's compiled code of the bundle on disk between runs (what npm itself
  // does); older Nodes lack the function and compile every time.
  nodeModule.enableCompileCache?.();
  return (await import(pathToFileURL(bundle).href)).main;
}

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
