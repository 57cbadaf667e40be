// prompts.csv: one row per image, a `file` column naming it, any other columns become template
// variables ({mood}), and a few columns set the request directly (prompt, negative_prompt,
// duration, generate_audio, cfg_scale, end_image). Rows are numbered like a spreadsheet shows
// them (the header is row 1), so "row 7" is the row the user sees in Excel or Numbers.
import { parse } from 'csv-parse';
import type { InputProblem } from '../core-api';
import { readUpTo } from '../util/open-file';

export const PROMPTS_CSV = 'prompts.csv';
/**
 * Columns that set a role of the request rather than (only) the template. Their names are the
 * app's own, the same for every model (they happen to be Kling 3.0's field names, which is
 * where the app started); the model's entry says which field each role goes to.
 */
export const CSV_ROLE_COLUMNS = {
  prompt: 'prompt',
  negativePrompt: 'negative_prompt',
  duration: 'duration',
  audio: 'generate_audio',
  guidance: 'cfg_scale',
  endImage: 'end_image',
  /** "3s: ... | 2s: ..." (intake/shots.ts). */
  multiShot: 'shots',
  /** "cat.jpg, cat-side.jpg; dog.jpg" (intake/elements.ts). */
  elements: 'elements',
} as const;
export const SETTING_COLUMNS = Object.values(CSV_ROLE_COLUMNS);
const MAX_CSV_BYTES = 10 * 1024 * 1024;
/** More columns than any batch uses; a header of thousands is a mistake or an attack. */
const MAX_CSV_COLUMNS = 200;
/** Rows times columns (10,000 rows of 200 columns): each row keeps a value per column. */
const MAX_CSV_CELLS = 2_000_000;
/** Rows: far more images than a batch holds. csv-parse builds an error object for every row
 * shorter or longer than the header (it keeps them, relaxed), which costs tens of µs a row. */
const MAX_CSV_ROWS = 100_000;
/** Characters parsed between two turns of the event loop (at most a few thousand rows). */
const PARSE_SLICE = 8 * 1024;

export interface CsvRow {
  /** Spreadsheet row number (header = 1). */
  row: number;
  /** Lower-case column -> trimmed value. */
  values: Record<string, string>;
}

export interface ParsedCsv {
  columns: string[];
  rows: CsvRow[];
  problems: InputProblem[];
}

function problem(
  code: string,
  message: string,
  file: string,
  row: number | null,
  field: string | null,
): InputProblem {
  return { code, message, file, row, field };
}

/** Excel writes ';' in locales that use ',' as the decimal mark; tabs come from copy-paste. */
function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length - 1 }));
  counts.sort((a, b) => b.n - a.n);
  return counts[0]!.n > 0 ? counts[0]!.d : ',';
}

/**
 * The records of a prompts.csv, parsed a slice at a time so the main process keeps answering
 * (the window, the engine) while a large file is read, and stopped as soon as it passes the
 * limits: the work and the memory stay linear in what is read, however the file is shaped.
 */
async function parseRecords(text: string, label: string): Promise<string[][] | InputProblem> {
  const parser = parse({
    bom: true,
    delimiter: detectDelimiter(text.replace(/^\ufeff/, '')),
    relax_column_count: true,
    skip_empty_lines: false,
  });
  const records: string[][] = [];
  let cells = 0;
  let refusal: InputProblem | null = null;
  parser.on('readable', () => {
    let record: string[] | null;
    while (refusal === null && (record = parser.read() as string[] | null) !== null) {
      records.push(record);
      cells += record.length;
      const columns = records[0]!.length;
      if (columns > MAX_CSV_COLUMNS)
        refusal = problem(
          'csv_too_many_columns',
          `${label} has ${columns} columns; prompts.csv files with up to ${MAX_CSV_COLUMNS} columns are read. ` +
            'Remove the columns the batch does not use',
          label,
          1,
          null,
        );
      else if (records.length - 1 > MAX_CSV_ROWS)
        refusal = problem(
          'csv_too_many_rows',
          `${label} has more than ${MAX_CSV_ROWS.toLocaleString('en')} rows; that many are read at most. ` +
            'Split it into prompts.csv files in subfolders',
          label,
          null,
          null,
        );
      // Every row gets a value per column: the rows times the columns is what reading costs.
      else if (Math.max(cells, columns * (records.length - 1)) > MAX_CSV_CELLS)
        refusal = problem(
          'csv_too_many_cells',
          `${label} has more than ${MAX_CSV_CELLS.toLocaleString('en')} cells (${columns} columns by ` +
            `${records.length - 1}+ rows); that many are read at most. Remove unused columns, or split it ` +
            'into prompts.csv files in subfolders',
          label,
          null,
          null,
        );
    }
  });
  const ended = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('close', resolve);
    parser.on('error', reject);
  });
  try {
    for (let at = 0; at < text.length && refusal === null; at += PARSE_SLICE) {
      parser.write(text.slice(at, at + PARSE_SLICE));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (refusal === null) parser.end();
    else parser.destroy();
    await ended;
  } catch (error) {
    const lines = (error as { lines?: number }).lines;
    return problem(
      'csv_unreadable',
      `${label} could not be read as CSV${lines ? ` (near line ${lines})` : ''}: ` +
        `${error instanceof Error ? error.message : String(error)}. Check for an unclosed quote`,
      label,
      lines ?? null,
      null,
    );
  }
  return refusal ?? records;
}

