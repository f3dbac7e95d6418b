/**
 * What a working copy in kernel memory (fused-network.ts) is built from besides its layout: the
 * kernel functions of its precision, the arena blocks it holds (given back when it is disposed or
 * garbage), and the moves of float64 vectors into and out of it (float32: rounded and widened in
 * WebAssembly).
 */
import { addressIn, type KernelInstance } from './runtime';

/** The arithmetic a working copy computes in (spec `training.precision`). */
export type Precision = 'float64' | 'float32';

/** The kernel functions of one precision. */
export interface Functions {
  gemmWork(m: number, n: number, k: number): number;
  forward(pDesc: number, n: number, pX: number): void;
  backward(pDesc: number, r0: number, m: number, pX: number, pT: number, pInto: number, add: number): void;
  backwardLanes(pDesc: number, n: number, pX: number, pT: number, pLane0: number, pLane1: number, segRows: number, lanes: number, add0: number): void;
  stepLanes(pDesc: number, n: number, pX: number, pT: number, pLane0: number, pLane1: number, segRows: number, eta: number, pKeep: number): void;
  descend(pW: number, pA: number, pB: number, eta: number, len: number, pKeep: number): void;
  addBuf(pA: number, pB: number, pOut: number, len: number): void;
}

export function functionsOf(k: KernelInstance, precision: Precision): Functions {
  const x = k.exports;
  return precision === 'float64'
    ? { gemmWork: x.gemm_work_f64, forward: x.mlp_forward, backward: x.mlp_backward, backwardLanes: x.mlp_backward_lanes, stepLanes: x.mlp_step_lanes, descend: x.descend, addBuf: x.add_buf }
    : { gemmWork: x.gemm_work_f32, forward: x.mlp_forward_f32, backward: x.mlp_backward_f32, backwardLanes: x.mlp_backward_lanes_f32, stepLanes: x.mlp_step_lanes_f32, descend: x.descend_f32, addBuf: x.add_buf_f32 };
}

/** Bytes rounded up to a whole number of 64-byte cache lines. */
export const up64 = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** The arena blocks a working copy holds (its layout, its own vectors), in an object the finalizer can hold without the copy. */
export interface Held {
  k: KernelInstance;
  at: number | null;
  vectors: number | null;
}

/** Gives a working copy's blocks back to the arena (once it is garbage, or disposed). */
export function releaseHeld(h: Held): void {
  if (h.at !== null) h.k.arena.release(h.at);
  if (h.vectors !== null) h.k.arena.release(h.vectors);
  h.at = null;
  h.vectors = null;
}

/** Releases the blocks of working copies that were never disposed once they are garbage. */
export const heldFinalizer = new FinalizationRegistry<Held>(releaseHeld);

/**
 * Float64 vectors into and out of a working copy of `bytes` per value. float64 copies are
 * memcpys; float32 ones are rounded (in) and widened, exactly (out), in WebAssembly, straight
 * from or to the vector when it is a kernelView of this memory (runtime.ts), else through a
 * float64 staging area of the copy's layout (`stage()`).
 */
export class VectorMoves {
  constructor(private readonly k: KernelInstance, private readonly bytes: 8 | 4, private readonly stage: () => number) {}

  /** The first `len` values of `from` into the copy at `to`. */
  load(from: Float64Array, to: number, len = from.length): void {
    if (len > from.length) throw new RangeError(`VectorMoves.load: ${len} values asked of a vector of ${from.length}`);
    const values = len === from.length ? from : from.subarray(0, len);
    if (this.bytes === 8) {
      this.k.arena.f64().set(values, to / 8);
      return;
    }
    const at = addressIn(this.k, from);
    if (at >= 0) {
      this.k.exports.demote_buf(at, to, len);
      return;
    }
    const stage = this.stage();
    this.k.arena.f64().set(values, stage / 8);
    this.k.exports.demote_buf(stage, to, len);
  }

  /** `len` values of the copy at `from` into the start of `to`. */
  store(from: number, len: number, to: Float64Array): void {
    if (len > to.length) throw new RangeError(`VectorMoves.store: ${len} values into a vector of ${to.length}`);
    if (this.bytes === 8) {
      to.set(this.k.arena.f64().subarray(from / 8, from / 8 + len));
      return;
    }
    const at = addressIn(this.k, to);
    if (at >= 0) {
      this.k.exports.promote_buf(from, at, len);
      return;
    }
    const stage = this.stage();
    this.k.exports.promote_buf(from, stage, len);
    to.set(this.k.arena.f64().subarray(stage / 8, stage / 8 + len));
  }
}
