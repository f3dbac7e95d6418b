/**
 * The Laplace approximation to the posterior over a network's weights, PRML §5.7: a Gaussian
 * N(w | w_MAP, A^-1) at the given weights, with A = alpha I + beta H for regression (5.166) or
 * alpha I + H for classification (5.185), H the exact Hessian of the data term E_D (hessian.ts,
 * no weight decay: the prior's alpha takes its place). With the eigen-decomposition
 * H = U diag(lambda) U^T, A^-1 = U diag(1 / (alpha + beta lambda+)) U^T (negative eigenvalues
 * clamped to 0 as in evidence.ts), and the evidence framework (evidence.ts) can re-estimate
 * alpha and beta on the same eigenvalues.
 *
 * Predictions (PRML §5.7.1, §5.7.3) need the gradient g of an output's logit with respect to
 * the weights (r-operator.ts): its posterior variance sigma_a^2 = g^T A^-1 g, which gives the
 * regression error bar sqrt(1/beta + g^T A^-1 g) (5.173) and the moderated output (5.190).
 */
import { symmetricEigen } from './eigen';
import { type EvidenceData, type EvidenceOptions, type EvidencePoint, evidencePoint, evidenceProcedure, type LaplaceTask, laplaceTask } from './evidence';
import { hessian } from './hessian';
import { gemmNN } from './kernels';
import type { Network } from './network';
import { outputGradients } from './r-operator';

export { laplaceTask };

/** Options of `laplace`. */
export interface LaplaceOptions {
  /** The prior's precision alpha (PRML (5.162)); with `evidence`, the starting value. */
  alpha: number;
  /** Regression only: the noise precision beta; default N K / (2 E_D), (5.180) with gamma = 0. */
  beta?: number;
  /** Re-estimate alpha and beta with the weights fixed until they converge (PRML §5.7.2). */
  evidence?: boolean;
  evidenceOptions?: EvidenceOptions;
}

/** A Laplace approximation at a network's weights. */
export interface LaplaceResult {
  task: LaplaceTask;
  alpha: number;
  /** The noise precision; null for classification. */
  beta: number | null;
  /** The effective number of parameters gamma, PRML (5.179). */
  gamma: number;
  /** ln p(D | alpha, beta), PRML (5.175) / (5.183). */
  logEvidence: number;
  /** Re-estimations made (0 without `evidence`), and whether they converged. */
  iterations: number;
  converged: boolean;
  /** Every (alpha, beta, gamma, ln evidence) of the re-estimation, from the start. */
  history: EvidencePoint[];
  /** W, the number of parameters. */
  parameters: number;
  /** N, the number of samples. */
  samples: number;
  /** E_D at the weights, and w^T w. */
  ED: number;
  ww: number;
  /** The eigenvalues of H (the Hessian of E_D), ascending, as computed (before clamping). */
  eigenvalues: Float64Array;
  /** How many of them were negative (beyond rounding) and counted as 0. */
  negativeEigenvalues: number;
  /** A^-1, P x P row-major, in the parameter order of network.ts. */
  covariance: Float64Array;
}

/** A^-1 = sum_j u_j u_j^T / (alpha + beta max(lambda_j, 0)) from H's eigen-decomposition (rows of `vectors`). */
export function posteriorCovariance(values: ArrayLike<number>, vectors: Float64Array, alpha: number, beta: number): Float64Array {
  const P = values.length;
  const cov = new Float64Array(P * P);
  for (let j = 0; j < P; j++) {
    const w = 1 / (alpha + beta * Math.max(values[j], 0));
    const u = vectors.subarray(j * P, j * P + P);
    for (let r = 0; r < P; r++) {
      const ur = w * u[r];
      if (ur === 0) continue;
      const row = r * P;
      for (let c = r; c < P; c++) cov[row + c] += ur * u[c];
    }
  }
  // The upper triangle mirrored: exactly symmetric.
  for (let r = 0; r < P; r++) for (let c = r + 1; c < P; c++) cov[c * P + r] = cov[r * P + c];
  return cov;
}

