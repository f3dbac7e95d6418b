/**
 * A training run as the rest of the app sees it: its lifecycle states, the metrics a report
 * carries, and the record kept of it (run history in the project file, the UI's list of runs).
 */
import type { EvidenceTrace } from './evidence-training';
import type { LabSpec } from './spec';

/** Where a run is in its life. `finished`, `stopped`, `diverged`, `failed` are final. */
export type RunStatus = 'queued' | 'running' | 'paused' | 'finished' | 'stopped' | 'diverged' | 'failed';

/** True for statuses a run never leaves. */
export function isFinal(status: RunStatus): boolean {
  return status === 'finished' || status === 'stopped' || status === 'diverged' || status === 'failed';
}

/**
 * Quality of a run's weights on one part of the data, evaluated on every sample of the part
 * (shared/training/evaluation.ts).
 */
export interface PartMetrics {
  /** E summed over the part's samples (PRML (5.11)). */
  E: number;
  /** E / N, comparable across parts and datasets. */
  EPerSample: number;
  /** Classification: fraction right. */
  accuracy?: number;
  /** Regression: root mean squared error. */
  rmse?: number;
  /**
   * The step of the weights evaluated (the run's step, or the best step whose weights early
   * stopping restored). Absent in files written before MLP Lab evaluated the whole set: their
   * training figures are averages of recent batches, an estimate.
   */
  step?: number;
}

/** A report on a run at some step. */
export interface RunMetrics {
  /** Updates done so far. */
  step: number;
  /** Passes through the training set so far (fractional for mini-batches). */
  epoch: number;
  /**
   * E/N averaged over the batches since the last report, before their updates: the live
   * estimate of the training E/N while a run trains (not the figure of any one set of weights).
   */
  recent?: number;
  /** The training set's figures at `train.step` (a large set is evaluated less often); absent until first evaluated. */
  train?: PartMetrics;
  /** The validation set's figures at `validation.step`, when the run has a validation set. */
  validation?: PartMetrics;
  /** Updates per second over the last reporting interval. */
  stepsPerSecond: number;
  /** Wall-clock seconds the run has spent training (pauses excluded). */
  seconds: number;
}

/**
 * The cost curve: `steps[i]` with the training E/N of the batch that step used, before its update
 * (for full-batch methods, the training set's E/N). Validation points come every
 * `validateEvery` steps, in their own arrays.
 */
export interface CostCurve {
  steps: Float64Array;
  train: Float64Array;
  validationSteps: Float64Array;
  validation: Float64Array;
  /** Runs trained with the evidence procedure (PRML §5.7.2): alpha, beta, gamma at each re-estimation. */
  evidence?: EvidenceTrace;
}

/**
 * What a run tells whoever follows it (the window, the CLI), the same from the training service
 * to the renderer: its state changed (`reset` when it went back to its initial weights; final
 * states carry the reason in `message`), new cost points with a fresh report, or new weights.
 */
export type RunEvent =
  | { type: 'run-state'; runId: string; status: RunStatus; step: number; reset?: boolean; message?: string }
  | { type: 'run-progress'; runId: string; points: CostCurve; metrics: RunMetrics }
  | { type: 'run-snapshot'; runId: string; step: number; weights: Float64Array };

/** A weight vector at a step, for replaying how a run learned. */
export interface WeightSnapshot {
  step: number;
  weights: Float64Array;
}

/** Everything kept of a run. */
export interface RunRecord {
  id: string;
  /**
   * The run's number in its project ("Run 3"): given when the run is created, one more than the
   * largest so far, and kept when other runs are deleted.
   */
  number: number;
  /** ISO 8601 time the run was created. */
  createdAt: string;
  spec: LabSpec;
  status: RunStatus;
  /** Why the run ended, for diverged and failed runs ("diverged at step 812 ..."). */
  message?: string;
  /** The last report; null before the first. */
  metrics: RunMetrics | null;
  curve: CostCurve;
  initialWeights: Float64Array;
  /** The weights the run ended with (the best-validation weights when early stopping restored them). */
  finalWeights: Float64Array | null;
  /** Early stopping: the step whose weights were kept. */
  bestStep?: number;
  /** A bounded number of snapshots across the run. */
  snapshots: WeightSnapshot[];
}

/** A run as lists show it: everything but the curve and the weights. */
export type RunSummary = Pick<RunRecord, 'id' | 'number' | 'createdAt' | 'spec' | 'status' | 'message' | 'metrics' | 'bestStep'>;

/** The summary of a run record (no copies of curves or weights). */
export function summarizeRun(r: RunSummary): RunSummary {
  return {
    id: r.id,
    number: r.number,
    createdAt: r.createdAt,
    spec: r.spec,
    status: r.status,
    ...(r.message ? { message: r.message } : {}),
    metrics: r.metrics,
    ...(r.bestStep !== undefined ? { bestStep: r.bestStep } : {}),
  };
}
