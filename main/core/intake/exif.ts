// The EXIF orientation of an image, read from the TIFF structure that carries it (a JPEG's APP1
// "Exif" segment, a PNG's eXIf chunk, a WebP's EXIF chunk, or a TIFF file itself), so every
// size, ratio and fit decision is made on the picture as it is displayed: a phone photo stored
// 4000x3000 with orientation 6 is a 3000x4000 portrait, and fit-apply.ts turns it upright first.
//
// Bounded like the probe: a few small reads (the TIFF header, the first directory's count, its
// first entries), no offset followed outside the structure, and null (the picture as stored) for
// anything it cannot read.

/** Reads up to `length` bytes at `position` (fewer at the end). */
export type ReadAt = (position: number, length: number) => Promise<Buffer>;

/** The tag that says how the stored pixels must be turned to be displayed (1..8, EXIF 2.3). */
const ORIENTATION_TAG = 0x0112;
const IMAGE_WIDTH_TAG = 0x0100;
const IMAGE_LENGTH_TAG = 0x0101;
/**
 * Directory entries read: tags are sorted, and the three read here (0x0100, 0x0101, 0x0112)
 * come among the first; a camera's IFD0 has a dozen or two.
 */
const MAX_ENTRIES = 64;
const EXIF_PREFIX = Buffer.from('Exif\0\0', 'latin1');

/** Orientations 5 to 8 turn the picture a quarter: its displayed width is its stored height. */
export const swapsSides = (orientation: number): boolean => orientation >= 5 && orientation <= 8;

export interface Ifd0 {
  orientation: number | null;
  width: number | null;
  height: number | null;
}

/** The tags the intake reads from the first directory of the TIFF structure at `base`, or null. */
export async function readIfd0(read: ReadAt, base: number): Promise<Ifd0 | null> {
  const header = await read(base, 8);
  if (header.length < 8) return null;
  const order = header.toString('latin1', 0, 2);
  const little = order === 'II';
  if (!little && order !== 'MM') return null;
  const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
  if (u16(header, 2) !== 42) return null;
  const ifd = u32(header, 4);
  if (ifd < 8) return null;
  const countBytes = await read(base + ifd, 2);
  if (countBytes.length < 2) return null;
  const count = Math.min(u16(countBytes, 0), MAX_ENTRIES);
  const entries = await read(base + ifd + 2, count * 12);
  const found: Ifd0 = { orientation: null, width: null, height: null };
  for (let at = 0; at + 12 <= entries.length; at += 12) {
    const tag = u16(entries, at);
    if (tag > ORIENTATION_TAG) break;
    const type = u16(entries, at + 2);
    // SHORT (3) sits in the first two bytes of the value field, LONG (4) fills it.
    const value = type === 3 ? u16(entries, at + 8) : type === 4 ? u32(entries, at + 8) : null;
    if (value === null) continue;
    if (tag === ORIENTATION_TAG) found.orientation = value >= 1 && value <= 8 ? value : null;
    else if (tag === IMAGE_WIDTH_TAG) found.width = value;
    else if (tag === IMAGE_LENGTH_TAG) found.height = value;
  }
  return found;
}

/**
 * The orientation in the EXIF payload at `start`: a TIFF structure, with or without the
 * "Exif\0\0" prefix a JPEG's APP1 segment (and some WebP writers) put before it. Null when none.
 */
export async function exifOrientation(read: ReadAt, start: number): Promise<number | null> {
  const prefixed = (await read(start, 6)).equals(EXIF_PREFIX);
  return (await readIfd0(read, prefixed ? start + 6 : start))?.orientation ?? null;
}
