// The scan: walk the dropped paths, check every candidate file, read captions and prompts.csv
// files, and report what was found. Its steps: scan-pool.ts (walk and check, bounded),
// captions.ts (caption sidecars), then here the images assembled (one per file, reasons for
// the rest), csv-match.ts (prompts.csv rows) and end-frames.ts (end frames paired by name).
// Progress is reported as it goes (throttled), and the whole thing stops promptly when the
// signal aborts.
import { extname } from 'node:path';
import {
  imageFacts,
  type ScanProgress,
  type ScanResult,
  type ScannedImage,
  type InputProblem,
} from '../core-api';
import { applyPromptsCsvs } from './csv-match';
import { pairEndFrames } from './end-frames';
import type { CheckedImage } from './image-check';
import { walkAndCheck, type Checked, type Tally } from './scan-pool';
import { BUILTIN_VARIABLES } from './template';
import { resolveRoots } from './walk';

export interface ScanOptions {
  /** Files checked at once (I/O bound: each holds one file open). Default 16. */
  concurrency?: number;
  /** Minimum ms between progress reports (the last one always goes out). */
  progressIntervalMs?: number;
  /** Stem suffixes that mark an end frame (default ".end" and "_end"; see end-frames.ts). */
  endSuffixes?: readonly string[];
}

/** Names that say "I am an image": such a file that is not one is reported, others are ignored. */
const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.bmp',
  '.dib',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.heic',
  '.heif',
  '.avif',
  '.jxl',
]);

export async function scanPaths(
  paths: string[],
  onProgress?: (progress: ScanProgress) => void,
  signal?: AbortSignal,
  options: ScanOptions = {},
): Promise<ScanResult> {
  signal?.throwIfAborted();
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const interval = options.progressIntervalMs ?? 100;
  const rejected: ScanResult['rejected'] = [];
  const problems: InputProblem[] = [];
  const tally: Tally = { found: 0, checked: 0 };
  let lastReport = 0;
  const report = (finished: boolean) => {
    const now = Date.now();
    if (!onProgress || (!finished && now - lastReport < interval)) return;
    lastReport = now;
    onProgress({ found: tally.found, checked: tally.checked, finished });
  };

  const { roots, missing } = await resolveRoots(paths);
  for (const m of missing)
    if (m.type === 'skipped') rejected.push({ path: m.path, reason: m.reason, why: m.why });

  const { checks, csvFiles } = await walkAndCheck(roots, rejected, {
    concurrency,
    tally,
    report: () => report(false),
    signal,
  });

  const { images: checkedImages, byIdentity, rejectedByPath } = assembleImages(checks, rejected, problems);
  let images = checkedImages;

  const { columns, endImagePaths } =
    csvFiles.length > 0
      ? await applyPromptsCsvs(csvFiles, roots, images, rejectedByPath, problems, byIdentity, signal)
      : { columns: new Set<string>(), endImagePaths: new Set<string>() };
  // An image used only as another row's end frame is not a start image of its own.
  if (endImagePaths.size > 0)
    images = images.filter((image) => image.csvRow !== null || !endImagePaths.has(image.sourcePath));

  const paired = pairEndFrames(images, options.endSuffixes);

  tally.checked = tally.found;
  report(true);
  return {
    roots: roots.map((r) => r.rootPath),
    images: paired.images,
    rejected,
    ...(paired.pairs.length > 0 ? { endFramePairs: paired.pairs } : {}),
    variables: [...new Set([...BUILTIN_VARIABLES, ...[...columns].sort()])],
    problems,
  };
}

/**
 * The scan's images from the checks: one per file (in walk order), the files that are not
 * usable images added to `rejected` with their reason, caption problems to `problems`.
 */
function assembleImages(
  checks: Checked[],
  rejected: ScanResult['rejected'],
  problems: InputProblem[],
): { images: ScannedImage[]; byIdentity: Map<string, CheckedImage>; rejectedByPath: Map<string, string> } {
  // Walk order (sorted, depth-first), not completion order: {index} must be stable.
  checks.sort((a, b) => a.candidate.seq - b.candidate.seq);
  const byIdentity = new Map<string, CheckedImage>();
  const images: ScannedImage[] = [];
  const rejectedByPath = new Map<string, string>();
  for (const c of checks) {
    // The same file reached twice (a symlink, a hard link, a folder dropped with a file inside
    // it) is one image, known by its device and inode: sending it twice would pay twice.
    if (byIdentity.has(c.result.identity)) continue;
    byIdentity.set(c.result.identity, c.result);
    if (!c.result.ok) {
      const nameSaysImage = IMAGE_EXTENSIONS.has(extname(c.candidate.sourcePath).toLowerCase());
      // Files that neither look nor claim to be images (videos, documents) are not reported.
      if (c.result.code === 'not_image' && !nameSaysImage && !c.candidate.explicit) continue;
      rejected.push({ path: c.candidate.sourcePath, reason: c.result.reason, why: c.result.why });
      rejectedByPath.set(c.candidate.sourcePath, c.result.reason);
      continue;
    }
    if (c.captionProblem) problems.push(c.captionProblem);
    if (c.shotsProblem) problems.push(c.shotsProblem);
    images.push({
      sourcePath: c.candidate.sourcePath,
      rootPath: c.candidate.rootPath,
      relativePath: c.candidate.relativePath,
      ...imageFacts(c.result),
      caption: c.caption,
      ...(c.shots ? { shotsFile: c.shots } : {}),
      csvRow: null,
      endImage: null,
    });
  }

  return { images, byIdentity, rejectedByPath };
}

/**
 * Files added to a scan (dropped or picked during setup): `added` joined to `base`, each image
 * once (by path: the same file dropped again is not a second image), `base` first so its
 * {index} values stay, and the element images `base` had checked kept.
 */
export function mergeScanResults(base: ScanResult, added: ScanResult): ScanResult {
  const known = new Set(base.images.map((image) => image.sourcePath));
  const refused = new Set(base.rejected.map((r) => r.path));
  const pairs = [...(base.endFramePairs ?? []), ...(added.endFramePairs ?? [])];
  const elementImages = { ...added.elementImages, ...base.elementImages };
  return {
    roots: [...new Set([...base.roots, ...added.roots])],
    images: [...base.images, ...added.images.filter((image) => !known.has(image.sourcePath))],
    rejected: [...base.rejected, ...added.rejected.filter((r) => !refused.has(r.path) && !known.has(r.path))],
    ...(pairs.length > 0 ? { endFramePairs: pairs } : {}),
    ...(Object.keys(elementImages).length > 0 ? { elementImages } : {}),
    variables: [...new Set([...base.variables, ...added.variables])],
    problems: [...base.problems, ...added.problems],
  };
}
