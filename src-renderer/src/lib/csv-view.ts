/**
 * What the CSV import wizard shows of a file besides main's preview: which preview cells are
 * missing or not numbers (to highlight them), the lines of the file around an error (to show the
 * error where it is), the first part of a large file for previews, and byte sizes.
 *
 * Missing markers and number forms follow src-main/storage (csv-types.ts MISSING_MARKERS and
 * csv-cells.ts), which decide what the import does; here they only colour cells.
 */

/** Cell texts read as "missing" (lower case, trimmed); an empty cell is missing too. */
export const MISSING_MARKERS: readonly string[] = ['na', 'n/a', 'nan', 'null', 'none', '?', '#n/a', '-'];

/** True when a cell's text is a missing value. */
export function isMissing(text: string): boolean {
  const t = text.trim().toLowerCase();
  return t === '' || MISSING_MARKERS.includes(t);
}

/** True when a cell's text is a number with the given decimal mark ("2.450,50" with ","). */
export function isNumber(text: string, decimal: '.' | ','): boolean {
  const t = text.trim();
  if (decimal === ',') return /^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$/.test(t) || /^[+-]?(\d+,?\d*|,\d+)([eE][+-]?\d+)?$/.test(t);
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t);
}

/** How a preview cell reads for its column: fine, missing, or text in a column of numbers. */
export function cellState(text: string, kind: string, decimal: '.' | ','): 'ok' | 'missing' | 'invalid' {
  if (isMissing(text)) return 'missing';
  if (kind === 'numeric' && !isNumber(text, decimal)) return 'invalid';
  return 'ok';
}

/** One line of a file, 1-based. */
export interface FileLine {
  line: number;
  text: string;
}

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/**
 * The lines `line - radius` .. `line + radius` of a file (1-based; a UTF-8 BOM dropped),
 * scanning only as far as needed. Lines end at LF (a CR before it is dropped) or a lone CR.
 */
export function linesAround(bytes: Uint8Array, line: number, radius = 2): FileLine[] {
  const first = Math.max(1, line - radius);
  const last = line + radius;
  const out: FileLine[] = [];
  let current = 1;
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let i = start; i <= bytes.length && current <= last; i++) {
    const b = i < bytes.length ? bytes[i] : 10;
    if (b !== 10 && b !== 13) continue;
    if (i === bytes.length && i === start) break; // no text after the last line break
    if (current >= first) out.push({ line: current, text: decode(bytes.subarray(start, i)) });
    if (b === 13 && bytes[i + 1] === 10) i++;
    start = i + 1;
    current++;
  }
  return out;
}

/** Splits one line into cells at `delimiter`, honouring double quotes ("a;b" stays one cell). */
export function splitCells(text: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/**
 * The first part of a file for a preview: up to `limit` bytes, cut after the last line break so
 * no row is cut in half; the whole file when it is small. `partial` says whether it was cut.
 */
export function headOf(bytes: Uint8Array, limit = 1 << 20): { bytes: Uint8Array; partial: boolean } {
  if (bytes.length <= limit) return { bytes, partial: false };
  let end = limit;
  while (end > 0 && bytes[end - 1] !== 10) end--;
  return { bytes: bytes.subarray(0, end > 0 ? end : limit), partial: true };
}

/** A byte size for people: 812 B, 14.2 KB, 3.1 MB. */
export function byteSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
