// Turning a stored request (images as `image-ref:<path>` placeholders) into the body that is
// sent. The intake owns the real one (it checks the file is still the one scanned and shrinks
// oversized images); it is the default, and injectable so tests can feed the simulator bytes
// that are not real pictures.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseImageRef } from '../intake/fit';
import { imageRefsOf, mapRequest } from '../intake/request-placeholders';
import { materializeRequest as intakeMaterializeRequest } from '../intake/requests';

export interface MaterializeItem {
  sourcePath: string;
  relativePath: string;
  /** The start image's content hash at the scan. */
  imageHash: string;
  /** The planned request's fingerprint (over every image's hash) and its model: with both, every
   * image of the request is re-verified, the end image too. */
  requestFingerprint?: string;
  modelId?: string;
}

export type MaterializeRequest = (
  request: Record<string, unknown>,
  item: MaterializeItem,
) => Promise<Record<string, unknown>>;

/** The intake's: refuses a file changed since the scan (every image, by hash), fits oversized images. */
export const defaultMaterializeRequest: MaterializeRequest = (request, item) =>
  intakeMaterializeRequest(request, {
    imageHash: item.imageHash,
    requestFingerprint: item.requestFingerprint,
    modelId: item.modelId,
  });

const MIME_BY_EXTENSION: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.bmp': 'image/bmp',
  '.webp': 'image/webp',
};

/** Reads each referenced image as it is into a data URI (no checks, no resizing): for tests. */
export const readImageRefsAsDataUris: MaterializeRequest = async (request) => {
  const uris = new Map<string, string>();
  for (const ref of imageRefsOf(request)) {
    // A fitted image (fit.ts) is sent as the file is: tests feed the simulator the bytes as they are.
    const { path } = parseImageRef(ref);
    const mime = MIME_BY_EXTENSION[extname(path).toLowerCase()] ?? 'image/png';
    uris.set(ref, `data:${mime};base64,${(await readFile(path)).toString('base64')}`);
  }
  return mapRequest(request, (ref) => uris.get(ref)!);
};
