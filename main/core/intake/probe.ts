// Recognises an image by its bytes (never its name) and reads its dimensions from the header,
// without decoding it: a 10,000-image folder is checked by reading a few KiB per file, and a
// pixel bomb is refused before any decoder allocates memory for it.
//
// Every read goes through `ByteSource.read(position, length)`, so the probe reads only what
// it needs: the first 64 KiB at most for PNG, BMP, TIFF and GIF, a bounded walk over JPEG
// segment headers (a few bytes per segment, skipping the bodies) for JPEG, and over chunk
// headers for WebP.
//
// The width and height it answers are the picture's as displayed: an EXIF orientation of 5 to 8
// (a phone held upright) swaps the stored sides (exif.ts), and `orientation` says it was turned.
import { readBmpHeader } from './bmp';
import { exifOrientation } from './exif';
import { probeGif, probeTiff } from './probe-converted';
import {
  corrupt,
  displayed,
  fail,
  HEAD_BYTES,
  truncated,
  type ByteSource,
  type ProbeResult,
} from './probe-result';
import { reason, type ReasonCode, type ReasonParam } from '@common/reasons';
import { openForReading, type ReadableFile } from '../util/open-file';

export {
  isSendableFormat,
  MIME_TYPES,
  type ByteSource,
  type ImageFormat,
  type ProbeResult,
} from './probe-result';

/** The source's reads as exif.ts takes them. */
const read = (source: ByteSource) => (position: number, length: number) => source.read(position, length);

/** JPEG segments walked before giving up: real files have a few dozen. */
const MAX_JPEG_SEGMENTS = 1024;
const TAIL_BYTES = 4 * 1024;

/** A ByteSource over an open file that keeps the first 64 KiB (where headers live) cached. */
export async function fileByteSource(handle: ReadableFile): Promise<ByteSource> {
  const { size, dev, ino } = await handle.stat();
  let head = Buffer.allocUnsafe(Math.min(size, HEAD_BYTES));
  if (head.length > 0) head = head.subarray(0, (await handle.read(head, 0, head.length, 0)).bytesRead);
  const headLength = head.length;
  return {
    size,
    identity: `${dev}:${ino}`,
    ...(headLength === size ? { whole: head } : {}),
    async read(position, length) {
      const end = Math.min(size, position + length);
      if (position >= end || position < 0) return Buffer.alloc(0);
      if (end <= headLength) return head.subarray(position, end);
      const buffer = Buffer.alloc(end - position);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      return buffer.subarray(0, bytesRead);
    },
  };
}

export function bufferByteSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read: async (position, length) => buffer.subarray(Math.max(0, position), Math.max(0, position + length)),
  };
}

export async function probeFile(path: string): Promise<ProbeResult> {
  const handle = await openForReading(path);
  try {
    return await probeImage(await fileByteSource(handle));
  } finally {
    await handle.close();
  }
}

/** What the first bytes look like, for "not an image: the file starts with ...". */
export function describeStart(head: Buffer): ReasonParam {
  const sample = head.subarray(0, 16);
  const text = sample.toString('latin1');
  // Printable ASCII (and common whitespace) is shown as text, anything else as hex bytes.
  if (/^[\x20-\x7e\t\r\n]+$/.test(text)) return JSON.stringify(text);
  return reason('scan_start_bytes', {
    hex: [...sample.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' '),
  });
}

const EXPECTED = reason('scan_expected');

/** "truncated JPEG: the file ends <where>; copy it again". */
const truncatedJpeg = (where: ReasonCode): ProbeResult =>
  fail('truncated', reason('scan_truncated_jpeg', { where: reason(where) }));

/** Formats we can name but neither Kling takes nor the app converts: the message says what to do. */
function otherFormat(head: Buffer): string | null {
  const ascii = head.subarray(0, 12).toString('latin1');
  if (ascii.slice(4, 8) === 'ftyp') {
    const brand = ascii.slice(8, 12);
    if (/^(avif|avis)$/.test(brand)) return 'AVIF';
    if (/^(heic|heix|hevc|hevx|heim|heis|mif1|msf1)$/.test(brand)) return 'HEIC/HEIF';
    return null;
  }
  if (ascii.startsWith('%PDF')) return 'PDF';
  if (ascii.startsWith('8BPS')) return 'Photoshop (PSD)';
  if (head[0] === 0xff && head[1] === 0x0a) return 'JPEG XL';
  if (ascii.startsWith('\0\0\0\x0cJXL ')) return 'JPEG XL';
  return null;
}

