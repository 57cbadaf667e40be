// What any image must be to be sent, and what we do about images that are too heavy or not in a
// form Kling takes: fix what can be fixed without changing the picture (downscale, re-encode,
// convert TIFF and GIF to JPEG, turn a photo upright by its EXIF orientation), refuse what cannot
// (corrupt headers, pixel bombs) with words the user can act on. A model's own shape and size limits
// (minimum side, aspect ratio) come from its catalog entry and are fitted or refused by the plan
// (fit.ts, plan-image.ts), not here: the scan does not know the model.
import { isSendableFormat, type ImageFormat } from './probe-result';
import { reason, type Reason } from '@common/reasons';

/**
 * Refused before decoding: a decoder would need width x height x 4 bytes (400 MB at this
 * limit), and a header can claim anything. Kling needs nothing near this.
 */
export const MAX_PIXELS = 100_000_000;
/** JPEG and WebP cannot describe more than this per side; a larger claim is nonsense. */
export const MAX_SIDE = 65_535;
/** The model pages recommend "about 4K": larger images are downscaled to this long side. */
export const FIT_LONG_SIDE = 3840;
/**
 * Byte limits. Kling's upstream limit is 10 MB. RunComfy's own ComfyUI nodes, which send
 * images to this API as data URIs like we do, cap each image at 6 MiB (before base64, which
 * adds a third), so 6 MiB is the limit known to work inline: the effective cap for data URIs
 * is the smaller of the two, 6 MiB. An image sent by URL is fetched by the backend as it is,
 * so only the upstream 10 MB applies (read as 10,000,000 bytes, the stricter reading of MB).
 */
export const DATA_URI_MAX_BYTES = 6 * 1024 * 1024;
export const URL_MAX_BYTES = 10_000_000;

export type SendMode = 'data-uri' | 'url';

export interface ImageFacts {
  format: ImageFormat;
  /** As displayed (probe.ts). */
  width: number;
  height: number;
  bytes: number;
  /** The EXIF orientation; other than 1, the picture is turned upright before it is sent. */
  orientation?: number;
}

export type Assessment =
  | { kind: 'ok' }
  | { kind: 'fit'; targetWidth: number; targetHeight: number; why: Reason }
  | { kind: 'reject'; code: string; why: Reason };

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Size after downscaling so the long side is at most FIT_LONG_SIDE (never upscales). */
export function fitDimensions(width: number, height: number, longSide = FIT_LONG_SIDE) {
  const scale = Math.min(1, longSide / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** One to three things done, as one reason: "a", "a, b", "a, b, c" (with the language's comma). */
function listed(parts: Reason[]): Reason {
  const [a, b, c] = parts;
  if (!b) return a!;
  return c ? reason('scan_list3', { a: a!, b, c }) : reason('scan_list2', { a: a!, b });
}

/** Sanity checks that need only the dimensions (done at scan time, before decoding anything). */
export function checkDimensions(width: number, height: number): Assessment {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    return {
      kind: 'reject',
      code: 'bad_dimensions',
      why: reason('scan_bad_dimensions', { size: `${width}x${height}` }),
    };
  if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS)
    return {
      kind: 'reject',
      code: 'pixel_bomb',
      why: reason('scan_too_many_pixels', {
        size: `${width}x${height}`,
        megapixels: Math.round((width * height) / 1e6),
        limit: MAX_PIXELS / 1e6,
      }),
    };
  return { kind: 'ok' };
}

/** The full check for one way of sending the image. */
export function assessImage(image: ImageFacts, mode: SendMode): Assessment {
  const dimensions = checkDimensions(image.width, image.height);
  if (dimensions.kind !== 'ok') return dimensions;
  const tooLong = Math.max(image.width, image.height) > FIT_LONG_SIDE;
  const converted = !isSendableFormat(image.format);
  if (mode === 'url') {
    // The backend fetches the file from the URL as it is: we cannot shrink or convert it on the way.
    if (converted)
      return {
        kind: 'reject',
        code: 'unsupported_format',
        why: reason('scan_url_converted', { format: image.format.toUpperCase() }),
      };
    if (image.bytes > URL_MAX_BYTES)
      return {
        kind: 'reject',
        code: 'too_large_for_url',
        why: reason('scan_url_too_large', { bytes: formatBytes(image.bytes) }),
      };
    return { kind: 'ok' };
  }
  const tooHeavy = image.bytes > DATA_URI_MAX_BYTES;
  const turned = (image.orientation ?? 1) !== 1;
  if (!tooLong && !tooHeavy && !converted && !turned) return { kind: 'ok' };
  const target = fitDimensions(image.width, image.height);
  // One sentence for everything done on the way, the size first: it is what the preview shows.
  const done: Reason[] = tooLong
    ? [
        reason('scan_fit_resized', {
          from: `${image.width}x${image.height}`,
          to: `${target.width}x${target.height}`,
          long: FIT_LONG_SIDE,
          bytes: formatBytes(DATA_URI_MAX_BYTES),
        }),
      ]
    : [];
  if (converted) done.push(reason('scan_fit_converted', { format: image.format.toUpperCase() }));
  if (turned) done.push(reason('scan_fit_turned', { orientation: image.orientation ?? 1 }));
  const why =
    done.length > 0
      ? reason(converted ? 'scan_fit_when_sent' : 'scan_fit_reencoded', { done: listed(done) })
      : reason('scan_fit_heavy', {
          bytes: formatBytes(image.bytes),
          limit: formatBytes(DATA_URI_MAX_BYTES),
        });
  return { kind: 'fit', targetWidth: target.width, targetHeight: target.height, why };
}
