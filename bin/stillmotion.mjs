#!/usr/bin/env node
// `stillmotion` / `npx stillmotion`: the headless CLI. It runs the TypeScript core directly
// under plain Node through tsx, so the CLI is always the code in this checkout (no build
// step) and loads better-sqlite3 with Node's ABI (kept that way by scripts/native-sqlite.mjs).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.env.STILLMOTION_ROOT ??= root;
// The package is CommonJS, so tsx compiles the .ts sources to CommonJS; ESM-only packages
// (p-queue) are loaded through the ESM hook.
registerCjs();
registerEsm();
const { main } = createRequire(import.meta.url)(join(root, 'main/core/cli/index.ts'));
process.exitCode = await main(process.argv.slice(2));
