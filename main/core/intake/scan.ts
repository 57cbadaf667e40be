// The scan: walk the dropped paths, check every candidate file, read captions and prompts.csv
// files, and report what was found. Built for a 10,000-image folder: the walk streams into a
// bounded pool of checks (a few files open at a time, a bounded backlog), progress is
// reported as it goes (throttled), and the whole thing stops promptly when the signal aborts.
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, posix, resolve, sep } from 'node:path';
import type { InputProblem, ScanProgress, ScanResult, ScannedEndImage, ScannedImage } from '../core-api';
import { pairEndFrames } from './end-frames';
import { checkImageFile } from './image-check';
import type { CheckedImage } from './image-check';
import { normaliseFileCell, PROMPTS_CSV, readPromptsCsv } from './prompts-csv';
import type { ParsedCsv } from './prompts-csv';
import { BUILTIN_VARIABLES } from './template';
import { resolveRoots, walkRoot } from './walk';
import type { WalkRoot } from './walk';

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
/** Text files next to images are captions or prompts, never images. */
const TEXT_EXTENSIONS = new Set(['.txt', '.csv']);
const MAX_CAPTION_BYTES = 1024 * 1024;
/** Paths waiting for a check before the walk pauses (memory stays flat on huge trees). */
const MAX_BACKLOG = 1000;

interface Candidate {
  seq: number;
  rootIndex: number;
  rootPath: string;
  sourcePath: string;
  relativePath: string;
  explicit: boolean;
  siblings: Siblings;
}

/** A folder's file names, looked up exactly or ignoring case (shared by its images). */
interface Siblings {
  exact: Set<string>;
  lower: Map<string, string>;
}

function siblingsOf(names: string[]): Siblings {
  const lower = new Map<string, string>();
  for (const name of names) if (!lower.has(name.toLowerCase())) lower.set(name.toLowerCase(), name);
  return { exact: new Set(names), lower };
}

interface Checked {
  candidate: Candidate;
  result: CheckedImage;
  caption: string | null;
  captionProblem: InputProblem | null;
}

interface CsvFile {
  rootIndex: number;
  path: string;
  /** Folder of the csv relative to its root ('' at the root). */
  relativeDir: string;
  /** How messages name it: its path relative to the root. */
  label: string;
}

function limiter(concurrency: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((resolveSlot) => waiting.push(resolveSlot));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

function stemOf(name: string): string {
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

async function readCaption(
  dirPath: string,
  imageName: string,
  siblings: Siblings,
  rootPath: string,
): Promise<{ caption: string | null; problem: InputProblem | null }> {
  // photo.jpg.txt is the more specific name (photo.jpg and photo.png may share photo.txt).
  const wanted = [`${imageName}.txt`, `${stemOf(imageName)}.txt`];
  let found: string | undefined;
  for (const name of wanted) if (!found && siblings.exact.has(name)) found = name;
  for (const name of wanted) found ??= siblings.lower.get(name.toLowerCase());
  if (!found) return { caption: null, problem: null };
  const path = join(dirPath, found);
  const label = posix.relative(rootPath.split(sep).join('/'), path.split(sep).join('/')) || found;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_CAPTION_BYTES)
      return {
        caption: null,
        problem: {
          code: 'caption_too_large',
          message: `${label} is ${bytes.length} bytes; a caption file is read up to 1 MiB. Shorten it`,
          file: label,
          row: null,
          field: 'caption',
        },
      };
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = bytes.toString('latin1'); // Windows "ANSI" text files
    }
    return {
      caption: text
        .replace(/^\ufeff/, '')
        .replace(/\r\n?/g, '\n')
        .trim(),
      problem: null,
    };
  } catch (error) {
    return {
      caption: null,
      problem: {
        code: 'caption_unreadable',
        message: `${label} could not be read: ${error instanceof Error ? error.message : String(error)}`,
        file: label,
        row: null,
        field: 'caption',
      },
    };
  }
}

