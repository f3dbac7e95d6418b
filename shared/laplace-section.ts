/**
 * The `laplace` section of a weights file (docs/weights-format.md): the Laplace approximation
 * to the posterior over the weights (PRML §5.7) that `mlp-lab laplace` computed, so that
 * `mlp-lab predict --uncertainty` can give error bars (5.173) and moderated outputs (5.190).
 *
 *     "laplace": { "task": "regression", "alpha": 0.21, "beta": 312.5, "gamma": 11.3,
 *                  "logEvidence": 128.7, "samples": 100, "evidence": true, "iterations": 14,
 *                  "converged": true, "negativeEigenvalues": 0,
 *                  "covariance": [[...P values...], ...P rows...] }
 *
 * `covariance` is A^-1 in the file's parameter order (layer by layer: weights[i][j] row by row,
 * then bias[j]). The section is optional and additive: the rest of the file is unchanged, so a
 * reader that does not know it still reads the network (and its version number stays 1 or 2).
 */
import type { LaplaceTask } from './engine/evidence';
import type { LaplaceResult } from './engine/laplace';

/** The `laplace` section as written in the file. */
export interface LaplaceSection {
  /** "regression": A = alpha I + beta H (PRML (5.166)); "classification": A = alpha I + H (5.185). */
  task: LaplaceTask;
  /** The prior's precision alpha (5.162). */
  alpha: number;
  /** The noise precision beta (regression); null for classification. */
  beta: number | null;
  /** The effective number of parameters gamma (5.179). */
  gamma: number;
  /** ln p(D | alpha, beta), (5.175) or (5.183). */
  logEvidence: number;
  /** N, the training samples the Hessian was summed over. */
  samples: number;
  /** Whether alpha and beta were re-estimated by the evidence procedure (PRML §5.7.2). */
  evidence: boolean;
  /** Re-estimations made, and whether they converged. */
  iterations: number;
  converged: boolean;
  /** Negative eigenvalues of the Hessian of E_D, counted as 0 (the weights were not at a minimum). */
  negativeEigenvalues: number;
  /** A^-1, P x P, in the file's parameter order. */
  covariance: number[][];
}

/** The section for a Laplace approximation; `evidence` says whether alpha and beta were re-estimated. */
export function toLaplaceSection(r: LaplaceResult, evidence: boolean): LaplaceSection {
  const P = r.parameters;
  const covariance: number[][] = [];
  for (let i = 0; i < P; i++) covariance.push(Array.from(r.covariance.subarray(i * P, (i + 1) * P)));
  return {
    task: r.task,
    alpha: r.alpha,
    beta: r.beta,
    gamma: r.gamma,
    logEvidence: r.logEvidence,
    samples: r.samples,
    evidence,
    iterations: r.iterations,
    converged: r.converged,
    negativeEigenvalues: r.negativeEigenvalues,
    covariance,
  };
}

/** A^-1 of a section as a flat P x P row-major array. */
export function covarianceOf(s: LaplaceSection): Float64Array {
  const P = s.covariance.length;
  const out = new Float64Array(P * P);
  s.covariance.forEach((row, i) => out.set(row, i * P));
  return out;
}

/**
 * Validates untrusted JSON as a `laplace` section for a network of `parameters` parameters
 * whose cost makes it `task`; throws an Error whose message names the field.
 */
export function parseLaplaceSection(v: unknown, parameters: number, task: LaplaceTask | null): LaplaceSection {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('must be an object');
  const o = v as Record<string, unknown>;
  if (!task) throw new Error('belongs to sum-of-squares and cross-entropy networks only (PRML §5.7)');
  if (o.task !== task) throw new Error(`"task" must be "${task}" for this network's cost, got ${JSON.stringify(o.task)}`);
  const positive = (name: string): number => {
    const x = o[name];
    if (!(typeof x === 'number' && Number.isFinite(x) && x > 0)) throw new Error(`"${name}" must be a number greater than 0, got ${JSON.stringify(x)}`);
    return x;
  };
  const finite = (name: string): number => {
    const x = o[name];
    if (!(typeof x === 'number' && Number.isFinite(x))) throw new Error(`"${name}" must be a finite number, got ${JSON.stringify(x)}`);
    return x;
  };
  const count = (name: string): number => {
    const x = o[name];
    if (!(typeof x === 'number' && Number.isInteger(x) && x >= 0)) throw new Error(`"${name}" must be a whole number >= 0, got ${JSON.stringify(x)}`);
    return x;
  };
  const flag = (name: string): boolean => {
    if (typeof o[name] !== 'boolean') throw new Error(`"${name}" must be true or false, got ${JSON.stringify(o[name])}`);
    return o[name] as boolean;
  };
  const alpha = positive('alpha');
  let beta: number | null = null;
  if (task === 'regression') beta = positive('beta');
  else if (o.beta !== null && o.beta !== undefined) throw new Error('"beta" must be null for a classifier (it has no noise precision)');
  const cov = o.covariance;
  if (!Array.isArray(cov) || cov.length !== parameters) {
    throw new Error(`"covariance" must have ${parameters} rows, one per parameter, has ${Array.isArray(cov) ? cov.length : 'none'}`);
  }
  cov.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== parameters || !row.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new Error(`"covariance" row ${i + 1} must hold ${parameters} finite numbers`);
    }
  });
  return {
    task,
    alpha,
    beta,
    gamma: finite('gamma'),
    logEvidence: finite('logEvidence'),
    samples: count('samples'),
    evidence: flag('evidence'),
    iterations: count('iterations'),
    converged: flag('converged'),
    negativeEigenvalues: count('negativeEigenvalues'),
    covariance: cov as number[][],
  };
}
