/**
 * Gradient checking by finite differences, PRML §5.3.3: for every parameter and every input the
 * derivative of E is estimated numerically and compared with backpropagation.
 *
 * The estimate is the fourth-order central difference
 *
 *     dE/dw ~ (E(w - 2h) - 8 E(w - h) + 8 E(w + h) - E(w + 2h)) / (12 h)
 *
 * whose error is O(h^4) instead of the O(h^2) of PRML (5.69), so a larger step (h = 1e-4) keeps
 * rounding error small too. The relative error |fd - bp| / max(|fd|, |bp|, floor) is reported per
 * layer. `floor` (1e-5 max(1, |E|) unless given) is where rounding in E itself makes a relative
 * error meaningless: a gradient that small counts by its absolute error. A check that cannot fail
 * checks nothing: its test feeds it a deliberately wrong derivative and expects a failure.
 *
 * The seed's own printout (two-point difference, eps 1e-6, one probe input) is reproduced by
 * `seedLine`.
 */
import type { Network } from './network';

/** The worst disagreement found in one group of quantities (a layer's parameters, or the inputs). */
export interface GradcheckGroup {
  /** "layer 1" ... "layer L" (the last is the output layer), or "inputs". */
  name: string;
  /** How many quantities were checked. */
  count: number;
  /** max over the group of |fd - bp| / max(|fd|, |bp|). */
  maxRelError: number;
  /** max over the group of |fd - bp|. */
  maxAbsError: number;
  /** Index within the group where the relative error is largest. */
  worstIndex: number;
  /** Finite difference and backprop values at `worstIndex`. */
  worstFiniteDifference: number;
  worstBackprop: number;
}

/** The seed's printout: finite difference vs backpropagation for the first input. */
export interface SeedLine {
  finiteDifference: number;
  backpropagation: number;
}

/** A whole gradient check. */
export interface GradcheckResult {
  eps: number;
  tolerance: number;
  /** One group per layer (parameters), then one for the inputs. */
  groups: GradcheckGroup[];
  /** The largest relative error of all groups. */
  maxRelError: number;
  /** True when every relative error is at most `tolerance`. */
  passed: boolean;
  /** The seed's check: x = (0.5, ..., 0.5), t = (1, 0, ..., 0), derivative by x_1. */
  seedLine: SeedLine;
}

/** Options of `gradientCheck`. */
export interface GradcheckOptions {
  /** Step h of the finite difference. */
  eps?: number;
  /** Largest relative error that passes. */
  tolerance?: number;
  /** Smallest denominator of a relative error (default 1e-5 max(1, |E|)). */
  floor?: number;
}

/**
 * Checks backprop against central differences on the batch (x, t) of n samples, for every
 * parameter and every input. Leaves `net.params` as it found them.
 */
export function gradientCheck(
  net: Network, x: Float64Array, t: Float64Array, n: number, options: GradcheckOptions = {},
): GradcheckResult {
  const eps = options.eps ?? 1e-4;
  const tolerance = options.tolerance ?? 1e-6;
  const e0 = net.gradient(x, t, n, true);
  const floor = options.floor ?? 1e-5 * Math.max(1, Math.abs(e0));
  const bp = Float64Array.from(net.grads);
  const bpInput = Float64Array.from(net.inputGradient(n));

  const groups: GradcheckGroup[] = [];
  const p = net.params;
  net.layers.forEach((layer, l) => {
    const size = layer.weights.length + layer.bias.length;
    const g = newGroup(`layer ${l + 1}`, size);
    for (let i = 0; i < size; i++) {
      const at = layer.offset + i;
      const fd = fourthOrderDifference(() => net.error(x, t, n), p, at, eps);
      record(g, i, fd, bp[at], floor);
    }
    groups.push(g);
  });
  const xs = Float64Array.from(x.subarray(0, n * net.inputs));
  const gin = newGroup('inputs', xs.length);
  for (let i = 0; i < xs.length; i++) {
    const fd = fourthOrderDifference(() => net.error(xs, t, n), xs, i, eps);
    record(gin, i, fd, bpInput[i], floor);
  }
  groups.push(gin);
  net.gradient(x, t, n); // leave grads consistent with params

  const maxRelError = Math.max(...groups.map((g) => g.maxRelError));
  return {
    eps,
    tolerance,
    groups,
    maxRelError,
    passed: groups.every((g) => g.maxRelError <= tolerance),
    seedLine: seedLine(net, eps),
  };
}

/** The seed's `_gradient_check`: one sample of 0.5s, target (1, 0, ...), derivative by x_1. */
export function seedLine(net: Network, eps = 1e-6): SeedLine {
  const x = new Float64Array(net.inputs).fill(0.5);
  const t = new Float64Array(net.outputs);
  t[0] = 1;
  const finiteDifference = centralDifference(() => net.error(x, t, 1), x, 0, eps);
  net.gradient(x, t, 1, true);
  return { finiteDifference, backpropagation: net.inputGradient(1)[0] };
}

/** (f(v + eps e_i) - f(v - eps e_i)) / 2 eps, restoring v[i] afterwards. */
function centralDifference(f: () => number, v: Float64Array, i: number, eps: number): number {
  const saved = v[i];
  v[i] = saved + eps;
  const plus = f();
  v[i] = saved - eps;
  const minus = f();
  v[i] = saved;
  return (plus - minus) / (2 * eps);
}

/** (f(v - 2h) - 8 f(v - h) + 8 f(v + h) - f(v + 2h)) / 12h along e_i, restoring v[i]. */
function fourthOrderDifference(f: () => number, v: Float64Array, i: number, h: number): number {
  const saved = v[i];
  v[i] = saved - 2 * h;
  const m2 = f();
  v[i] = saved - h;
  const m1 = f();
  v[i] = saved + h;
  const p1 = f();
  v[i] = saved + 2 * h;
  const p2 = f();
  v[i] = saved;
  return (m2 - 8 * m1 + 8 * p1 - p2) / (12 * h);
}

function newGroup(name: string, count: number): GradcheckGroup {
  return { name, count, maxRelError: 0, maxAbsError: 0, worstIndex: 0, worstFiniteDifference: 0, worstBackprop: 0 };
}

function record(g: GradcheckGroup, i: number, fd: number, bp: number, floor: number): void {
  const abs = Math.abs(fd - bp);
  const rel = abs / Math.max(Math.abs(fd), Math.abs(bp), floor);
  // NaN (a broken derivative) must fail, so compare with !(x <= y) rather than x > y.
  if (abs > g.maxAbsError || Number.isNaN(abs)) g.maxAbsError = abs;
  if (!(rel <= g.maxRelError)) {
    g.maxRelError = Number.isNaN(rel) ? Infinity : rel;
    g.worstIndex = i;
    g.worstFiniteDifference = fd;
    g.worstBackprop = bp;
  }
}
