import type { Objective, Optimizer } from './types';

/**
 * Gradient descent with a momentum term (the "heavy ball"):
 *
 *     v <- mu v - eta dE/dw,    w <- w + v
 *
 * PRML states the plain rule (5.41)/(5.43) and leaves refinements to the literature; this is the
 * momentum rule of Rumelhart, Hinton & Williams (1986), analysed in Bishop (1995) §7.5.2: in a
 * direction of low curvature the steps add up to an effective learning rate eta / (1 - mu), in a
 * direction of high curvature successive steps cancel. v starts at zero, so the first step is
 * plain gradient descent. `learningRate` may change between steps; v keeps the old steps.
 */
export class Momentum implements Optimizer {
  readonly name = 'momentum';
  /** The velocity v: the last update of w, length = parameters. */
  private velocity = new Float64Array(0);
  /** dE/dw at the step's start, length = parameters. */
  private grad = new Float64Array(0);

  /** eta > 0 and the momentum coefficient mu, 0 <= mu < 1. */
  constructor(public learningRate: number, public readonly mu: number) {
    if (!(mu >= 0 && mu < 1)) throw new RangeError(`momentum mu must be from 0 up to (not including) 1, got ${mu}`);
  }

  step(params: Float64Array, objective: Objective): number {
    const n = params.length;
    if (this.grad.length !== n) this.grad = new Float64Array(n);
    if (this.velocity.length !== n) this.velocity = new Float64Array(n);
    const g = this.grad;
    const e = objective(params, g); // may throw: nothing has been changed yet
    const v = this.velocity;
    const eta = this.learningRate;
    const mu = this.mu;
    for (let i = 0; i < n; i++) {
      const vi = mu * v[i] - eta * g[i];
      v[i] = vi;
      params[i] += vi;
    }
    return e;
  }

  reset(): void {
    this.velocity.fill(0);
  }
}
