// prompts.csv: one row per image, a `file` column naming it, any other columns become template
// variables ({mood}), and a few columns set the request directly (prompt, negative_prompt,
// duration, generate_audio, cfg_scale, end_image). Rows are numbered like a spreadsheet shows
// them (the header is row 1), so "row 7" is the row the user sees in Excel or Numbers.
import { readFile, stat } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { InputProblem } from '../core-api';

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
const MAX_CSV_BYTES = 20 * 1024 * 1024;

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

/** Parses one prompts.csv. `label` is how messages name it (its path relative to the root). */
export function parsePromptsCsv(text: string, label: string): ParsedCsv {
  const problems: InputProblem[] = [];
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      delimiter: detectDelimiter(text.replace(/^\ufeff/, '')),
      relax_column_count: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (error) {
    const lines = (error as { lines?: number }).lines;
    problems.push(
      problem(
        'csv_unreadable',
        `${label} could not be read as CSV${lines ? ` (near line ${lines})` : ''}: ` +
          `${error instanceof Error ? error.message : String(error)}. Check for an unclosed quote`,
        label,
        lines ?? null,
        null,
      ),
    );
    return { columns: [], rows: [], problems };
  }
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
  header.forEach((name, index) => {
    const hasData = records.slice(1).some((r) => (r[index] ?? '').trim() !== '');
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
    const info = await stat(path);
    if (info.size > MAX_CSV_BYTES)
      return {
        columns: [],
        rows: [],
        problems: [
          problem(
            'csv_too_large',
            `${label} is ${Math.round(info.size / 1e6)} MB; prompts.csv files up to 20 MB are read. Split it`,
            label,
            null,
            null,
          ),
        ],
      };
    const bytes = await readFile(path);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Excel on Windows saves "CSV" in the ANSI code page: latin1 reads it without losing rows.
      text = bytes.toString('latin1');
    }
    return parsePromptsCsv(text, label);
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
