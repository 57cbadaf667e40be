// Image placeholders in a planned request, and the user's text kept apart from them. A planned
// request holds `image-ref:<absolute path>` (fit.ts adds the fit) where an image will go, so the
// database never holds image bytes. Text the user wrote (a prompt from a caption or a cell, a
// `--set` value) is stored so that it can never be taken for a placeholder: a string that begins
// like one, or like the escape, is stored behind USER_TEXT_ESCAPE and given back as written
// wherever the request is read (sent, described in a sidecar, previewed). So no caption or cell
// can make Stillmotion read and send a file, and a prompt that starts with "image-ref:" is sent as
// that prompt. Pure (no sharp, no file reads): the CLI's light paths may import it.
import { IMAGE_REF_PREFIX } from '../catalog/catalog';

export function imageRef(absolutePath: string): string {
  return `${IMAGE_REF_PREFIX}${absolutePath}`;
}

export function isImageRef(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(IMAGE_REF_PREFIX);
}

const USER_TEXT_ESCAPE = '\u0000';

/** A user's value (any JSON) as a planned request stores it. */
export function storedUserValue<T>(value: T): T {
  return mapStrings(value, (s) =>
    s.startsWith(IMAGE_REF_PREFIX) || s.startsWith(USER_TEXT_ESCAPE) ? `${USER_TEXT_ESCAPE}${s}` : s,
  ) as T;
}

/** A stored string that is not an image placeholder, as the user wrote it. */
export function userTextOf(stored: string): string {
  return stored.startsWith(USER_TEXT_ESCAPE) ? stored.slice(USER_TEXT_ESCAPE.length) : stored;
}

/** The image placeholders of a planned request, in key order (depth first), each once. */
export function imageRefsOf(request: unknown): string[] {
  const found = new Set<string>();
  mapStrings(request, (s) => (isImageRef(s) ? found.add(s) : null));
  return [...found];
}

/** The request with each image placeholder replaced by `image(ref)` and the user's text as written. */
export function mapRequest(
  request: Record<string, unknown>,
  image: (ref: string) => unknown,
): Record<string, unknown> {
  return mapStrings(request, (s) => (isImageRef(s) ? image(s) : userTextOf(s))) as Record<string, unknown>;
}

/** The request with the user's text as written and the image placeholders kept (for previews). */
export const asWritten = (request: Record<string, unknown>) => mapRequest(request, (ref) => ref);

export function mapStrings(value: unknown, fn: (s: string) => unknown): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}
