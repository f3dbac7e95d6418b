import type { Objective, Optimizer } from './types';

/**
 * Plain gradient descent w <- w - eta dE/dw, PRML (5.41): the seed's `fit` when the batch is
 * the whole training set, stochastic gradient descent (PRML (5.43)) when it is a mini-batch.
 * One objective evaluation per step; no state.
 */
export class GradientDescent implements Optimizer {
  readonly name: string;
  readonly descends = true;
  /** dE/dw at the step's start, length = parameters (reused between steps). */
  private grad = new Float64Array(0);

  constructor(public learningRate: number, name = 'gd') {
    this.name = name;
  }

  step(params: Float64Array, objective: Objective): number {
    const eta = this.learningRate;
    if (objective.descend) return objective.descend(params, eta);
    if (this.grad.length !== params.length) this.grad = new Float64Array(params.length);
    const g = this.grad;
    const e = objective(params, g);
    descend(params, g, eta, 0, params.length);
    return e;
  }

  reset(): void {}
}

/**
 * w[i] -= eta g[i] for i in [lo, hi): gradient descent's update (PRML (5.41)) over a range, four
 * at a time (V8 does not unroll); with `keep`, each weight is first copied there (the trainer's
 * fallback if the step diverges) in the same pass. Every engine that fuses the update uses
 * this, so the bits are the same wherever it runs.
 */
export function descend(w: Float64Array, g: Float64Array, eta: number, lo: number, hi: number, keep?: Float64Array): void {
  if (keep) {
    for (let i = lo; i < hi; i++) {
      const v = w[i];
      keep[i] = v;
      w[i] = v - eta * g[i];
    }
    return;
  }
  let i = lo;
  for (; i + 3 < hi; i += 4) {
    w[i] -= eta * g[i];
    w[i + 1] -= eta * g[i + 1];
    w[i + 2] -= eta * g[i + 2];
    w[i + 3] -= eta * g[i + 3];
  }
  for (; i < hi; i++) w[i] -= eta * g[i];
}

/**
 * The same step for a gradient still in two parts (the lanes of shared/training/gradient.ts):
 * w[i] -= eta (a[i] + b[i]) over [lo, hi), keeping each weight first in `keep` when given.
 * The sum is the gradient `descend` would be given, so the bits are those of adding the lanes
 * and then descending, in one pass instead of two and without storing the sum.
 */
export function descendSum(w: Float64Array, a: Float64Array, b: Float64Array, eta: number, lo: number, hi: number, keep?: Float64Array): void {
  if (keep) {
    for (let i = lo; i < hi; i++) {
      const v = w[i];
      keep[i] = v;
      w[i] = v - eta * (a[i] + b[i]);
    }
    return;
  }
  for (let i = lo; i < hi; i++) w[i] -= eta * (a[i] + b[i]);
}
