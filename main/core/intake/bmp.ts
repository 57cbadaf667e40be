// A small BMP decoder, because sharp (libvips) does not read BMP and Kling accepts it: a BMP
// is uncompressed, so anything but a small one is over the inline byte cap and must be
// re-encoded before sending. Covers what cameras, scanners and Windows Paint write:
// uncompressed 8-bit (palette), 16-bit (5-5-5), 24-bit and 32-bit, bottom-up or top-down.
// RLE-compressed and exotic variants are refused with a message that says what to do.

import { MAX_PIXELS } from './limits';

export interface BmpLayout {
  width: number;
  height: number;
  topDown: boolean;
  bitsPerPixel: number;
  dataOffset: number;
  rowBytes: number;
  paletteOffset: number;
  paletteEntries: number;
  paletteEntrySize: number;
}

/** What a BMP's file and DIB headers say, read in one place for the probe and the decoder. */
export interface BmpHeader {
  dataOffset: number;
  dibSize: number;
  width: number;
  /** Always positive; `topDown` says the row order. */
  height: number;
  topDown: boolean;
  bitsPerPixel: number;
  compression: number;
  /** Palette entries in use (0 = all); 0 when the header is too short to say. */
  colorsUsed: number;
}

/** Bytes of the headers readBmpHeader needs for each header kind. */
const CORE_HEADER_END = 26;
const INFO_HEADER_END = 34;

/**
 * Reads a BMP's headers (`head` starts at byte 0; 64 bytes are plenty), or says why it cannot:
 * `truncated` with the bytes needed, or an unknown DIB header size. The OS/2 1.x core header
 * (12 bytes) has unsigned 16-bit dimensions and is always bottom-up; the Windows headers
 * (40 to 124 bytes) have signed 32-bit ones, where a negative height means top-down rows.
 */
export function readBmpHeader(
  head: Buffer,
): BmpHeader | { problem: 'truncated'; needed: number } | { problem: 'unknown_header'; dibSize: number } {
  if (head.length < 18) return { problem: 'truncated', needed: CORE_HEADER_END };
  const dataOffset = head.readUInt32LE(10);
  const dibSize = head.readUInt32LE(14);
  if (dibSize === 12) {
    if (head.length < CORE_HEADER_END) return { problem: 'truncated', needed: CORE_HEADER_END };
    return {
      dataOffset,
      dibSize,
      width: head.readUInt16LE(18),
      height: head.readUInt16LE(20),
      topDown: false,
      bitsPerPixel: head.readUInt16LE(24),
      compression: 0,
      colorsUsed: 0,
    };
  }
  if (dibSize < 40 || dibSize > 124) return { problem: 'unknown_header', dibSize };
  if (head.length < INFO_HEADER_END) return { problem: 'truncated', needed: INFO_HEADER_END };
  const rawHeight = head.readInt32LE(22);
  return {
    dataOffset,
    dibSize,
    width: head.readInt32LE(18),
    height: Math.abs(rawHeight),
    topDown: rawHeight < 0,
    bitsPerPixel: head.readUInt16LE(28),
    compression: head.readUInt32LE(30),
    colorsUsed: head.length >= 50 ? head.readUInt32LE(46) : 0,
  };
}

/** Reads the header (first 54+ bytes); a string says why this BMP cannot be decoded here. */
export function bmpLayout(header: Buffer): BmpLayout | string {
  if (header.length < 26 || header[0] !== 0x42 || header[1] !== 0x4d) return 'not a BMP file';
  const read = readBmpHeader(header);
  if ('problem' in read)
    return read.problem === 'truncated'
      ? 'truncated BMP header'
      : `a BMP with an unknown header size (${read.dibSize})`;
  if (read.dibSize !== 12 && header.length < 50) return 'truncated BMP header';
  const { dataOffset, dibSize, width, height, bitsPerPixel, compression, colorsUsed } = read;
  // 16-bit is read as 5-5-5 (the uncompressed layout); BITFIELDS only with the usual 32-bit BGRA masks.
  const supported =
    (compression === 0 && [8, 16, 24, 32].includes(bitsPerPixel)) ||
    (compression === 3 && bitsPerPixel === 32);
  if (!supported)
    return `a ${bitsPerPixel}-bit${compression === 1 || compression === 2 ? ' RLE-compressed' : ''} BMP, which the app cannot resize; save it as PNG or JPEG`;
  // Guard the allocation in decodeBmp: a header may claim any size (a pixel bomb).
  if (width <= 0 || height === 0 || width * height > MAX_PIXELS)
    return `unsupported size ${width}x${height} px (at most ${MAX_PIXELS / 1e6} megapixels)`;
  const paletteEntrySize = dibSize === 12 ? 3 : 4;
  return {
    width,
    height,
    topDown: read.topDown,
    bitsPerPixel,
    dataOffset,
    rowBytes: Math.floor((bitsPerPixel * width + 31) / 32) * 4,
    paletteOffset: 14 + dibSize,
    paletteEntries: bitsPerPixel === 8 ? colorsUsed || 256 : 0,
    paletteEntrySize,
  };
}

/** Decodes to raw RGB (3 bytes per pixel, top row first) for sharp's raw input. */
export function decodeBmp(file: Buffer): { data: Buffer; width: number; height: number } {
  const layout = bmpLayout(file);
  if (typeof layout === 'string') throw new Error(`cannot decode: ${layout}`);
  const { width, height, bitsPerPixel, rowBytes, dataOffset, topDown } = layout;
  if (dataOffset + rowBytes * height > file.length)
    throw new Error('cannot decode: the BMP pixel data is truncated');
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      let r: number;
      let g: number;
      let b: number;
      if (bitsPerPixel === 24 || bitsPerPixel === 32) {
        const p = row + x * (bitsPerPixel / 8);
        b = file[p]!;
        g = file[p + 1]!;
        r = file[p + 2]!;
      } else if (bitsPerPixel === 16) {
        const v = file.readUInt16LE(row + x * 2);
        r = ((v >> 10) & 31) * 8.2258;
        g = ((v >> 5) & 31) * 8.2258;
        b = (v & 31) * 8.2258;
      } else {
        const index = file[row + x]!;
        const p = layout.paletteOffset + Math.min(index, layout.paletteEntries - 1) * layout.paletteEntrySize;
        b = file[p] ?? 0;
        g = file[p + 1] ?? 0;
        r = file[p + 2] ?? 0;
      }
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  return { data: out, width, height };
}
