import { describe, expect, it } from 'vitest';
import { csvRecords, emptyImportResult, mergeImportResult, splitCsv } from './charger-import';

const header = 'code,name,station_id,kind,connectors,rated_w';

describe('splitCsv', () => {
  it('cuts the rows into batches that each start with the header', () => {
    const rows = Array.from({ length: 5 }, (_, i) => `C-${i + 1},n,1,AC,1,7000`);
    const s = splitCsv(`${header}\r\n${rows.join('\r\n')}\r\n`, 2);
    expect(s.rows).toEqual(rows);
    expect(s.offsets).toEqual([0, 2, 4]);
    expect(s.batches).toEqual([`${header}\n${rows[0]}\n${rows[1]}\n`, `${header}\n${rows[2]}\n${rows[3]}\n`, `${header}\n${rows[4]}\n`]);
  });

  it('keeps a quoted line break inside its row and drops the BOM and blank lines', () => {
    expect(csvRecords(`\uFEFF${header}\n\nA,"two\nlines",1,AC,1,7000\n`)).toEqual([header, 'A,"two\nlines",1,AC,1,7000']);
  });

  it('gives no batch for a file with only a header', () => {
    expect(splitCsv(`${header}\n`).batches).toEqual([]);
  });
});

describe('mergeImportResult', () => {
  it('numbers error rows from the start of the file and joins the credentials under one header', () => {
    let total = emptyImportResult();
    total = mergeImportResult(
      total,
      {
        created: 1,
        errors: [{ row: 2, code: 'already_exists', message: 'taken' }],
        credentials_csv: 'code,password,kind,connectors,rated_w\nA,pw1,AC,1,7000\n',
      },
      0,
    );
    total = mergeImportResult(
      total,
      {
        created: 2,
        errors: [{ row: 1, code: 'bad_request', message: 'bad' }],
        credentials_csv: 'code,password,kind,connectors,rated_w\nB,pw2,DC,2,60000\nC,pw3,AC,1,7000\n',
      },
      500,
    );
    expect(total.created).toBe(3);
    expect(total.errors.map((e) => e.row)).toEqual([2, 501]);
    expect(total.credentials_csv).toBe('code,password,kind,connectors,rated_w\nA,pw1,AC,1,7000\nB,pw2,DC,2,60000\nC,pw3,AC,1,7000\n');
  });
});