/** Parses one prompts.csv. `label` is how messages name it (its path relative to the root). */
export async function parsePromptsCsv(text: string, label: string): Promise<ParsedCsv> {
  const problems: InputProblem[] = [];
  const parsed = await parseRecords(text, label);
  if (!Array.isArray(parsed)) return { columns: [], rows: [], problems: [parsed] };
  const records = parsed;
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  if (!header.includes('file')) {
    problems.push(
      problem(
        'csv_no_file_column',
        `${label} has no "file" column; its first row must name the columns, e.g. file,prompt (found: ` +
          `${header.filter(Boolean).join(', ') || 'nothing'})`,
        label,
        1,
        null,
      ),
    );
    return { columns: [], rows: [], problems };
  }
  const usable: { index: number; name: string }[] = [];
  const seen = new Set<string>();
  // Which columns have a value in some row, in one pass over the cells.
  const withData = new Set<number>();
  for (let r = 1; r < records.length; r++)
    records[r]!.forEach((cell, index) => {
      if (cell.trim() !== '') withData.add(index);
    });
  header.forEach((name, index) => {
    const hasData = withData.has(index);
    if (name === '') {
      if (hasData)
        problems.push(
          problem(
            'csv_unnamed_column',
            `${label}: column ${index + 1} has values but no name in the first row; name it or remove it`,
            label,
            1,
            null,
          ),
        );
      return;
    }
    if (/[{}]/.test(name)) {
      problems.push(
        problem(
          'csv_bad_column_name',
          `${label}: column name "${name}" contains a brace; rename it so it can be used as {name}`,
          label,
          1,
          name,
        ),
      );
      return;
    }
    if (seen.has(name)) {
      problems.push(
        problem(
          'csv_duplicate_column',
          `${label}: column "${name}" appears twice (names are compared without case); rename one`,
          label,
          1,
          name,
        ),
      );
      return;
    }
    seen.add(name);
    usable.push({ index, name });
  });
  const rows: CsvRow[] = [];
  records.slice(1).forEach((record, i) => {
    if (record.every((cell) => cell.trim() === '')) return; // blank line
    const values: Record<string, string> = {};
    for (const { index, name } of usable) values[name] = (record[index] ?? '').trim();
    rows.push({ row: i + 2, values });
  });
  return { columns: usable.map((u) => u.name), rows, problems };
}

export async function readPromptsCsv(path: string, label: string): Promise<ParsedCsv> {
  try {
    const read = await readUpTo(path, MAX_CSV_BYTES);
    if ('tooLarge' in read)
      return {
        columns: [],
        rows: [],
        problems: [
          problem(
            'csv_too_large',
            `${label} is ${(read.tooLarge / 1024 / 1024).toFixed(1)} MiB; prompts.csv files up to ` +
              `${MAX_CSV_BYTES / 1024 / 1024} MiB are read. Split it into prompts.csv files in subfolders`,
            label,
            null,
            null,
          ),
        ],
      };
    const { bytes } = read;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Excel on Windows saves "CSV" in the ANSI code page: latin1 reads it without losing rows.
      text = bytes.toString('latin1');
    }
    return await parsePromptsCsv(text, label);
  } catch (error) {
    return {
      columns: [],
      rows: [],
      problems: [
        problem(
          'csv_unreadable',
          `${label} could not be read: ${error instanceof Error ? error.message : String(error)}`,
          label,
          null,
          null,
        ),
      ],
    };
  }
}

/** How a `file` cell is compared: '/' separators, no leading "./", NFC. */
export function normaliseFileCell(value: string): string {
  return value
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .normalize('NFC');
}
