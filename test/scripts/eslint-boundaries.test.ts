// The architecture's boundaries are lint rules (scripts/eslint-boundaries.mjs): each forbidden
// import is reported with its reason, in every form (import, import type, export from, import()),
// and the allowed ones are not. Linted as text at paths inside the repository, with the
// boundary rules alone.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs module without types
import { boundaryConfigs, CORE_LAYERS } from '../../scripts/eslint-boundaries.mjs';

const root = resolve(__dirname, '../..');
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser } },
    ...(boundaryConfigs() as object[]),
  ],
});

/** The messages of the boundary rules for `code` at `path`. */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result!.messages.map((m) => m.message);
}

describe('the boundary rules', () => {
  it('keep the core Electron-free and away from the Electron glue', async () => {
    expect(await violations('main/core/db/x.ts', "import { app } from 'electron';")).toEqual([
      expect.stringMatching(/core of main\/ must stay Electron-free/),
    ]);
    expect(await violations('main/core/engine/x.ts', "import { w } from '../../electron/window';")).toEqual([
      expect.stringMatching(/must not depend on the Electron glue/),
    ]);
    expect(await violations('main/electron/x.ts', "import { app } from 'electron';")).toEqual([]);
  });

  it('hold each part of the core to lower layers, in every import form', async () => {
    const higher = /main\/core\/db \(layer 2\) must not import main\/core\/engine \(layer 5\)/;
    for (const code of [
      "import { x } from '../engine/state-machine';",
      "import type { X } from '../engine';",
      "export { x } from '../engine/x';",
      "const m = await import('../engine/x');",
    ])
      expect(await violations('main/core/db/x.ts', code)).toEqual([expect.stringMatching(higher)]);
    expect(await violations('main/core/db/sub/x.ts', "import { x } from '../../engine/x';")).toEqual([
      expect.stringMatching(higher),
    ]);
    expect(
      await violations(
        'main/core/db/x.ts',
        "import { d } from '../domain';\nimport { u } from '../util/clock';\nimport { s } from './store';\nimport { r } from '@common/reasons';",
      ),
    ).toEqual([]);
    // A JSON file is data: any layer may read it.
    expect(await violations('main/core/api/x.ts', "import m from '../catalog/models/kling.json';")).toEqual(
      [],
    );
    expect(await violations('main/core/core-api.ts', "import { e } from './engine';")).toEqual([
      expect.stringMatching(/core-api \(layer 2\) must not import main\/core\/engine/),
    ]);
    expect(await violations('main/core/cli/commands/x.ts', "import { e } from '../../engine';")).toEqual([]);
  });

  it('let the simulator use only util and domain, and anyone start it', async () => {
    expect(await violations('main/core/simulator/x.ts', "import { c } from '../api/client';")).toEqual([
      expect.stringMatching(/simulator may use only util and domain/),
    ]);
    expect(await violations('main/core/cli/x.ts', "import { s } from '../simulator';")).toEqual([]);
  });

  it('keep the renderer web content, common/ below every process and the preload a bridge', async () => {
    expect(
      await violations(
        'renderer/src/app.tsx',
        "import { z } from '../../main/core/domain';\nimport fs from 'node:fs';",
      ),
    ).toEqual([
      expect.stringMatching(/reaches main only through the contract/),
      expect.stringMatching(/web content/),
    ]);
    expect(await violations('renderer/src/app.tsx', "import type { X } from '@common/contract';")).toEqual(
      [],
    );
    expect(
      await violations(
        'common/contract/x.ts',
        "import { T } from '../../main/core/domain/states';\nimport { p } from 'path';\nimport { e } from 'electron';",
      ),
    ).toEqual([
      expect.stringMatching(/common\/ is below every process/),
      expect.stringMatching(/no Node or Electron/),
      expect.stringMatching(/no Node or Electron/),
    ]);
    expect(await violations('preload/api.ts', "import { x } from '../main/core/domain/states';")).toEqual([
      expect.stringMatching(/the preload is the bridge/),
    ]);
    expect(
      await violations(
        'preload/index.ts',
        "import { ipcRenderer } from 'electron';\nimport type { E } from '@common/contract';",
      ),
    ).toEqual([]);
  });

  it('know a layer for every part of the core', () => {
    const parts = readdirSync(join(root, 'main/core')).map((name) => name.replace(/\.ts$/, ''));
    expect(parts.filter((part) => !(part in CORE_LAYERS) && part !== 'simulator')).toEqual([]);
  });
});
