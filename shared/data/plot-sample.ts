/**
 * The data as the window receives it (lab:getDataset): for plots and metrics it needs the rows
 * of each part, but a 60,000 x 784 set is 376 MB of Float64s, which must stay in the main
 * process and the trainer threads. So each part is sent whole while it has at most
 * PLOT_ROWS_PER_PART rows, else as an even sample of that many rows (every (total / max)-th row,
 * in order: the parts are already shuffled by the seeded split); and the facts the views need of
 * the whole data, each input's min, max and mean, are computed over every row.
 */
import type { Dataset, Sliced } from './dataset';
import { SLICE_ROWS } from './dataset';

/** Most rows of one part the window is sent. */
export const PLOT_ROWS_PER_PART = 2000;

/** One part of a dataset as sent: `n` rows (all, or a sample) of the part's `total`. */
export interface PartSample {
  /** Rows sent: the arrays hold n rows. */
  n: number;
  /** Rows in the part. */
  total: number;
  /** n x inputs, row-major. */
  inputs: Float64Array;
  /** n x targets, row-major. */
  targets: Float64Array;
}

/** Per column over every row of every part: min, max and mean (each of length columns). */
export interface ColumnStats {
  /** Infinity for a column with no rows. */
  min: number[];
  /** -Infinity for a column with no rows. */
  max: number[];
  /** 0 for a column with no rows. */
  mean: number[];
}

/** The row numbers of an even sample of `max` rows out of `total` (all rows when total <= max). */
export function sampleRows(total: number, max: number): Int32Array {
  if (total <= max) return Int32Array.from({ length: total }, (_, i) => i);
  return Int32Array.from({ length: max }, (_, i) => Math.floor((i * total) / max));
}

/** A part as sent: itself (no copy) when small enough, else its sampled rows. */
export function samplePart(d: Dataset, max = PLOT_ROWS_PER_PART): PartSample {
  if (d.n <= max) return { n: d.n, total: d.n, inputs: d.inputs, targets: d.targets };
  const dIn = d.inputNames.length;
  const dOut = d.n > 0 ? d.targets.length / d.n : 0;
  const rows = sampleRows(d.n, max);
  const inputs = new Float64Array(rows.length * dIn);
  const targets = new Float64Array(rows.length * dOut);
  rows.forEach((r, i) => {
    inputs.set(d.inputs.subarray(r * dIn, (r + 1) * dIn), i * dIn);
    targets.set(d.targets.subarray(r * dOut, (r + 1) * dOut), i * dOut);
  });
  return { n: rows.length, total: d.n, inputs, targets };
}

/**
 * Min, max and mean of every input (or target) column over all rows of `parts`, in slices of
 * SLICE_ROWS rows (a 60,000 x 784 set takes about 50 ms in all). Means of one-hot or 0/1
 * targets times the row count are the class counts.
 */
export function* columnStatsSliced(parts: readonly Dataset[], which: 'inputs' | 'targets'): Sliced<ColumnStats> {
  const d = which === 'inputs' ? (parts[0]?.inputNames.length ?? 0) : (parts[0]?.targetNames.length ?? 0);
  const first = parts.find((p) => p.n > 0);
  if (first && first[which].length !== first.n * d) throw new RangeError(`the data has ${first[which].length / first.n} ${which} per row, but names ${d} columns`);
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  const sum = new Float64Array(d);
  let count = 0;
  for (const p of parts) {
    const x = p[which];
    for (let r0 = 0; r0 < p.n; r0 += SLICE_ROWS) {
      const r1 = Math.min(p.n, r0 + SLICE_ROWS);
      for (let r = r0, o = r0 * d; r < r1; r++, o += d) {
        for (let j = 0; j < d; j++) {
          const v = x[o + j];
          if (v < min[j]) min[j] = v;
          if (v > max[j]) max[j] = v;
          sum[j] += v;
        }
      }
      yield;
    }
    count += p.n;
  }
  return { min: Array.from(min), max: Array.from(max), mean: Array.from(sum, (s) => (count ? s / count : 0)) };
}