export async function scanPaths(
  paths: string[],
  onProgress?: (progress: ScanProgress) => void,
  signal?: AbortSignal,
  options: ScanOptions = {},
): Promise<ScanResult> {
  signal?.throwIfAborted();
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const interval = options.progressIntervalMs ?? 100;
  const rejected: { path: string; reason: string }[] = [];
  const problems: InputProblem[] = [];
  let found = 0;
  let checked = 0;
  let lastReport = 0;
  const report = (finished: boolean) => {
    const now = Date.now();
    if (!onProgress || (!finished && now - lastReport < interval)) return;
    lastReport = now;
    onProgress({ found, checked, finished });
  };

  const { roots, missing } = await resolveRoots(paths);
  for (const m of missing) if (m.type === 'skipped') rejected.push({ path: m.path, reason: m.reason });

  const run = limiter(concurrency);
  const checks: Checked[] = [];
  const csvFiles: CsvFile[] = [];
  const tasks = new Set<Promise<void>>();
  let backlogDrained: (() => void) | null = null;
  let failure: unknown = null;
  let seq = 0;

  const check = async (candidate: Candidate) => {
    if (signal?.aborted) return;
    const result = await checkImageFile(candidate.sourcePath, signal);
    let caption: string | null = null;
    let captionProblem: InputProblem | null = null;
    if (result.ok) {
      const dirPath = resolve(candidate.sourcePath, '..');
      ({ caption, problem: captionProblem } = await readCaption(
        dirPath,
        basename(candidate.sourcePath),
        candidate.siblings,
        candidate.rootPath,
      ));
    }
    checks.push({ candidate, result, caption, captionProblem });
  };

  const enqueue = (candidate: Candidate) => {
    found += 1;
    const task = run(() => check(candidate))
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        tasks.delete(task);
        // After an abort the remaining tasks return at once: they are not "checked".
        if (!signal?.aborted) {
          checked += 1;
          report(false);
        }
        if (tasks.size < MAX_BACKLOG / 2) backlogDrained?.();
      });
    tasks.add(task);
  };

  for (const [rootIndex, root] of roots.entries()) {
    try {
      for await (const event of walkRoot(root, signal)) {
        if (event.type === 'skipped') {
          rejected.push({ path: event.path, reason: event.reason });
          continue;
        }
        const siblings = siblingsOf(event.siblings);
        for (const name of event.siblings)
          if (name.toLowerCase() === PROMPTS_CSV)
            csvFiles.push({
              rootIndex,
              path: join(event.dirPath, name),
              relativeDir: event.relativeDir,
              label: event.relativeDir ? `${event.relativeDir}/${name}` : name,
            });
        for (const name of event.fileNames) {
          if (TEXT_EXTENSIONS.has(extname(name).toLowerCase())) continue;
          enqueue({
            seq: seq++,
            rootIndex,
            rootPath: root.rootPath,
            sourcePath: join(event.dirPath, name),
            relativePath: event.relativeDir ? `${event.relativeDir}/${name}` : name,
            explicit: root.onlyFiles !== null,
            siblings,
          });
        }
        report(false);
        if (tasks.size >= MAX_BACKLOG) await new Promise<void>((r) => (backlogDrained = r));
      }
    } catch (error) {
      if (signal?.aborted) break;
      rejected.push({ path: root.rootPath, reason: `folder could not be read: ${String(error)}` });
    }
  }
  await Promise.all([...tasks]);
  if (signal?.aborted) throw signal.reason;
  if (failure) throw failure;

  // Walk order (sorted, depth-first), not completion order: {index} must be stable.
  checks.sort((a, b) => a.candidate.seq - b.candidate.seq);
  const byIdentity = new Map<string, CheckedImage>();
  let images: ScannedImage[] = [];
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
      rejected.push({ path: c.candidate.sourcePath, reason: c.result.reason });
      rejectedByPath.set(c.candidate.sourcePath, c.result.reason);
      continue;
    }
    if (c.captionProblem) problems.push(c.captionProblem);
    images.push({
      sourcePath: c.candidate.sourcePath,
      rootPath: c.candidate.rootPath,
      relativePath: c.candidate.relativePath,
      format: c.result.format,
      width: c.result.width,
      height: c.result.height,
      bytes: c.result.bytes,
      sha256: c.result.sha256,
      fit: c.result.fit,
      caption: c.caption,
      csvRow: null,
      endImage: null,
    });
  }

  const columns = new Set<string>();
  const endImagePaths = new Set<string>();
  if (csvFiles.length > 0) {
    const seenCsv = new Set<string>();
    const parsed: { csv: CsvFile; data: ParsedCsv }[] = [];
    for (const csv of csvFiles) {
      const real = await realpath(csv.path).catch(() => csv.path);
      if (seenCsv.has(real)) continue;
      seenCsv.add(real);
      const data = await readPromptsCsv(csv.path, csv.label);
      problems.push(...data.problems);
      data.columns.forEach((c) => columns.add(c));
      parsed.push({ csv, data });
    }
    // The nearest prompts.csv wins: deeper files are matched first.
    parsed.sort((a, b) => depth(b.csv.relativeDir) - depth(a.csv.relativeDir));
    for (const { csv, data } of parsed) {
      await matchRows(csv, data, roots, images, rejectedByPath, problems, byIdentity, endImagePaths, signal);
    }
  }
  // An image used only as another row's end frame is not a start image of its own.
  if (endImagePaths.size > 0)
    images = images.filter((image) => image.csvRow !== null || !endImagePaths.has(image.sourcePath));

  const paired = pairEndFrames(images, options.endSuffixes);

  checked = found;
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

