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

/** Raw inputs for a network, and the source columns to echo beside the predictions. */
export interface PredictionInputs {
  /** n x file.inputs.length, row-major, raw (the weights' normalisation is applied later). */
  x: Float64Array;
  n: number;
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

/** Reads the inputs of `file` from the CSV at `path`; CsvError names a missing column or an empty cell. */
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
  const d = sources.length;
  const n = table.rows;
  const x = new Float64Array(n * d);
  sources.forEach((s, k) => {
    const info = table.columns[s.column];
    const col = table.data[s.column];
    const code = s.category !== null && info.valueType === 'category' ? (info.categories as string[]).indexOf(s.category) : -1;
    const number = s.category !== null && info.valueType === 'number' ? parseNumber(s.category, '.') : NaN;
    for (let r = 0; r < n; r++) {
      const v = col[r];
      if (v !== v) {
        throw new CsvError(`${name} line ${table.lines[r]}, column "${info.name}" is empty; a prediction needs every input: fill it in or remove the row`, path, table.lines[r], info.name);
      }
      x[r * d + k] = s.category === null ? v : info.valueType === 'category' ? Number(v === code) : Number(v === number);
    }
  });
  const used = [...new Set(sources.map((s) => s.column))];
  const cells: string[][] = [];
  for (let r = 0; r < n; r++) cells.push(used.map((j) => cellText(table, j, r)));
  return { x, n, columns: used.map((j) => table.columns[j].name), cells };
}