/**
 * The Laplace approximation at the network's current weights over the n samples x, t (targets
 * in the cost's form). Throws a RangeError for a mixture density network (its E_D is not one of
 * PRML §5.7's), and EvidenceError when a re-estimation formula breaks down.
 */
export function laplace(net: Network, x: Float64Array, t: Float64Array, n: number, options: LaplaceOptions): LaplaceResult {
  const task = laplaceTask(net.cost.name);
  if (!task) throw new RangeError(`the Laplace approximation of PRML §5.7 covers sum-of-squares regression and cross-entropy classification, not ${net.cost.name}`);
  if (!(options.alpha > 0 && Number.isFinite(options.alpha))) throw new RangeError(`alpha must be a number greater than 0, got ${options.alpha}`);
  if (options.beta !== undefined && task !== 'regression') throw new RangeError('beta, the noise precision, belongs to regression (sum of squares); a classifier has none');
  if (options.beta !== undefined && !(options.beta > 0 && Number.isFinite(options.beta))) throw new RangeError(`beta must be a number greater than 0, got ${options.beta}`);
  const h = hessian(net, x, t, n, 'exact');
  const P = h.parameters;
  const { values, vectors } = symmetricEigen(h.matrix!, P);
  let ww = 0;
  for (const w of net.params) ww += w * w;
  const k = net.outputs;
  const data: EvidenceData = { task, eigenvalues: values, ww, ED: h.E, observations: n * k };
  const beta = task === 'regression' ? options.beta ?? defaultBeta(data) : 1;
  let history: EvidencePoint[];
  let iterations = 0;
  let converged = true;
  if (options.evidence) {
    const run = evidenceProcedure(data, { alpha: options.alpha, beta }, options.evidenceOptions);
    history = run.history;
    iterations = run.iterations;
    converged = run.converged;
  } else {
    history = [evidencePoint(data, { alpha: options.alpha, beta })];
  }
  const final = history[history.length - 1];
  // Negative beyond the eigen-decomposition's rounding (P eps max|lambda|): a softmax network's
  // exactly flat direction (adding a constant to every logit) comes out as +-1e-16, not as this.
  let largest = 0;
  for (const v of values) largest = Math.max(largest, Math.abs(v));
  const noise = P * 2 ** -52 * largest;
  let negative = 0;
  for (const v of values) if (v < -noise) negative++;
  return {
    task,
    alpha: final.alpha,
    beta: task === 'regression' ? final.beta : null,
    gamma: final.gamma,
    logEvidence: final.logEvidence,
    iterations,
    converged,
    history,
    parameters: P,
    samples: n,
    ED: h.E,
    ww,
    eigenvalues: values,
    negativeEigenvalues: negative,
    covariance: posteriorCovariance(values, vectors!, final.alpha, final.beta),
  };
}

/** beta = N K / (2 E_D): (5.180) with gamma = 0, the maximum-likelihood noise precision. */
export function maximumLikelihoodBeta(ED: number, observations: number): number {
  if (!(ED > 0)) throw new RangeError('the network fits every target exactly (E_D = 0), so the noise precision beta has no estimate: give it (--beta)');
  return observations / (2 * ED);
}

function defaultBeta(d: EvidenceData): number {
  return maximumLikelihoodBeta(d.ED, d.observations);
}

/**
 * sigma_a^2 = g^T A^-1 g for every sample and output unit (n x outputs, row-major), g the
 * gradient of that unit's logit at the sample with respect to the weights (PRML (5.173),
 * (5.188)); `covariance` is A^-1 in the parameter order.
 */
export function logitVariances(net: Network, covariance: Float64Array, x: Float64Array, n: number): Float64Array {
  const P = net.size;
  if (covariance.length !== P * P) throw new RangeError(`the covariance has ${covariance.length} entries, the network's ${P} parameters need ${P * P}`);
  const k = net.outputs;
  const out = new Float64Array(n * k);
  const cg = new Float64Array(n * P);
  for (let unit = 0; unit < k; unit++) {
    const g = outputGradients(net, x, n, unit);
    gemmNN(n, P, P, g, covariance, cg, false);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let i = 0; i < P; i++) s += g[r * P + i] * cg[r * P + i];
      out[r * k + unit] = s;
    }
  }
  return out;
}
