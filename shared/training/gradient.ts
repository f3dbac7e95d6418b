/**
 * The gradient engine: dE/dw of a batch (PRML (5.53)-(5.56) summed over its samples), whoever
 * computes it. `LocalGradient` computes it on this thread; the data-parallel engine of
 * src-main/training/parallel-gradient.ts shares it across worker threads. Both cut a batch into
 * the same chunks (`chunkPlan`) and add the chunks' gradients in the same order (`LANES`), so a
 * run gives the same bits on 1, 2 or 4 threads.
 */
import { targetWidth } from '../engine/cost-types';
import type { Network } from '../engine/network';
import { descend, descendSum } from '../engine/optimizers/gradient-descent';

/** Thrown by a gradient computation that was asked to stop part-way through a step. */
export class AbortedError extends Error {
  override name = 'AbortedError';
  constructor() {
    super('the step was interrupted');
  }
}

/**
 * Computes dE/dw summed over rows [0, n) of x (n x inputs) and t (n x outputs) at parameters w,
 * into `grad`, and returns E. Throws AbortedError if asked to stop part-way.
 */
export interface GradientEngine {
  /**
   * With `descent` (eta), the engine instead takes the plain gradient step w <- w - eta dE/dw
   * in place (Objective.descend), when it says so in `fusesDescent`; `grad` is then its scratch
   * and need not hold the gradient afterwards.
   */
  gradient(w: Float64Array, x: Float64Array, t: Float64Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number;
  /**
   * True when `gradient` and `gradientOfRows` honour `descent`, and `keep`: a vector that
   * receives the weights before the step (the trainer's fallback should the step diverge).
   */
  readonly fusesDescent?: boolean;
  /**
   * Optional: two vectors the trainer keeps its fallback weights in; given as `keep`, the
   * engine fills them on its threads (the data-parallel engine's live in its shared block).
   */
  fallbackVectors?(): [Float64Array, Float64Array];
  /**
   * Optional: the gradient of the training rows listed in `rows` (n of them, in order), which
   * the engine gathers itself (the data-parallel engine: each thread gathers its own chunks).
   * The same bits as `gradient` on the gathered batch.
   */
  gradientOfRows?(w: Float64Array, rows: Int32Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number;
  /**
   * Optional: the logits (n x outputs) of rows [row0, row0 + n) of the training or validation
   * split at the current weights, computed across threads; n at most EVAL_ROWS (evaluation.ts).
   * Valid until the next call.
   */
  logits?(part: 'train' | 'validation', row0: number, n: number): Float64Array;
}

/** How a batch is cut into chunks: `chunks` pieces of `rows` rows (the last may be shorter). */
export interface ChunkPlan {
  chunks: number;
  rows: number;
}

/** The most chunks a batch is cut into for parallelism alone (more only to bound a chunk's time). */
export const MAX_PARALLEL_CHUNKS = 4;
/** A chunk should carry at least this much work for splitting to pay (~1 ms). */
const MIN_CHUNK_FLOPS = 16e6;
/** ...and at most this much, so a stop request is seen within ~50 ms even on full batches. */
const MAX_CHUNK_FLOPS = 1e8;

/** Multiply-adds x 2 of one sample's forward and backward pass (about 3 products per layer). */
export function flopsPerSample(net: Network): number {
  let f = 0;
  for (const l of net.layers) f += 6 * l.inputs * l.units;
  return f;
}

/**
 * The chunks a batch of n rows is cut into. It depends only on the batch and the network, never
 * on how many threads run it, so the gradient (summed chunk by chunk in a fixed order) is the
 * same bits on 1, 2 or 4 threads. Small batches stay whole: splitting costs more than it saves.
 */
export function chunkPlan(n: number, perSample: number): ChunkPlan {
  const flops = n * perSample;
  const forParallel = Math.min(MAX_PARALLEL_CHUNKS, Math.floor(flops / MIN_CHUNK_FLOPS));
  const forLatency = Math.ceil(flops / MAX_CHUNK_FLOPS);
  const wanted = Math.max(1, Math.min(n, Math.max(forParallel, forLatency)));
  const rows = Math.ceil(n / wanted);
  // As many chunks as rows of that size need: 64 rows in 35 would leave the last ones empty.
  return { chunks: rows === 0 ? 1 : Math.ceil(n / rows), rows };
}

/**
 * How chunk gradients are added up, whatever the number of threads: chunk c belongs to lane
 * c mod LANES; each lane sums its chunks in chunk order (c, c + 2, c + 4, ...), and the gradient
 * is lane 0 + lane 1. Two lanes let two threads each add their chunks straight into their own
 * lane as they compute them (Network.gradientInto), leaving one cheap pass to join the lanes;
 * one thread and four threads follow the same order, so all give the same bits.
 */
export const LANES = 2;

/**
 * The gradient on this thread: the batch cut by `chunkPlan`, each chunk's gradient added into
 * its lane (see LANES) as it is computed, with a stop check between chunks.
 */
export class LocalGradient implements GradientEngine {
  readonly fusesDescent = true;
  private readonly perSample: number;
  /** Lane 1's sum (lane 0 sums straight into the caller's vector). */
  private lane1 = new Float64Array(0);
  constructor(private readonly net: Network, private readonly shouldAbort: () => boolean = () => false) {
    this.perSample = flopsPerSample(net);
  }

  gradient(w: Float64Array, x: Float64Array, t: Float64Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number {
    return this.sum(w, x, t, n, grad, descent, keep);
  }

  /** The gradient into `grad`; with `descent`, the step instead (the lanes summed in its pass). */
  private sum(w: Float64Array, x: Float64Array, t: Float64Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number {
    const net = this.net;
    const restore = w === net.params ? null : Float64Array.from(net.params);
    if (restore) net.params.set(w);
    try {
      const { chunks, rows } = chunkPlan(n, this.perSample);
      if (chunks === 1) {
        const e = net.gradientInto(x, t, n, grad, false);
        if (descent !== undefined) descend(w, grad, descent, 0, w.length, keep);
        return e;
      }
      if (this.lane1.length !== grad.length) this.lane1 = new Float64Array(grad.length);
      const lane1 = this.lane1;
      const d = net.inputs;
      const k = targetWidth(net.cost, net.outputs);
      let e = 0;
      for (let c = 0; c < chunks; c++) {
        if (this.shouldAbort()) throw new AbortedError();
        const r0 = c * rows;
        const m = Math.min(rows, n - r0);
        const into = c % LANES === 0 ? grad : lane1;
        e += net.gradientInto(x.subarray(r0 * d, (r0 + m) * d), t.subarray(r0 * k, (r0 + m) * k), m, into, c >= LANES);
      }
      if (descent !== undefined) descendSum(w, grad, lane1, descent, 0, w.length, keep);
      else for (let i = 0; i < grad.length; i++) grad[i] += lane1[i];
      return e;
    } finally {
      if (restore) net.params.set(restore);
    }
  }
}
