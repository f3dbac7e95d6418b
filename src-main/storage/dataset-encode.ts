/**
 * From an imported table to the engine's dataset: picks the input and target columns, handles
 * missing values (drop the row, fill in the mean, or stop), one-hot encodes categorical inputs
 * ("colour" -> "colour=blue", "colour=red"), and turns a column of class labels into the targets
 * the cost wants. Also proposes the task and cost for a choice of targets.
 */
import { basename } from 'node:path';
import type { CostName } from '../../shared/engine/cost-types';
import type { Dataset } from '../../shared/data/dataset';
import { type ColumnInfo, CsvError, type CsvTable } from './csv-types';

/** What to do with a row that misses a value in a column the dataset uses. */
export type MissingPolicy = 'drop' | 'mean' | 'error';
/** The missing-value policies, for validation and menus. */
export const MISSING_POLICIES: readonly MissingPolicy[] = ['drop', 'mean', 'error'];

/** The parts of a table encoding needs (an imported table, or one read back from a project). */
export type TableLike = Pick<CsvTable, 'file' | 'rows' | 'columns' | 'data' | 'lines'>;

/** Which columns to use, how, and for which cost. */
export interface EncodeOptions {
  inputs: readonly string[];
  targets: readonly string[];
  /** Rows missing a value: `drop` them; `mean`: fill inputs with the column mean (a row missing a target is still dropped); `error`: stop. */
  missing: MissingPolicy;
  cost: CostName;
}

/** What encoding did, for the user. */
export interface EncodeReport {
  /** Samples in the dataset. */
  rows: number;
  /** Rows left out for missing values. */
  rowsDropped: number;
  /** Missing cells per used column (only columns with some). */
  missing: Record<string, number>;
  /** Cells filled in with the column mean, per input column (only with `mean`). */
  imputed: Record<string, number>;
  warnings: string[];
}

/** The kind of problem a choice of targets poses. */
export type Task = 'regression' | 'binary' | 'multi-class' | 'multi-label';

/** A proposed task and the cost that matches it (PRML §5.2's canonical pairs). */
export interface TaskProposal {
  task: Task;
  cost: CostName;
  /** The class labels of a classification target, else null. */
  classes: string[] | null;
  /** One sentence saying why. */
  reason: string;
}

/** Labels read as the positive class of a two-class text target (else the second label in sort order). */
const POSITIVE = ['1', 'true', 'yes', 'y', 'ja', 'j', 'oui', 'si', 'positive', 'pos'];

function positiveIndex(categories: readonly string[]): number {
  const i = categories.findIndex((c) => POSITIVE.includes(c.toLowerCase()));
  return i >= 0 ? i : 1;
}

function findColumn(table: TableLike, name: string, role: string): number {
  const j = table.columns.findIndex((c) => c.name === name);
  if (j < 0) {
    throw new CsvError(`${basename(table.file)} has no ${role} column "${name}"; its columns are ${table.columns.map((c) => c.name).join(', ')}`, table.file, undefined, name);
  }
  return j;
}

/** The distinct numbers of a numeric column (up to 11 of them; more means "many"). */
function fewValues(table: TableLike, j: number): number[] | null {
  const seen = new Set<number>();
  const d = table.data[j];
  for (let r = 0; r < d.length; r++) {
    const v = d[r];
    if (v !== v) continue;
    seen.add(v);
    if (seen.size > 10) return null;
  }
  return [...seen].sort((a, b) => a - b);
}

/** Proposes the task and cost for `targets`: class labels -> classification, numbers -> regression. */
export function proposeTask(table: TableLike, targets: readonly string[]): TaskProposal {
  const cols = targets.map((t) => table.columns[findColumn(table, t, 'target')]);
  if (cols.length === 1) {
    const c = cols[0];
    if (c.valueType === 'category' && c.categories) {
      const k = c.categories.length;
      if (k === 2) return { task: 'binary', cost: 'sigmoid-cross-entropy', classes: c.categories, reason: `"${c.name}" holds two class labels` };
      return { task: 'multi-class', cost: 'softmax-cross-entropy', classes: c.categories, reason: `"${c.name}" holds ${k} class labels` };
    }
    const values = c.integer ? fewValues(table, table.columns.indexOf(c)) : null;
    if (values && values.length === 2) {
      const zeroOne = values[0] === 0 && values[1] === 1;
      return { task: 'binary', cost: zeroOne ? 'sigmoid-cross-entropy' : 'softmax-cross-entropy', classes: values.map(String), reason: `"${c.name}" takes two whole values, ${values.join(' and ')}` };
    }
    if (values && values.length > 2) {
      return { task: 'multi-class', cost: 'softmax-cross-entropy', classes: values.map(String), reason: `"${c.name}" takes ${values.length} whole values (${values.join(', ')}): read as class labels; choose sum-of-squares to predict them as numbers` };
    }
    return { task: 'regression', cost: 'sum-of-squares', classes: null, reason: `"${c.name}" holds numbers` };
  }
  const labels = cols.find((c) => c.valueType === 'category');
  if (labels) throw new CsvError(`"${labels.name}" holds class labels: a classifier takes one label column as its target; choose it alone, or numeric target columns`, table.file, undefined, labels.name);
  const binary = cols.every((c) => fewValues(table, table.columns.indexOf(c))?.every((v) => v === 0 || v === 1));
  if (!binary) return { task: 'regression', cost: 'sum-of-squares', classes: null, reason: `${cols.length} numeric targets` };
  const idx = cols.map((c) => table.columns.indexOf(c));
  let oneHot = true;
  for (let r = 0; r < table.rows && oneHot; r++) {
    let s = 0;
    for (const j of idx) s += table.data[j][r];
    if (s === s && s !== 1) oneHot = false;
  }
  if (oneHot) return { task: 'multi-class', cost: 'softmax-cross-entropy', classes: cols.map((c) => c.name), reason: 'the 0/1 targets have exactly one 1 per row (one-hot)' };
  return { task: 'multi-label', cost: 'sigmoid-cross-entropy', classes: cols.map((c) => c.name), reason: 'independent 0/1 targets' };
}

