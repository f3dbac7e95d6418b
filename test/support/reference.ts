/**
 * Helpers for tests that compare the engine with a numpy reference fixture.
 */
import { expect } from 'vitest';
import type { Network } from '../../shared/engine/network';
import type { Objective } from '../../shared/engine/optimizers';
import type { WeightsFile } from '../../shared/weights-format';

/** |a - b| <= tol * max(1, |b|): relative for large values, absolute near zero. Throws naming the entry. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(err <= tol)) throw new Error(`${what}[${i}]: got ${actual[i]}, numpy says ${expected[i]} (error ${err})`);
  }
}

/** The seed's `fit` as an objective: E and the gradient summed over the whole batch (x, t) of n samples. */
export function fullBatchObjective(net: Network, x: Float64Array, t: Float64Array, n: number): Objective {
  return (_w, g) => {
    const e = net.gradient(x, t, n);
    g.set(net.grads);
    return e;
  };
}

/**
 * E/N and accuracy of a weights file on a set, by a forward pass written out here (not the
 * engine's): tanh hidden layers, one logistic sigmoid output, cross-entropy (PRML (5.21)). The
 * inputs are used as given (the file's normalisation is not applied).
 */
export function referenceMetrics(file: WeightsFile, inputs: Float64Array, targets: Float64Array, n: number): { EPerSample: number; accuracy: number } {
  const d = file.inputs.length;
  let E = 0;
  let right = 0;
  for (let r = 0; r < n; r++) {
    let z = Array.from(inputs.subarray(r * d, (r + 1) * d));
    file.layers.forEach((layer, l) => {
      const a = layer.bias.map((b, j) => b + z.reduce((s, v, i) => s + v * layer.weights[i][j], 0));
      z = l < file.layers.length - 1 ? a.map(Math.tanh) : a;
    });
    const y = 1 / (1 + Math.exp(-z[0]));
    const t = targets[r];
    E -= t * Math.log(y) + (1 - t) * Math.log(1 - y);
    if ((y > 0.5 ? 1 : 0) === t) right++;
  }
  return { EPerSample: E / n, accuracy: right / n };
}
