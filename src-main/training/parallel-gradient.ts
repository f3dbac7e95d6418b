/**
 * Data-parallel gradients: one run's batch split across K worker threads.
 *
 * The batch is cut into chunks by `chunkPlan`, which depends on the batch and the network only,
 * and the chunk gradients are added in the order LANES fixes (shared/training/gradient.ts): chunk c joins
 * lane c mod 2 in chunk order, and the gradient is lane 0 + lane 1. Chunks are computed in waves
 * of up to MAX_PARALLEL_CHUNKS (a stop request is checked between waves). Two ways to share a
 * wave, both keeping that order, so results are identical bit for bit for K = 1, 2, 3, 4, ...:
 *
 * - K = 2 (one thread per lane, the common case): each participant adds its chunks straight into
 *   its lane's buffer as it computes them (Network.gradientInto); after the last wave each joins
 *   the two lanes over its half of the vector. No chunk gradient is copied or re-read.
 * - any other K: participant i computes the wave's chunks j with j mod K = i into slot j; after
 *   the wave, each participant adds the slots, in chunk order, into the two lanes over its own
 *   range of the vector, and after the last wave joins the lanes there.
 *
 * The coordinator (participant 0, the thread running the optimizer) keeps its range of lane 0
 * in the caller's gradient vector, so only the helpers' ranges are copied out at the end. When
 * the optimizer takes a plain gradient step (Objective.descend), every participant takes it on
 * its own range instead, keeping the old weights in the trainer's fallback vector: with two
 * lanes, in the pass that adds them, and the gradient itself is never stored or copied out.
 * Helpers compute with the run's weights where the coordinator puts them, in the shared block.
 * The block is in a WebAssembly memory every participant's kernels run on (parallel-block.ts), so
 * on the fused path the kernels read those weights, sum into the lanes and take the step in place.
 * For a mini-batch the coordinator only writes the row numbers: each participant gathers the
 * rows of its own chunks (on the fused path straight into its kernels' working copy).
 * Measuring a split (train accuracy, validation E) is shared too: each participant
 * forward-propagates a range of the rows (the logits of a row do not depend on which thread
 * computes them).
 *
 * Synchronisation is shared memory only (parallel-block.ts): a generation counter the helpers
 * wait on (Atomics.wait / notify) and an arrival counter per phase. Messages would be far slower
 * and a helper in its wait loop could not receive them anyway.
 */
import { targetWidth } from '../../shared/engine/cost-types';
import { kernelBackend } from '../../shared/engine/kernel-backend';
import type { Network } from '../../shared/engine/network';
import { descend, descendSum } from '../../shared/engine/optimizers/gradient-descent';
import { ChunkGradients } from '../../shared/engine/wasm/chunk-gradient';
import { type BatchRows, fusable } from '../../shared/engine/wasm/fused-network';
import { addressIn, type KernelInstance, kernelInstanceOn } from '../../shared/engine/wasm/runtime';
import { gatherRows } from '../../shared/data/dataset';
import { AbortedError, chunkPlan, flopsPerSample, type GradientEngine, LANES, MAX_PARALLEL_CHUNKS } from '../../shared/training/gradient';
import { EVAL_ROWS } from '../../shared/training/evaluation';
import {
  arrive,
  COORDINATOR_SPIN_MS,
  F,
  HELPER_SPIN_MS,
  I,
  type ParallelBlock,
  type ParallelData,
  type ParallelLayout,
  type ParallelViews,
  parallelViews,
  PHASE_CHUNKS,
  PHASE_LOGITS,
  PHASE_REDUCE,
  SOURCE,
  spinWhile,
} from './parallel-block';

/** Copies the training rows listed at batch positions [r0, r0 + m) into the batch buffers. */
function gather(v: ParallelViews, data: ParallelData, r0: number, m: number): void {
  gatherRows(data.train, v.rows, r0, m, v.batchX, v.batchT);
}

/**
 * A participant's chunk gradients, on the block's kernel memory where the kernels are
 * WebAssembly: they read the weights in place (the run's network computes with the block's) and
 * sum into the block's lanes.
 */