export async function probeImage(source: ByteSource): Promise<ProbeResult> {
  if (source.size === 0) return fail('empty', reason('scan_empty'));
  const head = await source.read(0, 64);
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return probeJpeg(source);
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return probePng(source, head);
  if (head.length >= 2 && head[0] === 0x42 && head[1] === 0x4d && head.length >= 26)
    return probeBmp(source, head);
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP')
    return probeWebp(source, head);
  const magic = head.subarray(0, 6).toString('latin1');
  if (magic.startsWith('II*\0') || magic.startsWith('MM\0*')) return probeTiff(source);
  if (magic === 'GIF87a' || magic === 'GIF89a') return probeGif(source, head);
  const other = otherFormat(head);
  if (other)
    return fail('unsupported_format', reason('scan_other_format', { format: other, expected: EXPECTED }));
  return fail('not_image', reason('scan_not_image', { start: describeStart(head), expected: EXPECTED }));
}

async function probePng(source: ByteSource, head: Buffer): Promise<ProbeResult> {
  if (head.length < 33) return truncated('PNG', source.size, 33);
  if (head.subarray(12, 16).toString('latin1') !== 'IHDR' || head.readUInt32BE(8) !== 13)
    return corrupt('PNG', reason('scan_png_ihdr'));
  const width = head.readUInt32BE(16);
  const height = head.readUInt32BE(20);
  const tail = await source.read(Math.max(33, source.size - TAIL_BYTES), TAIL_BYTES);
  return displayed(
    'png',
    { width, height },
    await pngOrientation(source),
    tail.lastIndexOf('IEND', undefined, 'latin1') < 0,
  );
}

/** PNG chunks walked for an eXIf before the picture data: real files have a handful. */
const MAX_PNG_CHUNKS = 64;

/**
 * A PNG's eXIf chunk (PNG 1.5 extension) sits before its first IDAT; only chunk headers are read
 * on the way, and the walk ends at the picture data.
 */
async function pngOrientation(source: ByteSource): Promise<number | null> {
  let position = 8;
  for (let chunk = 0; chunk < MAX_PNG_CHUNKS; chunk++) {
    const header = await source.read(position, 8);
    if (header.length < 8) return null;
    const length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (type === 'IDAT' || type === 'IEND') return null;
    if (type === 'eXIf') return exifOrientation(read(source), position + 8);
    position += 12 + length;
  }
  return null;
}

async function probeBmp(source: ByteSource, head: Buffer): Promise<ProbeResult> {
  const header = readBmpHeader(head);
  if ('problem' in header)
    return header.problem === 'truncated'
      ? truncated('BMP', source.size, header.needed)
      : corrupt('BMP', reason('scan_bmp_header_size', { size: header.dibSize }));
  const { dataOffset, width, height, bitsPerPixel, compression } = header;
  if (width <= 0) return corrupt('BMP', reason('scan_bmp_width', { width }));
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel))
    return corrupt('BMP', reason('scan_bmp_depth', { bits: bitsPerPixel }));
  if (dataOffset > source.size) return truncated('BMP', source.size, dataOffset);
  // Uncompressed rows are padded to 4 bytes; compressed (RLE, JPEG/PNG in BMP) sizes vary.
  if (compression === 0 || compression === 3 || compression === 6) {
    const rowBytes = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
    const needed = dataOffset + rowBytes * height;
    if (needed > source.size) return truncated('BMP', source.size, needed);
  }
  // BMP carries no EXIF: the pixels as stored.
  return displayed('bmp', { width, height }, null);
}

