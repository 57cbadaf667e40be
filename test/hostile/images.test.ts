// Hostile images: files that lie about their type, truncated files and pixel bombs must be
// refused by the intake before any decoder touches them. sharp is wrapped here so the test
// sees every call: for lying files, header-truncated files and pixel bombs there must be none
// (a timing-independent signal; the refusal reason and the absence of a fitted output are
// checked too). The one decode the intake allows is documented in image-check.ts: a file whose
// header is complete but whose end marker is missing is decoded once, pixel-limited, because
// only a decode tells a cut-off file from one carrying trailing data (motion photos).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ inputs: [] as unknown[], options: [] as unknown[] }));

vi.mock('sharp', async (importOriginal) => {
  const real = ((await importOriginal()) as { default: (...args: unknown[]) => unknown }).default;
  const spy = (...args: unknown[]) => {
    calls.inputs.push(args[0]);
    calls.options.push(args[1]);
    return real(...args);
  };
  return { default: Object.assign(spy, real) };
});

import sharp from 'sharp';
import { checkImageFile } from '../../main/core/intake/image-check';
import { MAX_PIXELS } from '../../main/core/intake/limits';
import { scanPaths } from '../../main/core/intake/scan';
import { tempDir } from '../main/core/engine/helpers';

const dir = tempDir('sm-hostile-images-');
const root = join(dir.path, 'drop');
afterAll(() => dir.remove());

const u32be = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** A PNG signature and IHDR claiming width x height, then whatever `rest` is. */
function pngHeader(width: number, height: number, rest: Buffer = Buffer.alloc(0)): Buffer {
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    u32be(13),
    Buffer.from('IHDR', 'latin1'),
    ihdr,
    u32be(0), // CRC (the probe does not check it; a decoder would)
    rest,
  ]);
}

/** A JPEG with SOI, a baseline SOF0 claiming width x height, SOS and a few data bytes. */
function jpegHeader(width: number, height: number, withEnd: boolean): Buffer {
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
  ]);
  const components = Buffer.from([0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  const sos = Buffer.from([
    0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00,
  ]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    sof,
    components,
    sos,
    Buffer.alloc(64, 0x55),
    withEnd ? Buffer.from([0xff, 0xd9]) : Buffer.alloc(0),
  ]);
}

/** A WebP VP8X (extended) header claiming width x height. */
function webpExtended(width: number, height: number): Buffer {
  const body = Buffer.alloc(30);
  body.write('RIFF', 0, 'latin1');
  body.writeUInt32LE(22, 4);
  body.write('WEBPVP8X', 8, 'latin1');
  body.writeUInt32LE(10, 16);
  body.writeUIntLE(width - 1, 24, 3);
  body.writeUIntLE(height - 1, 27, 3);
  return body;
}

/** A BMP (BITMAPINFOHEADER, 24 bit) claiming width x height with `pixelBytes` of data. */
function bmp(width: number, height: number, pixelBytes: number): Buffer {
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + pixelBytes, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  return Buffer.concat([header, Buffer.alloc(pixelBytes)]);
}

interface Case {
  name: string;
  bytes: Buffer;
  /** The refusal code checkImageFile must give. */
  code: string;
  /** sharp may be called (once, pixel-limited): only for a complete header with a missing end. */
  decodeAllowed?: boolean;
}

let realPng: Buffer;
let realJpeg: Buffer;
const cases: Case[] = [];

