import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  allocateOutputPaths,
  MAX_SEGMENT_BYTES,
  safeOutputPath,
  sanitizeSegment,
} from '../../../../main/core/intake/output-name';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\s*\.|\s*$)/i;

/** Every rule a safe relative output path must satisfy, on every OS; returns what is wrong. */
function unsafeBecause(path: string): string | null {
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return 'absolute';
  if (!path.endsWith('.mp4')) return 'no .mp4';
  if (path !== path.normalize('NFC')) return 'not NFC';
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return `bad segment "${segment}"`;
    if (segment.startsWith('.')) return 'hidden';
    if (/[\s.]$/.test(segment)) return 'trailing dot or space';
    // eslint-disable-next-line no-control-regex
    if (/[<>:"\\|?*\u0000-\u001f\u007f-\u009f]/.test(segment)) return 'forbidden character';
    if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(segment)) return 'bidi control';
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(segment))
      return 'lone surrogate';
    if (RESERVED.test(segment)) return 'reserved name';
    if (bytes(segment) > MAX_SEGMENT_BYTES) return 'too long';
  }
  return null;
}

describe('output names', () => {
  it('mirrors the input sub-folders and always ends in .mp4', () => {
    expect(safeOutputPath('trip/day1', 'photo.mp4')).toBe('trip/day1/photo.mp4');
    expect(safeOutputPath('', 'photo')).toBe('photo.mp4');
    expect(safeOutputPath('', 'photo.MP4')).toBe('photo.mp4');
    expect(safeOutputPath('', 'clip.mov')).toBe('clip.mov.mp4');
    expect(safeOutputPath('a', '{x}/sub\\name.mp4')).toBe('a/{x}/sub/name.mp4');
  });

  it('never climbs out or becomes absolute', () => {
    expect(safeOutputPath('', '../../etc/passwd')).toBe('_/_/etc/passwd.mp4');
    expect(safeOutputPath('', '/abs/name.mp4')).toBe('abs/name.mp4');
    expect(safeOutputPath('', 'C:\\Windows\\x.mp4')).toBe('C_/Windows/x.mp4');
    expect(safeOutputPath('..', '.')).toBe('_/_.mp4');
  });

  it('replaces Windows-forbidden and control characters, strips bidi marks, NFC-normalises', () => {
    expect(sanitizeSegment('a<b>c:d"e|f?g*h')).toBe('a_b_c_d_e_f_g_h');
    expect(sanitizeSegment('tab\there\u0000nul\u007f')).toBe('tabherenul');
    expect(sanitizeSegment('evil\u202egpj.exe')).toBe('evilgpj.exe');
    expect(sanitizeSegment('Cafe\u0301')).toBe('Café'); // NFD in, NFC out
    expect(sanitizeSegment('lone\ud800surrogate')).toBe('lone\ufffdsurrogate');
  });

  it('avoids Windows device names with any extension, trailing dots/spaces and hidden names', () => {
    expect(safeOutputPath('', 'CON')).toBe('_CON.mp4');
    expect(safeOutputPath('', 'nul.txt')).toBe('_nul.txt.mp4');
    expect(safeOutputPath('', 'com1')).toBe('_com1.mp4');
    expect(safeOutputPath('', 'LPT9 .mp4')).toBe('_LPT9.mp4');
    expect(safeOutputPath('aux', 'x')).toBe('_aux/x.mp4');
    expect(safeOutputPath('', 'COM¹')).toBe('_COM¹.mp4');
    expect(safeOutputPath('', 'console')).toBe('console.mp4');
    expect(safeOutputPath('', 'name. . ')).toBe('name.mp4');
    expect(safeOutputPath('', '.hidden')).toBe('_hidden.mp4');
    expect(safeOutputPath('', '   ')).toBe('_.mp4');
  });

  it('truncates long names to 255 bytes of UTF-8 at a character boundary, keeping the extension', () => {
    const long = safeOutputPath('', 'é'.repeat(300));
    expect(long.endsWith('.mp4')).toBe(true);
    expect(bytes(long)).toBeLessThanOrEqual(255);
    expect(bytes(long)).toBeGreaterThan(245);
    expect(long).toBe(`${'é'.repeat(125)}.mp4`);
    const emoji = safeOutputPath('', '👩‍👩‍👧'.repeat(40));
    expect(bytes(emoji)).toBeLessThanOrEqual(255);
    // Whole family emoji kept (no half-grapheme at the cut).
    expect(emoji.replace('.mp4', '').length % '👩‍👩‍👧'.length).toBe(0);
  });

  it('makes names unique case-insensitively, numbering from (2), keeping long names in 255 bytes', () => {
    expect(
      allocateOutputPaths([
        { relativeDir: '', renderedName: 'a.mp4' },
        { relativeDir: '', renderedName: 'A.mp4' },
        { relativeDir: '', renderedName: 'a' },
        { relativeDir: 'sub', renderedName: 'a' },
        { relativeDir: 'SUB', renderedName: 'a' },
        { relativeDir: '', renderedName: 'a (2)' },
      ]),
    ).toEqual(['a.mp4', 'A (2).mp4', 'a (3).mp4', 'sub/a.mp4', 'SUB/a (2).mp4', 'a (2) (2).mp4']);
    const long = 'x'.repeat(400);
    const [first, second] = allocateOutputPaths([
      { relativeDir: '', renderedName: long },
      { relativeDir: '', renderedName: long },
    ]);
    expect(bytes(first!)).toBe(255);
    expect(second!.endsWith(' (2).mp4')).toBe(true);
    expect(bytes(second!)).toBe(255);
  });

  it('never gives a file the name of a folder another output needs', () => {
    const out = allocateOutputPaths([
      { relativeDir: '', renderedName: 'clip.mp4' },
      { relativeDir: 'clip.mp4', renderedName: 'inner' },
    ]);
    expect(out).toEqual(['clip (2).mp4', 'clip.mp4/inner.mp4']);
  });

  it('stays fast with thousands of identical names', () => {
    const entries = Array.from({ length: 5000 }, () => ({ relativeDir: '', renderedName: 'same' }));
    const out = allocateOutputPaths(entries);
    expect(new Set(out.map((p) => p.toLowerCase())).size).toBe(5000);
    expect(out[4999]).toBe('same (5000).mp4');
  });

  it('property: any names and folders give safe, inside, unique paths', () => {
    const evil = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.constantFrom(
        '..',
        '.',
        '',
        ' ',
        'CON',
        'con.mp4',
        'Nul .txt',
        'COM1',
        'lpt¹',
        '../../x',
        '/etc/passwd',
        'C:\\x',
        '\\\\server\\share',
        'a\u202eb',
        '\u0000',
        'x. . .',
        '.mp4',
        'é'.repeat(200),
        '🙂'.repeat(100),
        'A',
        'a',
      ),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            relativeDir: fc.array(evil, { maxLength: 4 }).map((s) => s.join('/')),
            renderedName: evil,
          }),
          {
            minLength: 1,
            maxLength: 25,
          },
        ),
        (entries) => {
          const out = allocateOutputPaths(entries);
          expect(out).toHaveLength(entries.length);
          const keys = new Set<string>();
          const folders = new Set<string>();
          for (const path of out) {
            expect(unsafeBecause(path), path).toBeNull();
            const key = path.normalize('NFC').toUpperCase().toLowerCase();
            expect(keys.has(key)).toBe(false);
            keys.add(key);
            const segments = path.split('/');
            for (let i = 1; i < segments.length; i++)
              folders.add(segments.slice(0, i).join('/').toUpperCase().toLowerCase());
          }
          for (const key of keys) expect(folders.has(key)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
