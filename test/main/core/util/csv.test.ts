// The report's CSV: quoting as RFC 4180, and no cell a spreadsheet would run as a formula.
import { describe, expect, it } from 'vitest';
import { csvTable } from '../../../../main/core/util/csv';

/** The one cell of a one-column table, as written after its header line. */
const csvCell = (value: unknown) => csvTable(['c'], [[value]]).slice('c\n'.length, -1);

describe('csvTable', () => {
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

  it('writes the header, then a line per row, each ended by a line feed', () => {
    expect(
      csvTable(
        ['a', 'b', 'c', 'd'],
        [
          ['a', null, '=b', 'c,d'],
          [1, 2, 3, 4],
        ],
      ),
    ).toBe(`a,b,c,d\na,,'=b,"c,d"\n1,2,3,4\n`);
    expect(csvTable(['a'], [])).toBe('a\n');
  });
});
