/**
 * Chunk gradients for one data-parallel participant (src-main/training/parallel-gradient.ts):
 * `chunk` is Network.gradientInto(x rows [r0, r0 + m), into, add), the same bits, computed on
 * the fused WebAssembly path (fused-network.ts) where it can run and by the network otherwise.
 *
 * On the fused path a chunk's gradient stays in the kernel memory while the next chunk of the
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
import { FusedNetwork, fusable } from './fused-network';
import { kernelInstance } from './runtime';

/** Layer outputs (doubles) up to which a wave's chunks go forward and back in one pass (32 MB). */
const WAVE_DOUBLES = 4 << 20;

/** One participant's chunk gradients; see the file comment. */
export class ChunkGradients {
  private readonly fn: FusedNetwork | null;
  /** The vector whose running sum is in lane 0 and not yet copied out. */
  private pending: Float64Array | null = null;

  constructor(private readonly net: Network) {
    const k = kernelBackend() === 'wasm' && fusable(net) ? kernelInstance() : null;
    this.fn = k !== null ? new FusedNetwork(net, k) : null;
  }

  /**
   * The gradient of rows [r0, r0 + m) of x and t at the network's parameters into `into`
   * (written over it, or added when `add`); returns their E.
   */
  chunk(x: Float64Array, t: Float64Array, r0: number, m: number, into: Float64Array, add: boolean): number {
    const fn = this.fn;
    const net = this.net;
    if (fn === null) {
      const d = net.inputs, w = targetWidth(net.cost, net.outputs);
      return net.gradientInto(x.subarray(r0 * d, (r0 + m) * d), t.subarray(r0 * w, (r0 + m) * w), m, into, add);
    }
    // A new layout would lose the running sum: copy it out first (and back in below).
    if (this.pending !== null && (this.pending !== into || !fn.fits(r0 + m, m, m))) this.flush();
    fn.reserve(r0 + m, m, m);
    fn.loadParams(net.params);
    fn.loadRows(x, t, r0, m);
    // Adding to a vector whose sum is not in lane 0 already: bring it in first.
    if (add && this.pending !== into) fn.loadLane(0, into);
    fn.forward(r0, m);
    const e = fn.backward(r0, 0, m, 0, add, true);
    this.pending = into;
    return e;
  }

  /**
   * Several chunks summed into one vector (a participant's chunks c, c + 2, ... on two threads):
   * chunk j covers rows [r0s[j], r0s[j] + ms[j]) of x and t; the first is written over `into`
   * unless `add0`, the others added, in order. The same bits as `chunk` one by one, in two
   * WebAssembly calls (one forward pass over all their rows, then the lanes backward pass) when
   * the chunks are of one size but perhaps the last; E of each chunk goes into `es`.
   */
  wave(x: Float64Array, t: Float64Array, r0s: readonly number[], ms: readonly number[], into: Float64Array, add0: boolean, es: number[]): void {
    const fn = this.fn;
    const rows = ms[0];
    const even = ms.every((m, j) => m === rows || (j === ms.length - 1 && m <= rows));
    const n = ms.reduce((a, b) => a + b, 0);
    // Layer outputs and deltas for all the rows within WAVE_DOUBLES, else chunk by chunk.
    const small = n * this.net.layers.reduce((u, l) => u + l.units, 0) <= WAVE_DOUBLES;
    if (fn === null || ms.length < 2 || !even || !small) {
      ms.forEach((m, j) => { es[j] = this.chunk(x, t, r0s[j], m, into, add0 || j > 0); });
      this.flush();
      return;
    }
    this.flush();
    fn.reserve(n, n, rows);
    fn.loadParams(this.net.params);
    let at = 0;
    ms.forEach((m, j) => {
      fn.loadRows(x, t, r0s[j], m, at);
      at += m;
    });
    if (add0) fn.loadLane(0, into);
    fn.forward(0, n);
    fn.backwardLanes(n, rows, 1, add0);
    at = 0;
    ms.forEach((m, j) => {
      es[j] = fn.errorAfter(at, m);
      at += m;
    });
    fn.storeLane(0, into);
  }

  /** Copies the running sum out to its vector. */
  flush(): void {
    if (this.fn !== null && this.pending !== null) this.fn.storeLane(0, this.pending);
    this.pending = null;
  }
}
