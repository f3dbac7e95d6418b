/**
 * Helpers for tests that compare the engine with a numpy reference fixture.
 */
import { expect } from 'vitest';
import type { Network } from '../../shared/engine/network';
import type { Objective } from '../../shared/engine/optimizers';

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
