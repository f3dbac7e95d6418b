/**
 * Data-parallel gradients: one run's batch split across K worker threads.
 *
 * The batch is cut into chunks by `chunkPlan`, which depends on the batch and the network only.
 * Chunks are computed in waves of up to MAX_PARALLEL_CHUNKS: in a wave, participant i (0 is the
 * coordinator, the thread running the optimizer) computes the chunks whose index within the wave
 * is i mod K and writes each chunk's gradient into that chunk's slot. After a barrier, every
 * participant adds the slots, in chunk order, into its own range of the total gradient. So each
 * total entry is ((0 + g0) + g1) + ... in chunk order whatever K is, the same additions as
 * `LocalGradient` on one thread: results are identical bit for bit for K = 1, 2, 4, ...
 *
 * Synchronisation is shared memory only: a generation counter the helpers wait on
 * (Atomics.wait / notify) and an arrival counter per phase. Messages would be far slower and a
 * helper in its wait loop could not receive them anyway.
 */
import { targetWidth } from '../../shared/engine/costs';
import type { Network } from '../../shared/engine/network';
import { AbortedError, chunkPlan, flopsPerSample, type GradientEngine, MAX_PARALLEL_CHUNKS } from '../../shared/trainer';

/** Int32 slots of the shared block. */
const I = {
  /** Bumped by the coordinator to start a phase; helpers wait on it. */
  GEN: 0,
  /** Participants that finished the current phase. */
  ARRIVED: 1,
  /** 1: helpers leave their loop. */
  QUIT: 2,
  /** 0 = compute chunk gradients of a wave, 1 = reduce slots into the total. */
  PHASE: 3,
  /** Rows in the batch. */
  ROWS: 4,
  /** Rows per chunk. */
  CHUNK_ROWS: 5,
  /** Total chunks in the batch. */
  CHUNKS: 6,
  /** First chunk of the current wave. */
  WAVE_START: 7,
  /** Number of participants K (coordinator included). */
  K: 8,
  /** 1 when the batch is in the shared batch buffers, 0 when it is the whole training set. */
  FROM_BATCH: 9,
  /** 1 when the wave is the first (the reduce starts the total from zero). */
  FIRST_WAVE: 10,
} as const;
const INT_SLOTS = 16;

/** Sizes a shared block is laid out for. */
export interface ParallelLayout {
  params: number;
  inputs: number;
  outputs: number;
  /** Largest batch that will be copied into the block (mini-batch size; 0 for full batch only). */
  maxBatch: number;
}

/** Views of the shared block, the same in every participant. */
export interface ParallelViews {
  ints: Int32Array;
  params: Float64Array;
  batchX: Float64Array;
  batchT: Float64Array;
  slots: Float64Array[];
  slotE: Float64Array;
  total: Float64Array;
}

/** Allocates the shared block for a run. */
export function createParallelBlock(layout: ParallelLayout): SharedArrayBuffer {
  const doubles =
    layout.params * (2 + MAX_PARALLEL_CHUNKS) + layout.maxBatch * (layout.inputs + layout.outputs) + MAX_PARALLEL_CHUNKS;
  return new SharedArrayBuffer(INT_SLOTS * 4 + doubles * 8);
}

/** The views of a shared block. */
export function parallelViews(sab: SharedArrayBuffer, layout: ParallelLayout): ParallelViews {
  let at = INT_SLOTS * 4;
  const take = (n: number) => {
    const v = new Float64Array(sab, at, n);
    at += n * 8;
    return v;
  };
  const ints = new Int32Array(sab, 0, INT_SLOTS);
  const params = take(layout.params);
  const total = take(layout.params);
  const slots = Array.from({ length: MAX_PARALLEL_CHUNKS }, () => take(layout.params));
  const slotE = take(MAX_PARALLEL_CHUNKS);
  const batchX = take(layout.maxBatch * layout.inputs);
  const batchT = take(layout.maxBatch * layout.outputs);
  return { ints, params, batchX, batchT, slots, slotE, total };
}

/** The chunk gradient of chunk `c` into slot `slot`: params from the block, rows from x/t. */
function computeChunk(net: Network, v: ParallelViews, x: Float64Array, t: Float64Array, c: number, slot: number): void {
  const rows = v.ints[I.CHUNK_ROWS];
  const n = v.ints[I.ROWS];
  const d = net.inputs;
  const k = targetWidth(net.cost, net.outputs);
  const r0 = c * rows;
  const m = Math.min(rows, n - r0);
  v.slotE[slot] = net.gradient(x.subarray(r0 * d, (r0 + m) * d), t.subarray(r0 * k, (r0 + m) * k), m);
  v.slots[slot].set(net.grads);
}

