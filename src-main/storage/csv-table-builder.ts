/**
 * Turns parsed records (arrays of cell texts, as papaparse yields them chunk by chunk) into a
 * `CsvTable`: the header, line numbers, blank lines, ragged rows, and one ColumnBuilder per
 * column. Both the streaming and the in-memory import feed it, so they agree by construction.
 */
import { basename } from 'node:path';
import { countLineBreaks } from './csv-cells';
import { ColumnBuilder } from './csv-columns';
import { type CsvFormat, CsvError, type CsvTable } from './csv-types';
import { LIMITS, shown } from '../../shared/limits';

/** Accepts records in file order and builds the table. */
export class TableBuilder {
  private columns: ColumnBuilder[] | null = null;
  private names: string[] = [];
  private lines: Int32Array;
  private rows = 0;
  private line = 1;
  private blankLines = 0;
  /** Blank records not yet followed by data: the newline that ends a file yields one, which is no blank line. */
  private pendingBlank = 0;
  private notes: string[] = [];
  private readonly nl: string;
  private readonly shortName: string;

  /**
   * False while no double quote has been seen in the text so far: then no field can span lines
   * and counting line breaks inside fields is skipped. Drivers that know better lower it.
   */
  quotesSeen = true;

  /** `expectedRows` only sizes the first buffers (they grow as needed). */
  constructor(readonly file: string, readonly format: CsvFormat, private readonly categorical: readonly string[] = [], expectedRows = 1024) {
    this.nl = format.newline === '\r' ? '\r' : '\n';
    this.shortName = basename(file);
    this.lines = new Int32Array(Math.max(16, expectedRows));
  }

  /** Data rows so far. */
  get rowCount(): number {
    return this.rows;
  }

  /** The line the next record starts on. */
  get nextLine(): number {
    return this.line;
  }

  /** Adds records in file order; throws CsvError (naming the line) for a row of the wrong width. */
  add(records: readonly string[][]): void {
    for (let i = 0; i < records.length; i++) {
      let record = records[i];
      const line = this.line;
      let breaks = 0;
      if (this.quotesSeen) for (let j = 0; j < record.length; j++) breaks += countLineBreaks(record[j], this.nl);
      this.line += 1 + breaks;
      if (isBlank(record)) {
        this.pendingBlank++;
        continue;
      }
      this.blankLines += this.pendingBlank;
      this.pendingBlank = 0;
      if (!this.columns) {
        this.start(record, line);
        if (this.format.header) continue;
      }
      const columns = this.columns as ColumnBuilder[];
      if (record.length !== columns.length) {
        // A trailing delimiter at the end of every line (some exporters write one) is harmless.
        if (record.length === columns.length + 1 && record[record.length - 1].trim() === '') record = record.slice(0, -1);
        else throw this.raggedError(record.length, line);
      }
      if ((this.rows + 1) * columns.length > LIMITS.csvCells) {
        throw new CsvError(`${this.shortName} line ${line}: the file holds more than ${shown(LIMITS.csvCells)} cells (${columns.length} columns), the most MLP Lab imports; leave out columns or rows, or sample the file`, this.file, line);
      }
      if (this.rows === this.lines.length) {
        const grown = new Int32Array(this.lines.length * 2);
        grown.set(this.lines);
        this.lines = grown;
      }
      this.lines[this.rows++] = line;
      for (let j = 0; j < columns.length; j++) columns[j].add(record[j], line);
    }
  }

  private raggedError(fields: number, line: number): CsvError {
    const width = (this.columns as ColumnBuilder[]).length;
    const against = this.format.header ? `the header has ${width}` : `the first row has ${width}`;
    const hint = fields > width
      ? `check the delimiter ("${this.format.delimiter === '\t' ? '\\t' : this.format.delimiter}") and the quoting on that line: a value containing "${this.format.delimiter === '\t' ? '\\t' : this.format.delimiter}" must be in double quotes`
      : 'check the delimiter and the quoting on that line, or fill in the missing fields';
    return new CsvError(`${this.shortName} line ${line}: row has ${fields} fields, ${against}; ${hint}`, this.file, line);
  }

  private start(record: string[], line: number): void {
    // Before a buffer is made per column: a single line can name a million of them.
    if (record.length > LIMITS.csvColumns) {
      throw new CsvError(`${this.shortName} line ${line}: ${shown(record.length)} columns; MLP Lab imports at most ${shown(LIMITS.csvColumns)}. Is the delimiter right ("${this.format.delimiter === '\t' ? '\\t' : this.format.delimiter}")?`, this.file, line);
    }
    if (this.format.header) {
      const seen = new Set<string>();
      this.names = record.map((raw, j) => {
        let name = raw.trim() || `col${j + 1}`;
        if (seen.has(name)) {
          let k = 2;
          while (seen.has(`${name}_${k}`)) k++;
          this.notes.push(`line ${line}: column ${j + 1} is also named "${name}"; it is called "${name}_${k}" here`);
          name = `${name}_${k}`;
        }
        seen.add(name);
        return name;
      });
    } else {
      this.names = record.map((_, j) => `col${j + 1}`);
    }
    const forced = new Set(this.categorical);
    this.columns = this.names.map((n) => new ColumnBuilder(n, this.format.decimal, forced.has(n), this.lines.length));
  }

  /** The finished table; throws CsvError when the file had no data. */
  finish(): CsvTable {
    if (!this.columns) throw new CsvError(`${this.shortName} is empty: it needs ${this.format.header ? 'a header row and ' : ''}at least one data row`, this.file);
    if (this.rows === 0) throw new CsvError(`${this.shortName} has a header but no data rows`, this.file);
    const known = new Set(this.names);
    const unknown = this.categorical.filter((c) => !known.has(c));
    if (unknown.length) {
      throw new CsvError(`${this.shortName} has no column "${unknown[0]}" to read as categorical; its columns are ${this.names.join(', ')}`, this.file, undefined, unknown[0]);
    }
    const finished = this.columns.map((c) => c.finish());
    return {
      file: this.file,
      format: this.format,
      rows: this.rows,
      columns: finished.map((f) => f.info),
      data: finished.map((f) => f.data),
      lines: this.lines.slice(0, this.rows),
      blankLines: this.blankLines,
      notes: this.notes,
    };
  }
}

/** A record with nothing in it: an empty line, or only delimiters and spaces. */
function isBlank(record: readonly string[]): boolean {
  for (let j = 0; j < record.length; j++) if (record[j].length > 0 && record[j].trim() !== '') return false;
  return true;
}
