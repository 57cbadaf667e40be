// The desktop packaging config, checked the way electron-builder itself reads it: loaded by its
// own config loader, validated against its own schema (app-builder-lib's scheme.json), the
// Electron fuses asserted one by one, and the `files` patterns run through its own file matcher
// on the paths a build and a checkout contain. The Electron binary cannot be downloaded here,
// so nothing is actually packed; this is what can be known without it.
import { join } from 'node:path';
import { getFileMatchers } from 'app-builder-lib/out/fileMatcher';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
/** Where the config lives; a test may point it at a copy (see the fuse-flip check below). */
const PROJECT = process.env.STILLMOTION_PACKAGING_ROOT ?? ROOT;

let config: Configuration;

beforeAll(async () => {
  // null config path: electron-builder finds electron-builder.yml in the project, as `dist` does.
  config = await getConfig(PROJECT, null, null);
});

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own schema", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the schema check itself rejects a wrong fuse value (so the test above can fail)', async () => {
    const broken = { ...config, electronFuses: { ...config.electronFuses, runAsNode: 'off' } };
    await expect(validateConfiguration(broken as never, new DebugLogger(false))).rejects.toThrow(
      /electronFuses\.runAsNode should be a boolean/,
    );
  });

  // Each fuse by name, so flipping or deleting any one of them fails exactly one line here.
  it.each([
    ['runAsNode', false],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['onlyLoadAppFromAsar', true],
    ['enableCookieEncryption', true],
    ['grantFileProtocolExtraPrivileges', false],
  ] as const)('sets the Electron fuse %s to %s', (fuse, expected) => {
    expect(config.electronFuses?.[fuse], `electronFuses.${fuse}`).toBe(expected);
  });

  it('packs into app.asar (the asar fuses need it)', () => {
    expect(config.asar ?? true).toBe(true);
  });

  it('keeps the native modules out of app.asar, where they cannot load', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['**/node_modules/better-sqlite3/**', '**/node_modules/sharp/**']),
    );
  });

  it('names every artifact without spaces, by version, platform and CPU', () => {
    expect(config.artifactName).toBe('${name}-${version}-${os}-${arch}.${ext}');
    // As the packager expands it for a mac arm64 zip of this package (productName has no role).
    const expanded = config.artifactName!.replace(/\$\{(\w+)\}/g, (_, key: string) =>
      String({ name: 'stillmotion', version: '0.1.0', os: 'mac', arch: 'arm64', ext: 'zip' }[key]),
    );
    expect(expanded).toBe('stillmotion-0.1.0-mac-arm64.zip');
    expect(expanded).not.toMatch(/\s/);
  });

  /** A platform's targets as { target, arch } entries. */
  const targetsOf = (platform: 'win' | 'mac' | 'linux') =>
    (config[platform]?.target as { target: string; arch: string[] }[] | undefined) ?? [];

  it.each([
    ['win', ['nsis']],
    ['mac', ['dmg', 'zip']],
    ['linux', ['AppImage', 'deb']],
  ] as const)('builds %s as %j, each for x64 and arm64', (platform, targets) => {
    expect(targetsOf(platform).map((t) => t.target)).toEqual(targets);
    for (const target of targetsOf(platform)) expect(target.arch, target.target).toEqual(['x64', 'arm64']);
  });

  it("publishes where the updater looks, this project's GitHub releases, set in this file alone", () => {
    expect(config.publish).toEqual({ provider: 'github', owner: 'stillmotion', repo: 'stillmotion' });
  });

  it('signs and notarizes from the environment only: no certificate or password in the file', () => {
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true });
    const text = JSON.stringify(config);
    for (const secret of ['cscLink', 'cscKeyPassword', 'certificateFile', 'certificatePassword', 'appleId'])
      expect(text, secret).not.toContain(`"${secret}"`);
  });

  it('npm run dist builds the targets this file names (no targets on the command line)', async () => {
    const { scripts } = (await import('../../package.json')).default as { scripts: Record<string, string> };
    expect(scripts.dist).toMatch(/electron-builder --win --mac --linux$/);
    expect(scripts['dist:linux']).toMatch(/electron-builder --linux$/);
  });

  describe('files', () => {
    let included: (relativePath: string) => boolean;

    beforeAll(() => {
      // As the packager builds it: the config's `files`, from the project folder into the app.
      const matchers = getFileMatchers(config, 'files', '/app', {
        macroExpander: (pattern) => pattern,
        customBuildOptions: {},
        globalOutDir: join(PROJECT, 'dist'),
        defaultSrc: PROJECT,
      });
      expect(matchers, 'a files list').toHaveLength(1);
      const filter = matchers![0]!.createFilter();
      const fileStat = { isDirectory: () => false } as never;
      included = (relativePath) => filter(join(PROJECT, relativePath), fileStat);
    });

    it.each([
      'package.json',
      'out/main/index.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/renderer/assets/index-abc123.js',
      'out/renderer/assets/index-abc123.css',
      // Room for data files the app reads at run time (the model catalog), wherever under out/
      // the build puts them.
      'out/data/models/kling-3.0-standard.json',
      'out/main/data/models.json',
    ])('ships %s', (path) => {
      expect(included(path), path).toBe(true);
    });

    it.each([
      'main/electron/index.ts',
      'main/core/engine/engine.ts',
      'main/core/catalog/models/kling-3.0-standard.json',
      'preload/index.ts',
      'renderer/src/App.tsx',
      'renderer/index.html',
      'test/main/electron/index.test.ts',
      'bench/run.ts',
      'scripts/build-cli.mjs',
      'out/main/index.js.map',
      'out/renderer/assets/index-abc123.js.map',
      'out/cli/stillmotion.mjs',
      '.native/better_sqlite3-electron-abi140-linux-x64.node',
    ])('leaves out %s', (path) => {
      expect(included(path), path).toBe(false);
    });
  });
});
