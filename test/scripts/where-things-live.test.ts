// The map of the source tree (docs/where-things-live.md) is generated from each file's header
// comment; this keeps the committed map current and every source file described.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs script without types
import { buildMap, headerSentence } from '../../scripts/where-things-live.mjs';

const ROOT = join(__dirname, '../..');

describe('docs/where-things-live.md', () => {
  it('describes every source file by its header comment and is up to date (npm run docs:map)', () => {
    const { text, missing } = buildMap(ROOT);
    expect(missing, 'files without a header comment').toEqual([]);
    expect(readFileSync(join(ROOT, 'docs', 'where-things-live.md'), 'utf8')).toBe(text);
  });

  it('takes the first sentence, not a full stop inside parentheses', () => {
    expect(
      headerSentence('#!/usr/bin/env node\n// Does a thing (e.g. this. or that). More.\nconst x = 1;'),
    ).toBe('Does a thing (e.g. this. or that).');
    expect(headerSentence('import x from "y";\n// late comment')).toBeNull();
  });

  it('reads on past a colon, so a row says what the file does, not only its name', () => {
    expect(headerSentence('// The coordinator: the one settle path. More.\n')).toBe(
      'The coordinator: the one settle path.',
    );
    const { text } = buildMap(ROOT);
    const rows = (text as string).split('\n').filter((line) => /^\| `[^`]+` \| /.test(line));
    const bare = rows.filter((row) => row.split(' | ')[1]!.replace(/ \|$/, '').length < 24);
    expect(bare, 'rows too short to say what the file does').toEqual([]);
  });
});
