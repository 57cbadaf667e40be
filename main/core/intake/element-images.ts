// Checks the images of reference elements (the batch's, and those named in prompts.csv
// `elements` cells) like start images, and keeps the results on the scan as `elementImages`, so
// planning stays free of file reads. An image checked once is not read again.
import { imageFacts, type ScanResult, type ScannedEndImage } from '../core-api';
import type { ElementImages } from '../domain';
import { csvCellPath, elementPaths, parseElementsCell } from './elements';
import { realPathInside } from './contained-path';
import { checkImageFile } from './image-check';

/**
 * Element images named by prompts.csv rows of this scan, each with its dropped folder. Names the
 * containment gate refuses are left out (the plan refuses their item in words, naming the cell),
 * as are cells that do not parse (the plan words them too).
 */
function csvElementPaths(scan: ScanResult): Map<string, string> {
  const paths = new Map<string, string>();
  for (const image of scan.images) {
    const cell = image.csvRow?.values.elements ?? '';
    if (cell === '') continue;
    try {
      for (const element of parseElementsCell(cell, ''))
        for (const name of [element.frontal, ...element.references]) {
          const gated = csvCellPath(image.rootPath, image.csvRow!.file, name);
          if (gated.ok) paths.set(gated.path, image.rootPath);
        }
    } catch {
      // Reported with its row when the item is planned.
    }
  }
  return paths;
}

/** One element image checked, in the scan's end-image shape. */
export async function checkElementImage(sourcePath: string, signal?: AbortSignal): Promise<ScannedEndImage> {
  const result = await checkImageFile(sourcePath, signal);
  if (!result.ok) return { ok: false, sourcePath, reason: result.reason };
  return { ok: true, sourcePath, ...imageFacts(result) };
}

/**
 * The scan with every element image of `elements` and of its prompts.csv rows checked (those
 * checked before are kept as they were). `recheck` reads the given paths again (the user
 * picked a file anew and it may have changed).
 */
export async function withElementImages(
  scan: ScanResult,
  elements: readonly ElementImages[] | undefined,
  options: { signal?: AbortSignal; recheck?: boolean } = {},
): Promise<ScanResult> {
  const known = { ...(scan.elementImages ?? {}) };
  const fromCsv = csvElementPaths(scan);
  const wanted = [...new Set([...elementPaths(elements ?? []), ...fromCsv.keys()])];
  const todo = wanted.filter((path) => options.recheck || !known[path]);
  // As with end_image: an image a row names only as an element is not a start image of its own.
  const images = scan.images.filter((image) => image.csvRow !== null || !fromCsv.has(image.sourcePath));
  if (todo.length === 0 && images.length === scan.images.length) return scan;
  for (const path of todo) {
    // A name in a cell must lead to a file inside its dropped folder, links resolved, before it
    // is opened. (The batch's own elements were picked by the user, wherever they are.)
    const root = fromCsv.get(path);
    if (root !== undefined && (await realPathInside(root, path)) === 'link')
      known[path] = {
        ok: false,
        sourcePath: path,
        reason: 'leads out of the dropped folder',
        refused: 'link',
      };
    else known[path] = await checkElementImage(path, options.signal);
  }
  return { ...scan, images, elementImages: known };
}
