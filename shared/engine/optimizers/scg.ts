import type { Objective, Optimizer } from './types';
import { dot, sameBits } from './vectors';

/** Length of the finite-difference step for the curvature estimate, in weight space (sigma0). */
const SIGMA0 = 1e-4;
/** Bounds on the scale lambda (Netlab's betamin, betamax). */
const LAMBDA_MIN = 1e-15;
const LAMBDA_MAX = 1e100;
/** |p|^2 below this means the gradient is zero to working precision (MATLAB's eps, as Netlab). */
const KAPPA_MIN = Number.EPSILON;

/**
 * Scaled conjugate gradients (Møller 1993), step for step as Netlab's `scg.m` (Nabney 2002),
 * which trains the networks in PRML's figures. A batch method (PRML §5.2.4): every evaluation
 * must see the same E, so give it the whole training set.
 *
 * One `step` is one SCG iteration. Along the search direction p it fits the local quadratic
 * model of PRML (5.28): the slope mu = p^T g and the curvature theta = p^T H p, the latter by a
 * one-sided finite difference of gradients, p^T (g(w + sigma p) - g(w)) / sigma with
 * sigma = 1e-4 / |p| (the Hessian-vector product of PRML §5.4.6 without forming H). A
 * Levenberg-Marquardt-style scale lambda keeps the curvature positive, delta = theta + lambda |p|^2,
 * and the trial step is w + alpha p with alpha = -mu / delta. The comparison ratio
 *
 *     Delta = 2 (E(w + alpha p) - E(w)) / (alpha mu)
 *
 * (actual over predicted decrease) accepts the trial when Delta >= 0 and tunes lambda: x4 when
 * Delta < 0.25, x1/2 when Delta > 0.75. After an accepted step the direction is updated by
 * Polak-Ribière with Netlab's denominator, p <- gamma p - g_new with
 * gamma = (g_old - g_new)^T g_new / mu; it restarts at -g after every `params.length` accepted
 * steps, and whenever p is not a descent direction (mu >= 0).
 *
 * Objective evaluations per step: 2 after an accepted step (at w + sigma p and at the trial
 * point; the trial's gradient is kept, so the gradient at the new w is not recomputed), 1 after a
 * rejected one (the slope and curvature along the unchanged p are reused), plus 1 on the first
 * step after construction or `reset`. Trial points are written into `params` and undone when
 * rejected or when the objective throws.
 *
 * The state (w, E(w), dE/dw at w, p, lambda, ...) belongs to the point the last step ended at.
 * If `params` differ from it at the start of a step (weights loaded, a different network), the
 * state is dropped and the method starts afresh; if the objective changes (other data, another
 * regulariser), call `reset`. `learningRate` is ignored: SCG chooses its own step lengths.
 *
 * Where this departs from Netlab: Netlab stops when |p|^2 < eps or g = 0; here such a step
 * leaves `params` unchanged and returns E, so a caller may keep stepping at no cost. A NaN
 * comparison ratio (E(trial) = NaN) counts as a failure and raises lambda, as Delta < 0.25 does;
 * Netlab would leave lambda as it was and repeat the same trial forever. Netlab's termination
 * tests on the step and E change are the caller's business.
 */
export class ScaledConjugateGradients implements Optimizer {
  readonly name = 'scg';
  /** Unused: SCG sets its own step lengths. Kept so every optimizer has the same shape. */
  learningRate: number;

  /** Whether the fields below describe a point (false after construction and `reset`). */
  private started = false;
  /** The current point w, where the last step ended; length = parameters. */
  private w = new Float64Array(0);
  /** E(w). */
  private e = 0;
  /** dE/dw at w. */
  private g = new Float64Array(0);
  /** The search direction p. */
  private p = new Float64Array(0);
  /** Scratch: the gradient at w + sigma p. */
  private gPlus = new Float64Array(0);
  /** Scratch: the gradient at the trial point; becomes g when the trial is accepted. */
  private gTrial = new Float64Array(0);
  /** Whether the last trial was accepted, so mu, kappa and theta must be recomputed. */
  private success = true;
  /** Accepted steps since the last restart at -g. */
  private nSuccess = 0;
  /** The scale lambda (Netlab's beta): how far the quadratic model is distrusted. */
  private scale = 1;
  /** mu = p^T g, the slope along p (negative for a descent direction). */
  private mu = 0;
  /** kappa = |p|^2. */
  private kappa = 0;
  /** theta = p^T H p, the finite-difference curvature along p. */
  private theta = 0;

