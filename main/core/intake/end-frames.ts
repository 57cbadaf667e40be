// End frames paired by file name, so a folder of first/last frames needs no prompts.csv:
// `shot.jpg` + `shot.end.jpg` (or `shot_end.jpg`, or a suffix the user names), and an `end/`
// folder mirroring the start folder (`end/shot.jpg` for `shot.jpg`). The end frame leaves the
// list of start images and rides on its start image as `endImage`, the same shape a
// prompts.csv `end_image` cell gives; a cell, where there is one, wins. An end-named file
// without a start image stays a start image of its own: it may simply be called that.
import { posix } from 'node:path';
import { imageFacts, type ScannedImage } from '../core-api';

/** Suffixes of a stem that make a file the end frame of the stem without them. */
export const DEFAULT_END_SUFFIXES = ['.end', '_end'] as const;
/** Why `suffix` cannot mark end frames (a path, nothing, too long), or null when it can. */
export function endSuffixProblem(suffix: string): string | null {
  if (suffix.trim() === '' || /[/\\]/.test(suffix) || suffix.length > 50)
    return (
      `an end-frame suffix is the end of a file name before its extension, e.g. -last for shot-last.jpg, ` +
      `without / or \\ and at most 50 characters, got "${suffix}"`
    );
  return null;
}

/** A folder of this name holds the end frames of its parent folder's images. */
export const END_FOLDER = 'end';

export interface EndFramePair {
  start: string;
  end: string;
}

const stemOf = (fileName: string) => {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
};

/** Where the start image of `relativePath` would be (dir + stem), if its name marks an end frame. */
function startKeyOf(relativePath: string, suffixes: readonly string[]): string | null {
  const dir = posix.dirname(relativePath);
  const stem = stemOf(posix.basename(relativePath));
  if (posix.basename(dir) === END_FOLDER) {
    const parent = posix.dirname(dir);
    return parent === '.' ? stem : `${parent}/${stem}`;
  }
  const lower = stem.toLowerCase();
  for (const suffix of suffixes) {
    if (suffix !== '' && lower.endsWith(suffix.toLowerCase()) && stem.length > suffix.length) {
      const startStem = stem.slice(0, stem.length - suffix.length);
      return dir === '.' ? startStem : `${dir}/${startStem}`;
    }
  }
  return null;
}

/**
 * Pairs end frames with their start images (same dropped folder, same stem, any extension).
 * Returns the start images, each with its end frame where one was found, and the pairs made.
 */
export function pairEndFrames(
  images: ScannedImage[],
  suffixes: readonly string[] = DEFAULT_END_SUFFIXES,
): { images: ScannedImage[]; pairs: EndFramePair[] } {
  const keyOf = (image: ScannedImage) => `${image.rootPath}\n${stemOf(image.relativePath)}`;
  const starts = new Map<string, ScannedImage[]>();
  for (const image of images) {
    const list = starts.get(keyOf(image)) ?? [];
    list.push(image);
    starts.set(keyOf(image), list);
  }
  const endOf = new Map<ScannedImage, ScannedImage>();
  for (const image of images) {
    // An image with its own prompts.csv row is a start image, whatever its name.
    const startKey = image.csvRow ? null : startKeyOf(image.relativePath, suffixes);
    if (startKey === null) continue;
    const candidates = (starts.get(`${image.rootPath}\n${startKey}`) ?? []).filter((c) => c !== image);
    // Two start images of one stem (shot.jpg and shot.png) leave the end frame unpaired: which
    // one it ends is not ours to guess.
    if (candidates.length !== 1) continue;
    const start = candidates[0]!;
    // A prompts.csv end_image cell is the more specific choice.
    if (start.endImage || endOf.has(start)) continue;
    endOf.set(start, image);
  }
  const ends = new Set(endOf.values());
  const pairs: EndFramePair[] = [];
  const kept = images
    .filter((image) => !ends.has(image))
    .map((image) => {
      const end = endOf.get(image);
      if (!end) return image;
      pairs.push({ start: image.relativePath, end: end.relativePath });
      return {
        ...image,
        endImage: {
          ok: true as const,
          sourcePath: end.sourcePath,
          relativePath: end.relativePath,
          ...imageFacts(end),
        },
      };
    });
  return { images: kept, pairs };
}
