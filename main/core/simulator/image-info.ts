// Pixel size from an image's header bytes (jpg, png, bmp, webp), without decoding it: enough for
// the simulator to apply Kling's upstream limits (runcomfy-api.md: at most 10 MB, at least 300 px
// on the short side, aspect ratio between 1:2.5 and 2.5:1).
import { sniffImage } from './field-checks';

export interface ImageSize {
  width: number;
  height: number;
}

export const UPSTREAM_MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const UPSTREAM_MIN_SHORT_SIDE = 300;
export const UPSTREAM_MAX_ASPECT = 2.5;

function jpegSize(b: Buffer): ImageSize | null {
  let pos = 2;
  while (pos + 9 < b.length) {
    if (b[pos] !== 0xff) return null;
    const marker = b[pos + 1]!;
    // Fill bytes and markers without a length.
    if (marker === 0xff) {
      pos += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: b.readUInt16BE(pos + 5), width: b.readUInt16BE(pos + 7) };
    pos += 2 + b.readUInt16BE(pos + 2);
  }
  return null;
}

function webpSize(b: Buffer): ImageSize | null {
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ' && b.length >= 30)
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L' && b.length >= 25) {
    const b0 = b[21]!;
    const b1 = b[22]!;
    const b2 = b[23]!;
    const b3 = b[24]!;
    return {
      width: 1 + (((b1 & 0x3f) << 8) | b0),
      height: 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)),
    };
  }
  if (chunk === 'VP8X' && b.length >= 30)
    return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  return null;
}

/** The pixel size, or null when the header cannot be read. */
export function imageSize(bytes: Buffer): ImageSize | null {
  switch (sniffImage(bytes)) {
    case 'png':
      return bytes.length >= 24 ? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } : null;
    case 'bmp':
      return bytes.length >= 26
        ? { width: Math.abs(bytes.readInt32LE(18)), height: Math.abs(bytes.readInt32LE(22)) }
        : null;
    case 'jpg':
      return jpegSize(bytes);
    case 'webp':
      return webpSize(bytes);
    default:
      return null;
  }
}

/** Why Kling would refuse this start image, in words a user can act on; null when it is fine. */
export function upstreamImageProblem(bytes: Buffer): string | null {
  if (bytes.length > UPSTREAM_MAX_IMAGE_BYTES)
    return `Start image is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; Kling accepts at most 10 MB. Resize or recompress it.`;
  const size = imageSize(bytes);
  if (!size) return 'Start image header could not be read; Kling needs a valid jpg, png, bmp or webp file.';
  const short = Math.min(size.width, size.height);
  if (short < UPSTREAM_MIN_SHORT_SIDE)
    return `Start image is ${size.width}x${size.height} px; Kling needs at least ${UPSTREAM_MIN_SHORT_SIDE} px on the short side. Use a larger image.`;
  const aspect = Math.max(size.width, size.height) / short;
  if (aspect > UPSTREAM_MAX_ASPECT)
    return `Start image is ${size.width}x${size.height} px (aspect ${aspect.toFixed(2)}:1); Kling accepts aspect ratios between 1:2.5 and 2.5:1. Crop it.`;
  return null;
}
