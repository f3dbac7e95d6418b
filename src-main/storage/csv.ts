/**
 * A small CSV reader for numeric data: header row, comma-separated (or the delimiter given),
 * double-quoted fields, CRLF or LF line ends, a UTF-8 BOM, blank lines skipped. Every error names
 * the file, the line and the column, and says what to do.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** A CSV problem a user can fix; `line` and `column` are 1-based when known. */
export class CsvError extends Error {
  override name = 'CsvError';
  constructor(message: string, readonly file: string, readonly line?: number, readonly column?: string) {
    super(message);
  }
}

/** A parsed table: column names and rows of raw strings, with the file line of each row. */
export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
  /** lines[r] = the 1-based file line on which row r starts. */
  lines: number[];
}

/** Splits CSV text into records of fields, following RFC 4180 quoting. */
export function parseCsvText(text: string, file: string, delimiter = ','): CsvTable {
  const name = basename(file);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  const lines: number[] = [];
  let field = '';
  let record: string[] = [];
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let sawQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      sawQuote = true;
    } else if (c === delimiter) {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (!(record.length === 1 && record[0] === '' && !sawQuote)) {
        records.push(record);
        lines.push(recordLine);
      }
      record = [];
      field = '';
      sawQuote = false;
      line++;
      recordLine = line;
    } else field += c;
  }
  if (quoted) throw new CsvError(`${name} line ${recordLine}: a quoted field is never closed (a missing ")`, file, recordLine);
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
    lines.push(recordLine);
  }
  if (records.length === 0) throw new CsvError(`${name} is empty: it needs a header row and at least one data row`, file);
  const header = records[0].map((h) => h.trim());
  header.forEach((h, j) => {
    if (h === '') throw new CsvError(`${name} line ${lines[0]}: column ${j + 1} of the header has no name`, file, lines[0]);
    const k = header.indexOf(h);
    if (k !== j) throw new CsvError(`${name} line ${lines[0]}: the header names column "${h}" twice`, file, lines[0], h);
  });
  const rows = records.slice(1);
  rows.forEach((r, i) => {
    if (r.length !== header.length) {
      throw new CsvError(`${name} line ${lines[i + 1]}: row has ${r.length} fields, the header has ${header.length}; check the delimiter and quoting on that line`, file, lines[i + 1]);
    }
  });
  if (rows.length === 0) throw new CsvError(`${name} has a header but no data rows`, file);
  return { file, header, rows, lines: lines.slice(1) };
}

/** Reads a CSV file; a missing or unreadable file becomes a CsvError naming it. */
export function readCsvFile(path: string, delimiter = ','): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CsvError(code === 'ENOENT' ? `cannot find the CSV file ${path}` : `cannot read ${path}: ${(e as Error).message}`, path);
  }
  return parseCsvText(text, path, delimiter);
}

/** The named columns as a row-major Float64Array (rows x names.length); every cell must be a number. */
export function numericColumns(table: CsvTable, names: readonly string[], role: string): Float64Array {
  const name = basename(table.file);
  const idx = names.map((c) => {
    const j = table.header.indexOf(c);
    if (j < 0) throw new CsvError(`${name} has no ${role} column "${c}"; its columns are ${table.header.join(', ')}`, table.file, table.lines[0] - 1, c);
    return j;
  });
  const out = new Float64Array(table.rows.length * names.length);
  table.rows.forEach((row, r) => {
    idx.forEach((j, k) => {
      const raw = row[j].trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) {
        const what = raw === '' ? 'is empty' : `is "${raw}", not a number`;
        throw new CsvError(`${name} line ${table.lines[r]}, column "${names[k]}" ${what}; fix the value or leave the column out`, table.file, table.lines[r], names[k]);
      }
      out[r * names.length + k] = v;
    });
  });
  return out;
}