/** Participant `i`'s share of a phase: its chunks of the wave, or its range of the reduction. */
function work(net: Network, v: ParallelViews, i: number, trainX: Float64Array, trainT: Float64Array): void {
  const K = v.ints[I.K];
  const start = v.ints[I.WAVE_START];
  const inWave = Math.min(MAX_PARALLEL_CHUNKS, v.ints[I.CHUNKS] - start);
  if (v.ints[I.PHASE] === 0) {
    const fromBatch = v.ints[I.FROM_BATCH] === 1;
    const x = fromBatch ? v.batchX : trainX;
    const t = fromBatch ? v.batchT : trainT;
    for (let j = i; j < inWave; j += K) computeChunk(net, v, x, t, start + j, j);
    return;
  }
  const P = v.params.length;
  const lo = Math.floor((P * i) / K);
  const hi = Math.floor((P * (i + 1)) / K);
  const total = v.total;
  if (v.ints[I.FIRST_WAVE] === 1) total.fill(0, lo, hi);
  for (let j = 0; j < inWave; j++) {
    const s = v.slots[j];
    for (let p = lo; p < hi; p++) total[p] += s[p];
  }
}

/** Marks this participant done with the phase and wakes the coordinator. */
function arrive(ints: Int32Array): void {
  Atomics.add(ints, I.ARRIVED, 1);
  Atomics.notify(ints, I.ARRIVED);
}

/**
 * A helper's loop: wait for a phase, do its share, arrive; until told to quit. `index` is this
 * helper's participant number (1 ... K-1). `net` is its own network of the run's shape.
 */
export function helperLoop(net: Network, sab: SharedArrayBuffer, layout: ParallelLayout, index: number, trainX: Float64Array, trainT: Float64Array): void {
  const v = parallelViews(sab, layout);
  let gen = 0;
  for (;;) {
    Atomics.wait(v.ints, I.GEN, gen);
    gen = Atomics.load(v.ints, I.GEN);
    if (Atomics.load(v.ints, I.QUIT) === 1) return;
    if (v.ints[I.PHASE] === 0) net.params.set(v.params);
    work(net, v, index, trainX, trainT);
    arrive(v.ints);
  }
}

/** Tells the helpers to leave their loops. */
export function releaseHelpers(sab: SharedArrayBuffer): void {
  const ints = new Int32Array(sab, 0, INT_SLOTS);
  Atomics.store(ints, I.QUIT, 1);
  Atomics.add(ints, I.GEN, 1);
  Atomics.notify(ints, I.GEN);
}

/** The coordinator's gradient engine: runs each phase with the helpers and waits for them. */
export class ParallelGradient implements GradientEngine {
  private readonly v: ParallelViews;
  private readonly perSample: number;

  constructor(
    private readonly net: Network,
    sab: SharedArrayBuffer,
    layout: ParallelLayout,
    private readonly K: number,
    private readonly trainX: Float64Array,
    private readonly trainT: Float64Array,
    private readonly shouldAbort: () => boolean = () => false,
  ) {
    this.v = parallelViews(sab, layout);
    this.v.ints[I.K] = K;
    this.perSample = flopsPerSample(net);
  }

  batchBuffers(rows: number): { x: Float64Array; t: Float64Array } | null {
    const v = this.v;
    if (rows * this.net.inputs > v.batchX.length) return null;
    return { x: v.batchX, t: v.batchT };
  }

  gradient(w: Float64Array, x: Float64Array, t: Float64Array, n: number, grad: Float64Array): number {
    const v = this.v;
    const net = this.net;
    const { chunks, rows } = chunkPlan(n, this.perSample);
    v.params.set(w);
    const restore = w === net.params ? null : Float64Array.from(net.params);
    net.params.set(w);
    try {
      const fromBatch = x !== this.trainX;
      // The trainer gathers mini-batches straight into the shared buffers (batchBuffers).
      if (fromBatch && x !== v.batchX) {
        v.batchX.set(x.subarray(0, n * net.inputs));
        v.batchT.set(t.subarray(0, n * targetWidth(net.cost, net.outputs)));
      }
      v.ints[I.FROM_BATCH] = fromBatch ? 1 : 0;
      v.ints[I.ROWS] = n;
      v.ints[I.CHUNK_ROWS] = rows;
      v.ints[I.CHUNKS] = chunks;
      let e = 0;
      for (let start = 0; start < chunks; start += MAX_PARALLEL_CHUNKS) {
        if (start > 0 && this.shouldAbort()) throw new AbortedError();
        v.ints[I.WAVE_START] = start;
        v.ints[I.FIRST_WAVE] = start === 0 ? 1 : 0;
        this.phase(0);
        this.phase(1);
        const inWave = Math.min(MAX_PARALLEL_CHUNKS, chunks - start);
        for (let j = 0; j < inWave; j++) e += v.slotE[j];
      }
      grad.set(v.total);
      return e;
    } finally {
      if (restore) net.params.set(restore);
    }
  }

  /** Starts a phase for everyone, does the coordinator's share, waits for the helpers. */
  private phase(p: 0 | 1): void {
    const ints = this.v.ints;
    ints[I.PHASE] = p;
    Atomics.store(ints, I.ARRIVED, 0);
    Atomics.add(ints, I.GEN, 1);
    Atomics.notify(ints, I.GEN);
    work(this.net, this.v, 0, this.trainX, this.trainT);
    const helpers = this.K - 1;
    for (;;) {
      const arrived = Atomics.load(ints, I.ARRIVED);
      if (arrived >= helpers) break;
      // Main sets QUIT when a helper thread dies: its share would never arrive.
      if (Atomics.load(ints, I.QUIT) === 1) throw new Error('a data-parallel helper thread stopped, so this run cannot go on');
      Atomics.wait(ints, I.ARRIVED, arrived, 200);
    }
  }
}