function chunkGradientsOn(net: Network, v: ParallelViews): ChunkGradients {
  const k = kernelBackend() === 'wasm' && fusable(net) ? kernelInstanceOn(v.memory) : null;
  return new ChunkGradients(net, k);
}

/**
 * Where the batch's rows are for this participant: listed training rows it gathers itself
 * straight into its kernels' memory (SOURCE.ROWS on the fused path), else arrays: the training
 * split, or the block's batch buffers (SOURCE.ROWS: after `gather` of the rows it needs).
 */
function batchRows(cg: ChunkGradients, v: ParallelViews, data: ParallelData, source: number): BatchRows {
  if (source === SOURCE.TRAIN) return { x: data.train.inputs, t: data.train.targets };
  if (source === SOURCE.ROWS && cg.gathers) return { data: data.train, rows: v.rows };
  return { x: v.batchX, t: v.batchT };
}

/** Participant i's range [lo, hi) of the parameter vector in the reduce phase. */
function range(P: number, i: number, K: number): [number, number] {
  return [Math.floor((P * i) / K), Math.floor((P * (i + 1)) / K)];
}

/**
 * Participant `i`'s share of a phase. `lane0` is where its range of lane 0 (and so of the
 * result) lives: the caller's gradient vector for the coordinator, `total` for helpers. Each
 * phase has a function of its own: one function for all three would be compiled by V8 while
 * only some paths had run, then thrown away each time another path ran (measured: a
 * deoptimization on every step, the lane join and the gradient step running unoptimized).
 */
function work(net: Network, cg: ChunkGradients, v: ParallelViews, i: number, data: ParallelData, lane0: Float64Array): void {
  const phase = v.ints[I.PHASE];
  if (phase === PHASE_CHUNKS) computeChunks(net, cg, v, i, data);
  else if (phase === PHASE_REDUCE) reduce(cg, v, i, lane0);
  else computeLogits(net, cg, v, i, data);
}

/** This participant's rows of a PHASE_LOGITS request, into the shared logits buffer. */
function computeLogits(net: Network, cg: ChunkGradients, v: ParallelViews, i: number, data: ParallelData): void {
  const ints = v.ints;
  const n = ints[I.ROWS];
  const row0 = ints[I.ROW0];
  const x = ints[I.PART] === 0 ? data.train.inputs : data.validation.inputs;
  const [lo, hi] = range(n, i, ints[I.K]);
  if (hi > lo) v.logits.set(cg.logits(x, row0 + lo, hi - lo), lo * net.outputs);
}

/**
 * This participant's chunks of the wave: into its lane (K = 2) or into their slots. Issue 17:
 * each chunk through `cg` (the fused WebAssembly path where it runs, the same bits as
 * net.gradientInto), flushed to the shared block before the reduce phase reads it.
 */
function computeChunks(net: Network, cg: ChunkGradients, v: ParallelViews, i: number, data: ParallelData): void {
  const ints = v.ints;
  const K = ints[I.K];
  const start = ints[I.WAVE_START];
  const inWave = Math.min(MAX_PARALLEL_CHUNKS, ints[I.CHUNKS] - start);
  const source = ints[I.SOURCE];
  const src = batchRows(cg, v, data, source);
  const gatherHere = source === SOURCE.ROWS && !cg.gathers;
  const rows = ints[I.CHUNK_ROWS];
  const n = ints[I.ROWS];
  if (K === LANES) {
    // Two threads: this participant's chunks of the wave (c = i, i + 2, ...) into its lane, in
    // one go (ChunkGradients.wave), the first added too unless it is chunk 0 or 1.
    const r0s: number[] = [], ms: number[] = [], js: number[] = [];
    for (let j = 0; j < inWave; j++) {
      const c = start + j;
      if (c % LANES !== i) continue;
      const r0 = c * rows;
      const m = Math.min(rows, n - r0);
      if (gatherHere) gather(v, data, r0, m);
      r0s.push(r0);
      ms.push(m);
      js.push(j);
    }
    if (js.length === 0) return;
    const es: number[] = [];
    cg.wave(src, r0s, ms, v.slots[i], start + js[0] >= LANES, es);
    js.forEach((j, q) => { v.slotE[j] = es[q]; });
    return;
  }
  for (let j = 0; j < inWave; j++) {
    const c = start + j;
    // Any other K: a slot of its own per chunk.
    if (j % K !== i) continue;
    const r0 = c * rows;
    const m = Math.min(rows, n - r0);
    if (gatherHere) gather(v, data, r0, m);
    v.slotE[j] = cg.chunk(src, r0, m, v.slots[j], false);
  }
  cg.flush();
}

