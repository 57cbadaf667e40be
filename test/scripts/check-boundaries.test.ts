import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs script without types
import { checkBoundaries, importsOf } from '../../scripts/check-boundaries.mjs';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'boundaries-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

describe('check-boundaries', () => {
  it('finds every import form', () => {
    const found: string[] = importsOf(
      `import a from 'x'; import 'y'; export * from "z"; const q = await import('w'); require('v');\nimport type { T } from 'u';`,
    );
    expect([...found].sort()).toEqual(['u', 'v', 'w', 'x', 'y', 'z']);
  });

  it('passes on this repository', () => {
    expect(checkBoundaries()).toEqual([]);
  });

  it('flags electron in the core, main/ in the renderer, and an impure common/', () => {
    const root = project({
      'main/core/db.ts': "import { app } from 'electron';",
      'main/core/engine/ok.ts': "import { x } from '../db';",
      'main/core/bad-glue.ts': "import { y } from '../electron/window';",
      'main/electron/window.ts': "import { BrowserWindow } from 'electron';",
      'renderer/src/app.tsx': "import { z } from '../../main/core/domain';\nimport fs from 'node:fs';",
      'common/contract.ts': "import { ipcRenderer } from 'electron';",
    });
    const violations: string[] = checkBoundaries(root);
    expect(violations).toHaveLength(5);
    expect(violations.join('\n')).toMatch(/main\/core\/db\.ts imports 'electron'/);
    expect(violations.join('\n')).toMatch(/bad-glue\.ts imports '..\/electron\/window'/);
    expect(violations.join('\n')).toMatch(/renderer\/src\/app\.tsx imports '..\/..\/main\/core\/domain'/);
    expect(violations.join('\n')).toMatch(/app\.tsx imports 'node:fs'/);
    expect(violations.join('\n')).toMatch(/contract\.ts imports 'electron'/);
  });

  it('flags a core module importing a higher layer', () => {
    const root = project({
      'main/core/domain/states.ts': 'export const ITEM_STATES = [];',
      'main/core/domain/index.ts': "export * from './states';",
      'main/core/db/store.ts':
        "import { canTransition } from '../engine/state-machine';\nimport { x } from '../domain';",
      'main/core/engine/state-machine.ts': "import { ITEM_STATES } from '../domain/states';",
      'main/core/engine/coordinator.ts':
        "import { y } from '../app/errors';\nimport { z } from './state-machine';",
      'main/core/simulator/server.ts':
        "import { q } from '../api/client';\nimport { c } from '../util/clock';",
      'main/core/cli/index.ts':
        "import { s } from '../simulator/server';\nimport { e } from '../engine/coordinator';",
      'main/core/newpart/thing.ts': 'export const t = 1;',
      'main/core/util/clock.ts':
        "import { t } from '../newpart/thing';\nimport { r } from '@common/reasons';",
    });
    const violations: string[] = checkBoundaries(root);
    const text = violations.join('\n');
    expect(text).toMatch(
      /db\/store\.ts imports '..\/engine\/state-machine': main\/core\/db \(layer 2\) must not import main\/core\/engine/,
    );
    expect(text).toMatch(/engine\/coordinator\.ts imports '..\/app\/errors'/);
    expect(text).toMatch(
      /simulator\/server\.ts imports '..\/api\/client': main\/core\/simulator may use only util and domain/,
    );
    expect(text).toMatch(/util\/clock\.ts imports '..\/newpart\/thing': main\/core\/newpart has no layer/);
    expect(violations).toHaveLength(4);
  });

  it('keeps common/ below every process and the preload a bridge to common/ only', () => {
    const root = project({
      'main/core/domain/states.ts': 'export const TRANSITIONS = {};',
      'common/contract.ts': "export * from './contract/vocabulary';\nimport { z } from 'zod';",
      'common/contract/vocabulary.ts': "import { TRANSITIONS } from '../../main/core/domain/states';",
      'common/reasons.ts': "import fs from 'node:fs';\nimport { api } from '../preload/api';",
      'common/texts.ts': "import { t } from '@common/reasons';\nimport { h } from '../renderer/src/i18n';",
      'preload/index.ts':
        "import { ipcRenderer } from 'electron';\nimport type { E } from '@common/contract';",
      'preload/api.ts': "import { x } from '../main/core/domain/states';",
    });
    const text = (checkBoundaries(root) as string[]).join('\n');
    expect(text).toMatch(
      /common\/contract\/vocabulary\.ts imports '..\/..\/main\/core\/domain\/states': common\/ is below/,
    );
    expect(text).toMatch(/common\/reasons\.ts imports 'node:fs'/);
    expect(text).toMatch(/common\/reasons\.ts imports '..\/preload\/api'/);
    expect(text).toMatch(/common\/texts\.ts imports '..\/renderer\/src\/i18n'/);
    expect(text).toMatch(
      /preload\/api\.ts imports '..\/main\/core\/domain\/states': the preload is the bridge/,
    );
    expect(text).not.toMatch(/preload\/index\.ts/);
    expect(text.split('\n')).toHaveLength(5);
  });
});