function depth(relativeDir: string): number {
  return relativeDir === '' ? 0 : relativeDir.split('/').length;
}

function uniqueOrNull<T>(list: T[] | undefined): T | null | 'ambiguous' {
  if (!list || list.length === 0) return null;
  return list.length === 1 ? list[0]! : 'ambiguous';
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

async function matchRows(
  csv: CsvFile,
  data: ParsedCsv,
  roots: WalkRoot[],
  images: ScannedImage[],
  rejectedByPath: Map<string, string>,
  problems: InputProblem[],
  checkedByIdentity: Map<string, CheckedImage>,
  endImagePaths: Set<string>,
  signal?: AbortSignal,
) {
  const root = roots[csv.rootIndex]!;
  const prefix = csv.relativeDir ? `${csv.relativeDir}/` : '';
  const csvDir = join(root.rootPath, ...csv.relativeDir.split('/').filter(Boolean));
  const byRel = new Map<string, ScannedImage[]>();
  const byRelLower = new Map<string, ScannedImage[]>();
  const byName = new Map<string, ScannedImage[]>();
  const byNameLower = new Map<string, ScannedImage[]>();
  const byStem = new Map<string, ScannedImage[]>();
  for (const image of images) {
    if (image.rootPath !== root.rootPath || !image.relativePath.startsWith(prefix)) continue;
    const rel = image.relativePath.slice(prefix.length).normalize('NFC');
    const name = posix.basename(rel);
    push(byRel, rel, image);
    push(byRelLower, rel.toLowerCase(), image);
    push(byName, name, image);
    push(byNameLower, name.toLowerCase(), image);
    push(byStem, stemOf(name).toLowerCase(), image);
  }
  const problem = (code: string, row: number, field: string, message: string) =>
    problems.push({ code, message, file: csv.label, row, field });

  for (const row of data.rows) {
    signal?.throwIfAborted();
    const cell = row.values.file ?? '';
    const where = `(${csv.label}, row ${row.row}, column file)`;
    if (cell === '') {
      problem(
        'csv_no_file',
        row.row,
        'file',
        `No image named ${where}; write the image's file name in this column`,
      );
      continue;
    }
    const wanted = normaliseFileCell(cell);
    let match: ScannedImage | null | 'ambiguous' = null;
    for (const [map, key] of [
      [byRel, wanted],
      [byRelLower, wanted.toLowerCase()],
      [byName, wanted],
      [byNameLower, wanted.toLowerCase()],
      [byStem, wanted.toLowerCase()],
    ] as const) {
      match = uniqueOrNull(map.get(key));
      if (match !== null) break;
      // A bare name with no match by path may still match by name; a path never does.
      if (wanted.includes('/')) break;
    }
    if (match === 'ambiguous') {
      const names = [...(byNameLower.get(wanted.toLowerCase()) ?? byStem.get(wanted.toLowerCase()) ?? [])]
        .map((i) => i.relativePath)
        .slice(0, 5);
      problem(
        'csv_ambiguous_file',
        row.row,
        'file',
        `"${cell}" matches more than one image (${names.join(', ')}) ${where}; write its path, e.g. "${names[0] ?? cell}"`,
      );
      continue;
    }
    if (match === null) {
      const absolute = join(csvDir, ...wanted.split('/'));
      const reason = rejectedByPath.get(absolute);
      if (reason) {
        problem('csv_file_rejected', row.row, 'file', `"${cell}" ${where} is not usable: ${reason}`);
        continue;
      }
      // Files dropped one by one: a row for a file that exists but was not dropped is fine.
      if (root.onlyFiles !== null && (await realpath(absolute).catch(() => null)) !== null) continue;
      problem(
        'csv_missing_file',
        row.row,
        'file',
        `"${cell}" matches no image in ${csv.relativeDir || 'the dropped folder'} ${where}; ` +
          'check the spelling, or remove the row',
      );
      continue;
    }
    if (match.csvRow) {
      const same = match.csvRow.file === csv.label;
      problem(
        'csv_duplicate_row',
        row.row,
        'file',
        same
          ? `"${cell}" ${where} already has row ${match.csvRow.row}; keep one of the two rows`
          : `"${cell}" ${where} already has a row in ${match.csvRow.file} (row ${match.csvRow.row}), ` +
              'the nearer file, which is used; remove one of the rows',
      );
      continue;
    }
    match.csvRow = { file: csv.label, row: row.row, values: row.values };
    const endCell = row.values.end_image ?? '';
    if (endCell !== '')
      match.endImage = await checkEndImage(root, csvDir, endCell, checkedByIdentity, endImagePaths);
  }
}

async function checkEndImage(
  root: WalkRoot,
  csvDir: string,
  cell: string,
  checkedByIdentity: Map<string, CheckedImage>,
  endImagePaths: Set<string>,
): Promise<ScannedEndImage> {
  const sourcePath = resolve(csvDir, ...normaliseFileCell(cell).split('/'));
  const real = await realpath(sourcePath).catch(() => null);
  if (real === null) return { ok: false, sourcePath, reason: `end_image "${cell}" does not exist` };
  const realRoot = await realpath(root.rootPath);
  if (!(real === realRoot || real.startsWith(realRoot + sep)))
    return {
      ok: false,
      sourcePath,
      reason: `end_image "${cell}" is outside the dropped folder ${root.rootPath}; put it inside`,
    };
  endImagePaths.add(sourcePath);
  const info = await stat(real);
  const result = checkedByIdentity.get(`${info.dev}:${info.ino}`) ?? (await checkImageFile(sourcePath));
  if (!result.ok)
    return { ok: false, sourcePath, reason: `end_image "${cell}" is not usable: ${result.reason}` };
  return {
    ok: true,
    sourcePath,
    format: result.format,
    width: result.width,
    height: result.height,
    bytes: result.bytes,
    sha256: result.sha256,
    fit: result.fit,
  };
}
