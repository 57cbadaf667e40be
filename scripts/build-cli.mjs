#!/usr/bin/env node
// Builds the headless CLI into out/cli/ (run by `npm run build` and before `npm pack`).
//
// The CLI must start fast and run from an installed package that holds no TypeScript sources
// and no devDependencies, so esbuild bundles main/core/cli/index.ts and everything it imports
// (commander, zod, p-queue, csv-parse included) into ES modules. Only the native modules stay
// external and are installed as the package's `dependencies`: better-sqlite3 and sharp load
// binaries built for the user's machine and cannot be bundled.
//
// Code splitting keeps start-up light: the CLI imports the engine, the intake (sharp) and the
// simulator with `await import()` where a command needs them, and each of those becomes its own
// chunk, so `stillmotion --help` reads about 60 kB (commander and the CLI) of the 700 kB.
//
// sharp is the heaviest of them (about 70 files and libvips, more than half of `stillmotion
// status`'s start-up), yet only `run` reads pixels. The intake imports it at the top of its
// modules, which the Electron app wants; for the CLI bundle, `deferSharp` below hands those
// imports a stand-in that requires the real sharp on first use.
//
// `node scripts/build-cli.mjs [outDir] [metafile.json]` (default out/cli); the tests build into
// a folder of their own and read the metafile.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Native modules: required at run time from the package's node_modules. */
export const CLI_EXTERNAL = ['better-sqlite3', 'sharp'];

/**
 * `import sharp from 'sharp'` resolves to a function that loads the real module the first time
 * it is called or one of its properties is read, then forwards to it. Code that only imports
 * the intake (status, report, cancel) never loads libvips.
 */
const deferSharp = {
  name: 'defer-sharp',
  setup(build) {
    build.onResolve({ filter: /^sharp$/ }, (args) =>
      args.namespace === 'defer-sharp'
        ? { path: 'sharp', external: true }
        : { path: 'sharp', namespace: 'defer-sharp' },
    );
    build.onLoad({ filter: /.*/, namespace: 'defer-sharp' }, () => ({
      resolveDir: root,
      contents: `
        let real;
        const load = () => (real ??= require('sharp'));
        export default new Proxy(function sharp() {}, {
          apply: (_target, self, args) => Reflect.apply(load(), self, args),
          construct: (_target, args) => Reflect.construct(load(), args),
          get: (_target, key) => Reflect.get(load(), key),
          has: (_target, key) => Reflect.has(load(), key),
        });
      `,
      // Only the default import is provided: a named import of sharp fails the build loudly.
    }));
  },
};

/** Builds the CLI into outDir; returns esbuild's metafile (what went in, what each chunk imports). */
export async function buildCli(outDir = join(root, 'out', 'cli')) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const name of CLI_EXTERNAL)
    if (!pkg.dependencies?.[name])
      throw new Error(
        `build-cli: ${name} stays external to the CLI bundle, so it must be in "dependencies".`,
      );
  rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    metafile: true,
    entryPoints: { stillmotion: join(root, 'main/core/cli/entry.ts') },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    // ES module builds first: jsonc-parser's "main" is a UMD file whose require('./impl/...')
    // calls esbuild cannot follow, so the installed CLI failed on "Cannot find module".
    mainFields: ['module', 'main'],
    // The oldest Node that engines.node accepts: its first line's lowest version ("^20.19.0 || ...").
    target: `node${/\d+(\.\d+)*/.exec(pkg.engines.node)[0]}`,
    external: CLI_EXTERNAL,
    plugins: [deferSharp],
    minify: true,
    // Bundled CommonJS packages (commander) call require() for Node's own modules; an ES
    // module has no require, so every chunk gets one.
    banner: {
      js: "import { createRequire as __smCreateRequire } from 'node:module'; const require = __smCreateRequire(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'warning',
  });
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [outArg, metafileArg] = process.argv.slice(2);
  const outDir = outArg ? resolve(outArg) : join(root, 'out', 'cli');
  const metafile = await buildCli(outDir);
  // The tests read it; the package does not ship it (it is written next to, not into, outDir).
  if (metafileArg) writeFileSync(resolve(metafileArg), JSON.stringify(metafile));
  console.log(`build-cli: wrote ${outDir}`);
}
