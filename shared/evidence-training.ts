/**
 * Training with the evidence procedure (PRML §5.7.2): the run alternates K optimiser steps at the
 * regulariser alpha/2 w^T w (on every parameter, the prior of (5.162)) relative to beta E_D, with
 * a re-estimation of alpha and beta from the exact Hessian of E_D at the current weights by
 * (5.178)-(5.180). The trainer minimises E_D + (alpha/beta)/2 w^T w (a regression's
 * beta E_D + alpha/2 w^T w divided by beta: the same minimum), so its weight decay is
 * lambda = alpha/beta; a classifier has no beta and lambda = alpha (PRML (5.184)).
 *
 * Each re-estimation is one step of (5.178)-(5.180) (one iteration, the default of Netlab's
 * `evidence`): gamma from the eigenvalues of beta H at the old alpha, beta (negative eigenvalues
 * counted as 0, as in evidence.ts), then the new alpha and beta. The run records the new values
 * with gamma and the log evidence evaluated at them, at the step where it happened; the first
 * record (step 0) holds the starting alpha and beta with gamma and the evidence at the initial
 * weights.
 */
import type { Dataset } from './data/dataset';
import { targetWidth } from './engine/cost-types';
import { symmetricEigen } from './engine/eigen';
import { type EvidenceData, evidencePoint, type Hyperparameters, laplaceTask, type LaplaceTask, reestimate } from './engine/evidence';
import { checkHessianSize, hessian } from './engine/hessian';
import type { Network } from './engine/network';
import type { EvidenceTrainingSpec } from './spec';

/** The hyperparameters a run went through: one entry per re-estimation (and the start, at step 0). */
export interface EvidenceTrace {
  /** The step after which each re-estimation happened. */
  steps: Float64Array;
  alpha: Float64Array;
  /** The noise precision; all 1 for a classifier. */
  beta: Float64Array;
  /** The effective number of parameters at (alpha, beta), PRML (5.179). */
  gamma: Float64Array;
  /** ln p(D | alpha, beta), PRML (5.175) / (5.183). */
  logEvidence: Float64Array;
}

/** The fields of an EvidenceTrace. */
export const EVIDENCE_FIELDS = ['steps', 'alpha', 'beta', 'gamma', 'logEvidence'] as const;

/** An empty trace. */
export function emptyEvidenceTrace(): EvidenceTrace {
  return { steps: new Float64Array(0), alpha: new Float64Array(0), beta: new Float64Array(0), gamma: new Float64Array(0), logEvidence: new Float64Array(0) };
}

/** a followed by b, field by field. */
export function concatEvidence(a: EvidenceTrace, b: EvidenceTrace): EvidenceTrace {
  const join = (x: Float64Array, y: Float64Array) => {
    const out = new Float64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return { steps: join(a.steps, b.steps), alpha: join(a.alpha, b.alpha), beta: join(a.beta, b.beta), gamma: join(a.gamma, b.gamma), logEvidence: join(a.logEvidence, b.logEvidence) };
}

/** The re-estimation schedule of one run: the current alpha, beta and the points not yet drained. */
export class EvidenceSchedule {
  readonly every: number;
  readonly task: LaplaceTask;
  private h: Hyperparameters;
  private pending: number[][] = [];

  constructor(private readonly net: Network, private readonly data: Dataset, private readonly settings: EvidenceTrainingSpec) {
    const task = laplaceTask(net.cost.name);
    if (!task) throw new RangeError(`the evidence procedure covers sum-of-squares and cross-entropy networks, not ${net.cost.name}`);
    checkHessianSize(net.size, 'laplace');
    this.task = task;
    this.every = settings.every;
    this.h = this.start();
  }

  /** The weight decay lambda the trainer should use now: alpha/beta (alpha for a classifier). */
  get weightDecay(): number {
    return this.h.alpha / this.h.beta;
  }

  /** The current alpha and beta. */
  get hyperparameters(): Hyperparameters {
    return { ...this.h };
  }

  /** Records the starting point (step 0) at the current (initial) weights. */
  begin(): void {
    this.record(0, this.h);
  }

  /**
   * One re-estimation at the network's current weights after `step` steps; returns the new
   * weight decay. Throws EvidenceError (with what to do) when a formula breaks down.
   */
  reestimate(step: number): number {
    const d = this.evidenceData();
    this.h = reestimate(d, this.h);
    this.record(step, this.h, d);
    return this.weightDecay;
  }

  /** The points recorded since the last call. */
  drain(): EvidenceTrace {
    const rows = this.pending;
    this.pending = [];
    const col = (i: number) => Float64Array.from(rows, (r) => r[i]);
    return { steps: col(0), alpha: col(1), beta: col(2), gamma: col(3), logEvidence: col(4) };
  }

  /** Back to the starting alpha and beta (a reset run), forgetting undrained points. */
  reset(): void {
    this.h = this.start();
    this.pending = [];
  }

  private start(): Hyperparameters {
    return { alpha: this.settings.alpha, beta: this.task === 'regression' ? this.settings.beta : 1 };
  }

  private record(step: number, h: Hyperparameters, d = this.evidenceData()): void {
    const p = evidencePoint(d, h);
    this.pending.push([step, p.alpha, p.beta, p.gamma, p.logEvidence]);
  }

  /** The Hessian of E_D at the current weights, its eigenvalues, w^T w and E_D. */
  private evidenceData(): EvidenceData {
    const { net, data } = this;
    const t = data.targets.subarray(0, data.n * targetWidth(net.cost, net.outputs));
    const h = hessian(net, data.inputs, t, data.n, 'exact');
    const { values } = symmetricEigen(h.matrix!, h.parameters, { vectors: false });
    let ww = 0;
    for (const w of net.params) ww += w * w;
    return { task: this.task, eigenvalues: values, ww, ED: h.E, observations: data.n * net.outputs };
  }
}
