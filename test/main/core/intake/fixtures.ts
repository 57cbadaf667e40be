// Real image files for the intake tests, written with sharp or by hand (BMP, hostile headers).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

export async function makeTempDir(
  prefix = 'sm-intake-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function put(path: string, bytes: Buffer | string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

function solid(width: number, height: number, channels: 3 | 4 = 3) {
  return sharp({ create: { width, height, channels, background: { r: 90, g: 140, b: 200, alpha: 1 } } });
}

export async function jpegBytes(width: number, height: number): Promise<Buffer> {
  return solid(width, height).jpeg({ quality: 80 }).toBuffer();
}

export async function writeJpeg(path: string, width = 640, height = 480): Promise<string> {
  return put(path, await jpegBytes(width, height));
}

export async function writePng(path: string, width = 640, height = 480, alpha = false): Promise<string> {
  return put(
    path,
    await solid(width, height, alpha ? 4 : 3)
      .png()
      .toBuffer(),
  );
}

export async function writeWebp(path: string, width = 640, height = 480, lossless = false): Promise<string> {
  return put(path, await solid(width, height).webp({ lossless }).toBuffer());
}

/** A WebP with alpha, which libwebp stores in the extended (VP8X) layout. */
export async function writeWebpExtended(path: string, width = 640, height = 480): Promise<string> {
  const translucent = sharp({
    create: { width, height, channels: 4, background: { r: 9, g: 9, b: 9, alpha: 0.5 } },
  });
  return put(path, await translucent.webp({ quality: 80 }).toBuffer());
}

/** Noise does not compress: a PNG of it is about width x height x 3 bytes. */
export async function writeNoisePng(path: string, width: number, height: number): Promise<string> {
  const raw = randomBytes(width * height * 3);
  return put(
    path,
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer(),
  );
}

/** An uncompressed 24-bit BMP written by hand (sharp cannot write BMP). Negative height = top-down. */
export function bmpBytes(width: number, height: number, options: { topDown?: boolean } = {}): Buffer {
  const rowBytes = Math.floor((24 * width + 31) / 32) * 4;
  const dataSize = rowBytes * height;
  const buffer = Buffer.alloc(54 + dataSize);
  buffer.write('BM', 0, 'latin1');
  buffer.writeUInt32LE(54 + dataSize, 2);
  buffer.writeUInt32LE(54, 10);
  buffer.writeUInt32LE(40, 14);
  buffer.writeInt32LE(width, 18);
  buffer.writeInt32LE(options.topDown ? -height : height, 22);
  buffer.writeUInt16LE(1, 26);
  buffer.writeUInt16LE(24, 28);
  buffer.writeUInt32LE(0, 30);
  buffer.writeUInt32LE(dataSize, 34);
  // A gradient, so a resize has something to keep.
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = 54 + y * rowBytes + x * 3;
      buffer[o] = x & 0xff;
      buffer[o + 1] = y & 0xff;
      buffer[o + 2] = (x + y) & 0xff;
    }
  return buffer;
}

export async function writeBmp(path: string, width = 640, height = 480, topDown = false): Promise<string> {
  return put(path, bmpBytes(width, height, { topDown }));
}

/** Just a PNG signature, an IHDR claiming these dimensions, and IEND: a pixel bomb header. */
export function pngHeaderBytes(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr[16] = 8; // bit depth
  ihdr[17] = 2; // RGB
  const iend = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, iend]);
}

export async function writeBytes(path: string, bytes: Buffer | string): Promise<string> {
  return put(path, bytes);
}

export async function writeText(path: string, text: string): Promise<string> {
  return put(path, text);
}
