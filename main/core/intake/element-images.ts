// Checks the images of reference elements (the batch's, and those named in prompts.csv
// `elements` cells) like start images, and keeps the results on the scan as `elementImages`, so
// planning stays free of file reads. An image checked once is not read again.
import { imageFacts, type ScanResult, type ScannedEndImage } from '../core-api';
import type { ElementImages } from '../domain';
import { csvCellPath, elementPaths, parseElementsCell } from './elements';
import { checkImageFile } from './image-check';

/** Element images named by prompts.csv rows of this scan (cells that do not parse are the plan's to word). */
function csvElementPaths(scan: ScanResult): string[] {
  const paths: string[] = [];
  for (const image of scan.images) {
    const cell = image.csvRow?.values.elements ?? '';
    if (cell === '') continue;
    try {
      for (const element of parseElementsCell(cell, ''))
        for (const name of [element.frontal, ...element.references])
          paths.push(csvCellPath(image.rootPath, image.csvRow!.file, name));
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
  const wanted = [...new Set([...elementPaths(elements ?? []), ...fromCsv])];
  const todo = wanted.filter((path) => options.recheck || !known[path]);
  // As with end_image: an image a row names only as an element is not a start image of its own.
  const csvOnly = new Set(fromCsv);
  const images = scan.images.filter((image) => image.csvRow !== null || !csvOnly.has(image.sourcePath));
  if (todo.length === 0 && images.length === scan.images.length) return scan;
  for (const path of todo) known[path] = await checkElementImage(path, options.signal);
  return { ...scan, images, elementImages: known };
}
