/**
 * Optimizers update the flat parameter vector from the flat gradient (both from `Network`).
 * `gd` is the seed's `fit`: the gradient summed over the whole batch, times the learning rate,
 * subtracted from the weights (PRML (5.41)).
 */

/** One update rule over the flat parameter vector. */
export interface Optimizer {
  readonly name: string;
  /** params <- update(params, grads); grads = dE/dparams for the current batch. */
  step(params: Float64Array, grads: Float64Array): void;
  /** Forgets any internal state (moments, step counts). */
  reset(): void;
}

/** Plain gradient descent w <- w - eta dE/dw, PRML (5.41). */
export class GradientDescent implements Optimizer {
  readonly name = 'gd';
  constructor(public learningRate: number) {}
  step(params: Float64Array, grads: Float64Array): void {
    const eta = this.learningRate;
    for (let i = 0; i < params.length; i++) params[i] -= eta * grads[i];
  }
  reset(): void {}
}
