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

  it('flags electron in the core, main/ in the renderer, and an impure contract', () => {
    const root = project({
      'main/core/db.ts': "import { app } from 'electron';",
      'main/core/ok.ts': "import { x } from './db';",
      'main/core/bad-glue.ts': "import { y } from '../electron/window';",
      'main/electron/window.ts': "import { BrowserWindow } from 'electron';",
      'renderer/src/app.tsx': "import { z } from '../../main/core/domain';\nimport fs from 'node:fs';",
      'preload/contract.ts': "import { ipcRenderer } from 'electron';",
    });
    const violations: string[] = checkBoundaries(root);
    expect(violations).toHaveLength(5);
    expect(violations.join('\n')).toMatch(/main\/core\/db\.ts imports 'electron'/);
    expect(violations.join('\n')).toMatch(/bad-glue\.ts imports '..\/electron\/window'/);
    expect(violations.join('\n')).toMatch(/renderer\/src\/app\.tsx imports '..\/..\/main\/core\/domain'/);
    expect(violations.join('\n')).toMatch(/app\.tsx imports 'node:fs'/);
    expect(violations.join('\n')).toMatch(/contract\.ts imports 'electron'/);
  });
});
