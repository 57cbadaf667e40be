// Hostile output names, end to end: 5,000 generated names (path escapes, absolute paths, NUL,
// Windows device names, trailing dots and spaces, 300-character names, bidi marks, NFC/NFD
// twins, emoji, case twins) go through the intake's naming (allocateOutputPaths) and then the
// engine's final placement (resolveOutputPath, freeName, placeFile) onto a real disk. Every
// name must land inside the output folder, be valid on Windows, macOS and Linux, and never
// collide with another, even where the file system ignores case or Unicode normalisation.
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeName, partPathFor, placeFile, resolveOutputPath } from '../../main/core/engine/download-files';
import { allocateOutputPaths } from '../../main/core/intake/output-name';
import { seededRandom, type Random } from '../../main/core/util/clock';
import { tempDir } from '../main/core/engine/helpers';

const COUNT = 5_000;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

// ---- the rules, written out independently of the code under test ----------------------------
const WINDOWS_FORBIDDEN = /[<>:"/\\|?*]/;
// C0 controls and DEL are invalid or unprintable everywhere; C1 controls too.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;
const RESERVED_STEMS = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  'CONIN$',
  'CONOUT$',
  ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '¹', '²', '³'].flatMap((d) => [`COM${d}`, `LPT${d}`]),
]);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `segment` cannot be a file or folder name on some OS, or null when it can everywhere. */
function invalidSegment(segment: string): string | null {
  if (segment === '' || segment === '.' || segment === '..') return `"${segment}" is not a name`;
  if (WINDOWS_FORBIDDEN.test(segment)) return 'a character Windows forbids (<>:"/\\|?*)';
  if (CONTROLS.test(segment)) return 'a control character';
  if (LONE_SURROGATE.test(segment)) return 'a lone surrogate (not encodable as UTF-8)';
  if (/[ .]$/.test(segment)) return 'a trailing dot or space (Windows drops them)';
  // Windows: a device name is reserved whatever follows its first dot, spaces before it ignored.
  const stem = segment.split('.')[0]!.replace(/ +$/, '').toUpperCase();
  if (RESERVED_STEMS.has(stem)) return `the Windows device name ${stem}`;
  if (bytes(segment) > 255) return `${bytes(segment)} bytes of UTF-8 (limit 255)`;
  return null;
}

/** Collision key for the strictest file system: case-insensitive and normalisation-insensitive. */
const collisionKey = (path: string) => path.normalize('NFC').toLowerCase().normalize('NFD');

// ---- the hostile generator (seeded) ---------------------------------------------------------
const PIECES = [
  '../',
  '..\\',
  '../../etc/passwd',
  '/etc/',
  '/abs/olute',
  'C:\\Windows\\System32\\',
  'C:',
  '\\\\server\\share\\',
  '\u0000',
  'nul\u0000byte',
  'CON',
  'con',
  'PRN',
  'aux.txt',
  'NUL.mp4',
  'COM1',
  'lpt9',
  'COM¹',
  'CONIN$',
  '.',
  '..',
  '...',
  ' ',
  '. .',
  'name.',
  'name ',
  'name. . ',
  '.hidden',
  '\u202egpj.exe',
  '\u200f',
  '\u2066x\u2069',
  'caf\u00e9',
  'cafe\u0301',
  'Caf\u00c9',
  '\u00c5ngstr\u00f6m',
  'A\u030angstro\u0308m',
  '\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67\u200d\ud83d\udc66',
  '\ud83c\uddfa\ud83c\uddf3',
  '\ud83c\udfac',
  '\ud800',
  '\udfff',
  '<>:"|?*',
  '\t\r\n',
  '\u0085\u009f',
  'name.mp4',
  'NAME.MP4',
  'Name.Mp4',
  'clip (2)',
  'a/b/c',
  '日本語の名前',
  'ﾃｽﾄ',
  'İstanbul',
  'ß',
  'SS',
  '\u03a3\u03c3\u03c2',
];

function pick<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function hostileName(random: Random): string {
  const parts: string[] = [];
  const n = 1 + Math.floor(random() * 4);
  for (let i = 0; i < n; i++) {
    const roll = random();
    if (roll < 0.08) parts.push(pick(random, PIECES).repeat(20 + Math.floor(random() * 60)));
    else if (roll < 0.14) parts.push('x'.repeat(250 + Math.floor(random() * 80)));
    else if (roll < 0.2)
      parts.push(pick(random, ['é', 'e\u0301', '😀', '中']).repeat(90 + Math.floor(random() * 40)));
    else parts.push(pick(random, PIECES));
  }
  return parts.join(random() < 0.3 ? '' : pick(random, [' ', '.', '/', '\\', '_']));
}

function hostileDir(random: Random): string {
  const roll = random();
  if (roll < 0.5) return '';
  if (roll < 0.8) return pick(random, ['trip', 'Trip', 'TRIP', 'caf\u00e9', 'cafe\u0301', 'CON', 'a.', 'a ']);
  return `${pick(random, PIECES)}/${pick(random, PIECES)}`;
}

