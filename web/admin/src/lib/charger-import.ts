// The console's CSV import of chargers: the file is cut into requests of at most `rowsPerBatch`
// rows (each with the header, so the server checks every one alike), and the answers are merged
// into one result whose error rows count from the start of the file and whose credentials are one
// CSV for all batches. Pure functions; the dialog does the requests.
import type { ChargerImportError, ChargerImportResult } from '@kilowatt/api/types';

export const IMPORT_BATCH_ROWS = 500;

export interface CsvBatches {
  header: string;
  /** The data rows of the file, each the raw text of one record (quoted line breaks kept). */
  rows: string[];
  /** Request bodies: header + up to rowsPerBatch rows. */
  batches: string[];
  /** Index in `rows` of each batch's first row. */
  offsets: number[];
}

/** Splits CSV text into records, keeping line breaks inside quoted cells; blank lines are dropped. */
export function csvRecords(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < body.length; ++i) {
    const c = body[i];
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === '\n' || c === '\r')) {
      if (c === '\r' && body[i + 1] === '\n') ++i;
      if (current.trim() !== '') records.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim() !== '') records.push(current);
  return records;
}

export function splitCsv(text: string, rowsPerBatch = IMPORT_BATCH_ROWS): CsvBatches {
  const [header = '', ...rows] = csvRecords(text);
  const batches: string[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < rows.length; i += rowsPerBatch) {
    offsets.push(i);
    batches.push([header, ...rows.slice(i, i + rowsPerBatch)].join('\n') + '\n');
  }
  return { header, rows, batches, offsets };
}

export const CREDENTIALS_HEADER = 'code,password,kind,connectors,rated_w';

/** Adds one batch's answer (its first row is data row offset + 1 of the file) to the total. */
export function mergeImportResult(total: ChargerImportResult, part: ChargerImportResult, offset: number): ChargerImportResult {
  const lines = part.credentials_csv.split('\n').filter((l) => l !== '' && l !== CREDENTIALS_HEADER);
  const errors: ChargerImportError[] = part.errors.map((e) => ({ ...e, row: e.row + offset }));
  return {
    created: total.created + part.created,
    errors: [...total.errors, ...errors],
    credentials_csv: total.credentials_csv + lines.map((l) => `${l}\n`).join(''),
  };
}

export function emptyImportResult(): ChargerImportResult {
  return { created: 0, errors: [], credentials_csv: `${CREDENTIALS_HEADER}\n` };
}
