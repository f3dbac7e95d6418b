/**
 * Train / validation / test splits drawn from the spec's seed, and the normalisation that is
 * fitted on the training split only (so validation and test data stay unseen).
 */
import { Rng } from '../engine/rng';
import type { SplitSpec } from '../spec';
import type { Normalization } from '../weights-format';
import { DataError, type Dataset, finish, inputStatisticsSliced, normalizeInputsSliced, SLICE_ROWS, type Sliced } from './dataset';

/** The three parts of a dataset; validation and test may be empty (n = 0). */
export interface SplitData {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
  /** Input normalisation fitted on `train` and applied to all three, or null. */
  normalization: Normalization | null;
}

/** Makes the arrays a split writes its parts into (plain ones, or shared memory for workers). */
export type Allocate = (length: number) => Float64Array;

const plain: Allocate = (length) => new Float64Array(length);

/** The rows `rows` of `data`, in that order, in arrays from `alloc`. */
export function subset(data: Dataset, rows: ArrayLike<number>, alloc: Allocate = plain): Dataset {
  return finish(subsetSliced(data, rows, alloc));
}

/** `subset` in slices. */
function* subsetSliced(data: Dataset, rows: ArrayLike<number>, alloc: Allocate): Sliced<Dataset> {
  const d = data.inputNames.length;
  const k = data.targetNames.length;
  const n = rows.length;
  const inputs = alloc(n * d);
  const targets = alloc(n * k);
  for (let r0 = 0; r0 < n; r0 += SLICE_ROWS) {
    const r1 = Math.min(n, r0 + SLICE_ROWS);
    for (let r = r0; r < r1; r++) {
      const src = rows[r];
      inputs.set(data.inputs.subarray(src * d, src * d + d), r * d);
      targets.set(data.targets.subarray(src * k, src * k + k), r * k);
    }
    yield;
  }
  return { ...data, inputs, targets, n };
}

/**
 * How many rows a split puts in each part (see splitDataset); throws DataError when it would
 * leave no training samples.
 */
export function splitSizes(n: number, split: SplitSpec): { test: number; validation: number; train: number } {
  const test = Math.round(n * split.test);
  const validation = Math.round(n * split.validation);
  const train = n - test - validation;
  if (train <= 0) throw new DataError(`a split of validation ${split.validation} and test ${split.test} leaves no training samples out of ${n}`);
  return { test, validation, train };
}

/**
 * Splits by a seeded shuffle: the first round(n * test) shuffled rows are the test set, the next
 * round(n * validation) the validation set, the rest (in original order) the training set. With
 * no validation and no test, the training set is the data itself, in order. New arrays come
 * from `alloc` (the data is copied once, normalised in place).
 */
export function splitDataset(data: Dataset, split: SplitSpec, seed: number, normalize: boolean, alloc: Allocate = plain): SplitData {
  return finish(splitDatasetSliced(data, split, seed, normalize, alloc));
}

/** `splitDataset` in slices. */
export function* splitDatasetSliced(data: Dataset, split: SplitSpec, seed: number, normalize: boolean, alloc: Allocate = plain): Sliced<SplitData> {
  let train = data;
  let validation = subset(data, [], alloc);
  let test = subset(data, [], alloc);
  if (split.validation > 0 || split.test > 0) {
    const { test: nTest, validation: nVal } = splitSizes(data.n, split);
    const order = Rng.derive(seed, 'split').shuffle(Int32Array.from({ length: data.n }, (_, i) => i));
    const rest = Array.from(order.subarray(nTest + nVal)).sort((a, b) => a - b);
    test = yield* subsetSliced(data, order.subarray(0, nTest), alloc);
    validation = yield* subsetSliced(data, order.subarray(nTest, nTest + nVal), alloc);
    train = yield* subsetSliced(data, rest, alloc);
  }
  if (!normalize) return { train, validation, test, normalization: null };
  const normalization = yield* inputStatisticsSliced(train);
  // A part's own copy is normalised in place; the caller's data (an unsplit set) into a new array.
  const parts: Dataset[] = [];
  for (const part of [train, validation, test]) {
    const out = part === data ? alloc(part.inputs.length) : part.inputs;
    parts.push({ ...part, inputs: yield* normalizeInputsSliced(part.inputs, part.n, normalization, out) });
  }
  return { train: parts[0], validation: parts[1], test: parts[2], normalization };
}
