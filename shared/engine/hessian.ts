/**
 * The Hessian H = d^2E / dw dw^T of a network's error over a set of samples (PRML §5.4), as a
 * P x P matrix in the parameter order of network.ts (layer by layer: weights row by row, then
 * biases; the weights file's order), by one of four methods:
 *
 * - `exact`: one Hessian-vector product per column by the R-operator (PRML §5.4.6,
 *   r-operator.ts), O(W) each, so O(W^2) in all (times the samples);
 * - `outer-product`: the outer-product (Levenberg-Marquardt, Gauss-Newton) approximation
 *   sum_n J_n^T (d^2E_n/da da^T) J_n, PRML (5.84)-(5.86), which drops the terms with second
 *   derivatives of the network function: exact for a network that is linear in its weights, and
 *   for sum of squares at zero residual;
 * - `diagonal`: the diagonal approximation of PRML (5.79)-(5.81) (off-diagonal entries 0);
 * - `finite-difference`: central differences of the backpropagated gradient, PRML (5.90),
 *   column by column, O(eps^2): the check for the others.
 *
 * E is the error as training reports it: the cost summed over the samples (PRML (5.11)) plus,
 * when `weightDecay` lambda > 0, lambda/2 times the sum of squared weights (not biases, PRML
 * (5.112), as the trainer regularises), whose Hessian lambda on the weights' diagonal is added.
 * The three matrix methods return (M + M^T)/2 of the columns they compute (for exact and
 * outer-product that changes only rounding; for finite differences it averages the two
 * estimates of each off-diagonal entry).
 *
 * Samples are taken in chunks of `rows`, each chunk's forward and backward pass computed once
 * and reused for all P columns, so memory is P^2 plus one chunk.
 */
import { type CurvatureOptions, CurvaturePass } from './r-operator';
import type { Network } from './network';

/** The methods of `hessian`. */
export const HESSIAN_METHODS = ['exact', 'outer-product', 'diagonal', 'finite-difference'] as const;
/** One of `HESSIAN_METHODS`. */
export type HessianMethod = (typeof HESSIAN_METHODS)[number];

/** True when `name` is one of `HESSIAN_METHODS`. */
export function isHessianMethod(name: unknown): name is HessianMethod {
  return typeof name === 'string' && (HESSIAN_METHODS as readonly string[]).includes(name);
}

/**
 * The most parameters whose P x P Hessian is formed (a 2500 x 2500 matrix of doubles is 50 MB,
 * and its eigen-decomposition takes about a minute here); the diagonal method has no limit.
 */
export const MAX_HESSIAN_PARAMETERS = 2500;

/** Options of `hessian`. */
export interface HessianOptions extends CurvatureOptions {
  /** lambda of the weight-decay term lambda/2 sum of squared weights (default 0). */
  weightDecay?: number;
  /**
   * Step of the central differences (finite-difference only; default 2e-6: their O(eps^2)
   * truncation and O(u / eps) rounding, u = 2^-52, balance near the cube root of u).
   */
  eps?: number;
  /** Samples per chunk (default 2048). */
  rows?: number;
}

/** A Hessian and the error it belongs to. */
export interface HessianResult {
  method: HessianMethod;
  /** The number of parameters P. */
  parameters: number;
  /** E at the weights: the cost summed over the samples, plus the weight-decay term. */
  E: number;
  /** P x P, row-major, symmetric; the diagonal method's has zeros off the diagonal. Null for `diagonal` when P is too large to form it. */
  matrix: Float64Array | null;
  /** The diagonal of the Hessian (of its approximation), length P. */
  diagonal: Float64Array;
}

/** 1 for every weight, 0 for every bias (the parameters weight decay acts on), parameter layout. */
export function weightMask(net: Network): Uint8Array {
  const mask = new Uint8Array(net.size);
  for (const l of net.layers) mask.fill(1, l.offset, l.offset + l.weights.length);
  return mask;
}

/** Thrown when a P x P Hessian would not fit; names the methods that still work. */
export class HessianSizeError extends RangeError {
  override name = 'HessianSizeError';
}

/** Refuses a network whose P x P matrix would not fit (see MAX_HESSIAN_PARAMETERS). */
export function checkHessianSize(P: number, method: HessianMethod | 'laplace'): void {
  if (method === 'diagonal' || P <= MAX_HESSIAN_PARAMETERS) return;
  const mb = Math.round((P * P * 8) / 1e6);
  const instead = method === 'laplace'
    ? 'the Laplace approximation needs the whole matrix and its eigenvectors: use a smaller network'
    : 'the diagonal approximation (--method diagonal) still works, or use a smaller network';
  throw new HessianSizeError(`the network has ${P} parameters: its ${P} x ${P} Hessian (${mb} MB) is more than this build forms (up to ${MAX_HESSIAN_PARAMETERS} parameters); ${instead}`);
}

