/**
 * The inputs a weights file needs, read by name from a CSV file with the same importer as
 * training data (so delimiters, decimal commas, BOMs and quoting are handled alike). An input
 * named `column=value` (a one-hot input made from a categorical column) is 1 on rows where that
 * column holds that value and 0 elsewhere.
 */
import { basename } from 'node:path';
import type { WeightsFile } from '../../shared/weights-format';
import { parseNumber } from './csv-cells';
import { importCsvSync } from './csv-import';
import { CsvError, type CsvReadOptions, type CsvTable } from './csv-types';

/** A row of the file that cannot be predicted: where it is and which inputs it lacks. */
export interface SkippedRow {
  /** 1-based line of the file the row starts on. */
  line: number;
  /** The input columns empty (or holding a missing-value marker) on that row. */
  columns: string[];
}

/** Raw inputs for a network, and the source columns to echo beside the predictions. */
export interface PredictionInputs {
  /** n x file.inputs.length, row-major, raw (the weights' normalisation is applied later). */
  x: Float64Array;
  /** Rows predicted: the file's rows that have every input, in file order. */
  n: number;
  /** issue 16: the rows left out because an input is missing, in file order. */
  skipped: SkippedRow[];
  /** The CSV columns the inputs came from, in first-use order. */
  columns: string[];
  /** Their cells as text, per row (numbers written back in JavaScript's shortest form). */
  cells: string[][];
}

interface Source {
  column: number;
  /** null: the column's value itself; else 1 where the cell is this category. */
  category: string | null;
}

function resolveInput(table: CsvTable, input: string): Source | null {
  const exact = table.columns.findIndex((c) => c.name === input);
  if (exact >= 0) return { column: exact, category: null };
  for (let at = input.indexOf('='); at > 0; at = input.indexOf('=', at + 1)) {
    const j = table.columns.findIndex((c) => c.name === input.slice(0, at));
    if (j >= 0) return { column: j, category: input.slice(at + 1) };
  }
  return null;
}

function cellText(table: CsvTable, j: number, r: number): string {
  const v = table.data[j][r];
  if (v !== v) return '';
  const info = table.columns[j];
  return info.valueType === 'category' ? (info.categories as string[])[v] : String(v);
}

/**
 * Reads the inputs of `file` from the CSV at `path`, for the rows that have all of them (the
 * others are listed in `skipped`); CsvError names a missing column, text where a number belongs,
 * or a file in which no row is complete.
 */
export function readPredictionInputs(path: string, file: WeightsFile, options: CsvReadOptions = {}): PredictionInputs {
  const table = importCsvSync(path, options);
  const name = basename(path);
  const sources = file.inputs.map((input) => {
    const s = resolveInput(table, input);
    if (!s) throw new CsvError(`${name} has no input column "${input}"; its columns are ${table.columns.map((c) => c.name).join(', ')}`, path, undefined, input);
    const info = table.columns[s.column];
    if (s.category === null && info.valueType === 'category') {
      throw new CsvError(`${name}: column "${info.name}" holds text (like "${(info.categories ?? [])[0] ?? ''}"), but the network takes it as a number; check that this is the right file`, path, undefined, info.name);
    }
    if (s.category === null && info.invalid > 0 && info.firstInvalid) {
      throw new CsvError(`${name} line ${info.firstInvalid.line}, column "${info.name}" is "${info.firstInvalid.value}", not a number; fix the value`, path, info.firstInvalid.line, info.name);
    }
    return s;
  });
  // A row missing an input cannot be predicted: it is left out and reported by its line (issue 16).
  const used = [...new Set(sources.map((s) => s.column))];
  const skipped: SkippedRow[] = [];
  const complete: number[] = [];
  for (let r = 0; r < table.rows; r++) {
    const lacking = used.filter((j) => table.data[j][r] !== table.data[j][r]);
    if (lacking.length) skipped.push({ line: table.lines[r], columns: lacking.map((j) => table.columns[j].name) });
    else complete.push(r);
  }
  if (complete.length === 0) {
    const first = skipped[0];
    throw new CsvError(`${name}: no row has every input the network needs (line ${first.line} lacks ${first.columns.map((c) => `"${c}"`).join(', ')}); fill them in`, path, first.line, first.columns[0]);
  }
  const d = sources.length;
  const n = complete.length;
  const x = new Float64Array(n * d);
  sources.forEach((s, k) => {
    const info = table.columns[s.column];
    const col = table.data[s.column];
    const code = s.category !== null && info.valueType === 'category' ? (info.categories as string[]).indexOf(s.category) : -1;
    const number = s.category !== null && info.valueType === 'number' ? parseNumber(s.category, '.') : NaN;
    complete.forEach((r, i) => {
      const v = col[r];
      x[i * d + k] = s.category === null ? v : info.valueType === 'category' ? Number(v === code) : Number(v === number);
    });
  });
  const cells = complete.map((r) => used.map((j) => cellText(table, j, r)));
  return { x, n, skipped, columns: used.map((j) => table.columns[j].name), cells };
}
