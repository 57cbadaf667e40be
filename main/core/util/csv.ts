// CSV tables safe to open in a spreadsheet, written by csv-stringify (the csv project whose
// csv-parse reads prompts.csv). RFC 4180 quoting keeps commas, quotes and line breaks inside a
// cell; it does not stop Excel, LibreOffice or Sheets from running a cell that starts like a
// formula ("=HYPERLINK(...)" runs even when quoted). File names, prompts and API error texts are
// not ours, so such a cell gets a leading apostrophe (OWASP's advice, csv-stringify's
// escape_formulas), which the spreadsheet shows as text; tab and CR count too, as some
// spreadsheets skip them and then see "=".
import { stringify } from 'csv-stringify/sync';

/** A header line of `columns`, then one line per row (cells in the columns' order; null is empty). */
export function csvTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return stringify(rows as unknown[][], {
    header: true,
    columns: [...columns],
    escape_formulas: true,
  });
}
