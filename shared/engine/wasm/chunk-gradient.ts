/**
 * Chunk gradients for one data-parallel participant (src-main/training/parallel-gradient.ts):
 * `chunk` is Network.gradientInto(x rows [r0, r0 + m), into, add), the same bits, computed on
 * the fused WebAssembly path (fused-network.ts) where it can run and by the network otherwise.
 *
 * On a run's shared kernel memory (the participants' kernels all run on the memory the run's
 * weights and lanes are in, as kernelViews: runtime.ts), the kernels read the weights where they
 * are and sum each chunk straight into its lane: nothing is copied in or out but the rows.
 * Otherwise a chunk's gradient stays in this thread's kernel memory while the next chunk of the
 * same participant adds into the same vector (two lanes: chunk c and c + 2 go to one lane), and
 * reaches `into` when `flush` is called or another vector is asked for: one copy out per lane
 * and wave instead of one copy in and out per chunk. The caller must `flush` before anyone else
 * reads `into`, and must not change `into` between chunks that add to it (the data-parallel
 * protocol does neither). `wave` does a participant's chunks of a wave together on two threads:
 * one forward pass over all their rows, one backward pass with the sums kept per chunk.
 * float64 only: float32 runs train on one thread.
 */
import { targetWidth } from '../cost-types';
import { kernelBackend } from '../kernel-backend';
import type { Network } from '../network';
import { type BatchRows, FusedLogits, FusedNetwork, fusable } from './fused-network';
import { addressIn, type KernelInstance, kernelInstance } from './runtime';

/** Layer outputs (doubles) up to which a wave's chunks go forward and back in one pass (32 MB). */
const WAVE_DOUBLES = 4 << 20;

/** One participant's chunk gradients; see the file comment. */
export class ChunkGradients {
  private readonly fn: FusedNetwork | null;
  /** The forward passes of `logits`, on the fused path. */
  private readonly forward: FusedLogits | null;
  /** The vector whose running sum is in lane 0 and not yet copied out. */
  private pending: Float64Array | null = null;

  /**
   * `k`: the kernel instance to compute on when the kernels are WebAssembly (a run's shared
   * memory; default this thread's own).
   */
  constructor(private readonly net: Network, k: KernelInstance | null = kernelInstance()) {
    const on = kernelBackend() === 'wasm' && fusable(net) ? k : null;
    this.fn = on !== null ? new FusedNetwork(net, on) : null;
    this.kernels = on;
    this.forward = on !== null ? new FusedLogits(net, on) : null;
  }

  /** The kernel instance the chunks are computed on, or null on the plain path. */
  readonly kernels: KernelInstance | null;

  /** True when `v` is a kernelView of the memory the chunks are computed on: they sum into it in place. */
  private inPlace(v: Float64Array): boolean {
    return this.kernels !== null && addressIn(this.kernels, v) >= 0;
  }

  /** True when this participant reads listed rows of the data itself (BatchRows with `rows`). */
  get gathers(): boolean {
    return this.fn !== null;
  }

  /**
   * The gradient of batch rows [r0, r0 + m) at the network's parameters into `into` (written
   * over it, or added when `add`); returns their E. An `into` that is a kernelView of the memory
   * (a lane of the run's block) is summed into in place; any other through lane 0 and `flush`.
   */
  chunk(src: BatchRows, r0: number, m: number, into: Float64Array, add: boolean): number {
    const fn = this.fn;
    const net = this.net;
    if (fn === null) {
      if (src.data !== undefined) throw new Error('ChunkGradients: rows to gather need the fused path');
      const d = net.inputs, w = targetWidth(net.cost, net.outputs);
      return net.gradientInto(src.x.subarray(r0 * d, (r0 + m) * d), src.t.subarray(r0 * w, (r0 + m) * w), m, into, add);
    }
    if (this.inPlace(into)) {
      this.flush();
      fn.reserve(m, m, m);
      fn.loadParams(net.params);
      fn.loadFrom(src, r0, m, 0);
      fn.forward(0, m);
      return fn.backward(0, 0, m, into, add, true);
    }
    // A new layout would lose the running sum: copy it out first (and back in below).
    if (this.pending !== null && (this.pending !== into || !fn.fits(r0 + m, m, m))) this.flush();
    fn.reserve(r0 + m, m, m);
    fn.loadParams(net.params);
    fn.loadFrom(src, r0, m, r0);
    // Adding to a vector whose sum is not in lane 0 already: bring it in first.
    if (add && this.pending !== into) fn.loadLane(0, into);
    fn.forward(r0, m);
    const e = fn.backward(r0, 0, m, 0, add, true);
    this.pending = into;
    return e;
  }

  /**
   * Several chunks summed into one vector (a participant's chunks c, c + 2, ... on two threads):
   * chunk j covers batch rows [r0s[j], r0s[j] + ms[j]); the first is written over `into` unless
   * `add0`, the others added, in order. The same bits as `chunk` one by one, in two WebAssembly
   * calls (one forward pass over all their rows, then the lanes backward pass) when the chunks
   * are of one size but perhaps the last; E of each chunk goes into `es`.
   */
  wave(src: BatchRows, r0s: readonly number[], ms: readonly number[], into: Float64Array, add0: boolean, es: number[]): void {
    const fn = this.fn;
    const rows = ms[0];
    const even = ms.every((m, j) => m === rows || (j === ms.length - 1 && m <= rows));
    const n = ms.reduce((a, b) => a + b, 0);
    // Layer outputs and deltas for all the rows within WAVE_DOUBLES, else chunk by chunk.
    const small = n * this.net.layers.reduce((u, l) => u + l.units, 0) <= WAVE_DOUBLES;
    if (fn === null || ms.length < 2 || !even || !small) {
      ms.forEach((m, j) => { es[j] = this.chunk(src, r0s[j], m, into, add0 || j > 0); });
      this.flush();
      return;
    }
    this.flush();
    fn.reserve(n, n, rows);
    const inPlace = this.inPlace(into);
    fn.loadParams(this.net.params);
    let at = 0;
    ms.forEach((m, j) => {
      fn.loadFrom(src, r0s[j], m, at);
      at += m;
    });
    if (add0 && !inPlace) fn.loadLane(0, into);
    fn.forward(0, n);
    fn.backwardLanes(n, rows, 1, add0, inPlace ? into : 0);
    at = 0;
    ms.forEach((m, j) => {
      es[j] = fn.errorAfter(at, m);
      at += m;
    });
    if (!inPlace) fn.storeLane(0, into);
  }

  /**
   * The logits (m x outputs) of rows [r0, r0 + m) of inputs `x` at the network's parameters: on
   * the fused path (FusedNetwork.logits, the same bits), else by Network.forward. Valid until the
   * next call.
   */
  logits(x: Float64Array, r0: number, m: number): Float64Array {
    const d = this.net.inputs;
    if (this.forward === null) return this.net.forward(x.subarray(r0 * d, (r0 + m) * d), m);
    return this.forward.of(x, r0, m);
  }

  /** Copies the running sum out to its vector. */
  flush(): void {
    if (this.fn !== null && this.pending !== null) this.fn.storeLane(0, this.pending);
    this.pending = null;
  }
}
