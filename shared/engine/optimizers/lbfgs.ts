import type { Objective, Optimizer } from './types';
import { dot, sameBits } from './vectors';

/** Sufficient decrease (Armijo) and curvature constants of the strong Wolfe conditions (Nocedal & Wright (3.7)). */
const C1 = 1e-4;
const C2 = 0.9;
/** Objective evaluations one line search may spend before it gives up. */
const MAX_EVALUATIONS = 25;
/** Step lengths beyond this many times the first trial are not tried while bracketing. */
const MAX_EXPANSION = 1e10;

/**
 * Limited-memory BFGS (Nocedal 1980; Nocedal & Wright, Numerical Optimization, Algorithms 7.4
 * and 7.5) with a line search that satisfies the strong Wolfe conditions (Algorithms 3.5 and 3.6,
 * cubic interpolation in the zoom). A batch method like scaled conjugate gradients (PRML §5.2.4):
 * give it the whole training set, so that every evaluation sees the same E.
 *
 * One `step` is one iteration: the direction p = -H g from the last m pairs
 * s = w_{k+1} - w_k, y = g_{k+1} - g_k by the two-loop recursion, with the initial inverse
 * Hessian scaled by s^T y / y^T y of the newest pair (N&W (7.20)); then a line search along p
 * from the step length 1 (on the first iteration, and after a restart, 1 / |g|, so the first trial
 * moves the weights by a length of about 1); then the new pair is stored when s^T y > 0, which
 * the strong Wolfe conditions guarantee, so H stays positive definite. The gradient at the new
 * point comes from the line search's last evaluation: about 1-2 evaluations per iteration once
 * the step length 1 is usually accepted.
 *
 * When a line search finds no step that satisfies the conditions within 25 evaluations, the
 * lowest point it saw is taken if it decreased E; if none did, the memory is dropped and the
 * next step starts along -g; if even that finds no decrease, the weights are at a minimum to
 * working precision: they are left where they are, and this and every later `step` returns E
 * without evaluating anything (until the weights change from outside or `reset`).
 *
 * Like SCG, the state belongs to the point the last step ended at: weights changed from outside
 * start the method afresh, and a changed objective (other data, another regulariser) needs
 * `reset`. Trial points are written into `params` and undone if the objective throws.
 * `learningRate` is ignored.
 */
export class Lbfgs implements Optimizer {
  readonly name = 'lbfgs';
  /** Unused: the line search chooses the step lengths. */
  learningRate: number;
  /** m, the number of (s, y) pairs kept. */
  readonly memory: number;

  private started = false;
  private w = new Float64Array(0);
  private e = 0;
  private g = new Float64Array(0);
  /** Pairs, newest last: s_i, y_i and rho_i = 1 / y_i^T s_i. */
  private s: Float64Array[] = [];
  private y: Float64Array[] = [];
  private rho: number[] = [];
  private p = new Float64Array(0);
  private alphas = new Float64Array(0);
  private gTrial = new Float64Array(0);
  private gBest = new Float64Array(0);
  private wBest = new Float64Array(0);
  /** True after a failed line search: the next direction is -g with a short first step. */
  private restarted = true;
  /** True once a line search along -g found no decrease: a minimum to working precision. */
  private stalled = false;

  constructor(learningRate = 0, memory = 10) {
    if (!(Number.isInteger(memory) && memory >= 1)) throw new RangeError(`the L-BFGS memory must be a whole number >= 1, got ${memory}`);
    this.learningRate = learningRate;
    this.memory = memory;
  }

  /** Pairs currently held (at most `memory`). */
  get pairs(): number {
    return this.s.length;
  }

