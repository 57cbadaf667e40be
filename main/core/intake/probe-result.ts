// What a probe answers (probe.ts for the formats Kling takes, probe-converted.ts for those the
// app converts): the format, the size as displayed, the EXIF orientation, or why the file is no
// usable image; and the byte source every probe reads through.
import { swapsSides } from './exif';
import { formatReason, reason, type Reason } from '@common/reasons';

/** What Kling takes as it is. */
export type SendableFormat = 'jpeg' | 'png' | 'bmp' | 'webp';
/** What the app reads and converts to JPEG before sending (see limits.ts). */
export type ConvertedFormat = 'tiff' | 'gif';
export type ImageFormat = SendableFormat | ConvertedFormat;

export const isSendableFormat = (format: ImageFormat): format is SendableFormat =>
  format !== 'tiff' && format !== 'gif';

export const MIME_TYPES: Record<SendableFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  bmp: 'image/bmp',
  webp: 'image/webp',
};

export interface ByteSource {
  size: number;
  /** Device and inode ("dev:ino") when read from a file: the same file reached twice has one. */
  identity?: string;
  /** Up to `length` bytes at `position` (fewer at the end of the file). */
  read(position: number, length: number): Promise<Buffer>;
  /** The whole file, when the first read already held all of it (most photos under 64 KiB). */
  whole?: Buffer;
}

export type ProbeResult =
  | {
      ok: true;
      format: ImageFormat;
      /** As displayed: the stored sides swapped when the orientation turns it a quarter. */
      width: number;
      height: number;
      /** The EXIF orientation (1..8); 1 when the file has none: the pixels as stored. */
      orientation: number;
      /** True when the file's end looks cut off and only a full decode can tell. */
      endMarkerMissing: boolean;
    }
  | { ok: false; code: ProbeFailure; reason: string; why: Reason };

export type Probed = Extract<ProbeResult, { ok: true }>;

export type ProbeFailure = 'not_image' | 'unsupported_format' | 'corrupt' | 'truncated' | 'empty';

/** The first read of a file: where the headers of every format but JPEG and WebP live. */
export const HEAD_BYTES = 64 * 1024;

/** A refusal: its reason as a code (the window's language) and in English (the CLI, logs). */
export const fail = (code: ProbeFailure, why: Reason): ProbeResult => ({
  ok: false,
  code,
  reason: formatReason(why),
  why,
});

/** "corrupt PNG: <detail>", the detail a code of its own. */
export const corrupt = (format: string, detail: Reason): ProbeResult =>
  fail('corrupt', reason('scan_corrupt', { format, detail }));

/** A result as displayed: `stored` sides as the file keeps them, turned by `orientation`. */
export function displayed(
  format: ImageFormat,
  stored: { width: number; height: number },
  orientation: number | null,
  endMarkerMissing = false,
): Probed {
  const turn = orientation ?? 1;
  const [width, height] = swapsSides(turn) ? [stored.height, stored.width] : [stored.width, stored.height];
  return { ok: true, format, width, height, orientation: turn, endMarkerMissing };
}

export function truncated(format: string, size: number, needed: number): ProbeResult {
  return fail('truncated', reason('scan_truncated_header', { format, size, needed }));
}
