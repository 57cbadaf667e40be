#!/usr/bin/env node
// Keeps the architecture honest (run by `npm test`):
//  - main/ outside main/electron/ is the Electron-free core: it must run under plain Node
//    (tests, CLI, benchmarks), so it never imports `electron` nor anything in main/electron/.
//  - renderer/ is web content: it imports nothing from main/ and no Node or Electron module;
//    it reaches main only through the contract in common/ (and window.api, which preload/ builds).
//  - common/ (the contract, the states, the reasons: what every process speaks, imported as
//    @common/...) is read by all of them, so it imports nothing from main/, preload/ or
//    renderer/, no Node or Electron module: zod and its own files only.
//  - preload/ is the bridge: electron, common/ and its own files, never main/ (its bundle must
//    be one CommonJS file that requires only electron).
//  - main/core is layered; a module imports only from lower layers (or its own folder):
//    util < domain < api, db, core-api.ts < catalog < intake < engine < app,
//    index.ts (the core's entry) < cli. The simulator stands beside them and uses util and domain only.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name)) yield path;
  }
}

// import x from 'y'; import 'y'; export * from 'y'; import('y'); require('y')
const specifierPattern =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*['"]([^'"]+)['"]|(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(source) {
  const found = [];
  for (const match of source.matchAll(specifierPattern)) found.push(match[1] ?? match[2] ?? match[3]);
  return found;
}

/** Rank of each part of main/core; a module may import only strictly lower ranks. */
export const CORE_LAYERS = {
  util: 0,
  version: 0,
  domain: 1,
  'core-api': 2,
  api: 2,
  db: 2,
  catalog: 3,
  intake: 4,
  engine: 5,
  app: 6,
  index: 6,
  cli: 7,
};
/** Parts that may only use these others (besides themselves). */
const CORE_ONLY = { simulator: ['util', 'domain'] };

/** 'engine' for main/core/engine/x.ts, 'core-api' for main/core/core-api.ts. */
function corePartOf(coreDir, path) {
  if (!path.startsWith(coreDir + sep)) return null;
  const first = relative(coreDir, path).split(sep)[0];
  return first.replace(/\.(ts|tsx|mts|cts|js|mjs)$/, '');
}

function layerViolation(coreDir, file, specifier) {
  if (!specifier.startsWith('.')) return null;
  // A JSON file is data (e.g. a model's catalog entry): it imports nothing, so any layer may read it.
  if (specifier.endsWith('.json')) return null;
  const from = corePartOf(coreDir, file);
  const to = corePartOf(coreDir, resolve(dirname(file), specifier));
  if (!from || !to || from === to) return null;
  const only = CORE_ONLY[from];
  if (only) return only.includes(to) ? null : `main/core/${from} may use only ${only.join(' and ')}`;
  if (CORE_ONLY[to]) return null; // the CLI and the app may start a simulator
  const fromRank = CORE_LAYERS[from];
  const toRank = CORE_LAYERS[to];
  if (fromRank === undefined || toRank === undefined)
    return `main/core/${fromRank === undefined ? from : to} has no layer; add it to CORE_LAYERS in scripts/check-boundaries.mjs`;
  if (toRank >= fromRank)
    return `main/core/${from} (layer ${fromRank}) must not import main/core/${to} (layer ${toRank}); move the shared part lower`;
  return null;
}

/** The file a relative or @common/ specifier names (without extension), else null (a package). */
function targetOf(projectRoot, file, specifier) {
  if (specifier.startsWith('@common/'))
    return join(projectRoot, 'common', specifier.slice('@common/'.length));
  return specifier.startsWith('.') ? resolve(dirname(file), specifier) : null;
}

function resolvesInto(file, specifier, folder, projectRoot = root) {
  const target = targetOf(projectRoot, file, specifier);
  return target !== null && (target === folder || target.startsWith(folder + sep));
}

export function checkBoundaries(projectRoot = root) {
  const violations = [];
  const mainDir = join(projectRoot, 'main');
  const electronGlue = join(mainDir, 'electron');
  const coreDir = join(mainDir, 'core');
  const rendererDir = join(projectRoot, 'renderer');
  const check = (dir, rule) => {
    let files;
    try {
      files = [...walk(dir)];
    } catch {
      return;
    }
    for (const file of files) {
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        const why = rule(file, specifier);
        if (why) violations.push(`${relative(projectRoot, file)} imports '${specifier}': ${why}`);
      }
    }
  };
  check(mainDir, (file, spec) => {
    if (file.startsWith(electronGlue + sep)) return null;
    if (spec === 'electron' || spec.startsWith('electron/'))
      return 'the core of main/ must stay Electron-free; move this into main/electron/';
    if (resolvesInto(file, spec, electronGlue, projectRoot))
      return 'the core must not depend on the Electron glue';
    return layerViolation(coreDir, file, spec);
  });
  check(rendererDir, (file, spec) => {
    if (resolvesInto(file, spec, mainDir, projectRoot))
      return 'the renderer reaches main only through the contract in common/';
    if (spec === 'electron' || nodeBuiltins.has(spec))
      return 'the renderer is web content: no Node or Electron modules';
    return null;
  });
  const commonDir = join(projectRoot, 'common');
  const preloadDir = join(projectRoot, 'preload');
  check(commonDir, (file, spec) => {
    if (spec === 'electron' || nodeBuiltins.has(spec))
      return 'common/ is read by every process, the renderer too: no Node or Electron modules';
    for (const folder of [mainDir, preloadDir, rendererDir])
      if (resolvesInto(file, spec, folder, projectRoot))
        return `common/ is below every process: it must not import ${relative(projectRoot, folder)}/; move the shared part into common/`;
    return null;
  });
  check(preloadDir, (file, spec) => {
    if (resolvesInto(file, spec, mainDir, projectRoot) || resolvesInto(file, spec, rendererDir, projectRoot))
      return 'the preload is the bridge: electron, common/ and its own files only';
    return null;
  });
  return violations;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const violations = checkBoundaries();
  if (violations.length) {
    console.error(`Boundary check failed (${violations.length}):`);
    for (const v of violations) console.error(`  ${v}`);
    process.exit(1);
  }
  console.log(
    'Boundary check passed: main/ core is Electron-free and layered; renderer/ imports nothing from main/.',
  );
}
