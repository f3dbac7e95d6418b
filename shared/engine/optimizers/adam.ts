import type { Objective, Optimizer } from './types';

/**
 * Adam (Kingma & Ba 2015, Algorithm 1): per-parameter step sizes from bias-corrected moving
 * averages of the gradient and of its square. With g = dE/dw at step t = 1, 2, ...
 *
 *     m <- beta1 m + (1 - beta1) g          v <- beta2 v + (1 - beta2) g^2
 *     mhat = m / (1 - beta1^t)              vhat = v / (1 - beta2^t)
 *     w <- w - eta mhat / (sqrt(vhat) + epsilon)
 *
 * A stochastic first-order method in the sense of PRML (5.43). The step is roughly eta per
 * parameter whatever the scale of E, so eta is a distance in weight space, not a rate.
 */
export class Adam implements Optimizer {
  readonly name = 'adam';
  /** m: moving average of dE/dw, length = parameters. */
  private m = new Float64Array(0);
  /** v: moving average of (dE/dw)^2, length = parameters. */
  private v = new Float64Array(0);
  /** dE/dw at the step's start, length = parameters. */
  private grad = new Float64Array(0);
  /** Steps taken since the last reset (t in Algorithm 1). */
  private t = 0;

  /** eta > 0, decay rates 0 <= beta1, beta2 < 1 and epsilon > 0. */
  constructor(
    public learningRate: number,
    public readonly beta1: number,
    public readonly beta2: number,
    public readonly epsilon: number,
  ) {
    if (!(beta1 >= 0 && beta1 < 1)) throw new RangeError(`adam beta1 must be from 0 up to (not including) 1, got ${beta1}`);
    if (!(beta2 >= 0 && beta2 < 1)) throw new RangeError(`adam beta2 must be from 0 up to (not including) 1, got ${beta2}`);
    if (!(epsilon > 0)) throw new RangeError(`adam epsilon must be greater than 0, got ${epsilon}`);
  }

  step(params: Float64Array, objective: Objective): number {
    const n = params.length;
    if (this.grad.length !== n) {
      this.grad = new Float64Array(n);
      this.m = new Float64Array(n);
      this.v = new Float64Array(n);
      this.t = 0;
    }
    const g = this.grad;
    const e = objective(params, g); // may throw: nothing has been changed yet
    const t = ++this.t;
    const { beta1, beta2, epsilon, m, v } = this;
    const c1 = 1 / (1 - Math.pow(beta1, t));
    const c2 = 1 / (1 - Math.pow(beta2, t));
    const eta = this.learningRate;
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const mi = beta1 * m[i] + (1 - beta1) * gi;
      const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      params[i] -= (eta * (mi * c1)) / (Math.sqrt(vi * c2) + epsilon);
    }
    return e;
  }

  reset(): void {
    this.m.fill(0);
    this.v.fill(0);
    this.t = 0;
  }
}
