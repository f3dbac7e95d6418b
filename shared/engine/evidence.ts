/**
 * The evidence framework for neural networks, PRML §5.7.2-5.7.3, on the eigenvalues of the
 * Hessian H of the data term E_D at the weights w:
 *
 *   regression (5.166):      A = alpha I + beta H,   E(w) = beta E_D + alpha/2 w^T w,
 *                            E_D = 1/2 sum ||y - t||^2
 *   classification (5.185):  A = alpha I + H,        E(w) = E_D + alpha/2 w^T w (beta = 1),
 *                            E_D the cross-entropy
 *
 *   gamma = sum_i lambda_i / (alpha + lambda_i)                  (5.179), lambda_i of beta H
 *   alpha <- gamma / w^T w                                       (5.178)
 *   1/beta <- sum ||y - t||^2 / (N K - gamma)                    (5.180)
 *   ln p(D | alpha, beta) = -E(w) - 1/2 ln|A| + W/2 ln alpha
 *                           + N K/2 ln beta - N K/2 ln 2pi       (5.175; classification (5.183)
 *                                                                 has only the first three terms)
 *
 * W is the number of parameters (the prior (5.162) is over all of them, biases included, as in
 * PRML and Netlab's `evidence`). For K outputs sharing one noise precision beta, each of the N K
 * target values is an observation: N K in place of PRML's N (which has K = 1).
 *
 * Negative eigenvalues of H (weights not at a minimum of E_D) are set to zero, as Netlab's
 * `evidence` does: they would make A indefinite or gamma meaningless. Every quantity here, the
 * posterior covariance A^-1 included (laplace.ts), uses the same clamped eigenvalues, so the
 * numbers are consistent with one positive-definite A.
 */

/** Regression has a noise precision beta; classification does not (beta = 1). */
export type LaplaceTask = 'regression' | 'classification';

/** The Laplace task of a cost: regression for sum of squares, classification for the cross-entropies, null for a mixture. */
export function laplaceTask(cost: string): LaplaceTask | null {
  if (cost === 'sum-of-squares') return 'regression';
  if (cost === 'sigmoid-cross-entropy' || cost === 'softmax-cross-entropy') return 'classification';
  return null;
}

/** What the formulas need of the data and the weights. */
export interface EvidenceData {
  task: LaplaceTask;
  /** The eigenvalues of H, the Hessian of E_D (any order; negative ones count as 0). */
  eigenvalues: ArrayLike<number>;
  /** w^T w over all W parameters. */
  ww: number;
  /** E_D at w: 1/2 sum ||y - t||^2 (regression) or the cross-entropy (classification). */
  ED: number;
  /** N K: the number of target values (regression; unused for classification). */
  observations: number;
}

/** The hyperparameters: alpha (prior precision) and beta (noise precision; 1 for classification). */
export interface Hyperparameters {
  alpha: number;
  beta: number;
}

/** One point of the evidence procedure. */
export interface EvidencePoint extends Hyperparameters {
  /** The effective number of parameters gamma at (alpha, beta), PRML (5.179). */
  gamma: number;
  /** ln p(D | alpha, beta), PRML (5.175) or (5.183). */
  logEvidence: number;
}

/** A hyperparameter re-estimation that cannot go on, with what to do about it. */
export class EvidenceError extends Error {
  override name = 'EvidenceError';
}

/** max(lambda, 0): the eigenvalue as the formulas use it. */
function clamp(lambda: number): number {
  return lambda > 0 ? lambda : 0;
}

/** gamma = sum_i beta lambda_i / (alpha + beta lambda_i), PRML (5.179). */
export function effectiveParameters(d: EvidenceData, h: Hyperparameters): number {
  let g = 0;
  for (let i = 0; i < d.eigenvalues.length; i++) {
    const l = h.beta * clamp(d.eigenvalues[i]);
    g += l / (h.alpha + l);
  }
  return g;
}

/** ln|A| = sum_i ln(alpha + beta lambda_i). */
export function logDeterminant(d: EvidenceData, h: Hyperparameters): number {
  let s = 0;
  for (let i = 0; i < d.eigenvalues.length; i++) s += Math.log(h.alpha + h.beta * clamp(d.eigenvalues[i]));
  return s;
}

