import type { Objective, Optimizer } from './types';

/**
 * Plain gradient descent w <- w - eta dE/dw, PRML (5.41): the seed's `fit` when the batch is
 * the whole training set, stochastic gradient descent (PRML (5.43)) when it is a mini-batch.
 * One objective evaluation per step; no state.
 */
export class GradientDescent implements Optimizer {
  readonly name: string;
  /** dE/dw at the step's start, length = parameters (reused between steps). */
  private grad = new Float64Array(0);

  constructor(public learningRate: number, name = 'gd') {
    this.name = name;
  }

  step(params: Float64Array, objective: Objective): number {
    if (this.grad.length !== params.length) this.grad = new Float64Array(params.length);
    const g = this.grad;
    const e = objective(params, g);
    const eta = this.learningRate;
    const n = params.length;
    let i = 0;
    // Four at a time: V8 does not unroll, and this pass over every weight is serial work
    // between the data-parallel phases.
    for (; i + 3 < n; i += 4) {
      params[i] -= eta * g[i];
      params[i + 1] -= eta * g[i + 1];
      params[i + 2] -= eta * g[i + 2];
      params[i + 3] -= eta * g[i + 3];
    }
    for (; i < n; i++) params[i] -= eta * g[i];
    return e;
  }

  reset(): void {}
}
