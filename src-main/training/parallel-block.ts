/**
 * The shared memory of a data-parallel run (parallel-gradient.ts): its layout (control slots,
 * the weights, the lanes and chunk slots of the gradient, the batch buffers, the logits buffer,
 * the row numbers, the trainer's fallback vectors) and the synchronisation on it: a generation
 * counter the helpers wait on, an arrival counter per phase, and the quit flag. Every participant
 * builds the same views of the same block.
 *
 * The block is a reserved part of a shared WebAssembly kernel memory (runtime.ts), on which each
 * participant runs its kernels: they read the weights and write the lanes where the block keeps
 * them, so nothing is copied in or out of the kernels per step.
 */
import type { Dataset } from '../../shared/data/dataset';
import { kernelView, reserveIn, sharedKernelMemory, type WasmMemory } from '../../shared/engine/wasm/runtime';
import { EVAL_ROWS } from '../../shared/training/evaluation';
import { MAX_PARALLEL_CHUNKS } from '../../shared/training/gradient';

/** Int32 slots of the shared block. */
export const I = {
  /** Bumped by the coordinator to start a phase; helpers wait on it. */
  GEN: 0,
  /** Participants that finished the current phase. */
  ARRIVED: 1,
  /** 1: helpers leave their loop. */
  QUIT: 2,
  /** PHASE_CHUNKS or PHASE_REDUCE. */
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
  /** Where the batch's rows are: one of SOURCE. */
  SOURCE: 9,
  /** PHASE_LOGITS: 0 = training split, 1 = validation split. */
  PART: 10,
  /** PHASE_LOGITS: the first row. */
  ROW0: 11,
  /** 1: after joining the lanes, each participant takes the gradient step on its range. */
  DESCEND: 12,
  /** With DESCEND: 0 or 1, the fallback vector that receives the weights before the step; -1 none. */
  KEEP: 13,
} as const;
/** Float64 slots after the Int32 ones. */
export const F = {
  /** The step size of a fused gradient step. */
  ETA: 0,
} as const;
const F64_SLOTS = 2;
const INT_SLOTS = 16;
/** Compute the wave's chunk gradients. */
export const PHASE_CHUNKS = 0;
/** Add the wave into the lanes (K other than 2) and, after the last wave, join the lanes. */
export const PHASE_REDUCE = 1;
/** Forward-propagate rows of a split into the shared logits buffer. */
export const PHASE_LOGITS = 2;
export const SOURCE = {
  /** Rows [0, n) of the training split (a full batch). */
  TRAIN: 0,
  /** Rows [0, n) of the shared batch buffers, already filled. */
  BATCH: 1,
  /** The training rows listed in the shared row numbers: each participant gathers its chunks. */
  ROWS: 2,
} as const;

/** A participant's data: the training and validation splits (in shared memory). */
export interface ParallelData {
  train: Dataset;
  validation: Dataset;
}

/** Sizes a shared block is laid out for. */
export interface ParallelLayout {
  params: number;
  inputs: number;
  outputs: number;
  /** Largest batch that will be copied into the block (mini-batch size; 0 for full batch only). */
  maxBatch: number;
  /** The network's output units (logits per row). */
  logits: number;
}

/** A run's shared block: the kernel memory it is in and its address there. */
export interface ParallelBlock {
  memory: WasmMemory;
  at: number;
}

/** Views of the shared block, the same in every participant. */
export interface ParallelViews {
  /** The kernel memory the block is in. */
  memory: WasmMemory;
  ints: Int32Array;
  /** Float64 control slots (F). */
  floats: Float64Array;
  params: Float64Array;
  batchX: Float64Array;
  batchT: Float64Array;
  slots: Float64Array[];
  slotE: Float64Array;
  /** The helpers' ranges of lane 0, which ends as the gradient. */
  total: Float64Array;
  /** Lane 1 while a multi-wave batch is reduced (K other than 2). */
  lane1: Float64Array;
  /** EVAL_ROWS x logits: PHASE_LOGITS's output. */
  logits: Float64Array;
  /** The mini-batch's row numbers (SOURCE.ROWS). */
  rows: Int32Array;
  /** The trainer's two fallback vectors (GradientEngine.fallbackVectors). */
  fallback: [Float64Array, Float64Array];
}

