// The checks of one field that the simulator's validators share, FastAPI-style: a list of so
// many items, a required value, an image (an https URL or a base64 data URI of a real jpg, png,
// bmp or webp, told by its bytes), an object. Each records its complaint through `Fail`.
import { createHash } from 'node:crypto';

const ACCEPTED_IMAGE_SUBTYPES = new Set(['jpeg', 'jpg', 'pjpeg', 'png', 'bmp', 'x-ms-bmp', 'webp']);

export type ImageFormat = 'jpg' | 'png' | 'bmp' | 'webp' | 'gif' | 'tiff' | 'unknown';

/** The image format told by the first bytes, whatever the data URI claims. */
export function sniffImage(bytes: Buffer): ImageFormat {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'png';
  if (bytes.length >= 14 && bytes.toString('latin1', 0, 2) === 'BM') return 'bmp';
  if (
    bytes.length >= 12 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'webp';
  if (bytes.length >= 6 && bytes.toString('latin1', 0, 4) === 'GIF8') return 'gif';
  if (bytes.length >= 4 && ['II*\0', 'MM\0*'].includes(bytes.toString('latin1', 0, 4))) return 'tiff';
  return 'unknown';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export type Check<T> = { ok: true; value: T } | { ok: false; msg: string; type: string };
export type Loc = (string | number)[];
/** Records one `detail` entry at `loc` (below `body`). */
export type Fail = (loc: Loc, check: { msg: string; type: string }) => void;

/** A list field of `min` to `max` items: the list, or null once its complaint is recorded. */
export function checkedList(value: unknown, loc: Loc, max: number, fail: Fail, min = 0): unknown[] | null {
  if (!Array.isArray(value)) fail(loc, { msg: 'Input should be a valid list', type: 'list_type' });
  else if (value.length < min)
    fail(loc, { msg: `List should have at least ${min} item${min === 1 ? '' : 's'}`, type: 'too_short' });
  else if (value.length > max) fail(loc, { msg: `List should have at most ${max} items`, type: 'too_long' });
  else return value;
  return null;
}

/** A field an object must have (null counts as absent): its checked value, or null once its complaint is recorded. */
export function requiredValue<T>(
  value: unknown,
  loc: Loc,
  check: (value: unknown) => Check<T>,
  fail: Fail,
): T | null {
  if (value === undefined || value === null) {
    fail(loc, { msg: 'Field required', type: 'missing' });
    return null;
  }
  const checked = check(value);
  if (checked.ok) return checked.value;
  fail(loc, checked);
  return null;
}

/** An image field: an https URL (not fetched) or a base64 data URI of a real jpg/png/bmp/webp. */
export function checkImage(value: unknown): Check<{ hash: string; bytes: Buffer | null }> {
  if (typeof value !== 'string')
    return { ok: false, msg: 'Input should be a valid string', type: 'string_type' };
  if (value.startsWith('data:')) {
    const comma = value.indexOf(',');
    const header = comma < 0 ? value : value.slice(5, comma);
    const [mime = '', ...params] = header.split(';');
    if (comma < 0 || !params.includes('base64'))
      return {
        ok: false,
        msg: 'Data URI must be of the form data:image/<type>;base64,<data>',
        type: 'value_error',
      };
    const [kind, subtype = ''] = mime.toLowerCase().split('/');
    if (kind !== 'image' || !ACCEPTED_IMAGE_SUBTYPES.has(subtype))
      return {
        ok: false,
        msg: `Data URI media type must be image/jpeg, image/png, image/bmp or image/webp, got '${mime}'`,
        type: 'value_error',
      };
    const data = value.slice(comma + 1);
    if (data.length === 0 || data.length % 4 !== 0 || !BASE64.test(data))
      return { ok: false, msg: 'Data URI payload is not valid base64', type: 'value_error' };
    const bytes = Buffer.from(data, 'base64');
    const format = sniffImage(bytes);
    if (format !== 'jpg' && format !== 'png' && format !== 'bmp' && format !== 'webp')
      return {
        ok: false,
        msg: `Decoded image is not a jpg, png, bmp or webp file (its bytes look like: ${format})`,
        type: 'value_error',
      };
    return { ok: true, value: { hash: createHash('sha256').update(bytes).digest('hex'), bytes } };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      ok: false,
      msg: 'Input should be an https URL or a data:image/...;base64 URI',
      type: 'url_parsing',
    };
  }
  if (url.protocol !== 'https:' || !url.hostname)
    return {
      ok: false,
      msg: `URL scheme should be 'https', got '${url.protocol.replace(':', '')}'`,
      type: 'url_scheme',
    };
  return { ok: true, value: { hash: createHash('sha256').update(value).digest('hex'), bytes: null } };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
