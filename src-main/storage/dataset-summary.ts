/**
 * The dataset summary the window shows after a CSV import (and for an opened project with CSV
 * data): per column of the file its role, kind, missing cells, min / max / mean or category
 * counts, and the class balance of the rows the network sees.
 */
import type { Dataset } from '../../shared/data/dataset';
import type { ColumnSummary, DatasetSummary } from '../../shared/ipc';
import { isCsvData, type LabSpec } from '../../shared/spec';
import type { ColumnInfo } from './csv-types';

/** The parts of an imported table the summary reads. */
export interface SummaryTable {
  rows: number;
  columns: Pick<ColumnInfo, 'name' | 'kind' | 'valueType' | 'categories' | 'missing' | 'invalid' | 'reason'>[];
  /** One array per column; NaN = missing (or not a number); categories as indices. */
  data: Float64Array[];
}

/** Categories listed per column at most. */
const MAX_LISTED = 50;

/**
 * One column's own statistics, whatever its role (issue 16): its missing cells as the importer
 * counted them (a NaN in `data` may also be text among numbers, or a text the importer did not
 * code because the column has too many different values), min / max / mean over its numbers,
 * or each category's count.
 */
function columnSummary(table: SummaryTable, j: number, role: ColumnSummary['role']): ColumnSummary {
  const info = table.columns[j];
  const d = table.data[j];
  const own = { name: info.name, role, kind: info.kind, missing: info.missing, ...(info.reason ? { reason: info.reason } : {}) };
  if (info.valueType === 'category') {
    // More different texts than the importer codes (an identifier, free text): no counts to show.
    if (!info.categories) return own;
    const counts = new Float64Array(info.categories.length);
    for (let r = 0; r < d.length; r++) {
      const v = d[r];
      if (v === v) counts[v]++;
    }
    const categories = info.categories
      .map((label, c) => ({ label, count: counts[c] }))
      .sort((a, b) => b.count - a.count)
      .slice(0, MAX_LISTED);
    return { ...own, categories };
  }
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (let r = 0; r < d.length; r++) {
    const v = d[r];
    if (v !== v) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  return { ...own, ...(info.invalid ? { invalid: info.invalid } : {}), ...(count ? { min, max, mean: sum / count } : {}) };
}

/**
 * Samples per class among the rows used: one-hot targets (softmax) by column, a single 0/1
 * target (sigmoid) as its two labels; null for regression targets.
 */
function classBalance(data: Dataset, table: SummaryTable, targetColumn: number | null, softmax: boolean): DatasetSummary['classBalance'] {
  const k = data.targetNames.length;
  const t = data.targets;
  if (data.classLabels && data.classLabels.length === k && k > 1) {
    const counts = new Array<number>(k).fill(0);
    for (let r = 0; r < data.n; r++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (t[r * k + c] > t[r * k + best]) best = c;
      counts[best]++;
    }
    return data.classLabels.map((label, c) => ({ label, count: counts[c] }));
  }
  if (k !== 1) return null;
  if (softmax) {
    // One column of whole-number class ids: one class per distinct value.
    const counts = new Map<number, number>();
    for (let r = 0; r < data.n; r++) counts.set(t[r], (counts.get(t[r]) ?? 0) + 1);
    if (counts.size > MAX_LISTED) return null;
    return [...counts].sort((a, b) => a[0] - b[0]).map(([v, count]) => ({ label: String(v), count }));
  }
  for (let r = 0; r < data.n; r++) if (t[r] !== 0 && t[r] !== 1) return null;
  let ones = 0;
  for (let r = 0; r < data.n; r++) ones += t[r];
  // A two-class label column: the positive label is classLabels[0], the other its sibling.
  const cats = targetColumn === null ? null : table.columns[targetColumn].categories;
  const positive = data.classLabels?.[0] ?? '1';
  const negative = cats?.find((c) => c !== positive) ?? '0';
  return [
    { label: negative, count: data.n - ones },
    { label: positive, count: ones },
  ];
}

/** The summary of `table` as the spec uses it, with `data` the dataset it encodes to. */
export function summarizeDataset(table: SummaryTable, data: Dataset, spec: LabSpec): DatasetSummary {
  const inputs = isCsvData(spec.data) ? spec.data.inputs : [];
  const targets = isCsvData(spec.data) ? spec.data.targets : [];
  // A table stored as its encoded columns (no source table) names them as the dataset does.
  const role = (name: string): ColumnSummary['role'] =>
    inputs.includes(name) || data.inputNames.includes(name) ? 'input' : targets.includes(name) || data.targetNames.includes(name) ? 'target' : 'unused';
  const columns = table.columns.map((c, j) => columnSummary(table, j, role(c.name)));
  const targetColumn = targets.length === 1 ? table.columns.findIndex((c) => c.name === targets[0]) : -1;
  return {
    rows: table.rows,
    used: data.n,
    missing: isCsvData(spec.data) ? spec.data.missing : 'drop',
    columns,
    classBalance: spec.network.output.cost === 'sum-of-squares' ? null : classBalance(data, table, targetColumn >= 0 ? targetColumn : null, spec.network.output.cost === 'softmax-cross-entropy'),
  };
}