/** Spaces a spreadsheet may put in a cell that look like nothing, or like an ordinary space, on screen. */
const INVISIBLE: [RegExp, string][] = [
  [/\u00a0/, 'a non-breaking space (U+00A0)'],
  [/\u202f/, 'a narrow no-break space (U+202F)'],
  [/\u2009/, 'a thin space (U+2009)'],
  [/[\u200b\u200c\u200d\u2060\ufeff]/, 'a zero-width character'],
];

/** `value` quoted, naming the invisible characters in it, if any. */
function showCell(value: string): string {
  const found = INVISIBLE.filter(([re]) => re.test(value)).map(([, what]) => what);
  return found.length ? `"${value}" (with ${found.join(' and ')})` : `"${value}"`;
}

/** Refuses a column that cannot be used as it is, saying what to do. */
function checkUsable(table: TableLike, info: ColumnInfo, role: 'input' | 'target'): void {
  const name = basename(table.file);
  if (info.invalid > 0 && info.firstInvalid) {
    const more = info.invalid > 1 ? ` (${info.invalid} such values in the column)` : '';
    throw new CsvError(
      `${name} line ${info.firstInvalid.line}, column "${info.name}" is ${showCell(info.firstInvalid.value)}, not a number${more}; fix the value or leave the column out, or read the column as categories (data.categorical)`,
      table.file, info.firstInvalid.line, info.name,
    );
  }
  if (table.rows > 0 && info.missing >= table.rows) {
    throw new CsvError(
      `${name}: ${role} column "${info.name}" has no values: on all ${table.rows} rows it is empty or a missing-value marker (NA, ?, ...); ${role === 'target' ? 'choose another target column, or fill it in' : 'leave it out, or fill it in'}`,
      table.file, undefined, info.name,
    );
  }
  if (info.valueType === 'category' && !info.categories) {
    throw new CsvError(`${name}: column "${info.name}" has more than 1000 different values, too many to encode as categories; leave it out`, table.file, undefined, info.name);
  }
}

/**
 * The dataset for `options`; throws CsvError naming the file, line and column when a column
 * cannot be used or (with `missing: "error"`) a value is missing.
 */
