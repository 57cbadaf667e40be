// Matching prompts.csv rows to the scanned images: the nearest file wins, a cell names an image
// by path, name or stem (exactly, then ignoring case), and every row that matches nothing, more
// than one image or an image another row has is a problem naming the file, row and column.
// Also checks the end_image a row names.
import { realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { imageFacts, type InputProblem, type ScannedEndImage, type ScannedImage } from '../core-api';
import { formatReason, reason } from '@common/reasons';
import { stemOf } from './captions';
import { containedCellPath, gateCellPath, pathRefusalReason } from './contained-path';
import { checkImageFile } from './image-check';
import type { CheckedImage } from './image-check';
import { normaliseFileCell, readPromptsCsv } from './prompts-csv';
import type { ParsedCsv } from './prompts-csv';
import type { WalkRoot } from './walk';

export interface CsvFile {
  rootIndex: number;
  path: string;
  /** Folder of the csv relative to its root ('' at the root). */
  relativeDir: string;
  /** How messages name it: its path relative to the root. */
  label: string;
}
/**
 * Reads every prompts.csv found (each real file once) and gives the images their rows; answers
 * the columns seen (template variables) and the images used as another row's end frame.
 */
export async function applyPromptsCsvs(
  csvFiles: CsvFile[],
  roots: WalkRoot[],
  images: ScannedImage[],
  rejectedByPath: Map<string, string>,
  problems: InputProblem[],
  byIdentity: Map<string, CheckedImage>,
  signal?: AbortSignal,
): Promise<{ columns: Set<string>; endImagePaths: Set<string> }> {
  const columns = new Set<string>();
  const endImagePaths = new Set<string>();
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
  return { columns, endImagePaths };
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
      // A name that reaches outside the dropped folder is refused before anything looks at it.
      const gated = gateCellPath(root.rootPath, csv.relativeDir, wanted);
      if (!gated.ok) {
        const refusal = pathRefusalReason(gated.refusal, {
          column: 'file',
          value: cell,
          where: reason('plan_where_cell', { file: csv.label, row: row.row, column: 'file' }),
          root: root.rootPath,
        });
        problem('csv_file_outside', row.row, 'file', formatReason(refusal));
        continue;
      }
      const absolute = gated.path;
      const rejection = rejectedByPath.get(absolute);
      if (rejection) {
        problem('csv_file_rejected', row.row, 'file', `"${cell}" ${where} is not usable: ${rejection}`);
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
      match.endImage = await checkEndImage(root, csv.relativeDir, endCell, checkedByIdentity, endImagePaths);
  }
}

async function checkEndImage(
  root: WalkRoot,
  relativeDir: string,
  cell: string,
  checkedByIdentity: Map<string, CheckedImage>,
  endImagePaths: Set<string>,
): Promise<ScannedEndImage> {
  // Through the containment gate first: an absolute, network or escaping name is never opened.
  const gated = await containedCellPath(root.rootPath, relativeDir, cell);
  if (!gated.ok)
    return {
      ok: false,
      sourcePath: cell,
      reason: `end_image "${cell}" is outside the dropped folder ${root.rootPath}; put it inside`,
      refused: gated.refusal,
    };
  const sourcePath = gated.path;
  const real = await realpath(sourcePath).catch(() => null);
  if (real === null) return { ok: false, sourcePath, reason: `end_image "${cell}" does not exist` };
  endImagePaths.add(sourcePath);
  const info = await stat(real);
  const result = checkedByIdentity.get(`${info.dev}:${info.ino}`) ?? (await checkImageFile(sourcePath));
  if (!result.ok)
    return { ok: false, sourcePath, reason: `end_image "${cell}" is not usable: ${result.reason}` };
  return { ok: true, sourcePath, ...imageFacts(result) };
}
