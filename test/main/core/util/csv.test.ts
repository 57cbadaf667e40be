// The report's CSV cells: quoting as RFC 4180, and no cell a spreadsheet
// would run as a formula.
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../../../main/core/util/csv';

describe('csvCell', () => {
  it('leaves plain text, numbers and empty values as they are', () => {
    expect(csvCell('photo 1.png')).toBe('photo 1.png');
    expect(csvCell(0.42)).toBe('0.42');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('a = b')).toBe('a = b');
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('one\ntwo')).toBe('"one\ntwo"');
  });

  it('prefixes a cell starting with = + - @ tab or CR with an apostrophe, quoting it if needed', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it('joins a row', () => {
    expect(csvRow(['a', null, '=b', 'c,d'])).toBe(`a,,'=b,"c,d"`);
  });
});