/** This participant's range of the reduction, and of the gradient step when one is fused. */
function reduce(cg: ChunkGradients, v: ParallelViews, i: number, lane0: Float64Array): void {
  const ints = v.ints;
  const K = ints[I.K];
  const start = ints[I.WAVE_START];
  const chunks = ints[I.CHUNKS];
  const inWave = Math.min(MAX_PARALLEL_CHUNKS, chunks - start);
  const [lo, hi] = range(v.params.length, i, K);
  const last = start + inWave >= chunks;
  const fused = last && ints[I.DESCEND] === 1;
  if (K === LANES) {
    // Two lanes and a gradient step: the step adds them up itself; nothing else needs the sum.
    if (!fused) joinLanes(v.slots[0], v.slots[1], lane0, lo, hi);
    else if (!descendInBlock(cg.kernels, v, lo, hi)) descendSum(v.params, v.slots[0], v.slots[1], v.floats[F.ETA], lo, hi, fallbackOf(v));
    return;
  }
  if (start === 0 && inWave === 4 && last) joinFour(v.slots, lane0, lo, hi);
  else addWave(v, lane0, start, inWave, chunks, last, lo, hi);
  if (fused) descend(v.params, lane0, v.floats[F.ETA], lo, hi, fallbackOf(v));
}

/**
 * descendSum's step over [lo, hi) by the WebAssembly kernel, on the block where the weights, the
 * two lanes and the fallback vector are: w - eta (lane 0 + lane 1), the same formula and bits.
 * False (nothing done) when the kernels do not run on the block's memory.
 */
function descendInBlock(k: KernelInstance | null, v: ParallelViews, lo: number, hi: number): boolean {
  if (k === null) return false;
  const keep = fallbackOf(v);
  const at = [v.params, v.slots[0], v.slots[1], keep ?? v.params].map((a) => addressIn(k, a));
  if (at.some((a) => a < 0)) return false;
  k.exports.descend(at[0] + lo * 8, at[1] + lo * 8, at[2] + lo * 8, v.floats[F.ETA], hi - lo, keep ? at[3] + lo * 8 : 0);
  return true;
}

/** The fallback vector a fused step keeps the old weights in, if any. */
function fallbackOf(v: ParallelViews): Float64Array | undefined {
  const keep = v.ints[I.KEEP];
  return keep >= 0 ? v.fallback[keep] : undefined;
}

/** K = 2: out = lane 0 + lane 1 over [lo, hi). */
function joinLanes(a: Float64Array, b: Float64Array, out: Float64Array, lo: number, hi: number): void {
  for (let p = lo; p < hi; p++) out[p] = a[p] + b[p];
}

/** One wave of four chunks (a mini-batch on four threads): (g0 + g2) + (g1 + g3) in one pass. */
function joinFour(slots: Float64Array[], out: Float64Array, lo: number, hi: number): void {
  const [s0, s1, s2, s3] = slots;
  for (let p = lo; p < hi; p++) out[p] = s0[p] + s2[p] + (s1[p] + s3[p]);
}

/** Any other wave: its slots into the lanes in chunk order; after the last, lane 0 += lane 1. */
function addWave(v: ParallelViews, lane0: Float64Array, start: number, inWave: number, chunks: number, last: boolean, lo: number, hi: number): void {
  const lane1 = v.lane1;
  for (let j = 0; j < inWave; j++) {
    const c = start + j;
    const s = v.slots[j];
    const lane = c % LANES === 0 ? lane0 : lane1;
    if (c < LANES) lane.set(s.subarray(lo, hi), lo);
    else for (let p = lo; p < hi; p++) lane[p] += s[p];
  }
  if (last && chunks > 1) for (let p = lo; p < hi; p++) lane0[p] += lane1[p];
}

