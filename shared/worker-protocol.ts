/**
 * The messages between the main process and trainer workers, and the shared control block.
 *
 * Requests from main carry a correlation `id`; the worker answers each with a `reply` carrying
 * the same id. A worker says `ready` once after loading. Runs report through `progress`,
 * `snapshot`, `state` and `done` events. Nothing is transferred: detaching an ArrayBuffer (what
 * a transfer does) makes V8 drop an assumption for the whole thread (its "array buffer
 * detaching protector"), and from then on every typed-array access in the training loop is
 * checked: measured 15% slower training on the MNIST-sized benchmark. Weight snapshots, ten a
 * second, are lent in reusable shared buffers (SnapshotRing) and copied out by main; cost points
 * (a few dozen doubles) and a run's final weights (once) are copied by postMessage. Datasets live
 * in SharedArrayBuffers that every worker reads in place.
 *
 * A run is steered through its control block (shared/run-control.ts), not by messages: a worker
 * busy in its training loop does not read messages.
 */
import type { Dataset } from './data/dataset';
import type { CurvatureReport } from './curvature-report';
import type { GradcheckResult } from './engine/gradcheck';
import type { Hyperparameters } from './engine/evidence';
import type { WasmMemory } from './engine/wasm/runtime';
import type { WireError } from './errors';
import type { RunMetrics, RunStatus } from './run';
import type { LabSpec } from './spec';
import type { CostCurve } from './run';
import type { Normalization } from './weights-format';

/** A dataset whose arrays are backed by SharedArrayBuffers (posted without copying). */
export type SharedDataset = Dataset;

/** The three parts of a run's data, shared, plus the normalisation fitted on the training part. */
export interface SharedParts {
  train: SharedDataset;
  validation: SharedDataset;
  test: SharedDataset;
  normalization: Normalization | null;
}

/** How often a worker reports. */
export interface StreamOptions {
  /** Minimum milliseconds between progress events (33 = at most ~30 a second). */
  progressMs: number;
  /** Minimum milliseconds between weight snapshots (100 = at most ~10 a second). */
  snapshotMs: number;
}

/** Shared memory of a data-parallel run (src-main/training/parallel-gradient.ts). */
export interface ParallelSetup {
  /** Where the block is: a shared WebAssembly kernel memory (every participant runs its kernels on it) and an address in it. */
  block: { memory: WasmMemory; at: number };
  layout: { params: number; inputs: number; outputs: number; maxBatch: number; logits: number };
  /** Participants, the coordinator included. */
  K: number;
}

/** Start training a run; replied to when the run has started (the run then reports by events). */
export interface StartRequest {
  type: 'start';
  id: number;
  runId: string;
  spec: LabSpec;
  parts: SharedParts;
  initialWeights: Float64Array;
  /** The run's control block (RunControl.buffer). */
  control: SharedArrayBuffer;
  stream: StreamOptions;
  /** Begin paused (waiting for resume or steps) instead of running. */
  paused: boolean;
  /** Present when helper workers share this run's gradients. */
  parallel?: ParallelSetup;
}

/**
 * Help a data-parallel run as participant `index` (1 ... K-1) until it ends. Replied to only when
 * the run releases its helpers, so the worker stays lent to the run until then.
 */
export interface HelperRequest {
  type: 'helper';
  id: number;
  spec: LabSpec;
  parts: SharedParts;
  parallel: ParallelSetup;
  index: number;
}

/** Check the gradient of a network on the first samples of its training data. */
export interface GradcheckRequest {
  type: 'gradcheck';
  id: number;
  spec: LabSpec;
  parts: SharedParts;
  weights: Float64Array;
  samples: number;
  tolerance: number;
}

/** The Hessian's eigenvalues and the Laplace approximation at some weights (issue 19, curvature-report.ts). */
export interface CurvatureRequest {
  type: 'curvature';
  id: number;
  spec: LabSpec;
  parts: SharedParts;
  weights: Float64Array;
  /** alpha and beta to start the evidence procedure from (an evidence run's last ones). */
  start?: Hyperparameters;
}

/** Everything main may ask a worker. */
export type ToWorker = StartRequest | GradcheckRequest | HelperRequest | CurvatureRequest;

/** The worker has loaded and takes requests. */
export interface ReadyEvent {
  type: 'ready';
}

/** The answer to request `id`. */
export type ReplyEvent =
  | { type: 'reply'; id: number; ok: true; result?: GradcheckResult | CurvatureReport }
  | { type: 'reply'; id: number; ok: false; error: WireError };

/**
 * Cost points since the last progress event and a fresh report; every few events also the
 * weights (one message instead of two: each message wakes the main thread, which costs the
 * sender ~0.3 ms on a VM).
 */
export interface ProgressEvent {
  type: 'progress';
  runId: string;
  points: CostCurve;
  metrics: RunMetrics;
  snapshot?: RingSnapshot;
}

/**
 * Weights lent from a worker's SnapshotRing: `weights` and `state` view one SharedArrayBuffer.
 * The receiver copies the weights (`receiveSnapshot`), which gives the buffer back.
 */
export interface RingSnapshot {
  step: number;
  weights: Float64Array;
  state: Int32Array;
}

/** The run changed state without ending: running, paused, or reset to its initial weights. */
export interface StateEvent {
  type: 'state';
  runId: string;
  status: 'running' | 'paused';
  step: number;
  /** True when this state follows a reset (the curve starts over). */
  reset?: boolean;
}

/** The run ended: finished, stopped, diverged or failed inside the loop. */
export interface DoneEvent {
  type: 'done';
  runId: string;
  status: Exclude<RunStatus, 'queued' | 'running' | 'paused'>;
  message?: string;
  points: CostCurve;
  metrics: RunMetrics;
  weights: Float64Array;
  bestStep?: number;
}

/** Everything a worker may send. */
export type FromWorker = ReadyEvent | ReplyEvent | ProgressEvent | StateEvent | DoneEvent;

/**
 * A few reusable shared buffers for weight snapshots. A fresh 1.6 MB SharedArrayBuffer per
 * snapshot cost the training thread ~1 ms (allocation, zeroing, page faults), ten times a
 * second; a lent buffer costs one copy. A buffer is lent until main copies it out; when all are
 * lent (main is slow), `lend` returns null and the snapshot is skipped: snapshots are
 * latest-wins anyway, and the run's last weights travel in its `done` event.
 */
export class SnapshotRing {
  private readonly buffers: { weights: Float64Array; state: Int32Array }[];

  constructor(size: number, count = 3) {
    this.buffers = Array.from({ length: count }, () => {
      const sab = new SharedArrayBuffer(8 + size * Float64Array.BYTES_PER_ELEMENT);
      return { state: new Int32Array(sab, 0, 1), weights: new Float64Array(sab, 8, size) };
    });
  }

  /** A copy of `params` in a free buffer, marked lent; null when none is free. */
  lend(params: Float64Array, step: number): RingSnapshot | null {
    for (const b of this.buffers) {
      if (Atomics.load(b.state, 0) !== 0) continue;
      b.weights.set(params);
      Atomics.store(b.state, 0, 1);
      return { step, weights: b.weights, state: b.state };
    }
    return null;
  }
}

/** The receiver's side of a ring snapshot: its own copy of the weights; frees the buffer. */
export function receiveSnapshot(s: RingSnapshot): Float64Array {
  const own = s.weights.slice();
  Atomics.store(s.state, 0, 0);
  return own;
}