/**
 * The Hessian of E over the n samples x (n x inputs), t (n x targets) at the network's current
 * weights, by `method`. The weights are left as they were.
 */
export function hessian(net: Network, x: Float64Array, t: Float64Array, n: number, method: HessianMethod, options: HessianOptions = {}): HessianResult {
  const P = net.size;
  const lambda = options.weightDecay ?? 0;
  if (!(lambda >= 0)) throw new RangeError(`weight decay must be 0 or more, got ${lambda}`);
  const mask = weightMask(net);
  let decay = 0;
  for (let i = 0; i < P; i++) if (mask[i]) decay += net.params[i] * net.params[i];
  decay *= 0.5 * lambda;
  const rows = Math.max(1, options.rows ?? 2048);
  const d = net.inputs;
  const k = targetWidth(net, t, n);
  const chunks = (each: (pass: CurvaturePass) => void): number => {
    let E = 0;
    for (let r0 = 0; r0 < n; r0 += rows) {
      const m = Math.min(rows, n - r0);
      const pass = new CurvaturePass(net, x.subarray(r0 * d, (r0 + m) * d), t.subarray(r0 * k, (r0 + m) * k), m, options);
      E += pass.E;
      each(pass);
    }
    return E;
  };
  let E: number;
  let matrix: Float64Array | null = null;
  const diagonal = new Float64Array(P);
  if (method === 'diagonal') {
    const part = new Float64Array(P);
    E = chunks((pass) => {
      pass.diagonal(part);
      for (let i = 0; i < P; i++) diagonal[i] += part[i];
    });
    for (let i = 0; i < P; i++) if (mask[i]) diagonal[i] += lambda;
    if (P <= MAX_HESSIAN_PARAMETERS) {
      matrix = new Float64Array(P * P);
      for (let i = 0; i < P; i++) matrix[i * P + i] = diagonal[i];
    }
    return { method, parameters: P, E: E + decay, matrix, diagonal };
  }
  checkHessianSize(P, method);
  matrix = new Float64Array(P * P);
  if (method === 'finite-difference') {
    E = chunks(() => {});
    finiteDifferenceColumns(net, x, t, n, lambda, mask, options.eps ?? 2e-6, matrix);
  } else {
    const unit = new Float64Array(P);
    const outer = method === 'outer-product';
    E = chunks((pass) => {
      for (let i = 0; i < P; i++) {
        unit[i] = 1;
        pass.times(unit, matrix!.subarray(i * P, (i + 1) * P), outer, true);
        unit[i] = 0;
      }
    });
    for (let i = 0; i < P; i++) if (mask[i]) matrix[i * P + i] += lambda;
  }
  symmetrize(matrix, P);
  for (let i = 0; i < P; i++) diagonal[i] = matrix[i * P + i];
  return { method, parameters: P, E: E + decay, matrix, diagonal };
}

/**
 * Row i of `into` = (grad E(w + eps e_i) - grad E(w - eps e_i)) / (2 eps), PRML (5.90), the
 * gradient backpropagated over all n samples, weight decay included.
 */
function finiteDifferenceColumns(
  net: Network, x: Float64Array, t: Float64Array, n: number, lambda: number, mask: Uint8Array, eps: number, into: Float64Array,
): void {
  const P = net.size;
  const w = net.params;
  const plus = new Float64Array(P);
  const gradientAt = (out: Float64Array) => {
    net.gradient(x, t, n, false, false);
    out.set(net.grads);
    if (lambda > 0) for (let j = 0; j < P; j++) if (mask[j]) out[j] += lambda * w[j];
  };
  const minus = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    const wi = w[i];
    try {
      w[i] = wi + eps;
      gradientAt(plus);
      w[i] = wi - eps;
      gradientAt(minus);
    } finally {
      w[i] = wi;
    }
    const row = i * P;
    for (let j = 0; j < P; j++) into[row + j] = (plus[j] - minus[j]) / (2 * eps);
  }
}

/** M <- (M + M^T) / 2 in place (P x P, row-major). */
export function symmetrize(M: Float64Array, P: number): void {
  for (let i = 0; i < P; i++) {
    for (let j = i + 1; j < P; j++) {
      const v = 0.5 * (M[i * P + j] + M[j * P + i]);
      M[i * P + j] = v;
      M[j * P + i] = v;
    }
  }
}

/** Target values per sample: t.length / n (the cost's own count; a mixture's D). */
function targetWidth(net: Network, t: Float64Array, n: number): number {
  const k = net.cost.targetsPerSample ? net.cost.targetsPerSample(net.outputs) : net.outputs;
  if (t.length < n * k) throw new RangeError(`the targets hold ${t.length} values, ${n} samples of ${k} need ${n * k}`);
  return k;
}