/**
 * A helper's loop: wait for a phase, do its share, arrive; until told to quit. `index` is this
 * helper's participant number (1 ... K-1). `networkOn` gives a network of the run's shape whose
 * parameter vector is the given one: the helper computes with the weights in the block.
 */
export function helperLoop(
  networkOn: (params: Float64Array) => Network,
  block: ParallelBlock,
  layout: ParallelLayout,
  index: number,
  data: ParallelData,
): void {
  const v = parallelViews(block, layout);
  const net = networkOn(v.params);
  const cg = chunkGradientsOn(net, v);
  let gen = 0;
  for (;;) {
    if (!spinWhile(v.ints, I.GEN, gen, HELPER_SPIN_MS)) Atomics.wait(v.ints, I.GEN, gen);
    gen = Atomics.load(v.ints, I.GEN);
    if (Atomics.load(v.ints, I.QUIT) === 1) return;
    work(net, cg, v, index, data, v.total);
    arrive(v.ints);
  }
}

/** The coordinator's gradient engine: runs each phase with the helpers and waits for them. */
export class ParallelGradient implements GradientEngine {
  readonly fusesDescent = true;
  private readonly v: ParallelViews;
  private readonly perSample: number;
  private readonly cg: ChunkGradients;

  /**
   * `v`: the views of the run's block; the run's network is normally built on `v.params` (one
   * vector, one object, so `w === v.params` tells that the helpers already see w).
   */
  constructor(
    private readonly net: Network,
    v: ParallelViews,
    private readonly K: number,
    private readonly data: ParallelData,
    private readonly shouldAbort: () => boolean = () => false,
  ) {
    this.v = v;
    this.v.ints[I.K] = K;
    this.perSample = flopsPerSample(net);
    this.cg = chunkGradientsOn(net, v);
  }

  /** A mini-batch given by row numbers: each participant gathers the rows of its chunks. */
  fallbackVectors(): [Float64Array, Float64Array] {
    return this.v.fallback;
  }

