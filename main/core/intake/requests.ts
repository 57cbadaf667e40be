// Requests as planned and as sent: a planned request holds `image-ref:<absolute path>`
// placeholders instead of image bytes, so the database stays small and a request can be
// shown, compared and fingerprinted without reading images. `materializeRequest` turns the
// placeholders into data URIs at submit time, checking that the file is still the one scanned.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { imageRefsOf, isImageRef, mapRequest, mapStrings } from './request-placeholders';
import { assessImage, DATA_URI_MAX_BYTES, FIT_LONG_SIDE, formatBytes, MAX_PIXELS } from './limits';
import { decodeBmp } from './bmp';
import { fitFingerprintPart, parseImageRef, type FitSpec } from './fit';
import { applyFit } from './fit-apply';
import { bufferByteSource, isSendableFormat, MIME_TYPES, probeImage } from './probe';
import { isTakeOf } from './takes';
import { formatReason } from '@common/reasons';

export { imageRef, isImageRef } from './request-placeholders';

/** JSON with object keys sorted at every level: the same request always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * sha256 of the model id and the request with each image placeholder replaced by that image's
 * content hash (and its fit, fit.ts, when it is cropped, padded or upscaled): the same picture with the same prompt and settings gives the same fingerprint
 * wherever the file lives. The model id is part of it because it is not in the body (it is
 * the endpoint), and a standard video is not a pro video.
 */
export function requestFingerprint(
  modelId: string,
  request: Record<string, unknown>,
  imageHashes: Record<string, string>,
): string {
  const replaced = mapStrings(request, (s) => {
    if (!isImageRef(s)) return s;
    const { path, fit } = parseImageRef(s);
    const hash = imageHashes[path];
    if (!hash) throw new Error(`No content hash for image ${path}; it must be scanned before it is planned`);
    // An image sent as it is hashes as before fitting existed, so old fingerprints still match.
    return `sha256:${hash}${fit ? fitFingerprintPart(fit) : ''}`;
  });
  return createHash('sha256')
    .update(canonicalJson({ model: modelId, input: replaced }))
    .digest('hex');
}

/** `${urlPrefix}/${relativePath}` with each segment URL-encoded; https only. */
export function imageUrl(urlPrefix: string, relativePath: string): string {
  const prefix = urlPrefix.trim().replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(prefix);
  } catch {
    throw new Error(
      `URL prefix "${urlPrefix}" is not a valid URL; expected e.g. https://cdn.example.com/images`,
    );
  }
  if (parsed.protocol !== 'https:')
    throw new Error(
      `URL prefix "${urlPrefix}" must start with https:// (the API fetches images over HTTPS only); ` +
        'fix it or clear it to send images inline',
    );
  return `${prefix}/${relativePath.split('/').map(encodeURIComponent).join('/')}`;
}

export interface MaterializeContext {
  /**
   * Expected sha256 of the start image (PlannedItem.imageHash): verified before sending. The
   * start image is the first image placeholder in the request (the planner puts it first).
   */
  imageHash?: string;
  /** Expected sha256 per absolute path, for every image in the request (start and end). */
  imageHashes?: Record<string, string>;
  /**
   * The item's request fingerprint and model as planned (PlannedItem.requestFingerprint,
   * BatchSettings.modelId). Given both, every image in the request (the end image too, whose
   * hash is kept nowhere else) is checked: the fingerprint of the request with the images'
   * current hashes must be the planned one, else a changed picture would be paid for.
   */
  requestFingerprint?: string;
  modelId?: string;
  /** Byte cap for one inline image (default: 6 MiB, see limits.ts). */
  maxImageBytes?: number;
  signal?: AbortSignal;
}

export interface FittedImage {
  bytes: Buffer;
  format: 'jpeg';
  width: number;
  height: number;
}

/** JPEG qualities tried in turn until the image fits the byte cap. */
const QUALITY_STEPS = [90, 82, 74, 66, 58, 50];

/**
 * Downscales to the long-side limit and re-encodes as JPEG, stepping quality down (then
 * size) until under `maxBytes`. Deterministic: the same file gives the same bytes, so a
 * retried submit sends exactly what the first one did. EXIF orientation is applied
 * (metadata is dropped, and with it the rotation a viewer would have applied); transparency
 * is flattened onto white (Kling takes no alpha channel in a JPEG).
 */
export async function fitImage(input: Buffer, maxBytes = DATA_URI_MAX_BYTES): Promise<FittedImage> {
  // sharp does not read BMP: decode it here and hand sharp raw pixels.
  const bmp = input[0] === 0x42 && input[1] === 0x4d ? decodeBmp(input) : null;
  const open = () =>
    bmp
      ? sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 3 } })
      : sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'truncated' });
  let longSide = FIT_LONG_SIDE;
  for (let attempt = 0; attempt < 6; attempt++) {
    for (const quality of QUALITY_STEPS) {
      const { data, info } = await open()
        .rotate()
        .resize(longSide, longSide, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality, chromaSubsampling: '4:2:0' })
        .toBuffer({ resolveWithObject: true });
      if (data.length <= maxBytes)
        return { bytes: data, format: 'jpeg', width: info.width, height: info.height };
    }
    longSide = Math.round(longSide * 0.75);
  }
  throw new Error(`could not shrink the image under ${formatBytes(maxBytes)}; reduce it by hand`);
}

