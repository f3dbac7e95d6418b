/**
 * Splits and input normalisation (shared/data/split.ts): the parts hold exactly the rows the
 * seeded shuffle picks, the normalisation is fitted on the training part only, new arrays come
 * from the caller's allocator, and the caller's data is never changed.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../shared/data/dataset';
import { splitDataset } from '../../shared/data/split';
import { Rng } from '../../shared/engine/rng';

function data(n: number, d: number): Dataset {
  const rng = new Rng(11);
  const inputs = Float64Array.from({ length: n * d }, (_, i) => rng.normal() * (1 + (i % d)) + (i % d) * 10);
  const targets = Float64Array.from({ length: n }, () => rng.normal());
  return { inputs, targets, n, inputNames: Array.from({ length: d }, (_, j) => `x${j}`), targetNames: ['t'] };
}

/** Mean and population std of each column, summed the textbook way (1 for a constant column). */
function reference(x: Float64Array, n: number, d: number) {
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += x[r * d + j];
    const m = s / n;
    let q = 0;
    for (let r = 0; r < n; r++) q += (x[r * d + j] - m) ** 2;
    mean.push(m);
    std.push(Math.sqrt(q / n) || 1);
  }
  return { mean, std };
}

describe('splitDataset', () => {
  for (const split of [{ validation: 0, test: 0 }, { validation: 0.2, test: 0.1 }]) {
    const label = split.validation > 0 ? 'a drawn split' : 'no split';
    it(`${label}: normalises every part with the training part's statistics, leaving the caller's data as it was`, () => {
      const raw = data(200, 3);
      const before = Float64Array.from(raw.inputs);
      const plain = splitDataset(raw, split, 4, false);
      const norm = splitDataset(raw, split, 4, true);
      expect(Array.from(raw.inputs)).toEqual(Array.from(before));
      const ref = reference(plain.train.inputs, plain.train.n, 3);
      norm.normalization!.mean.forEach((m, j) => expect(m).toBeCloseTo(ref.mean[j], 12));
      norm.normalization!.std.forEach((s, j) => expect(s).toBeCloseTo(ref.std[j], 12));
      for (const part of ['train', 'validation', 'test'] as const) {
        const x = plain[part].inputs;
        expect(norm[part].n).toBe(plain[part].n);
        norm[part].inputs.forEach((v, i) => expect(v).toBeCloseTo((x[i] - ref.mean[i % 3]) / ref.std[i % 3], 12));
      }
      // The normalised training inputs have mean 0 and std 1 per column.
      const after = reference(norm.train.inputs, norm.train.n, 3);
      after.mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-12));
      after.std.forEach((s) => expect(s).toBeCloseTo(1, 12));
    });
  }

  it('takes every new array from the allocator it is given, and copies rows in the shuffled order', () => {
    const raw = data(100, 2);
    const made: Float64Array[] = [];
    const alloc = (length: number) => {
      const a = new Float64Array(new SharedArrayBuffer(length * 8));
      made.push(a);
      return a;
    };
    const parts = splitDataset(raw, { validation: 0.25, test: 0 }, 9, true, alloc);
    for (const part of [parts.train, parts.validation, parts.test]) {
      expect(made).toContain(part.inputs);
      expect(made).toContain(part.targets);
    }
    expect(parts.train.n + parts.validation.n).toBe(100);
    // The same seed draws the same split; every target is one of the data's, once.
    const again = splitDataset(raw, { validation: 0.25, test: 0 }, 9, false);
    expect(Array.from(parts.validation.targets)).toEqual(Array.from(again.validation.targets));
    const all = [...parts.train.targets, ...parts.validation.targets].sort((a, b) => a - b);
    expect(all).toEqual([...raw.targets].sort((a, b) => a - b));
    // An unsplit set normalised: the inputs are a new (allocated) array, not the caller's.
    const whole = splitDataset(raw, { validation: 0, test: 0 }, 9, true, alloc);
    expect(whole.train.inputs).not.toBe(raw.inputs);
    expect(made).toContain(whole.train.inputs);
  });
});
