/**
 * Gradient checking by central differences, PRML §5.3.3 (5.69):
 *
 *     dE/dw ~ (E(w + eps) - E(w - eps)) / (2 eps)
 *
 * for every parameter and every input, compared with backpropagation. The relative error
 * |fd - bp| / max(|fd|, |bp|) is reported per layer; where both are below `floor` the pair counts
 * as agreeing (a dead ReLU unit has gradient 0 both ways). A check that cannot fail checks
 * nothing: its test feeds it a deliberately wrong derivative and expects a failure.
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
  /** Step of the central difference (the seed's 1e-6). */
  eps?: number;
  /** Largest relative error that passes. */
  tolerance?: number;
  /** Gradients smaller than this in both estimates count as equal. */
  floor?: number;
}

/**
 * Checks backprop against central differences on the batch (x, t) of n samples, for every
 * parameter and every input. Leaves `net.params` as it found them.
 */
export function gradientCheck(
  net: Network, x: Float64Array, t: Float64Array, n: number, options: GradcheckOptions = {},
): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const tolerance = options.tolerance ?? 1e-6;
  const floor = options.floor ?? 1e-9;
  net.gradient(x, t, n, true);
  const bp = Float64Array.from(net.grads);
  const bpInput = Float64Array.from(net.inputGradient(n));

  const groups: GradcheckGroup[] = [];
  const p = net.params;
  net.layers.forEach((layer, l) => {
    const size = layer.weights.length + layer.bias.length;
    const g = newGroup(`layer ${l + 1}`, size);
    for (let i = 0; i < size; i++) {
      const at = layer.offset + i;
      const fd = centralDifference(() => net.error(x, t, n), p, at, eps);
      record(g, i, fd, bp[at], floor);
    }
    groups.push(g);
  });
  const xs = Float64Array.from(x.subarray(0, n * net.inputs));
  const gin = newGroup('inputs', xs.length);
  for (let i = 0; i < xs.length; i++) {
    const fd = centralDifference(() => net.error(xs, t, n), xs, i, eps);
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

function newGroup(name: string, count: number): GradcheckGroup {
  return { name, count, maxRelError: 0, maxAbsError: 0, worstIndex: 0, worstFiniteDifference: 0, worstBackprop: 0 };
}

function record(g: GradcheckGroup, i: number, fd: number, bp: number, floor: number): void {
  const abs = Math.abs(fd - bp);
  const scale = Math.max(Math.abs(fd), Math.abs(bp));
  // NaN (a broken derivative) must fail, so compare with !(x <= y) rather than x > y.
  const rel = scale < floor ? (abs <= floor ? 0 : 1) : abs / scale;
  if (abs > g.maxAbsError || Number.isNaN(abs)) g.maxAbsError = abs;
  if (!(rel <= g.maxRelError)) {
    g.maxRelError = Number.isNaN(rel) ? Infinity : rel;
    g.worstIndex = i;
    g.worstFiniteDifference = fd;
    g.worstBackprop = bp;
  }
}