async function imageDataUri(
  path: string,
  fit: FitSpec | null,
  expectedHash: string | undefined,
  maxBytes: number,
): Promise<{ uri: string; sha256: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `Image ${path} no longer exists (moved or deleted since the scan); put it back or scan again`
        : `Image ${path} could not be read: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (expectedHash && actual !== expectedHash)
    throw new Error(
      `Image ${path} changed since it was scanned (its content hash is now ${actual.slice(0, 12)}..., ` +
        `was ${expectedHash.slice(0, 12)}...); scan the folder again so the new picture is checked and priced`,
    );
  let probe = await probeImage(bufferByteSource(bytes));
  if (!probe.ok) throw new Error(`Image ${path} is no longer usable: ${probe.reason}`);
  if (fit) {
    // Cropped, padded or upscaled to the model's limits as planned (and priced, and fingerprinted).
    bytes = await applyFit(probe.format === 'bmp' ? decodeBmp(bytes) : bytes, fit);
    probe = await probeImage(bufferByteSource(bytes));
    if (!probe.ok) throw new Error(`Image ${path} could not be fitted: ${probe.reason}`);
  }
  const assessment = assessImage(
    {
      format: probe.format,
      width: probe.width,
      height: probe.height,
      bytes: bytes.length,
      orientation: probe.orientation,
    },
    'data-uri',
  );
  if (assessment.kind === 'reject')
    throw new Error(`Image ${path} is not usable: ${formatReason(assessment.why)}`);
  // As it is only when Kling takes it so: a TIFF or GIF is converted, a turned photo made upright.
  if (assessment.kind === 'ok' && isSendableFormat(probe.format) && bytes.length <= maxBytes)
    return { uri: `data:${MIME_TYPES[probe.format]};base64,${bytes.toString('base64')}`, sha256: actual };
  const fitted = await fitImage(bytes, maxBytes);
  return {
    uri: `data:${MIME_TYPES[fitted.format]};base64,${fitted.bytes.toString('base64')}`,
    sha256: actual,
  };
}

/**
 * The request as it goes on the wire: every `image-ref:` placeholder replaced by a data URI
 * (oversized images fitted on the way). Throws a clear error naming the file if an image is
 * gone, changed since the scan (when its hash is given), or no longer usable.
 */
export async function materializeRequest(
  request: Record<string, unknown>,
  ctx: MaterializeContext = {},
): Promise<Record<string, unknown>> {
  const hashes: Record<string, string> = { ...(ctx.imageHashes ?? {}) };
  // The planner puts the start image first (model-request.ts), whatever the model calls it.
  const start = imageRefsOf(request)[0];
  if (ctx.imageHash && start) hashes[parseImageRef(start).path] ??= ctx.imageHash;
  const maxBytes = ctx.maxImageBytes ?? DATA_URI_MAX_BYTES;
  // Each distinct placeholder is read once, even if the request names it twice (a loop).
  const uris = new Map<string, Promise<{ uri: string; sha256: string }>>();
  for (const ref of imageRefsOf(request)) {
    const { path, fit } = parseImageRef(ref);
    const uri = imageDataUri(path, fit, hashes[path], maxBytes);
    // Awaited below in order; this keeps a later image's failure from counting as unhandled meanwhile.
    uri.catch(() => undefined);
    uris.set(ref, uri);
  }
  const resolved = new Map<string, string>();
  const currentHashes: Record<string, string> = {};
  for (const [ref, uri] of uris) {
    ctx.signal?.throwIfAborted();
    const image = await uri;
    resolved.set(ref, image.uri);
    currentHashes[parseImageRef(ref).path] = image.sha256;
  }
  if (ctx.requestFingerprint && ctx.modelId && uris.size > 0) {
    // With a URL prefix the fingerprint was taken over placeholders the request no longer
    // holds; then nothing is read here and there is nothing to compare.
    // A take's fingerprint is derived from the request's (takes.ts): the same images match it.
    const now = requestFingerprint(ctx.modelId, request, currentHashes);
    if (!isTakeOf(ctx.requestFingerprint, now)) {
      // The images with a known hash matched above: the others (the end image) changed.
      const paths = [...new Set([...uris.keys()].map((ref) => parseImageRef(ref).path))];
      const unverified = paths.filter((path) => !hashes[path]);
      const named = unverified.length > 0 ? unverified : paths;
      throw new Error(
        `Image ${named.join(', ')} changed since it was scanned (the request no longer matches the one ` +
          'planned and priced); scan the folder again so the new picture is checked and priced',
      );
    }
  }
  return mapRequest(request, (ref) => resolved.get(ref)!);
}