export function encodeTable(table: TableLike, options: EncodeOptions): { data: Dataset; report: EncodeReport } {
  const name = basename(table.file);
  const inIdx = options.inputs.map((c) => findColumn(table, c, 'input'));
  const tIdx = options.targets.map((c) => findColumn(table, c, 'target'));
  for (const j of inIdx) checkUsable(table, table.columns[j], 'input');
  for (const j of tIdx) checkUsable(table, table.columns[j], 'target');
  const labelTarget = tIdx.map((j) => table.columns[j]).find((c) => c.valueType === 'category');
  if (labelTarget) {
    const cats = labelTarget.categories as string[];
    const list = cats.length > 4 ? `${cats.slice(0, 4).join(', ')}, ...` : cats.join(', ');
    if (tIdx.length > 1) throw new CsvError(`${name}: column "${labelTarget.name}" holds class labels: a classifier takes one label column as its target; choose it alone, or numeric target columns`, table.file, undefined, labelTarget.name);
    if (options.cost === 'sum-of-squares') throw new CsvError(`${name}: column "${labelTarget.name}" holds class labels (${list}): use softmax-cross-entropy (or sigmoid-cross-entropy for two classes), not sum-of-squares`, table.file, undefined, labelTarget.name);
    if (options.cost === 'mixture-density') throw new CsvError(`${name}: column "${labelTarget.name}" holds class labels (${list}): a mixture density network models numeric targets; use softmax-cross-entropy (or sigmoid-cross-entropy for two classes), or choose numeric target columns`, table.file, undefined, labelTarget.name);
    if (options.cost === 'sigmoid-cross-entropy' && cats.length !== 2) throw new CsvError(`${name}: column "${labelTarget.name}" has ${cats.length} classes (${list}); sigmoid-cross-entropy is for two: use softmax-cross-entropy`, table.file, undefined, labelTarget.name);
  }

  // Which rows stay.
  const report: EncodeReport = { rows: 0, rowsDropped: 0, missing: {}, imputed: {}, warnings: [] };
  const keep = new Uint8Array(table.rows).fill(1);
  const used = [...inIdx.map((j) => ({ j, target: false })), ...tIdx.map((j) => ({ j, target: true }))];
  for (const { j, target } of used) {
    const info = table.columns[j];
    if (info.missing === 0) continue;
    report.missing[info.name] = info.missing;
    if (options.missing === 'error') {
      const r = table.data[j].findIndex((v) => v !== v);
      const line = table.lines[r];
      throw new CsvError(`${name} line ${line}, column "${info.name}" is empty (missing); fill it in, or choose missing "drop" (leave such rows out) or "mean" (fill in the column mean)`, table.file, line, info.name);
    }
    if (options.missing === 'drop' || target) {
      const d = table.data[j];
      for (let r = 0; r < table.rows; r++) if (d[r] !== d[r]) keep[r] = 0;
    }
  }
  let n = 0;
  for (let r = 0; r < table.rows; r++) n += keep[r];
  report.rows = n;
  report.rowsDropped = table.rows - n;
  if (n === 0) throw new CsvError(`${name}: no rows are left after leaving out those with missing values; choose missing "mean", or fill in the data`, table.file);

  // Inputs: one column per numeric input, one per category of a categorical input.
  const inputNames: string[] = [];
  const blocks = inIdx.map((j) => {
    const info = table.columns[j];
    if (info.kind === 'constant' || info.kind === 'id') report.warnings.push(`input "${info.name}": ${info.reason}; consider leaving it out`);
    const offset = inputNames.length;
    if (info.valueType === 'category') inputNames.push(...(info.categories as string[]).map((c) => `${info.name}=${c}`));
    else inputNames.push(info.name);
    return { j, info, offset };
  });
  const d = inputNames.length;
  const inputs = new Float64Array(n * d);
  for (const { j, info, offset } of blocks) {
    const col = table.data[j];
    if (info.valueType === 'number') {
      let sum = 0;
      let count = 0;
      for (let r = 0; r < table.rows; r++) if (keep[r] && col[r] === col[r]) { sum += col[r]; count++; }
      const mean = count ? sum / count : 0;
      let filled = 0;
      for (let r = 0, i = 0; r < table.rows; r++) {
        if (!keep[r]) continue;
        const v = col[r];
        if (v === v) inputs[i * d + offset] = v;
        else { inputs[i * d + offset] = mean; filled++; }
        i++;
      }
      if (filled) report.imputed[info.name] = filled;
    } else {
      const k = (info.categories as string[]).length;
      const freq = new Float64Array(k);
      let count = 0;
      for (let r = 0; r < table.rows; r++) if (keep[r] && col[r] === col[r]) { freq[col[r]]++; count++; }
      for (let c = 0; c < k; c++) freq[c] = count ? freq[c] / count : 0; // the mean of the one-hot columns
      let filled = 0;
      for (let r = 0, i = 0; r < table.rows; r++) {
        if (!keep[r]) continue;
        const v = col[r];
        if (v === v) inputs[i * d + offset + v] = 1;
        else { inputs.set(freq, i * d + offset); filled++; }
        i++;
      }
      if (filled) report.imputed[info.name] = filled;
    }
  }

  // Targets.
  let targetNames: string[];
  let targets: Float64Array;
  let classLabels: string[] | undefined;
  if (labelTarget) {
    const cats = labelTarget.categories as string[];
    const col = table.data[tIdx[0]];
    if (options.cost === 'sigmoid-cross-entropy') {
      const pos = positiveIndex(cats);
      targetNames = [`${labelTarget.name}=${cats[pos]}`];
      classLabels = [cats[pos]];
      targets = new Float64Array(n);
      for (let r = 0, i = 0; r < table.rows; r++) if (keep[r]) targets[i++] = col[r] === pos ? 1 : 0;
    } else {
      const k = cats.length;
      targetNames = cats.map((c) => `${labelTarget.name}=${c}`);
      classLabels = [...cats];
      targets = new Float64Array(n * k);
      for (let r = 0, i = 0; r < table.rows; r++) if (keep[r]) targets[i++ * k + col[r]] = 1;
    }
  } else {
    const k = tIdx.length;
    targetNames = tIdx.map((j) => table.columns[j].name);
    targets = new Float64Array(n * k);
    tIdx.forEach((j, t) => {
      const col = table.data[j];
      for (let r = 0, i = 0; r < table.rows; r++) if (keep[r]) targets[i++ * k + t] = col[r];
    });
  }
  const data: Dataset = { inputs, targets, n, inputNames, targetNames };
  if (classLabels) data.classLabels = classLabels;
  return { data, report };
}
