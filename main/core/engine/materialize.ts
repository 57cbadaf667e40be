// Turning a stored request (images as `image-ref:<path>` placeholders) into the body that is
// sent. The intake owns the real one (it also shrinks oversized images); the engine takes it
// as an injected function so it stays testable and free of image libraries.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

export type MaterializeRequest = (
  request: Record<string, unknown>,
  item: { sourcePath: string; relativePath: string },
) => Promise<Record<string, unknown>>;

const IMAGE_REF = 'image-ref:';
const MIME_BY_EXTENSION: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.bmp': 'image/bmp',
  '.webp': 'image/webp',
};

/** Reads each referenced image as it is into a data URI (no resizing). */
export const readImageRefsAsDataUris: MaterializeRequest = async (request) => {
  const replace = async (value: unknown): Promise<unknown> => {
    if (typeof value === 'string' && value.startsWith(IMAGE_REF)) {
      const path = value.slice(IMAGE_REF.length);
      const mime = MIME_BY_EXTENSION[extname(path).toLowerCase()] ?? 'image/png';
      return `data:${mime};base64,${(await readFile(path)).toString('base64')}`;
    }
    if (Array.isArray(value)) return Promise.all(value.map(replace));
    if (value && typeof value === 'object')
      return Object.fromEntries(
        await Promise.all(Object.entries(value).map(async ([key, inner]) => [key, await replace(inner)])),
      );
    return value;
  };
  return (await replace(request)) as Record<string, unknown>;
};
