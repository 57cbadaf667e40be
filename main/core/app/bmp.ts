// A small BMP decoder for thumbnails: sharp (libvips) cannot read BMP, and Kling accepts it,
// so dropped BMPs need a preview too. Handles what cameras and editors write: uncompressed
// 1/4/8-bit palette, 16/24/32-bit, and BI_BITFIELDS masks; refuses RLE and embedded
// JPEG/PNG (rare) with a clear error. Outputs raw RGB for sharp to resize.
import { readFile } from 'node:fs/promises';

const MAX_SIDE = 30_000;
const MAX_PIXELS = 120_000_000;

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

function maskShift(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

export function decodeBmpBuffer(file: Buffer, name = 'BMP'): RawImage {
  const fail = (why: string): never => {
    throw new Error(`${name}: ${why}`);
  };
  if (file.length < 26 || file.toString('latin1', 0, 2) !== 'BM') fail('not a BMP file');
  const dataOffset = file.readUInt32LE(10);
  const dibSize = file.readUInt32LE(14);
  let width: number;
  let rawHeight: number;
  let bpp: number;
  let compression = 0;
  let colorsUsed = 0;
  let paletteEntrySize = 4;
  if (dibSize === 12) {
    width = file.readUInt16LE(18);
    rawHeight = file.readInt16LE(20);
    bpp = file.readUInt16LE(24);
    paletteEntrySize = 3;
  } else if (dibSize >= 40 && file.length >= 14 + 40) {
    width = file.readInt32LE(18);
    rawHeight = file.readInt32LE(22);
    bpp = file.readUInt16LE(28);
    compression = file.readUInt32LE(30);
    colorsUsed = file.readUInt32LE(46);
  } else {
    return fail(`unsupported header size ${dibSize}`);
  }
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS)
    fail(`unsupported size ${width}x${height}`);

  let masks: [number, number, number] | null = null;
  if (compression === 3 || compression === 6) {
    // Masks follow a 40-byte header, or sit inside a V2+ header at the same offsets.
    if (file.length < 14 + 40 + 12) fail('truncated bit masks');
    masks = [file.readUInt32LE(54), file.readUInt32LE(58), file.readUInt32LE(62)];
  } else if (compression !== 0) {
    fail(`compression ${compression} (RLE or embedded JPEG/PNG) is not supported for previews`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) fail(`${bpp} bits per pixel is not supported`);
  if (bpp === 16 && !masks) masks = [0x7c00, 0x03e0, 0x001f];
  if (bpp === 32 && !masks) masks = [0x00ff0000, 0x0000ff00, 0x000000ff];

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset + stride * height > file.length)
    fail(`truncated: ${file.length} bytes, pixel data needs ${dataOffset + stride * height}`);

  let palette: [number, number, number][] = [];
  if (bpp <= 8) {
    const count = colorsUsed || 1 << bpp;
    const start = 14 + dibSize;
    for (let i = 0; i < count && start + i * paletteEntrySize + 2 < file.length; i++) {
      const o = start + i * paletteEntrySize;
      palette.push([file[o + 2]!, file[o + 1]!, file[o]!]);
    }
    if (!palette.length) palette = [[0, 0, 0]];
  }
  const channelsOf = masks?.map(maskShift);
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      let r: number;
      let g: number;
      let b: number;
      if (bpp <= 8) {
        const bit = x * bpp;
        const byte = file[row + (bit >> 3)]!;
        const index = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        [r, g, b] = palette[index] ?? palette[0]!;
      } else if (bpp === 24) {
        b = file[row + x * 3]!;
        g = file[row + x * 3 + 1]!;
        r = file[row + x * 3 + 2]!;
      } else {
        const value = bpp === 16 ? file.readUInt16LE(row + x * 2) : file.readUInt32LE(row + x * 4);
        const scale = (mask: number, c: { shift: number; max: number }) =>
          c.max ? Math.round((((value & mask) >>> c.shift) / c.max) * 255) : 0;
        r = scale(masks![0], channelsOf![0]!);
        g = scale(masks![1], channelsOf![1]!);
        b = scale(masks![2], channelsOf![2]!);
      }
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  return { data: out, width, height, channels: 3 };
}

export async function decodeBmp(path: string): Promise<RawImage> {
  return decodeBmpBuffer(await readFile(path), path);
}