  step(params: Float64Array, objective: Objective): number {
    if (!this.started || !sameBits(params, this.w)) this.begin(params, objective);
    const n = params.length;
    const { w, g, p } = this;
    const e0 = this.e;
    let gnorm = 0;
    for (let i = 0; i < n; i++) gnorm += g[i] * g[i];
    gnorm = Math.sqrt(gnorm);
    if (gnorm === 0 || this.stalled) return e0; // a minimum to working precision: nothing to do
    this.direction();
    let slope = dot(p, g);
    if (!(slope < 0)) {
      // Not a descent direction (rounding in a badly conditioned memory): steepest descent.
      for (let i = 0; i < n; i++) p[i] = -g[i];
      slope = -gnorm * gnorm;
      this.restarted = true;
    }
    const first = this.restarted ? Math.min(1, 1 / gnorm) : 1;
    let found: { t: number; e: number } | null;
    try {
      found = this.lineSearch(params, objective, e0, slope, first);
    } catch (err) {
      params.set(w);
      throw err;
    }
    // Commit: nothing below throws.
    if (!found) {
      params.set(w);
      if (this.restarted) this.stalled = true;
      else {
        // Drop the memory; the next step tries steepest descent.
        this.clearMemory();
        this.restarted = true;
      }
      return e0;
    }
    let sy = 0;
    for (let i = 0; i < n; i++) sy += found.t * p[i] * (this.gBest[i] - g[i]);
    if (sy > 0) {
      // The oldest pair's vectors are reused for the newest once the memory is full.
      const full = this.s.length === this.memory;
      const sNew = full ? this.s.shift()! : new Float64Array(n);
      const yNew = full ? this.y.shift()! : new Float64Array(n);
      if (full) this.rho.shift();
      for (let i = 0; i < n; i++) {
        sNew[i] = found.t * p[i];
        yNew[i] = this.gBest[i] - g[i];
      }
      this.s.push(sNew);
      this.y.push(yNew);
      this.rho.push(1 / sy);
    }
    params.set(this.wBest);
    w.set(this.wBest);
    g.set(this.gBest);
    this.e = found.e;
    this.restarted = false;
    return e0;
  }

  reset(): void {
    this.started = false;
  }

  /** p = -H g by the two-loop recursion (N&W Algorithm 7.4). */
  private direction(): void {
    const { g, p, s, y, rho } = this;
    const n = g.length;
    const k = s.length;
    for (let i = 0; i < n; i++) p[i] = -g[i];
    for (let j = k - 1; j >= 0; j--) {
      const a = rho[j] * dot(s[j], p);
      this.alphas[j] = a;
      const yj = y[j];
      for (let i = 0; i < n; i++) p[i] -= a * yj[i];
    }
    if (k > 0) {
      const yy = dot(y[k - 1], y[k - 1]);
      const scale = 1 / (rho[k - 1] * yy); // s^T y / y^T y, N&W (7.20)
      for (let i = 0; i < n; i++) p[i] *= scale;
    }
    for (let j = 0; j < k; j++) {
      const b = rho[j] * dot(y[j], p);
      const c = this.alphas[j] - b;
      const sj = s[j];
      for (let i = 0; i < n; i++) p[i] += c * sj[i];
    }
  }

