/**
 * Format detection from the start of a file: text encoding, line ends, delimiter, decimal mark
 * and whether the first row is a header. Each guess can be overridden by the caller; the guesses
 * only look at the first SNIFF_BYTES of the file.
 */
import { TextDecoder } from 'node:util';
import Papa from 'papaparse';
import { isMissing, parseNumber } from './csv-cells';
import { detectUtf16WithoutBom } from './csv-file-kind';
import { type DecimalMark, type Delimiter, DELIMITERS, type TextEncoding } from '../../shared/data/csv-options';
import type { CsvFormat, CsvReadOptions, Newline } from './csv-types';

/** How much of a file the detection reads. */
export const SNIFF_BYTES = 64 * 1024;
/** How many rows of that sample the delimiter and header detection look at. */
const SNIFF_ROWS = 100;

/**
 * The encoding of a file starting with `bytes`: the one its byte order mark names (UTF-8, UTF-16
 * LE or BE); UTF-16 when a NUL byte sits beside most characters; UTF-8 when the bytes are valid
 * UTF-8; else Windows-1252.
 */
export function detectEncoding(bytes: Uint8Array): TextEncoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const utf16 = detectUtf16WithoutBom(bytes);
  if (utf16) return utf16;
  try {
    // stream: a multi-byte character cut off by the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** The line end used by the first line break (LF when there is none). */
export function detectNewline(text: string): Newline {
  const lf = text.indexOf('\n');
  if (lf > 0 && text[lf - 1] === '\r') return '\r\n';
  if (lf >= 0) return '\n';
  return text.indexOf('\r') >= 0 ? '\r' : '\n';
}

/** Non-blank records of the sample split with `delimiter`, quote-aware, at most SNIFF_ROWS. */
function sampleRecords(text: string, delimiter: Delimiter, newline: Newline): string[][] {
  const parsed = Papa.parse<string[]>(text, { delimiter, newline, preview: SNIFF_ROWS + 20, quoteChar: '"' });
  return parsed.data.filter((r) => !(r.length === 1 && r[0].trim() === '')).slice(0, SNIFF_ROWS);
}

/**
 * The delimiter that splits the sample's rows most consistently into more than one field: the
 * candidate whose most common field count covers the largest share of rows (ties: more fields).
 * A file with one column on every row gets ",".
 */
export function detectDelimiter(text: string, newline: Newline): Delimiter {
  let best: { d: Delimiter; share: number; fields: number } | null = null;
  for (const d of DELIMITERS) {
    const records = sampleRecords(text, d, newline);
    if (records.length === 0) continue;
    const counts = new Map<number, number>();
    for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let mode = 1;
    let modeCount = 0;
    for (const [fields, c] of counts) {
      if (c > modeCount || (c === modeCount && fields > mode)) {
        mode = fields;
        modeCount = c;
      }
    }
    if (mode < 2) continue;
    const share = modeCount / records.length;
    if (!best || share > best.share + 1e-9 || (Math.abs(share - best.share) <= 1e-9 && mode > best.fields)) best = { d, share, fields: mode };
  }
  return best?.d ?? ',';
}

// Thousands may be grouped by "." (with decimal commas) or by spaces, no-break ones included (\s).
const COMMA_NUMBER = /^\s*[+-]?(\d{1,3}([.\s]\d{3})+|\d+)?,\d+\s*$/;
const POINT_NUMBER = /^\s*[+-]?(\d{1,3}(\s\d{3})+)?\d*\.\d+([eE][+-]?\d+)?\s*$/;

/** "," when the delimiter allows it and more cells look like 1,5 than like 1.5; else ".". */
export function detectDecimal(records: readonly string[][], delimiter: Delimiter): DecimalMark {
  if (delimiter === ',') return '.';
  let comma = 0;
  let point = 0;
  for (const r of records) {
    for (const cell of r) {
      if (COMMA_NUMBER.test(cell)) comma++;
      else if (POINT_NUMBER.test(cell)) point++;
    }
  }
  return comma > point ? ',' : '.';
}

/**
 * Whether the first record names the columns: yes when some column holds numbers below a
 * first-row text, or when every first-row cell is a non-empty text that does not recur in its
 * column; no when the first row is numbers like the rest.
 */
export function detectHeader(records: readonly string[][], decimal: DecimalMark): boolean {
  if (records.length === 0) return true;
  const [first, ...body] = records;
  const isNum = (s: string) => !Number.isNaN(parseNumber(s, decimal));
  if (body.length === 0) return first.some((s) => !isMissing(s) && !isNum(s));
  let allTextUnique = true;
  for (let j = 0; j < first.length; j++) {
    const head = first[j];
    const cells = body.map((r) => r[j]).filter((s): s is string => s !== undefined && !isMissing(s));
    const headIsText = !isMissing(head) && !isNum(head);
    if (headIsText && cells.length > 0 && cells.every(isNum)) return true;
    if (!headIsText || cells.some((s) => s.trim() === head.trim())) allTextUnique = false;
  }
  return allTextUnique;
}

/**
 * The format of a file from its first bytes, decoded: options given win, the rest is detected.
 * `sample` should end at a line break unless it is the whole file.
 */
export function detectFormat(sample: string, encoding: TextEncoding, options: CsvReadOptions = {}): CsvFormat {
  const text = sample.charCodeAt(0) === 0xfeff ? sample.slice(1) : sample;
  const newline = detectNewline(text);
  const delimiter = !options.delimiter || options.delimiter === 'auto' ? detectDelimiter(text, newline) : options.delimiter;
  const records = sampleRecords(text, delimiter, newline);
  const decimal = !options.decimal || options.decimal === 'auto' ? detectDecimal(records, delimiter) : options.decimal;
  const header = options.header === undefined || options.header === 'auto' ? detectHeader(records, decimal) : options.header;
  return { delimiter, decimal, header, encoding, newline };
}

/** The sample cut at its last line break (so no half row is judged), unless it is the whole file. */
export function wholeLines(text: string, isWholeFile: boolean): string {
  if (isWholeFile) return text;
  const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  return cut > 0 ? text.slice(0, cut) : text;
}