async function probeWebp(source: ByteSource, head: Buffer): Promise<ProbeResult> {
  if (head.length < 30) return truncated('WebP', source.size, 30);
  const riffSize = head.readUInt32LE(4);
  if (riffSize + 8 > source.size) return truncated('WebP', source.size, riffSize + 8);
  const chunk = head.subarray(12, 16).toString('latin1');
  let width: number;
  let height: number;
  if (chunk === 'VP8 ') {
    // Lossy: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.
    if (head[23] !== 0x9d || head[24] !== 0x01 || head[25] !== 0x2a)
      return corrupt('WebP', reason('scan_webp_vp8'));
    width = head.readUInt16LE(26) & 0x3fff;
    height = head.readUInt16LE(28) & 0x3fff;
  } else if (chunk === 'VP8L') {
    // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
    if (head[20] !== 0x2f) return corrupt('WebP', reason('scan_webp_vp8l'));
    const bits = head.readUInt32LE(21);
    width = (bits & 0x3fff) + 1;
    height = ((bits >>> 14) & 0x3fff) + 1;
  } else if (chunk === 'VP8X') {
    // Extended: flags, then 24-bit canvas width-1 and height-1.
    if (head[20]! & 0x02) return fail('unsupported_format', reason('scan_animated_webp'));
    width = head.readUIntLE(24, 3) + 1;
    height = head.readUIntLE(27, 3) + 1;
  } else {
    return corrupt('WebP', reason('scan_webp_chunk', { chunk: JSON.stringify(chunk) }));
  }
  // Only the extended layout can carry EXIF (flag 0x08); its chunk usually follows the image.
  const orientation = chunk === 'VP8X' && head[20]! & 0x08 ? await webpOrientation(source) : null;
  return displayed('webp', { width, height }, orientation);
}

/** WebP chunks walked for its EXIF (a still has a few: VP8X, ICCP, ALPH, VP8, EXIF, XMP). */
const MAX_WEBP_CHUNKS = 64;

async function webpOrientation(source: ByteSource): Promise<number | null> {
  let position = 12;
  for (let chunk = 0; chunk < MAX_WEBP_CHUNKS; chunk++) {
    const header = await source.read(position, 8);
    if (header.length < 8) return null;
    const size = header.readUInt32LE(4);
    if (header.toString('latin1', 0, 4) === 'EXIF') return exifOrientation(read(source), position + 8);
    // Chunks are padded to an even size.
    position += 8 + size + (size % 2);
  }
  return null;
}

/** SOF markers of the JPEG variants decoders (and Kling) read: baseline, extended, progressive. */
const READABLE_SOF = new Set([0xc0, 0xc1, 0xc2]);
/** Other SOF markers (lossless, hierarchical, arithmetic): real JPEGs, but rarely decodable. */
const OTHER_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** The APP1 marker, where a JPEG keeps its EXIF ("Exif\0\0" then a TIFF structure). */
const APP1 = 0xe1;

async function probeJpeg(source: ByteSource): Promise<ProbeResult> {
  let position = 2;
  let frame: { width: number; height: number } | null = null;
  let orientation: number | null = null;
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS; segment++) {
    const header = await source.read(position, 9);
    if (header.length < 2) {
      return frame ? truncatedJpeg('scan_where_before_data') : truncatedJpeg('scan_where_before_frame');
    }
    if (header[0] !== 0xff)
      return corrupt('JPEG', reason('scan_jpeg_marker', { position, found: `0x${header[0]!.toString(16)}` }));
    const marker = header[1]!;
    if (marker === 0xff) {
      position += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      position += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9) return corrupt('JPEG', reason('scan_jpeg_no_picture'));
    if (header.length < 4) return truncatedJpeg('scan_where_in_segment');
    const length = header.readUInt16BE(2);
    if (length < 2)
      return corrupt(
        'JPEG',
        reason('scan_jpeg_segment_length', { marker: `0x${marker.toString(16)}`, length }),
      );
    if (READABLE_SOF.has(marker) || OTHER_SOF.has(marker)) {
      if (header.length < 9) return truncatedJpeg('scan_where_in_frame');
      if (OTHER_SOF.has(marker)) return fail('unsupported_format', reason('scan_jpeg_variant'));
      frame = { height: header.readUInt16BE(5), width: header.readUInt16BE(7) };
    }
    // The first EXIF segment says how the picture is displayed (a later one is a thumbnail's or XMP).
    if (marker === APP1 && orientation === null)
      orientation = await exifOrientation(read(source), position + 4);
    if (marker === 0xda) {
      if (!frame) return corrupt('JPEG', reason('scan_jpeg_data_before_frame'));
      // Entropy-coded data follows; a complete file ends with FF D9 (EOI). Cameras sometimes
      // append data after it (motion photos), so a missing EOI in the tail only asks for a
      // full decode check, it does not reject by itself.
      const tailStart = Math.max(position, source.size - TAIL_BYTES);
      const tail = await source.read(tailStart, source.size - tailStart);
      return displayed('jpeg', frame, orientation, tail.lastIndexOf(Buffer.from([0xff, 0xd9])) < 0);
    }
    position += 2 + length;
  }
  return corrupt('JPEG', reason('scan_jpeg_segments', { max: MAX_JPEG_SEGMENTS }));
}
