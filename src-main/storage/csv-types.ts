/**
 * The shapes the CSV importer works with: how a file is read (`CsvFormat`), what is known of
 * each column once read (`ColumnInfo`), and the imported table itself (`CsvTable`), which is
 * also what a project file stores as its dataset.
 */
import { basename } from 'node:path';
import type { DecimalMark, Delimiter, OrAuto, TextEncoding } from '../../shared/data/csv-options';
import { UserError } from '../../shared/errors';

/** Line ends: LF, CRLF or (old Mac) CR. */
export type Newline = '\n' | '\r\n' | '\r';

/** How a file is read, fully resolved (nothing left to detect). */
export interface CsvFormat {
  delimiter: Delimiter;
  decimal: DecimalMark;
  /** True when the first (non-blank) row names the columns; else they are named col1, col2, ... */
  header: boolean;
  encoding: TextEncoding;
  newline: Newline;
}

/** Import options as a user or spec gives them: each format field may be left to detection. */
export interface CsvReadOptions {
  delimiter?: OrAuto<Delimiter>;
  decimal?: OrAuto<DecimalMark>;
  header?: OrAuto<boolean>;
  encoding?: OrAuto<TextEncoding>;
  /** Columns read as categories even though their values are numbers (zip codes, class ids). */
  categorical?: readonly string[];
}

/**
 * What a column holds: `numeric` numbers; `categorical` a few distinct texts (one-hot encoded
 * as an input, class labels as a target); `constant` one value (or none) on every row; `id` a
 * different value on (nearly) every row, like a row number or a name. The last two are
 * suggested for leaving out.
 */
export type ColumnKind = 'numeric' | 'categorical' | 'constant' | 'id';

/** Where a value sits in the file, for messages. */
export interface CellRef {
  /** 1-based line of the file the row starts on. */
  line: number;
  value: string;
}

/** Summary statistics of a column's numbers. */
export interface NumericStats {
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
}

/** What the importer learned about one column. */
export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** How the column's data reads: numbers (NaN = missing), or indices into `categories` (NaN = missing). */
  valueType: 'number' | 'category';
  /** Category texts, sorted, when valueType is 'category'; else null. */
  categories: string[] | null;
  /** Empty cells and missing-value markers (NA, N/A, NaN, null, ?, ...). */
  missing: number;
  /** The first missing cell's line, or null. */
  firstMissingLine: number | null;
  /** Text found in a column of numbers (read as NaN; using the column is refused until fixed). */
  invalid: number;
  /** The first such text, or null. */
  firstInvalid: CellRef | null;
  /** Distinct non-missing values, or null when more than the importer counts (MAX_CATEGORIES). */
  distinct: number | null;
  /** True when every number is a whole number. */
  integer: boolean;
  /** Statistics of the numbers, or null when there are none. */
  stats: NumericStats | null;
  /** Why the kind is `constant` or `id` ("every value is 3"), or null. */
  reason: string | null;
}

/** An imported table, column by column. */
export interface CsvTable {
  /** The file it was read from. */
  file: string;
  format: CsvFormat;
  /** Data rows (blank lines and the header excluded). */
  rows: number;
  columns: ColumnInfo[];
  /** One array per column, `rows` long; read through `columns[j].valueType`. */
  data: Float64Array[];
  /** lines[r] = the 1-based file line data row r starts on. */
  lines: Int32Array;
  /** Blank lines skipped. */
  blankLines: number;
  /** Notes worth showing (renamed duplicate headers, ...). */
  notes: string[];
}

/** The most distinct texts a column may have and still be categorical. */
export const MAX_CATEGORIES = 1000;

/** Cell texts read as "missing", compared without case after trimming; an empty cell is missing too. */
export const MISSING_MARKERS: readonly string[] = ['na', 'n/a', 'nan', 'null', 'none', '?', '#n/a', '-'];

/** A CSV problem a user can fix: the message names the file, line and column and what to do. */
export class CsvError extends UserError {
  override name = 'CsvError';
  constructor(message: string, readonly file: string, readonly line?: number, readonly column?: string) {
    super(message);
  }
}

/** The import was cancelled through its AbortSignal. */
export class ImportCancelled extends UserError {
  override name = 'ImportCancelled';
  constructor(file: string) {
    super(`the import of ${basename(file)} was cancelled`);
  }
}
