/**
 * A dataset as the engine sees it: n samples of inputs and targets in row-major Float64Arrays,
 * with column names. Targets are already in the form the cost wants (one-hot rows for softmax).
 */
import type { CostName } from '../engine/cost-types';
import { UserError } from '../errors';

/** Inputs (n x inputNames.length) and targets (n x targetNames.length), row-major. */
export interface Dataset {
  /** n x inputNames.length, row-major. */
  inputs: Float64Array;
  /** n x targetNames.length, row-major. */
  targets: Float64Array;
  n: number;
  inputNames: string[];
  targetNames: string[];
  /** For one-hot targets made from a label column: the label of each target column. */
  classLabels?: string[];
}

/** What a built-in dataset asks of the network: the canonical output/cost pair (PRML §5.2). */
export type BuiltinTask = 'binary' | 'multiclass' | 'regression';

/**
 * A built-in dataset's description for lists, the gallery and help (the generators and their
 * names live in builtin.ts and prml.ts).
 */
export interface BuiltinInfo<Name extends string = string> {
  name: Name;
  title: string;
  /** One sentence: how the points are drawn. */
  description: string;
  /** Where the dataset comes from ("the seed post", "PRML figure 1.2", ...). */
  origin: string;
  defaultN: number;
  /** The `noise` parameter: its default, a sensible upper end for sliders, and what it is. */
  noise: { default: number; max: number; meaning: string };
  /** Blobs: the default number of classes and the allowed range; absent for the others. */
  classes?: { default: number; min: number; max: number };
  task: BuiltinTask;
  /** The cost a new lab on this dataset starts with. */
  cost: 'sigmoid-cross-entropy' | 'softmax-cross-entropy' | 'sum-of-squares';
  /** Number of input columns. */
  inputs: number;
  /**
   * The network and training a new lab on this dataset starts with (tanh hidden layers of these
   * sizes); absent for the seed post's two datasets, which start with the seed's own settings.
   */
  starter?: { hidden: number[]; optimizer: 'adam'; learningRate: number; steps: number };
}

/** A dataset whose targets do not fit the chosen cost; the message says what to change. */
export class DataError extends UserError {
  override name = 'DataError';
}

/**
 * Checks that the targets suit the cost and converts where the spec allows it:
 * softmax with a single target column treats that column as class labels and one-hot encodes
 * it (classes sorted numerically); sigmoid cross-entropy needs targets in [0, 1]; softmax with
 * several columns needs rows that are probability vectors (one-hot, typically).
 */
export function prepareTargets(data: Dataset, costName: CostName): Dataset {
  const k = data.targetNames.length;
  const t = data.targets;
  if (costName === 'softmax-cross-entropy') {
    if (k === 1) return oneHot(data);
    for (let r = 0; r < data.n; r++) {
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const v = t[r * k + j];
        if (!(v >= 0 && v <= 1)) {
          throw new DataError(`softmax-cross-entropy needs targets in [0, 1]: sample ${r + 1}, column "${data.targetNames[j]}" is ${v}`);
        }
        sum += v;
      }
      if (Math.abs(sum - 1) > 1e-9) {
        throw new DataError(`softmax-cross-entropy needs each sample's targets to sum to 1 (one-hot): sample ${r + 1} sums to ${sum}; or give one column of class labels`);
      }
    }
    return data;
  }
  if (costName === 'sigmoid-cross-entropy') {
    for (let i = 0; i < t.length; i++) {
      if (!(t[i] >= 0 && t[i] <= 1)) {
        const r = Math.floor(i / k);
        throw new DataError(`sigmoid-cross-entropy needs targets in [0, 1]: sample ${r + 1}, column "${data.targetNames[i % k]}" is ${t[i]}; use sum-of-squares for regression or softmax-cross-entropy for class labels`);
      }
    }
  }
  return data;
}