  constructor(learningRate = 0) {
    this.learningRate = learningRate;
  }

  /** The current scale lambda (Møller's lambda, Netlab's beta); 1 before the first step. */
  get lambda(): number {
    return this.scale;
  }

  step(params: Float64Array, objective: Objective): number {
    if (!this.started || !sameBits(params, this.w)) this.begin(params, objective);
    const { w, g, p, gPlus, gTrial } = this;
    const n = params.length;
    const eOld = this.e;
    let { mu, kappa, theta, scale } = this;
    let alpha: number;
    let eNew: number;
    try {
      if (this.success) {
        mu = dot(p, g);
        if (mu >= 0) {
          // Not a descent direction: restart along -g. Safe to do in place even if the step is
          // then aborted, because repeating it gives the same p.
          for (let i = 0; i < n; i++) p[i] = -g[i];
          mu = dot(p, g);
        }
        kappa = dot(p, p);
        if (kappa < KAPPA_MIN) return eOld; // g = 0 to working precision: converged
        const sigma = SIGMA0 / Math.sqrt(kappa);
        for (let i = 0; i < n; i++) params[i] = w[i] + sigma * p[i];
        objective(params, gPlus);
        theta = 0;
        for (let i = 0; i < n; i++) theta += p[i] * (gPlus[i] - g[i]);
        theta /= sigma;
      }
      // Make the curvature positive: the scaled model is convex along p.
      let delta = theta + scale * kappa;
      if (delta <= 0) {
        delta = scale * kappa;
        scale -= theta / kappa;
      }
      alpha = -mu / delta;
      for (let i = 0; i < n; i++) params[i] = w[i] + alpha * p[i];
      eNew = objective(params, gTrial);
    } catch (err) {
      params.set(w);
      throw err;
    }

    // From here on nothing can throw: commit.
    const ratio = (2 * (eNew - eOld)) / (alpha * mu);
    const accepted = ratio >= 0;
    if (accepted) {
      w.set(params);
      this.e = eNew;
      this.nSuccess++;
    } else {
      params.set(w);
    }
    if (!(ratio >= 0.25)) scale = Math.min(4 * scale, LAMBDA_MAX); // NaN counts as bad
    if (ratio > 0.75) scale = Math.max(0.5 * scale, LAMBDA_MIN);

    if (accepted) {
      // g_old = g, g_new = gTrial.
      if (this.nSuccess === n) {
        for (let i = 0; i < n; i++) p[i] = -gTrial[i];
        this.nSuccess = 0;
      } else {
        let num = 0;
        for (let i = 0; i < n; i++) num += (g[i] - gTrial[i]) * gTrial[i];
        const gamma = num / mu;
        for (let i = 0; i < n; i++) p[i] = gamma * p[i] - gTrial[i];
      }
      this.g = gTrial;
      this.gTrial = g;
    }
    this.success = accepted;
    this.mu = mu;
    this.kappa = kappa;
    this.theta = theta;
    this.scale = scale;
    return eOld;
  }

  reset(): void {
    this.started = false;
  }

  /** Fresh state at `params`: E and dE/dw there, p = -g, lambda = 1. Throws before changing anything. */
  private begin(params: Float64Array, objective: Objective): void {
    const n = params.length;
    if (this.w.length !== n) {
      this.w = new Float64Array(n);
      this.g = new Float64Array(n);
      this.p = new Float64Array(n);
      this.gPlus = new Float64Array(n);
      this.gTrial = new Float64Array(n);
    }
    this.started = false;
    const e = objective(params, this.g);
    this.w.set(params);
    this.e = e;
    for (let i = 0; i < n; i++) this.p[i] = -this.g[i];
    this.success = true;
    this.nSuccess = 0;
    this.scale = 1;
    this.mu = this.kappa = this.theta = 0;
    this.started = true;
  }
}
