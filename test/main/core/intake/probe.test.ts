import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { bufferByteSource, probeFile, probeImage } from '../../../../main/core/intake/probe';
import type { ByteSource } from '../../../../main/core/intake/probe';
import {
  bmpBytes,
  jpegBytes,
  makeTempDir,
  pngHeaderBytes,
  writeBmp,
  writeBytes,
  writeJpeg,
  writePng,
  writeWebp,
  writeWebpExtended,
} from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

/** Counts what the probe reads, to prove it reads headers and not whole files. */
function counting(buffer: Buffer): ByteSource & { bytesRead: () => number } {
  let total = 0;
  const inner = bufferByteSource(buffer);
  return {
    size: inner.size,
    read: async (position, length) => {
      const out = await inner.read(position, length);
      total += out.length;
      return out;
    },
    bytesRead: () => total,
  };
}

describe('probe: recognises images by their bytes and reads dimensions from the header', () => {
  it('reads JPEG, PNG, BMP (bottom-up and top-down) and WebP (VP8, VP8L, VP8X)', async () => {
    const cases: [string, Promise<string>, string][] = [
      ['jpeg', writeJpeg(join(dir, 'a.jpg'), 641, 479), 'jpeg'],
      ['png', writePng(join(dir, 'a.png'), 643, 401), 'png'],
      ['bmp', writeBmp(join(dir, 'a.bmp'), 645, 403), 'bmp'],
      ['bmp top-down', writeBmp(join(dir, 'td.bmp'), 647, 405, true), 'bmp'],
      ['webp lossy', writeWebp(join(dir, 'a.webp'), 649, 407), 'webp'],
      ['webp lossless', writeWebp(join(dir, 'l.webp'), 651, 409, true), 'webp'],
      ['webp extended', writeWebpExtended(join(dir, 'x.webp'), 653, 411), 'webp'],
    ];
    const expected: Record<string, [number, number]> = {
      jpeg: [641, 479],
      png: [643, 401],
      bmp: [645, 403],
      'bmp top-down': [647, 405],
      'webp lossy': [649, 407],
      'webp lossless': [651, 409],
      'webp extended': [653, 411],
    };
    for (const [name, written, format] of cases) {
      const result = await probeFile(await written);
      expect(result, name).toMatchObject({
        ok: true,
        format,
        width: expected[name]![0],
        height: expected[name]![1],
      });
    }
    // The VP8X case really is the extended layout (so that branch is exercised).
    expect((await readFile(join(dir, 'x.webp'))).subarray(12, 16).toString('latin1')).toBe('VP8X');
    expect((await readFile(join(dir, 'l.webp'))).subarray(12, 16).toString('latin1')).toBe('VP8L');
    expect((await readFile(join(dir, 'a.webp'))).subarray(12, 16).toString('latin1')).toBe('VP8 ');
  });

  it('walks JPEG segments with small reads, skipping a large EXIF/ICC block before the frame header', async () => {
    const plain = await jpegBytes(800, 600);
    // Insert a 60 KB APP1 segment and a 60 KB APP2 segment right after SOI.
    const app = (marker: number) => {
      const body = Buffer.alloc(60_000, 0x41);
      const header = Buffer.from([0xff, marker, 0, 0]);
      header.writeUInt16BE(body.length + 2, 2);
      return Buffer.concat([header, body]);
    };
    const withExif = Buffer.concat([plain.subarray(0, 2), app(0xe1), app(0xe2), plain.subarray(2)]);
    const source = counting(withExif);
    const result = await probeImage(source);
    expect(result).toMatchObject({
      ok: true,
      format: 'jpeg',
      width: 800,
      height: 600,
      endMarkerMissing: false,
    });
    // Head (64) + a few bytes per segment + the 4 KiB tail, not the 120 KB of metadata.
    expect(source.bytesRead()).toBeLessThan(6_000);
    expect(withExif.length).toBeGreaterThan(120_000);
  });

  it('trusts bytes over names: a .jpg that is a PNG is a PNG', async () => {
    const path = await writePng(join(dir, 'really-png.jpg'), 500, 400);
    expect(await probeFile(path)).toMatchObject({ ok: true, format: 'png', width: 500, height: 400 });
  });

  it('rejects text named .png, saying what the file starts with and what was expected', async () => {
    const path = await writeBytes(join(dir, 'notes.png'), 'Hello, this is not an image at all');
    expect(await probeFile(path)).toMatchObject({
      ok: false,
      code: 'not_image',
      reason:
        'not an image: the file starts with "Hello, this is n"; expected JPEG, PNG, BMP, WebP, TIFF or GIF',
    });
    const binary = await writeBytes(
      join(dir, 'bin.png'),
      Buffer.from([0, 1, 2, 3, 0xfe, 0xff, 9, 10, 11, 12]),
    );
    expect(await probeFile(binary)).toMatchObject({
      ok: false,
      reason:
        'not an image: the file starts with bytes 00 01 02 03 fe ff 09 0a; expected JPEG, PNG, BMP, WebP, TIFF or GIF',
    });
  });

  it('reads TIFF and GIF, which the app converts, and names the formats it cannot read', async () => {
    const gif = await sharp({ create: { width: 10, height: 12, channels: 3, background: '#fff' } })
      .gif()
      .toBuffer();
    expect(await probeImage(bufferByteSource(gif))).toEqual({
      ok: true,
      format: 'gif',
      width: 10,
      height: 12,
      orientation: 1,
      endMarkerMissing: false,
    });
    const tiff = await sharp({ create: { width: 33, height: 21, channels: 3, background: '#fff' } })
      .tiff()
      .toBuffer();
    expect(await probeImage(bufferByteSource(tiff))).toMatchObject({
      ok: true,
      format: 'tiff',
      width: 33,
      height: 21,
    });
    const psd = Buffer.from('8BPS\0\x01\0\0\0\0\0\0', 'latin1');
    expect(await probeImage(bufferByteSource(psd))).toMatchObject({
      ok: false,
      code: 'unsupported_format',
      reason:
        'Photoshop (PSD) image, which Kling does not accept and the app cannot convert; expected JPEG, PNG, BMP, WebP, TIFF or GIF. Convert it (e.g. export as JPEG) and add it again',
    });
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic')]);
    expect(await probeImage(bufferByteSource(heic))).toMatchObject({
      ok: false,
      reason: /^HEIC\/HEIF image/,
    });
  });

  it('refuses an empty file', async () => {
    const path = await writeBytes(join(dir, 'empty.jpg'), Buffer.alloc(0));
    expect(await probeFile(path)).toMatchObject({ ok: false, code: 'empty', reason: 'empty file (0 bytes)' });
  });

  it('reads a pixel-bomb header without allocating anything for its pixels', async () => {
    const bomb = pngHeaderBytes(100_000, 100_000);
    expect(await probeImage(bufferByteSource(bomb))).toMatchObject({
      ok: true,
      width: 100_000,
      height: 100_000,
    });
  });

  it('spots truncated headers and cut-off ends', async () => {
    const jpeg = await jpegBytes(640, 480);
    expect(await probeImage(bufferByteSource(jpeg.subarray(0, 10)))).toMatchObject({
      ok: false,
      code: 'truncated',
      reason: 'truncated JPEG: the file ends before its frame header; copy it again',
    });
    // Cut in the picture data: the header reads, the end marker is missing.
    expect(await probeImage(bufferByteSource(jpeg.subarray(0, jpeg.length - 200)))).toMatchObject({
      ok: true,
      endMarkerMissing: true,
    });
    const bmp = bmpBytes(400, 400);
    expect(await probeImage(bufferByteSource(bmp.subarray(0, 5000)))).toMatchObject({
      ok: false,
      code: 'truncated',
      reason: `truncated BMP: the file has 5000 bytes but its header needs at least ${bmp.length}; copy it again from the original`,
    });
    const webp = await readFile(await writeWebp(join(dir, 't.webp'), 400, 400));
    expect(await probeImage(bufferByteSource(webp.subarray(0, webp.length - 10)))).toMatchObject({
      ok: false,
      code: 'truncated',
    });
    const png = await readFile(await writePng(join(dir, 't.png'), 400, 400));
    expect(await probeImage(bufferByteSource(png.subarray(0, png.length - 20)))).toMatchObject({
      ok: true,
      endMarkerMissing: true,
    });
  });

  it('rejects corrupt headers with the reason', async () => {
    const png = pngHeaderBytes(500, 500);
    png.write('XXXX', 12, 'latin1');
    expect(await probeImage(bufferByteSource(png))).toMatchObject({
      ok: false,
      code: 'corrupt',
      reason: 'corrupt PNG: the first chunk is not a valid IHDR header',
    });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0, 0xff, 0xd9]);
    expect(await probeImage(bufferByteSource(jpeg))).toMatchObject({
      ok: false,
      code: 'corrupt',
      reason: 'corrupt JPEG: the picture data starts before the frame header',
    });
    const bmp = bmpBytes(300, 300);
    bmp.writeUInt16LE(7, 28); // 7 bits per pixel
    expect(await probeImage(bufferByteSource(bmp))).toMatchObject({
      ok: false,
      reason: 'corrupt BMP: 7 bits per pixel is not a valid depth',
    });
  });
});