  gradientOfRows(w: Float64Array, rows: Int32Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number {
    const v = this.v;
    if (n > v.rows.length) throw new RangeError(`a batch of ${n} rows does not fit the shared block (${v.rows.length})`);
    v.rows.set(rows.subarray(0, n));
    return this.run(w, n, SOURCE.ROWS, grad, descent, keep);
  }

  gradient(w: Float64Array, x: Float64Array, t: Float64Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number {
    const v = this.v;
    const net = this.net;
    if (x === this.data.train.inputs) return this.run(w, n, SOURCE.TRAIN, grad, descent, keep);
    if (n * net.inputs > v.batchX.length) throw new RangeError(`a batch of ${n} rows does not fit the shared block`);
    v.batchX.set(x.subarray(0, n * net.inputs));
    v.batchT.set(t.subarray(0, n * targetWidth(net.cost, net.outputs)));
    return this.run(w, n, SOURCE.BATCH, grad, descent, keep);
  }

  /** The logits of rows [row0, row0 + n) of a split, a range of rows per participant. */
  logits(part: 'train' | 'validation', row0: number, n: number): Float64Array {
    const v = this.v;
    const k = this.net.outputs;
    if (n > EVAL_ROWS) throw new RangeError(`at most ${EVAL_ROWS} rows at a time, got ${n}`);
    if (this.net.params !== v.params) v.params.set(this.net.params);
    v.ints[I.PART] = part === 'train' ? 0 : 1;
    v.ints[I.ROW0] = row0;
    v.ints[I.ROWS] = n;
    this.phase(PHASE_LOGITS, v.logits);
    return v.logits.subarray(0, n * k);
  }

  /**
   * The gradient at w of the batch in `source`; with `descent`, also w <- w - descent grad,
   * taken on every thread when w is the block's vector (the run's network is built on it).
   */
  private run(w: Float64Array, n: number, source: number, grad: Float64Array, descent?: number, keep?: Float64Array): number {
    const v = this.v;
    const shared = descent !== undefined && w === v.params;
    const e = this.sum(w, n, source, grad, shared ? descent : undefined, keep);
    if (descent !== undefined && !shared) descend(w, grad, descent, 0, w.length, keep);
    return e;
  }

  private sum(w: Float64Array, n: number, source: number, grad: Float64Array, descent: number | undefined, keep: Float64Array | undefined): number {
    const v = this.v;
    const net = this.net;
    const { chunks, rows } = chunkPlan(n, this.perSample);
    const restore = w === net.params ? null : Float64Array.from(net.params);
    if (restore) net.params.set(w);
    try {
      // One chunk: nothing to share (the result is the same bits as on one thread).
      if (chunks === 1) {
        if (source === SOURCE.ROWS && !this.cg.gathers) gather(v, this.data, 0, n);
        const e = this.cg.chunk(batchRows(this.cg, v, this.data, source), 0, n, grad, false);
        this.cg.flush();
        if (descent !== undefined) descend(w, grad, descent, 0, w.length, keep);
        return e;
      }
      // The helpers read the weights from the block; the run's network normally lives there.
      if (w !== v.params) v.params.set(w);
      v.ints[I.DESCEND] = descent === undefined ? 0 : 1;
      v.floats[F.ETA] = descent ?? 0;
      // The helpers can only fill a fallback vector in the block; any other is filled here.
      const keepAt = keep === undefined ? -1 : v.fallback.indexOf(keep);
      if (descent !== undefined && keep !== undefined && keepAt < 0) keep.set(w);
      v.ints[I.KEEP] = keepAt;
      v.ints[I.SOURCE] = source;
      v.ints[I.ROWS] = n;
      v.ints[I.CHUNK_ROWS] = rows;
      v.ints[I.CHUNKS] = chunks;
      let e = 0;
      for (let start = 0; start < chunks; start += MAX_PARALLEL_CHUNKS) {
        if (start > 0 && this.shouldAbort()) throw new AbortedError();
        v.ints[I.WAVE_START] = start;
        this.phase(PHASE_CHUNKS, grad);
        const inWave = Math.min(MAX_PARALLEL_CHUNKS, chunks - start);
        // With two lanes the reduce phase only joins them, after the last wave.
        if (this.K !== LANES || start + inWave >= chunks) this.phase(PHASE_REDUCE, grad);
        for (let j = 0; j < inWave; j++) e += v.slotE[j];
      }
      // After a fused step the gradient is not wanted (grad was scratch); otherwise the helpers'
      // ranges of it are in the block, the coordinator's already in grad.
      if (descent === undefined) {
        const [, hi] = range(grad.length, 0, this.K);
        grad.set(v.total.subarray(hi), hi);
      }
      return e;
    } finally {
      if (restore) net.params.set(restore);
    }
  }

  /** Starts a phase for everyone, does the coordinator's share, waits for the helpers. */
  private phase(p: number, lane0: Float64Array): void {
    const ints = this.v.ints;
    ints[I.PHASE] = p;
    Atomics.store(ints, I.ARRIVED, 0);
    Atomics.add(ints, I.GEN, 1);
    Atomics.notify(ints, I.GEN);
    work(this.net, this.cg, this.v, 0, this.data, lane0);
    const helpers = this.K - 1;
    let arrived = Atomics.load(ints, I.ARRIVED);
    if (arrived < helpers) spinWhile(ints, I.ARRIVED, arrived, COORDINATOR_SPIN_MS);
    for (;;) {
      arrived = Atomics.load(ints, I.ARRIVED);
      if (arrived >= helpers) break;
      // Main sets QUIT when a helper thread dies: its share would never arrive.
      if (Atomics.load(ints, I.QUIT) === 1) throw new Error('a data-parallel helper thread stopped, so this run cannot go on');
      Atomics.wait(ints, I.ARRIVED, arrived, 200);
    }
  }
}