beforeAll(async () => {
  realPng = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a7' } })
    .png()
    .toBuffer();
  realJpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#a73' } })
    .jpeg()
    .toBuffer();
  const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(64)]);
  const mp4 = Buffer.concat([u32be(24), Buffer.from('ftypisom', 'latin1'), Buffer.alloc(64)]);
  const heic = Buffer.concat([u32be(24), Buffer.from('ftypheic', 'latin1'), Buffer.alloc(64)]);
  cases.push(
    // Lying about their type: the name says image, the bytes say otherwise.
    { name: 'lies/notes.jpg', bytes: Buffer.from('these are my notes, not a photo\n'), code: 'not_image' },
    {
      name: 'lies/page.png',
      bytes: Buffer.from('<!doctype html><html><body>404</body></html>'),
      code: 'not_image',
    },
    {
      name: 'lies/program.webp',
      bytes: Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(128)]),
      code: 'not_image',
    },
    {
      name: 'lies/archive.bmp',
      bytes: Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(128)]),
      code: 'not_image',
    },
    // A GIF named .jpg is known by its bytes (GIF is converted now): this one's header says 0x0.
    { name: 'lies/animation.jpg', bytes: gif, code: 'bad_dimensions' },
    { name: 'lies/movie.png', bytes: mp4, code: 'not_image' },
    { name: 'lies/iphone.jpg', bytes: heic, code: 'unsupported_format' },
    {
      name: 'lies/document.jpeg',
      bytes: Buffer.from('%PDF-1.7\n%âãÏÓ\n', 'latin1'),
      code: 'unsupported_format',
    },
    { name: 'lies/zeros.png', bytes: Buffer.alloc(4096), code: 'not_image' },
    // A "PNG" whose first chunk is not IHDR.
    {
      name: 'lies/fake-header.png',
      bytes: Buffer.concat([realPng.subarray(0, 12), Buffer.from('JUNK'), realPng.subarray(16)]),
      code: 'corrupt',
    },
    // Truncated inside the header: refused from the header alone.
    { name: 'cut/header.png', bytes: realPng.subarray(0, 20), code: 'truncated' },
    { name: 'cut/before-frame.jpg', bytes: realJpeg.subarray(0, 30), code: 'truncated' },
    { name: 'cut/riff.webp', bytes: webpExtended(800, 600).subarray(0, 20), code: 'truncated' },
    { name: 'cut/pixels.bmp', bytes: bmp(640, 480, 1000), code: 'truncated' },
    // Truncated after a complete header (end marker missing): the one bounded decode.
    {
      name: 'cut/body.png',
      bytes: realPng.subarray(0, realPng.length - 20),
      code: 'truncated',
      decodeAllowed: true,
    },
    {
      name: 'cut/body.jpg',
      bytes: realJpeg.subarray(0, Math.floor(realJpeg.length * 0.6)),
      code: 'truncated',
      decodeAllowed: true,
    },
    // Pixel bombs: tiny files claiming gigapixels. Refused by the dimensions, never decoded,
    // with or without their end marker (a cut pixel bomb must not reach the decode check).
    {
      name: 'bomb/100k.png',
      bytes: pngHeader(100_000, 100_000, Buffer.from('IDATxxxxIEND')),
      code: 'pixel_bomb',
    },
    { name: 'bomb/no-end.png', bytes: pngHeader(50_000, 50_000), code: 'pixel_bomb' },
    { name: 'bomb/65535.jpg', bytes: jpegHeader(65_535, 65_535, true), code: 'pixel_bomb' },
    { name: 'bomb/no-end.jpg', bytes: jpegHeader(30_000, 30_000, false), code: 'pixel_bomb' },
    { name: 'bomb/16k.webp', bytes: webpExtended(16_384, 16_384), code: 'pixel_bomb' },
    { name: 'bomb/4g.png', bytes: pngHeader(0xffffffff, 0xffffffff), code: 'pixel_bomb' },
  );
  for (const c of cases) {
    await mkdir(join(root, c.name, '..'), { recursive: true });
    await writeFile(join(root, c.name), c.bytes);
  }
  // Honest files beside them: a real PNG named .jpg is a PNG (bytes decide, not names).
  await writeFile(join(root, 'honest-png-named.jpg'), realPng);
  await writeFile(join(root, 'honest.jpg'), realJpeg);
});

describe('hostile images', () => {
  it('each is refused with the right reason, and only the bounded end-marker check decodes', async () => {
    const problems: string[] = [];
    for (const c of cases) {
      calls.inputs.length = 0;
      calls.options.length = 0;
      const result = await checkImageFile(join(root, c.name));
      if (result.ok)
        problems.push(`${c.name}: accepted as ${result.format} ${result.width}x${result.height}`);
      else if (result.code !== c.code)
        problems.push(`${c.name}: refused as ${result.code} (${result.reason}), expected ${c.code}`);
      if (!c.decodeAllowed && calls.inputs.length > 0)
        problems.push(`${c.name}: sharp was called ${calls.inputs.length}x`);
      if (c.decodeAllowed) {
        if (calls.inputs.length > 1) problems.push(`${c.name}: decoded ${calls.inputs.length} times`);
        for (const options of calls.options) {
          const limit = (options as { limitInputPixels?: number } | undefined)?.limitInputPixels;
          if (!(typeof limit === 'number' && limit > 0 && limit <= MAX_PIXELS))
            problems.push(`${c.name}: decoded without a pixel limit (${JSON.stringify(options)})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the scan rejects all of them by name with a reason, keeps the honest files, and fits nothing', async () => {
    calls.inputs.length = 0;
    const scan = await scanPaths([root]);
    const rejected = new Map(scan.rejected.map((r) => [r.path, r.reason]));
    for (const c of cases) expect(rejected.get(join(root, c.name)), c.name).toMatch(/\w+/);
    // Pixel bombs say what is wrong in numbers a person can check.
    expect(rejected.get(join(root, 'bomb/100k.png'))).toMatch(/100000|100,000/);
    const accepted = new Map(scan.images.map((i) => [i.relativePath, i]));
    expect([...accepted.keys()].sort()).toEqual(['honest-png-named.jpg', 'honest.jpg']);
    expect(accepted.get('honest-png-named.jpg')?.format).toBe('png');
    // Nothing hostile got as far as being planned for resizing.
    expect(scan.images.filter((i) => i.fit !== null)).toEqual([]);
    // The only decodes in the whole scan are the two bounded end-marker checks.
    const decoded = calls.inputs.map((input) => String(input).slice(root.length + 1)).sort();
    expect(decoded).toEqual(['cut/body.jpg', 'cut/body.png']);
  });
});
