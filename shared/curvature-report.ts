/**
 * What the window's curvature panel, Laplace bands and moderated contours show for a set of
 * weights (PRML §5.4, §5.7): the eigenvalues of the exact Hessian of E as training reports it
 * (with the spec's weight decay), its condition number, and the Laplace approximation with alpha
 * and beta from the evidence procedure at those weights (as `mlp-lab laplace --evidence`),
 * started from the run's last re-estimated values when it trained with the procedure, from the
 * spec's weight decay when it has one, or from alpha = 0.01. Computed on a trainer worker.
 */
import { targetWidth } from './engine/cost-types';
import { symmetricEigen } from './engine/eigen';
import { type Hyperparameters, laplaceTask } from './engine/evidence';
import { checkHessianSize, hessian } from './engine/hessian';
import { laplace, type LaplaceResult, maximumLikelihoodBeta } from './engine/laplace';
import type { Lab } from './lab';

/** The Laplace approximation as the window uses it: the engine's result without its history and eigenvalues. */
export type LaplaceSummary = Pick<LaplaceResult, 'task' | 'alpha' | 'beta' | 'gamma' | 'logEvidence' | 'iterations' | 'converged' | 'negativeEigenvalues' | 'covariance'> & {
  /** Where the evidence procedure started: the run's own re-estimates, the spec's weight decay, or alpha = 0.01. */
  start: 'run' | 'weight decay' | 'default';
};

/** The curvature at one set of weights. */
export interface CurvatureReport {
  /** P, the number of parameters, and N, the training samples. */
  parameters: number;
  samples: number;
  /** E as training reports it: the cost summed over the training samples plus the weight-decay term. */
  E: number;
  /** The weight decay lambda included in E and H. */
  weightDecay: number;
  /** What it acts on: the weights (the spec's weight decay, PRML (5.112)) or every parameter (an evidence run's alpha/beta). */
  decayOn: 'weights' | 'all';
  /** The eigenvalues of H = d^2E / dw dw^T (exact, R-operator), ascending. */
  eigenvalues: Float64Array;
  /** How many are negative beyond rounding (P eps max|lambda|). */
  negative: number;
  /** lambda_max / lambda_min when every eigenvalue is positive; null otherwise. */
  conditionNumber: number | null;
  /** The Laplace approximation; null for a mixture density network or when the evidence procedure broke down. */
  laplace: LaplaceSummary | null;
  /** Why there is no Laplace approximation (for the panel), when there is none. */
  laplaceNote?: string;
}

/**
 * The report for the lab's network at its current weights over its training split; `start`:
 * alpha and beta to start the evidence procedure from (an evidence run's last ones). An evidence
 * run trained at weight decay alpha/beta (alpha for a classifier) on every parameter, so that is
 * the decay in its E and H. Throws a HessianSizeError for a network too large to form its Hessian.
 */
export function curvatureReport(lab: Lab, start?: Hyperparameters): CurvatureReport {
  const { net, data, spec } = lab;
  checkHessianSize(net.size, 'exact');
  const t = data.targets.subarray(0, data.n * targetWidth(net.cost, net.outputs));
  const evidenceRun = !!start && !!spec.training.evidence;
  const lambda = evidenceRun ? start.alpha / start.beta : spec.training.weightDecay;
  const h = hessian(net, data.inputs, t, data.n, 'exact', { weightDecay: evidenceRun ? 0 : lambda });
  if (evidenceRun) {
    // E~ = E + lambda/2 w^T w over every parameter, as the evidence run trained (evidence-training.ts).
    let ww = 0;
    for (const w of net.params) ww += w * w;
    h.E += 0.5 * lambda * ww;
    for (let i = 0; i < h.parameters; i++) h.matrix![i * h.parameters + i] += lambda;
  }
  const eigenvalues = symmetricEigen(h.matrix!, h.parameters, { vectors: false }).values;
  const P = h.parameters;
  const largest = Math.max(Math.abs(eigenvalues[0] ?? 0), Math.abs(eigenvalues[P - 1] ?? 0));
  const noise = P * 2 ** -52 * largest;
  const negative = eigenvalues.filter((v) => v < -noise).length;
  const conditionNumber = eigenvalues[0] > 0 ? eigenvalues[P - 1] / eigenvalues[0] : null;
  const report: CurvatureReport = {
    parameters: P, samples: data.n, E: h.E, weightDecay: lambda, decayOn: evidenceRun ? 'all' : 'weights', eigenvalues, negative, conditionNumber, laplace: null,
  };
  const task = laplaceTask(net.cost.name);
  if (!task) {
    report.laplaceNote = 'the Laplace approximation of PRML §5.7 covers sum-of-squares and cross-entropy networks';
    return report;
  }
  let from: LaplaceSummary['start'] = 'default';
  let alpha = 0.01;
  let beta: number | undefined;
  try {
    if (task === 'regression') beta = maximumLikelihoodBeta(net.cost.value(net.forward(data.inputs, data.n), t, data.n, net.outputs), data.n * net.outputs);
    if (start) {
      from = 'run';
      alpha = start.alpha;
      if (task === 'regression') beta = start.beta;
    } else if (lambda > 0 && !evidenceRun) {
      from = 'weight decay';
      alpha = task === 'regression' ? lambda * beta! : lambda;
    }
    const r = laplace(net, data.inputs, t, data.n, { alpha, ...(beta !== undefined ? { beta } : {}), evidence: true });
    report.laplace = {
      task, alpha: r.alpha, beta: r.beta, gamma: r.gamma, logEvidence: r.logEvidence, iterations: r.iterations, converged: r.converged,
      negativeEigenvalues: r.negativeEigenvalues, start: from, covariance: r.covariance,
    };
  } catch (e) {
    report.laplaceNote = (e as Error).message;
  }
  return report;
}