/** Allocates the shared block for a run, in a new shared kernel memory. */
export function createParallelBlock(layout: ParallelLayout): ParallelBlock {
  const memory = sharedKernelMemory();
  if (memory === null) throw new Error('this platform has no shared WebAssembly memory, which a run on several threads needs: set threads to 1');
  return { memory, at: reserveIn(memory, INT_SLOTS * 4 + (F64_SLOTS + doublesOf(layout)) * 8 + layout.maxBatch * 4) };
}

function doublesOf(layout: ParallelLayout): number {
  return (
    layout.params * (5 + MAX_PARALLEL_CHUNKS) +
    layout.maxBatch * (layout.inputs + layout.outputs) +
    MAX_PARALLEL_CHUNKS +
    EVAL_ROWS * layout.logits
  );
}

/** The views of a shared block. */
export function parallelViews(block: ParallelBlock, layout: ParallelLayout): ParallelViews {
  const sab = block.memory.buffer;
  let at = block.at + INT_SLOTS * 4;
  // The vectors are kernelViews: the participants' kernels use them in place.
  const take = (n: number) => {
    const v = kernelView(block.memory, at, n);
    at += n * 8;
    return v;
  };
  const ints = new Int32Array(sab, block.at, INT_SLOTS);
  const floats = take(F64_SLOTS);
  const params = take(layout.params);
  const total = take(layout.params);
  const lane1 = take(layout.params);
  const fallback: [Float64Array, Float64Array] = [take(layout.params), take(layout.params)];
  const slots = Array.from({ length: MAX_PARALLEL_CHUNKS }, () => take(layout.params));
  const slotE = take(MAX_PARALLEL_CHUNKS);
  const batchX = take(layout.maxBatch * layout.inputs);
  const batchT = take(layout.maxBatch * layout.outputs);
  const logits = take(EVAL_ROWS * layout.logits);
  const rows = new Int32Array(sab, at, layout.maxBatch);
  return { memory: block.memory, ints, floats, params, batchX, batchT, slots, slotE, total, lane1, logits, rows, fallback };
}

/**
 * How long a participant spins on the shared counters before it sleeps in Atomics.wait. Waking a
 * sleeping thread takes a futex round trip through the scheduler, measured at about 0.3 ms per
 * direction on a 2-core VM: twice per phase, on a ~16 ms step. A helper spins through the
 * coordinator's serial work between steps (the trainer's bookkeeping, a progress report: under
 * 1 ms on the MNIST-sized benchmark); the coordinator spins for helpers a little behind it. Past
 * these, a thread sleeps, so a paused run or a slow phase costs no CPU.
 */
export const HELPER_SPIN_MS = 3;
export const COORDINATOR_SPIN_MS = 1;

/** Spins until ints[index] differs from `value` or `ms` pass; true if it changed. */
export function spinWhile(ints: Int32Array, index: number, value: number, ms: number): boolean {
  const deadline = performance.now() + ms;
  for (let i = 1; ; i++) {
    if (Atomics.load(ints, index) !== value) return true;
    if ((i & 1023) === 0 && performance.now() > deadline) return false;
  }
}

/** Marks this participant done with the phase and wakes the coordinator. */
export function arrive(ints: Int32Array): void {
  Atomics.add(ints, I.ARRIVED, 1);
  Atomics.notify(ints, I.ARRIVED);
}

/** Tells the helpers to leave their loops. */
export function releaseHelpers(block: ParallelBlock): void {
  const ints = new Int32Array(block.memory.buffer, block.at, INT_SLOTS);
  Atomics.store(ints, I.QUIT, 1);
  Atomics.add(ints, I.GEN, 1);
  Atomics.notify(ints, I.GEN);
}