const random = seededRandom(0x5eed);
const entries = Array.from({ length: COUNT }, () => ({
  relativeDir: hostileDir(random),
  renderedName: hostileName(random),
}));
const outputs = allocateOutputPaths(entries);
const dir = tempDir('sm-hostile-names-');
const outputDir = join(dir.path, 'out');
afterAll(() => dir.remove());

describe('hostile output names', () => {
  it('the generator really is hostile (so a pass means something)', () => {
    const raw = entries.map((e) => `${e.relativeDir}/${e.renderedName}`);
    const count = (test: (s: string) => boolean) => raw.filter(test).length;
    expect(count((s) => s.includes('../'))).toBeGreaterThan(100);
    expect(count((s) => s.includes('\u0000'))).toBeGreaterThan(100);
    expect(count((s) => /(^|\/)con($|[./ ])/i.test(s))).toBeGreaterThan(50);
    expect(count((s) => s.includes('\u202e'))).toBeGreaterThan(50);
    expect(count((s) => s.split('/').some((segment) => bytes(segment) > 255))).toBeGreaterThan(200);
    expect(count((s) => s.includes('cafe\u0301'))).toBeGreaterThan(50);
    // The raw names do collide a lot once case and normalisation are ignored.
    expect(new Set(raw.map(collisionKey)).size).toBeLessThan(COUNT);
  });

  it('every path is relative, valid on Windows, macOS and Linux, and ends in .mp4', () => {
    const problems: string[] = [];
    for (const path of outputs) {
      if (path.startsWith('/') || /^[a-zA-Z]:/.test(path) || path.startsWith('\\'))
        problems.push(`${JSON.stringify(path)}: absolute`);
      if (!path.endsWith('.mp4')) problems.push(`${JSON.stringify(path)}: no .mp4`);
      for (const segment of path.split('/')) {
        const why = invalidSegment(segment);
        if (why) problems.push(`${JSON.stringify(path)}: segment ${JSON.stringify(segment)} has ${why}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('no two paths collide, even case- and NFC/NFD-insensitively, and no file takes a folder name', () => {
    const keys = outputs.map(collisionKey);
    expect(new Set(keys).size).toBe(COUNT);
    const folders = new Set(
      outputs.flatMap((p) => {
        const segments = p.split('/');
        return segments.slice(1).map((_, i) => collisionKey(segments.slice(0, i + 1).join('/')));
      }),
    );
    expect(keys.filter((k) => folders.has(k))).toEqual([]);
  });

  it('the engine places every one inside the output folder, on a real disk, under its own name', async () => {
    const root = resolve(outputDir);
    const escaped: string[] = [];
    const renamed: string[] = [];
    for (const [i, path] of outputs.entries()) {
      const target = resolveOutputPath(outputDir, path);
      const inside = relative(root, target);
      if (inside.startsWith('..' + sep) || inside === '..' || resolve(root, inside) !== target)
        escaped.push(path);
      mkdirSync(join(target, '..'), { recursive: true });
      const final = freeName(target);
      // The engine's own temporary name beside the target (it must fit 255 bytes too).
      const part = partPathFor(target, i);
      writeFileSync(part, String(i));
      expect(await placeFile(part, final)).toBe('placed');
      unlinkSync(part); // as the engine's markDone does once the video is in place
      if (final !== target) renamed.push(path);
    }
    expect(escaped).toEqual([]);
    // The intake made them unique, so the engine never had to pick another name.
    expect(renamed).toEqual([]);
    const onDisk: string[] = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(folder, entry.name));
        else onDisk.push(relative(root, join(folder, entry.name)));
      }
    };
    walk(root);
    expect(onDisk.sort()).toEqual([...outputs].sort());
  });

  it('the engine rejects a stored path that would leave the output folder', () => {
    for (const evil of ['../x.mp4', '../../etc/passwd', '/etc/x.mp4', 'a/../../x.mp4', '..'])
      expect(() => resolveOutputPath(outputDir, evil)).toThrow(/outside the output folder/);
  });

  // Was an engine bug (requests.md; fixed in 26de2ff): freeName appended " (2)" to a name the
  // intake had already cut to 255 bytes, so a second batch into the same folder could not
  // place that video and the item stayed `downloading` for good.
  it('a second batch into the same folder gets free names that are still valid', () => {
    const problems: string[] = [];
    for (const path of outputs) {
      const target = resolveOutputPath(outputDir, path);
      const second = freeName(target); // the first batch's file is on disk from the test above
      const segment = second.slice(second.lastIndexOf(sep) + 1);
      const why = second === target ? 'not renamed' : invalidSegment(segment);
      if (why) problems.push(`${JSON.stringify(segment.slice(0, 40))}...: ${why}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });
});
