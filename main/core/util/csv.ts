// One CSV cell, safe to open in a spreadsheet. RFC 4180 quoting keeps commas, quotes and line
// breaks inside the cell; it does not stop Excel, LibreOffice or Sheets from running a cell that
// starts like a formula ("=HYPERLINK(...)" runs even when quoted). File names, prompts and API
// error texts are not ours, so such a cell gets a leading apostrophe (OWASP's advice), which the
// spreadsheet shows as text. Tab and CR count too: some spreadsheets skip them, then see "=".

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: unknown): string {
  const raw = value === null || value === undefined ? '' : String(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (no line break) from the cells in order. */
export function csvRow(values: readonly unknown[]): string {
  return values.map(csvCell).join(',');
}
