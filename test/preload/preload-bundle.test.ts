// The built preload must be CommonJS: Electron loads a sandboxed preload as a classic script
// with a limited `require` (only 'electron' and a few built-ins), so an ESM or multi-chunk
// bundle fails at run time with nothing but a console error and no window.api. This reads
// out/preload/index.cjs (built by `npm run build` before the tests; built here if missing or
// older than the sources), compiles it as a script and runs it with only 'electron' requirable.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Script, createContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const bundle = join(root, 'out', 'preload', 'index.cjs');

function newestSource(): number {
  return Math.max(
    ...readdirSync(join(root, 'preload'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => statSync(join(root, 'preload', f)).mtimeMs),
  );
}

let source = '';

beforeAll(async () => {
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
    try {
      const { build } = await import('electron-vite');
      await build({ root, logLevel: 'error' });
    } catch (error) {
      throw new Error(
        `out/preload/index.cjs is missing or stale and building it failed (${(error as Error).message}). Run \`npm run build\` and look at its errors.`,
        { cause: error },
      );
    }
  }
  source = readFileSync(bundle, 'utf8');
}, 180_000);

describe('out/preload/index.cjs', () => {
  it('is one classic script: no import or export statements, no dynamic import', () => {
    expect(() => new Script(source, { filename: 'index.cjs' })).not.toThrow();
    expect(source).not.toMatch(/^\s*(import|export)\s*[\s{*'"]/m);
    expect(source).not.toMatch(/\bimport\s*\(/);
    expect(source).not.toMatch(/\bimport\.meta\b/);
  });

  it("requires 'electron' and nothing else", () => {
    const required = [...source.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('runs with a sandbox-like require and exposes window.api', () => {
    const requested: string[] = [];
    const exposed = new Map<string, unknown>();
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
      ipcRenderer: { invoke: async () => ({ ok: true, value: null }), on() {}, removeListener() {} },
      webUtils: { getPathForFile: () => '/x' },
    };
    const sandboxRequire = (name: string) => {
      requested.push(name);
      if (name !== 'electron') throw new Error(`module not found: ${name}`);
      return electron;
    };
    const module = { exports: {} };
    const context = createContext({ require: sandboxRequire, module, exports: module.exports, console });
    new Script(source, { filename: 'index.cjs' }).runInContext(context);
    expect(requested).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['api']);
    const api = exposed.get('api') as Record<string, unknown>;
    expect(typeof (api.batch as Record<string, unknown>).start).toBe('function');
  });
});
