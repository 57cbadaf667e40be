// One source for models: their ids and Kling's request field names live in the catalog's entry
// files (and in the simulator's own, independent table), nowhere else in the app's code. A
// Kling field name in the planner or a model id in the renderer would make every other model
// second-class again. Comments may name them as examples; code may not.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_ENTRIES } from '../../../../main/core/catalog';

const ROOT = join(__dirname, '../../../..');
const SCANNED = ['main', 'preload', 'renderer/src'];
const EXEMPT = [/^main\/core\/catalog\/models\//, /^main\/core\/simulator\//];
/** prompts.csv's own column names: the app's vocabulary for every model (see CSV_ROLE_COLUMNS). */
const CSV_COLUMNS_FILE = 'main/core/intake/prompts-csv.ts';
const CSV_COLUMN_NAMES = ['negative_prompt', 'generate_audio', 'cfg_scale'];

const kling = SHIPPED_ENTRIES.find((e) => e.id.startsWith('kling/kling-3.0/pro/'))!;
/** Kling 3.0's own field names (not the generic "prompt", "duration", "elements"). */
const KLING_FIELDS = Object.keys(kling.inputSchema.properties as object).filter(
  (f) => !['prompt', 'duration', 'elements'].includes(f),
);
const MODEL_IDS = SHIPPED_ENTRIES.map((e) => e.id);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx|mts|cts)$/.test(name) ? [path] : [];
  });
}

/** The code of a file without its comments (line comments and block comments). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('model ids and Kling field names appear only in catalog data and the simulator', () => {
  it('finds none in main/, preload/ and renderer/ code', () => {
    expect(KLING_FIELDS).toEqual(
      expect.arrayContaining(['start_image_url', 'end_image_url', 'generate_audio']),
    );
    const found: string[] = [];
    for (const top of SCANNED)
      for (const file of sources(join(ROOT, top))) {
        const path = relative(ROOT, file).split('\\').join('/');
        if (EXEMPT.some((re) => re.test(path))) continue;
        const text = code(readFileSync(file, 'utf8'));
        for (const token of [...KLING_FIELDS, ...MODEL_IDS]) {
          if (path === CSV_COLUMNS_FILE && CSV_COLUMN_NAMES.includes(token)) continue;
          if (text.includes(token)) found.push(`${path}: ${token}`);
        }
      }
    expect(found).toEqual([]);
  });
});
