// The built CLI (scripts/build-cli.mjs): what it needs at run time, and what each command loads.
// Built here into a folder of its own under node_modules/.cache (so the native modules resolve
// from node_modules as they do in an installed package, and lint never sees the output). The full install from the packed
// tarball is `npm run check:package` (CI).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedRun, writeImages } from '../main/core/cli/helpers';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'node_modules', '.cache', `stillmotion-cli-bundle-test-${process.pid}`);
const BUNDLE = join(OUT, 'cli');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<
    string,
    {
      entryPoint?: string;
      inputs: Record<string, unknown>;
      imports: { path: string; kind: string; external?: boolean }[];
    }
  >;
}
let metafile: Metafile;

beforeAll(() => {
  mkdirSync(OUT, { recursive: true });
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs'), BUNDLE, join(OUT, 'meta.json')], {
    cwd: ROOT,
  });
  metafile = JSON.parse(readFileSync(join(OUT, 'meta.json'), 'utf8')) as Metafile;
});

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

/**
 * Runs `main(args)` of the bundle in a fresh Node and reports which packages from node_modules
 * that process loaded (the bundle loads them through require, so Node's module cache lists them).
 */
function runBundle(args: string[], env: Record<string, string> = {}) {
  const script = `
    import { createRequire } from 'node:module';
    const { main } = await import(${JSON.stringify(pathToFileURL(join(BUNDLE, 'stillmotion.mjs')).href)});
    const code = await main(${JSON.stringify(args)});
    const loaded = Object.keys(createRequire(import.meta.url).cache)
      .map((f) => /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f)?.[1])
      .filter(Boolean);
    process.stderr.write('LOADED ' + JSON.stringify([...new Set(loaded)]) + '\\n');
    process.exitCode = code;
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, STILLMOTION_DATA_DIR: join(OUT, 'data'), ...env },
  });
  const line = /^LOADED (.*)$/m.exec(result.stderr)?.[1];
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    loaded: JSON.parse(line ?? '[]'),
  };
}

describe('the CLI bundle', () => {
  it('imports at run time only Node built-ins and the native modules listed in "dependencies"', () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const external = new Set<string>();
    for (const output of Object.values(metafile.outputs))
      for (const imported of output.imports) if (imported.external) external.add(imported.path);
    // node:sqlite and the like exist only with the scheme (undici's optional cache store asks
    // for it when used, which the CLI never does).
    const packages = [...external].filter((path) => !builtins.has(path) && !path.startsWith('node:'));
    expect(packages.sort()).toEqual(['better-sqlite3', 'sharp']);
    for (const name of packages) expect(pkg.dependencies, name).toHaveProperty(name);
  });

  it('is built from the core and node_modules only (no tests, no scripts)', () => {
    const outside = Object.keys(metafile.inputs).filter(
      // common/: what every process speaks (the reason sentences, the states and their actions,
      // the model roles, a batch's figures, the contract's schemas the database reads rows with),
      // pure and importing nothing but zod and itself.
      (input) => !/^(main\/core\/|common\/|package\.json$|node_modules\/|defer-sharp:)/.test(input),
    );
    expect(outside).toEqual([]);
  });

  it('what every command loads first holds no zod, engine, database, intake or simulator code', () => {
    // The entry chunk and the chunks it imports statically run before the command is known;
    // the heavy modules must sit behind the commands' dynamic imports.
    const entry = Object.keys(metafile.outputs).find(
      (o) => metafile.outputs[o]!.entryPoint === 'main/core/cli/entry.ts',
    )!;
    const eager = new Set<string>();
    const visit = (output: string) => {
      if (eager.has(output)) return;
      eager.add(output);
      for (const imported of metafile.outputs[output]!.imports)
        if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    };
    visit(entry);
    const inputs = [...eager].flatMap((output) => Object.keys(metafile.outputs[output]!.inputs));
    expect(
      inputs.filter((input) =>
        // Code only: the default model's entry (one small JSON file, via the domain) is data.
        /node_modules\/zod\/|main\/core\/(engine|db|intake|simulator|catalog)\/.*\.ts$/.test(input),
      ),
    ).toEqual([]);
  });

  it("--version prints package.json's version; --help loads none of the engine, database or sharp", () => {
    const version = runBundle(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);

    const help = runBundle(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: stillmotion/);
    expect(help.loaded).not.toContain('better-sqlite3');
    expect(help.loaded).not.toContain('sharp');
  });

  it('status opens the database but does not load sharp (only run reads pixels)', () => {
    const status = runBundle(['status', '--db', join(OUT, 'status.sqlite')]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/No batches yet/);
    expect(status.loaded).toContain('better-sqlite3');
    expect(status.loaded).not.toContain('sharp');
  });

  it("reaches the network from the bundle (undici's chunk loads): a one-image simulated run makes its video", async () => {
    const images = join(OUT, 'images');
    await writeImages(images, 1);
    const run = runBundle(simulatedRun(images, join(OUT, 'videos'), join(OUT, 'run.sqlite')));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readdirSync(join(OUT, 'videos'))).toContain('shot-0.mp4');
  }, 60_000);

  it('the bin runs the bundle with STILLMOTION_CLI=bundle, and the sources through tsx in a checkout', () => {
    for (const env of [{ STILLMOTION_CLI: 'bundle' }, {}]) {
      const result = spawnSync(process.execPath, [join(ROOT, 'bin/stillmotion.mjs'), '--version'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe(pkg.version);
    }
  });

  it("runs the checkout's sources from any folder (the user's images), not only from the checkout", () => {
    // tsx must read the checkout's tsconfig (the @common/ paths), not the current folder's.
    const result = spawnSync(process.execPath, [join(ROOT, 'bin/stillmotion.mjs'), '--help'], {
      cwd: tmpdir(),
      encoding: 'utf8',
      // A user's shell: none of the test runner's variables.
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: stillmotion/);
  });

  it('`npm run stillmotion -- <args>` runs the CLI too (it used to load the sources and print nothing)', () => {
    // The script's own command, run with this Node (no package manager needed to test it).
    const script = pkg.scripts.stillmotion!;
    const [command, ...args] = script.split(/\s+/);
    expect(command, `package.json's "stillmotion" script should run node, got: ${script}`).toBe('node');
    const result = spawnSync(process.execPath, [...args, '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });
});
