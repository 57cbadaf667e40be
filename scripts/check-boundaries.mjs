#!/usr/bin/env node
// Keeps the architecture honest (run by `npm test`):
//  - main/ outside main/electron/ is the Electron-free core: it must run under plain Node
//    (tests, CLI, benchmarks), so it never imports `electron` nor anything in main/electron/.
//  - renderer/ is web content: it imports nothing from main/ and no Node or Electron module;
//    it reaches main only through the contract in preload/.
//  - preload/contract.ts is shared by both sides, so it imports neither electron nor main/.
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

function resolvesInto(file, specifier, folder) {
  if (!specifier.startsWith('.')) return false;
  const target = resolve(dirname(file), specifier);
  return target === folder || target.startsWith(folder + sep);
}

export function checkBoundaries(projectRoot = root) {
  const violations = [];
  const mainDir = join(projectRoot, 'main');
  const electronGlue = join(mainDir, 'electron');
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
    if (resolvesInto(file, spec, electronGlue)) return 'the core must not depend on the Electron glue';
    return null;
  });
  check(rendererDir, (file, spec) => {
    if (resolvesInto(file, spec, mainDir)) return 'the renderer reaches main only through preload/contract';
    if (spec === 'electron' || nodeBuiltins.has(spec))
      return 'the renderer is web content: no Node or Electron modules';
    return null;
  });
  const contract = join(projectRoot, 'preload', 'contract.ts');
  try {
    for (const spec of importsOf(readFileSync(contract, 'utf8'))) {
      if (spec === 'electron' || resolvesInto(contract, spec, mainDir) || nodeBuiltins.has(spec))
        violations.push(`preload/contract.ts imports '${spec}': the contract must stay pure (zod only)`);
    }
  } catch {
    // no contract yet
  }
  return violations;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const violations = checkBoundaries();
  if (violations.length) {
    console.error(`Boundary check failed (${violations.length}):`);
    for (const v of violations) console.error(`  ${v}`);
    process.exit(1);
  }
  console.log('Boundary check passed: main/ core is Electron-free; renderer/ imports nothing from main/.');
}
