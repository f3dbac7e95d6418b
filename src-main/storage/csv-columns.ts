/**
 * One column being read: its values as they stream in, the counts that decide its kind, and
 * `finish`, which decides it. Values are kept as numbers (NaN where missing or not a number) and,
 * once text turns up, as codes into a dictionary of the distinct texts.
 */
import { isMissing, parseNumber } from './csv-cells';
import type { DecimalMark } from '../../shared/data/csv-options';
import { type CellRef, type ColumnInfo, MAX_CATEGORIES } from './csv-types';

/** Distinct numbers counted per column before counting stops (enough to spot constants and class ids). */
const MAX_DISTINCT_NUMBERS = MAX_CATEGORIES;
/** A text column with a different value on every row is ID-like only with at least this many rows. */
const MIN_ROWS_FOR_ID = 10;

/** A column's accumulated values and counts. */
export class ColumnBuilder {
  private values: Float64Array;
  private codes: Int32Array | null = null;
  private dict: Map<string, number> | null = new Map();
  private numbers: Set<number> | null = new Set();
  private size = 0;
  private numeric = 0;
  private text = 0;
  private missing = 0;
  private firstMissingLine: number | null = null;
  private firstText: CellRef | null = null;
  private integer = true;
  private increasing = true;
  private last = -Infinity;
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  private sumSq = 0;

  /**
   * `forced`: read every value as a category text (the user said the column is categorical).
   */
  constructor(readonly name: string, private readonly decimal: DecimalMark, private readonly forced: boolean, capacity = 1024) {
    this.values = new Float64Array(capacity);
    if (forced) this.codes = new Int32Array(capacity);
  }

  /** Appends the cell of the next row, which starts on file line `line`. */
  add(cell: string, line: number): void {
    const r = this.size;
    if (r === this.values.length) this.grow();
    this.size = r + 1;
    if (this.forced) {
      if (isMissing(cell)) return this.addMissing(r, line);
      this.text++;
      this.values[r] = NaN;
      this.addText(r, cell.trim(), line);
      return;
    }
    const v = parseNumber(cell, this.decimal);
    if (v === v) {
      this.values[r] = v;
      if (this.codes) this.codes[r] = -2;
      this.numeric++;
      this.sum += v;
      this.sumSq += v * v;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
      if (this.integer && !Number.isInteger(v)) this.integer = false;
      if (this.increasing) {
        if (v <= this.last) this.increasing = false;
        this.last = v;
      }
      if (this.numbers) {
        this.numbers.add(v);
        if (this.numbers.size > MAX_DISTINCT_NUMBERS) this.numbers = null;
      }
      return;
    }
    if (isMissing(cell)) return this.addMissing(r, line);
    this.values[r] = NaN;
    this.text++;
    const t = cell.trim();
    if (this.firstText === null) this.firstText = { line, value: t };
    if (!this.codes) {
      this.codes = new Int32Array(this.values.length);
      this.codes.fill(-2, 0, r); // earlier rows: numbers or missing, not categories
    }
    this.addText(r, t, line);
  }

  private addMissing(r: number, line: number): void {
    this.values[r] = NaN;
    if (this.codes) this.codes[r] = -1;
    this.missing++;
    if (this.firstMissingLine === null) this.firstMissingLine = line;
  }

  private addText(r: number, t: string, line: number): void {
    if (this.firstText === null) this.firstText = { line, value: t };
    const codes = this.codes as Int32Array;
    if (!this.dict) {
      codes[r] = -2;
      return;
    }
    let code = this.dict.get(t);
    if (code === undefined) {
      if (this.dict.size >= MAX_CATEGORIES) {
        this.dict = null;
        codes[r] = -2;
        return;
      }
      code = this.dict.size;
      this.dict.set(t, code);
    }
    codes[r] = code;
  }

  private grow(): void {
    const n = this.values.length * 2;
    const values = new Float64Array(n);
    values.set(this.values);
    this.values = values;
    if (this.codes) {
      const codes = new Int32Array(n);
      codes.set(this.codes);
      this.codes = codes;
    }
  }

  /** Decides the column's kind and returns its info and data (exactly `rows` long). */
  finish(): { info: ColumnInfo; data: Float64Array } {
    const rows = this.size;
    const nonMissing = this.numeric + this.text;
    const base = {
      name: this.name,
      missing: this.missing,
      firstMissingLine: this.firstMissingLine,
      invalid: 0,
      firstInvalid: null as CellRef | null,
      integer: this.numeric > 0 && this.integer,
      stats: null as ColumnInfo['stats'],
      reason: null as string | null,
    };
    if (this.numeric > 0) {
      const mean = this.sum / this.numeric;
      base.stats = { min: this.min, max: this.max, mean, std: Math.sqrt(Math.max(0, this.sumSq / this.numeric - mean * mean)) };
    }

    if (this.text > 0 && (this.numeric === 0 || this.forced)) return this.finishText(rows, nonMissing, base);

    const data = this.values.slice(0, rows);
    const distinct = this.numbers ? this.numbers.size : null;
    const info: ColumnInfo = { ...base, kind: 'numeric', valueType: 'number', categories: null, distinct };
    if (this.text > 0) {
      // Numbers with some text among them: a typo, a unit, a stray note. Kept as numbers, with
      // the text counted; using the column is refused until it is fixed or declared categorical.
      info.invalid = this.text;
      info.firstInvalid = this.firstText;
      info.distinct = null;
    } else if (nonMissing === 0) {
      info.kind = 'constant';
      info.reason = 'every value is missing';
    } else if (distinct === 1) {
      info.kind = 'constant';
      info.reason = `every value is ${this.min}`;
    } else if (this.integer && this.increasing && this.missing === 0 && rows >= MIN_ROWS_FOR_ID) {
      info.kind = 'id';
      info.reason = `whole numbers rising row by row (${this.values[0]}, ${this.values[1]}, ...): looks like a row number`;
    }
    return { info, data };
  }

  private finishText(rows: number, nonMissing: number, base: Omit<ColumnInfo, 'kind' | 'valueType' | 'categories' | 'distinct'>): { info: ColumnInfo; data: Float64Array } {
    const data = new Float64Array(rows).fill(NaN);
    if (!this.dict) {
      return {
        info: { ...base, kind: 'id', valueType: 'category', categories: null, distinct: null, reason: `more than ${MAX_CATEGORIES} different values: an identifier or free text`, integer: false, stats: null },
        data,
      };
    }
    // Codes in order of appearance -> codes of the sorted category list.
    const entries = [...this.dict.entries()];
    const sorted = entries.map(([t]) => t).sort();
    const rank = new Map(sorted.map((t, i) => [t, i]));
    const remap = new Int32Array(entries.length);
    for (const [t, code] of entries) remap[code] = rank.get(t) as number;
    const codes = this.codes as Int32Array;
    for (let r = 0; r < rows; r++) if (codes[r] >= 0) data[r] = remap[codes[r]];
    const distinct = sorted.length;
    const info: ColumnInfo = { ...base, kind: 'categorical', valueType: 'category', categories: sorted, distinct, integer: false, stats: null };
    if (distinct === 1) {
      info.kind = 'constant';
      info.reason = `every value is "${sorted[0]}"`;
    } else if (distinct === nonMissing && nonMissing >= MIN_ROWS_FOR_ID) {
      info.kind = 'id';
      info.reason = 'a different value on every row: looks like an identifier or a name';
    }
    return { info, data };
  }
}
