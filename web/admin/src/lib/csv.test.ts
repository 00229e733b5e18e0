import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv';

describe('csv', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(12.5)).toBe('12.5');
  });

  it('defuses formulas but keeps negative numbers', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('-12.34')).toBe('-12.34');
    expect(csvCell(-5)).toBe('-5');
  });

  it('starts with a BOM and ends lines with CRLF', () => {
    expect(
      toCsv(
        ['id', '站点'],
        [
          [1, '上海'],
          [2, 'a,b'],
        ],
      ),
    ).toBe('\uFEFFid,站点\r\n1,上海\r\n2,"a,b"\r\n');
  });
});
