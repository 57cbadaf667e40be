// Names the engine derives from an output name the intake already cut to the 255-byte limit:
// the temporary file and a "(2)" twin must still be creatable on every OS.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freeName, isPartFileName, partPathFor } from '../../../../main/core/engine/download-files';

const bytes = (path: string) => Buffer.byteLength(basename(path));

describe('derived file names at the 255-byte limit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sm-names-'));
  // 83 three-byte characters + ".mp4" = 253 bytes, the kind of name the intake produces.
  const longName = `${'映'.repeat(83)}.mp4`;
  const target = join(dir, longName);

  it('keeps the temporary file within 255 bytes, recognisable, and creatable', () => {
    const part = partPathFor(target, 123456);
    expect(bytes(part)).toBeLessThanOrEqual(255);
    expect(isPartFileName(basename(part))).toBe(true);
    writeFileSync(part, 'x'); // would throw ENAMETOOLONG if the name were too long
  });

  it('gives a free name within 255 bytes that keeps the extension and cuts between characters', () => {
    writeFileSync(target, 'first');
    const second = freeName(target);
    expect(second).not.toBe(target);
    expect(bytes(second)).toBeLessThanOrEqual(255);
    expect(basename(second)).toMatch(/^映+ \(2\)\.mp4$/);
    writeFileSync(second, 'second');
    expect(basename(freeName(target))).toMatch(/ \(3\)\.mp4$/);
  });
});