  /**
   * A step length t along p meeting the strong Wolfe conditions (N&W Algorithm 3.5, zoom 3.6);
   * on success wBest, gBest hold the point and its gradient. Null when none was found within
   * MAX_EVALUATIONS (or E did not decrease at all).
   */
  private lineSearch(params: Float64Array, objective: Objective, e0: number, slope0: number, t1: number): { t: number; e: number } | null {
    const { w, p } = this;
    const n = w.length;
    let evaluations = 0;
    // phi(t) = E(w + t p) and phi'(t) = p^T grad E(w + t p); the gradient lands in gTrial.
    const phi = (t: number): { e: number; d: number } => {
      for (let i = 0; i < n; i++) params[i] = w[i] + t * p[i];
      const e = objective(params, this.gTrial);
      evaluations++;
      return { e, d: dot(p, this.gTrial) };
    };
    const keep = (t: number, e: number): { t: number; e: number } => {
      for (let i = 0; i < n; i++) this.wBest[i] = w[i] + t * p[i];
      this.gBest.set(this.gTrial);
      return { t, e };
    };
    // The lowest point seen that decreases E, as a fallback when the conditions are never met.
    let best: { t: number; e: number } | null = null;
    const remember = (t: number, e: number) => {
      if (e < e0 && (!best || e < best.e)) best = keep(t, e);
    };
    let tPrev = 0;
    let ePrev = e0;
    let dPrev = slope0;
    let t = t1;
    const zoom = (lo: number, eLo: number, dLo: number, hi: number, eHi: number, dHi: number): { t: number; e: number } | null => {
      while (evaluations < MAX_EVALUATIONS) {
        let tj = cubicMinimizer(lo, eLo, dLo, hi, eHi, dHi);
        const width = Math.abs(hi - lo);
        const left = Math.min(lo, hi);
        // Safeguard: stay inside the interval, away from its ends.
        if (!(tj > left + 0.1 * width && tj < left + 0.9 * width)) tj = lo + 0.5 * (hi - lo);
        if (width < 1e-16 * Math.max(1, Math.abs(lo))) return null;
        const f = phi(tj);
        if (!Number.isFinite(f.e) || f.e > e0 + C1 * tj * slope0 || f.e >= eLo) {
          hi = tj;
          eHi = Number.isFinite(f.e) ? f.e : Infinity;
          dHi = Number.isFinite(f.d) ? f.d : NaN;
        } else {
          remember(tj, f.e);
          if (Math.abs(f.d) <= -C2 * slope0) return keep(tj, f.e);
          if (f.d * (hi - lo) >= 0) {
            hi = lo;
            eHi = eLo;
            dHi = dLo;
          }
          lo = tj;
          eLo = f.e;
          dLo = f.d;
        }
      }
      return null;
    };
    while (evaluations < MAX_EVALUATIONS) {
      const f = phi(t);
      if (!Number.isFinite(f.e) || f.e > e0 + C1 * t * slope0 || (evaluations > 1 && f.e >= ePrev)) {
        const r = zoom(tPrev, ePrev, dPrev, t, Number.isFinite(f.e) ? f.e : Infinity, Number.isFinite(f.d) ? f.d : NaN);
        return r ?? best;
      }
      remember(t, f.e);
      if (Math.abs(f.d) <= -C2 * slope0) return keep(t, f.e);
      if (f.d >= 0) return zoom(t, f.e, f.d, tPrev, ePrev, dPrev) ?? best;
      if (t >= MAX_EXPANSION * t1) break;
      tPrev = t;
      ePrev = f.e;
      dPrev = f.d;
      t *= 2;
    }
    return best;
  }

  private clearMemory(): void {
    this.s = [];
    this.y = [];
    this.rho = [];
  }

  /** Fresh state at `params`: E and dE/dw there, no memory. Throws before changing anything. */
  private begin(params: Float64Array, objective: Objective): void {
    const n = params.length;
    if (this.w.length !== n) {
      this.w = new Float64Array(n);
      this.g = new Float64Array(n);
      this.p = new Float64Array(n);
      this.gTrial = new Float64Array(n);
      this.gBest = new Float64Array(n);
      this.wBest = new Float64Array(n);
      this.alphas = new Float64Array(this.memory);
    }
    this.started = false;
    const e = objective(params, this.g);
    this.w.set(params);
    this.e = e;
    this.clearMemory();
    this.restarted = true;
    this.stalled = false;
    this.started = true;
  }
}

/**
 * The minimiser of the cubic through (a, fa) and (b, fb) with slopes da, db (N&W (3.59)); NaN
 * when it has none (then the caller bisects).
 */
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  if (!(Number.isFinite(fa) && Number.isFinite(fb) && Number.isFinite(da) && Number.isFinite(db))) return NaN;
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}
