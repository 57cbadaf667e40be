// Checks one file: is it an image we can send, how big, what must be done to it. Reads the
// header (the first 64 KiB: the whole of most photos), then hashes the whole file, from that
// read when it held all of it. Decodes only when the header says the end may be cut off, and
// then only after the pixel-bomb check.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { bmpLayout } from './bmp';
import { assessImage, formatBytes, MAX_PIXELS } from './limits';
import { openForReading, type ReadableFile } from '../util/open-file';
import { fileByteSource, probeImage } from './probe';
import type { ImageFormat } from './probe';
import { fsReason } from './walk';
import { formatReason, reason, type Reason } from '@common/reasons';

/** A refusal's words: a code for the window, English for the CLI and logs. */
const refusal = (why: Reason) => ({ reason: formatReason(why), why });

export type CheckedImage = (
  | {
      ok: true;
      format: ImageFormat;
      width: number;
      height: number;
      bytes: number;
      sha256: string;
      /** Set when it must be resized/re-encoded to be sent as a data URI. */
      fit: { why: Reason } | null;
    }
  | { ok: false; code: string; reason: string; why: Reason }
) & {
  /** "dev:ino" of the file (its path if it could not be opened): one file, one identity. */
  identity: string;
};

/**
 * Decodes the whole image to prove it is complete. Only for files whose end marker is
 * missing: most such files are cut off, some carry trailing data after a complete image
 * (phone "motion photos" append a video after the JPEG), and only a decode can tell them apart.
 */
async function decodesCompletely(path: string): Promise<boolean> {
  try {
    await sharp(path, { failOn: 'truncated', limitInputPixels: MAX_PIXELS, sequentialRead: true })
      .resize(64, 64, { fit: 'inside' })
      .raw()
      .toBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Hashes an open file in reads of up to 1 MiB (the handle is reused: one open per file). */
async function hashHandle(handle: ReadableFile, size: number, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  // Not zero-filled (only what was read is hashed), and no larger than the file: a 1 MiB
  // zeroed buffer per photo cost the scan of 10,000 small JPEGs more than reading them.
  const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(size, 1024 * 1024)));
  let position = 0;
  while (true) {
    signal?.throwIfAborted();
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest('hex');
}

export async function checkImageFile(path: string, signal?: AbortSignal): Promise<CheckedImage> {
  let handle: ReadableFile;
  try {
    handle = await openForReading(path);
  } catch (error) {
    return {
      ok: false,
      code: 'unreadable',
      ...refusal(fsReason(error, 'scan_fs_read')),
      identity: path,
    };
  }
  try {
    return await checkOpenFile(path, handle, signal);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    return {
      ok: false,
      code: 'unreadable',
      ...refusal(fsReason(error, 'scan_fs_read')),
      identity: path,
    };
  } finally {
    await handle.close();
  }
}

async function checkOpenFile(
  path: string,
  handle: ReadableFile,
  signal?: AbortSignal,
): Promise<CheckedImage> {
  const source = await fileByteSource(handle);
  const identity = source.identity ?? path;
  const bytes = source.size;
  const probe = await probeImage(source);
  if (!probe.ok) return { ok: false, code: probe.code, reason: probe.reason, why: probe.why, identity };
  const facts = { format: probe.format, width: probe.width, height: probe.height, bytes };
  // The orientation only decides whether the picture is turned on the way (the sides are displayed).
  // Dimension checks (including the pixel bomb) come before any decode.
  const assessment = assessImage({ ...facts, orientation: probe.orientation }, 'data-uri');
  if (assessment.kind === 'reject')
    return { ok: false, code: assessment.code, ...refusal(assessment.why), identity };
  if (assessment.kind === 'fit' && probe.format === 'bmp') {
    const layout = bmpLayout(await source.read(0, 128));
    if (typeof layout === 'string')
      return {
        ok: false,
        code: 'unsupported_format',
        ...refusal(
          reason('scan_bmp_unresizable', {
            size: `${facts.width}x${facts.height}`,
            bytes: formatBytes(bytes),
            layout,
          }),
        ),
        identity,
      };
  }
  if (probe.endMarkerMissing && !(await decodesCompletely(path)))
    return {
      ok: false,
      code: 'truncated',
      ...refusal(reason('scan_ends_early', { format: probe.format.toUpperCase() })),
      identity,
    };
  // A file the probe's first read held whole is hashed from that read, not read again.
  const sha256 = source.whole
    ? createHash('sha256').update(source.whole).digest('hex')
    : await hashHandle(handle, bytes, signal);
  return {
    ok: true,
    ...facts,
    sha256,
    fit: assessment.kind === 'fit' ? { why: assessment.why } : null,
    identity,
  };
}