/** ln p(D | alpha, beta) by PRML (5.175) (regression) or (5.183) (classification). */
export function logEvidence(d: EvidenceData, h: Hyperparameters): number {
  const W = d.eigenvalues.length;
  const regression = d.task === 'regression';
  const E = (regression ? h.beta * d.ED : d.ED) + 0.5 * h.alpha * d.ww;
  let ln = -E - 0.5 * logDeterminant(d, h) + 0.5 * W * Math.log(h.alpha);
  if (regression) ln += 0.5 * d.observations * (Math.log(h.beta) - Math.log(2 * Math.PI));
  return ln;
}

/** gamma, alpha and beta at `h` as one point (gamma and the evidence evaluated at h itself). */
export function evidencePoint(d: EvidenceData, h: Hyperparameters): EvidencePoint {
  return { alpha: h.alpha, beta: h.beta, gamma: effectiveParameters(d, h), logEvidence: logEvidence(d, h) };
}

/**
 * One re-estimation: gamma at the current (alpha, beta), then alpha = gamma / w^T w (5.178) and,
 * for regression, 1/beta = 2 E_D / (N K - gamma) (5.180). Throws EvidenceError where a formula
 * breaks down (w = 0, zero residual, gamma >= N K).
 */
export function reestimate(d: EvidenceData, h: Hyperparameters): Hyperparameters {
  const gamma = effectiveParameters(d, h);
  if (!(d.ww > 0)) throw new EvidenceError('every weight is zero, so alpha = gamma / w^T w has no value: train the network first');
  const alpha = gamma / d.ww;
  if (!(alpha > 0)) throw new EvidenceError('gamma is 0 (the Hessian of E_D has no positive eigenvalue at these weights), so alpha = gamma / w^T w is 0: train the network first');
  if (d.task !== 'regression') return { alpha, beta: 1 };
  if (!(d.ED > 0)) throw new EvidenceError('the network fits every target exactly (E_D = 0), so the noise precision beta has no finite estimate');
  const dof = d.observations - gamma;
  if (!(dof > 0)) throw new EvidenceError(`gamma = ${gamma.toPrecision(4)} well-determined parameters is not below the ${d.observations} target values, so beta cannot be estimated (PRML (5.180)): use more data or a smaller network`);
  return { alpha, beta: dof / (2 * d.ED) };
}

/** Options of `evidenceProcedure`. */
export interface EvidenceOptions {
  /** Stop when alpha and beta change by less than this, relatively (default 1e-10). */
  tolerance?: number;
  /** At most this many re-estimations (default 1000). */
  maxIterations?: number;
}

/** The outcome of re-estimating alpha and beta to convergence at fixed weights. */
export interface EvidenceRun {
  /** The point it ended at (gamma and the evidence at the final alpha, beta). */
  final: EvidencePoint;
  /** Re-estimations made. */
  iterations: number;
  converged: boolean;
  /** Every point from the start: history[0] is the starting (alpha, beta). */
  history: EvidencePoint[];
}

/** Re-estimates alpha (and beta) with the weights fixed until they stop changing (PRML §5.7.2). */
export function evidenceProcedure(d: EvidenceData, start: Hyperparameters, options: EvidenceOptions = {}): EvidenceRun {
  const tol = options.tolerance ?? 1e-10;
  const max = options.maxIterations ?? 1000;
  let h = start;
  const history: EvidencePoint[] = [evidencePoint(d, h)];
  for (let it = 1; it <= max; it++) {
    const next = reestimate(d, h);
    const change = Math.max(Math.abs(next.alpha - h.alpha) / h.alpha, Math.abs(next.beta - h.beta) / h.beta);
    h = next;
    history.push(evidencePoint(d, h));
    if (change < tol) return { final: history[history.length - 1], iterations: it, converged: true, history };
  }
  return { final: history[history.length - 1], iterations: max, converged: false, history };
}

/** kappa(s^2) = (1 + pi s^2 / 8)^(-1/2), PRML (4.154). */
export function kappa(variance: number): number {
  return 1 / Math.sqrt(1 + (Math.PI * variance) / 8);
}

/**
 * The moderated output p(t = 1 | x, D) ~ sigma(kappa(sigma_a^2) a_MAP), PRML (5.190), with
 * sigma_a^2 = g^T A^-1 g, (5.188): the MAP logit pulled towards 0 by its uncertainty.
 */
export function moderatedProbability(logit: number, variance: number): number {
  const a = kappa(variance) * logit;
  return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
}