/** One-hot encodes a single label column: one target column per distinct value. */
function oneHot(data: Dataset): Dataset {
  const values = Array.from(new Set(data.targets)).sort((a, b) => a - b);
  const fractional = values.find((v) => !Number.isInteger(v));
  if (fractional !== undefined) {
    throw new DataError(`softmax-cross-entropy needs class labels, but column "${data.targetNames[0]}" holds values like ${fractional}: use sum-of-squares for a regression target`);
  }
  if (values.length < 2) {
    throw new DataError(`softmax-cross-entropy needs at least two classes; column "${data.targetNames[0]}" has only ${values.length}`);
  }
  if (values.length > 1000) {
    throw new DataError(`column "${data.targetNames[0]}" has ${values.length} distinct values: that looks like a regression target; use sum-of-squares`);
  }
  const index = new Map(values.map((v, i) => [v, i]));
  const k = values.length;
  const targets = new Float64Array(data.n * k);
  for (let r = 0; r < data.n; r++) targets[r * k + (index.get(data.targets[r]) as number)] = 1;
  const labels = values.map((v) => String(v));
  return {
    ...data,
    targets,
    targetNames: labels.map((l) => `${data.targetNames[0]}=${l}`),
    classLabels: labels,
  };
}

/**
 * Work on a whole dataset done in slices: a generator that pauses (yields) every SLICE_ROWS
 * rows, so main can run it between other work (src-main/training/parts-cache.ts) and get
 * the same result as running it straight through (`finish`).
 */
export type Sliced<T> = Generator<void, T, void>;

/** Rows between the pauses of a sliced task (a 784-column slice: about a millisecond). */
export const SLICE_ROWS = 1024;

/** Runs a sliced task to its end without pausing. */
export function finish<T>(task: Sliced<T>): T {
  for (;;) {
    const r = task.next();
    if (r.done) return r.value;
  }
}

/**
 * Per-column mean and standard deviation of the inputs (population std; 1 where a column is
 * constant), in slices.
 */
export function* inputStatisticsSliced(data: Dataset): Sliced<{ mean: number[]; std: number[] }> {
  const d = data.inputNames.length;
  const n = data.n;
  const x = data.inputs;
  // Row by row, each column summed in row order (typed accumulators: a 60,000 x 784 set takes
  // a tenth of a second, not a second).
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let r0 = 0; r0 < n; r0 += SLICE_ROWS) {
    const r1 = Math.min(n, r0 + SLICE_ROWS);
    for (let r = r0, o = r0 * d; r < r1; r++, o += d) for (let j = 0; j < d; j++) mean[j] += x[o + j];
    yield;
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let r0 = 0; r0 < n; r0 += SLICE_ROWS) {
    const r1 = Math.min(n, r0 + SLICE_ROWS);
    for (let r = r0, o = r0 * d; r < r1; r++, o += d) {
      for (let j = 0; j < d; j++) {
        const c = x[o + j] - mean[j];
        sq[j] += c * c;
      }
    }
    yield;
  }
  const std = new Array<number>(d);
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(sq[j] / n);
    std[j] = s > 0 ? s : 1;
  }
  return { mean: Array.from(mean), std };
}

/** (x - mean) / std for every row of a row-major input matrix, into `out` (it may be x itself), in slices. */
export function* normalizeInputsSliced(x: Float64Array, n: number, norm: { mean: number[]; std: number[] }, out: Float64Array): Sliced<Float64Array> {
  const d = norm.mean.length;
  const mean = Float64Array.from(norm.mean);
  const std = Float64Array.from(norm.std);
  for (let r0 = 0; r0 < n; r0 += SLICE_ROWS) {
    const r1 = Math.min(n, r0 + SLICE_ROWS);
    for (let r = r0, o = r0 * d; r < r1; r++, o += d) {
      for (let j = 0; j < d; j++) out[o + j] = (x[o + j] - mean[j]) / std[j];
    }
    yield;
  }
  return out;
}

/**
 * Copies the data rows listed at rows[r0 .. r0 + m) to rows at .. at + m of x (inputs) and t
 * (targets), at = r0 unless given: a mini-batch, or a thread's share of one.
 */
export function gatherRows(data: Dataset, rows: Int32Array, r0: number, m: number, x: Float64Array, t: Float64Array, at = r0): void {
  const d = data.inputNames.length;
  const k = data.targetNames.length;
  const { inputs, targets } = data;
  for (let r = 0; r < m; r++) {
    const row = rows[r0 + r];
    x.set(inputs.subarray(row * d, row * d + d), (at + r) * d);
    t.set(targets.subarray(row * k, row * k + k), (at + r) * k);
  }
}
