// The headers of TIFF and GIF images: formats Kling does not take but the app reads and sends as
// JPEG (the first page or frame, EXIF orientation applied), as it re-encodes other images on the
// way anyway (requests.ts fitImage). Like probe.ts, only headers are read.
import { readIfd0 } from './exif';
import { corrupt, displayed, truncated, type ByteSource, type ProbeResult } from './probe-result';
import { reason } from '@common/reasons';

/** A TIFF's size and orientation from its first directory, wherever the file puts it. */
export async function probeTiff(source: ByteSource): Promise<ProbeResult> {
  if (source.size < 8) return truncated('TIFF', source.size, 8);
  const tags = await readIfd0((position, length) => source.read(position, length), 0);
  if (!tags?.width || !tags.height) return corrupt('TIFF', reason('scan_tiff_size'));
  return displayed('tiff', { width: tags.width, height: tags.height }, tags.orientation);
}

/** A GIF's logical screen size (its frames are drawn on it); the first frame is what is sent. */
export async function probeGif(source: ByteSource, head: Buffer): Promise<ProbeResult> {
  if (head.length < 13) return truncated('GIF', source.size, 13);
  const width = head.readUInt16LE(6);
  const height = head.readUInt16LE(8);
  // A complete GIF ends with its trailer byte (0x3B); without it only a decode can tell.
  const last = await source.read(source.size - 1, 1);
  return displayed('gif', { width, height }, null, last[0] !== 0x3b);
}
