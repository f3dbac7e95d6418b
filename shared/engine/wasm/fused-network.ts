/**
 * A network's working copy inside the WebAssembly kernel memory, for the fused gradient
 * (fused-gradient.ts): its parameters, two gradient lanes, the fallback copy a step keeps, the
 * batch, every layer's outputs and deltas, the product kernel's work area, and the descriptor
 * the one-call gradient (wat-mlp.ts) reads. One block of the arena, laid out once for a batch
 * size and chunk size and grown when a larger one comes; nothing is allocated per step.
 *
 * Only networks built from the engine's own parts are supported (`fusable`): activations
 * linear, sigmoid, tanh, relu, and the costs sum of squares, sigmoid or softmax cross-entropy
 * (the mixture density cost stays in TypeScript).
 */
import { activation, isActivationName } from '../activations';
import { cost as costByName, targetWidth } from '../costs';
import type { Network } from '../network';
import type { KernelInstance } from './runtime';
import { ACT_ID, COST_ID } from './wat-math';
import { DESC_HEAD, DESC_LAYER } from './wat-mlp';

/** True when the fused gradient can run this network: built-in activations and a canonical cost. */
export function fusable(net: Network): boolean {
  const c = net.cost;
  if (!(c.name in COST_ID) || costByName(c.name) !== c) return false;
  return net.layers.every((l) => isActivationName(l.activation.name) && activation(l.activation.name) === l.activation);
}

const up64 = (bytes: number): number => (bytes + 63) & ~63;

/** The arena block a FusedNetwork holds, in an object the finalizer can hold without the network. */
interface Held {
  k: KernelInstance;
  at: number | null;
}

/** Gives a FusedNetwork's block back to the arena once the FusedNetwork is garbage. */
const finalizer = new FinalizationRegistry<Held>((h) => {
  if (h.at !== null) h.k.arena.release(h.at);
  h.at = null;
});

/** Where everything lives in the block (byte addresses). */
interface Layout {
  /** Rows the batch buffers hold, rows one forward pass may have, and rows a chunk may have. */
  batchRows: number;
  forwardRows: number;
  chunkRows: number;
  block: number;
  desc: number;
  params: number;
  lanes: [number, number];
  keep: number;
  x: number;
  t: number;
  z: number[];
  delta: number[];
  work: number;
}

/** The network's working copy in kernel memory; see the file comment. */
export class FusedNetwork {
  /** Parameters. */
  readonly size: number;
  private readonly width: number;
  private layout: Layout | null = null;
  private readonly held: Held;

  constructor(readonly net: Network, readonly k: KernelInstance) {
    if (!fusable(net)) throw new Error('this network has parts the fused gradient does not know (a custom activation or the mixture density cost)');
    this.size = net.size;
    this.width = targetWidth(net.cost, net.outputs);
    this.held = { k, at: null };
    finalizer.register(this, this.held, this);
  }

  /**
   * Lays the block out for batches of `batchRows` rows, forward passes over at most
   * `forwardRows` of them at a time, and chunks of at most `chunkRows`. A new layout starts
   * empty: parameters, lanes and batch must be loaded again.
   */
  reserve(batchRows: number, forwardRows: number, chunkRows: number): Layout {
    const old = this.layout;
    if (old && this.fits(batchRows, forwardRows, chunkRows)) return old;
    const bRows = Math.max(batchRows, old?.batchRows ?? 0);
    const fRows = Math.max(forwardRows, old?.forwardRows ?? 0);
    const cRows = Math.max(chunkRows, old?.chunkRows ?? 0);
    const net = this.net;
    const L = net.layers.length;
    const x = this.k.exports;
    let work = 0;
    for (const l of net.layers) {
      work = Math.max(work,
        x.gemm_work_f64(fRows, l.units, l.inputs), // forward
        x.gemm_work_f64(l.inputs, l.units, fRows), // weight gradient (per chunk, or all chunks in lanes)
        x.gemm_work_f64(fRows, l.inputs, l.units)); // deltas below
    }
    const sizes: number[] = [
      (DESC_HEAD + DESC_LAYER * L) * 4,
      this.size * 8, this.size * 8, this.size * 8, this.size * 8,
      bRows * net.inputs * 8, bRows * this.width * 8,
      ...net.layers.flatMap((l) => [fRows * l.units * 8, fRows * l.units * 8]),
      work,
    ];
    const total = sizes.reduce((n, s) => n + up64(s), 0);
    if (old) this.k.arena.release(old.block);
    this.held.at = null;
    const block = this.k.arena.alloc(total);
    this.held.at = block;
    const at: number[] = [];
    let p = block;
    for (const s of sizes) {
      at.push(p);
      p += up64(s);
    }
    const z: number[] = [], delta: number[] = [];
    net.layers.forEach((_, l) => {
      z.push(at[7 + 2 * l]);
      delta.push(at[8 + 2 * l]);
    });
    const layout: Layout = {
      batchRows: bRows, forwardRows: fRows, chunkRows: cRows, block, desc: at[0], params: at[1], lanes: [at[2], at[3]], keep: at[4],
      x: at[5], t: at[6], z, delta, work: at[at.length - 1],
    };
    // The descriptor wat-mlp.ts reads.
    const d = new Int32Array(this.k.memory.buffer, layout.desc, DESC_HEAD + DESC_LAYER * L);
    d[0] = L;
    d[1] = COST_ID[net.cost.name as keyof typeof COST_ID];
    d[2] = net.outputs;
    d[3] = layout.params;
    d[4] = layout.work;
    net.layers.forEach((l, i) => {
      const o = DESC_HEAD + DESC_LAYER * i;
      d[o] = l.inputs;
      d[o + 1] = l.units;
      d[o + 2] = ACT_ID[l.activation.name as keyof typeof ACT_ID];
      d[o + 3] = l.offset;
      d[o + 4] = z[i];
      d[o + 5] = delta[i];
    });
    this.layout = layout;
    return layout;
  }

  /** True when the block is laid out for these sizes already (`reserve` would keep its contents). */
  fits(batchRows: number, forwardRows: number, chunkRows: number): boolean {
    const l = this.layout;
    return l !== null && l.batchRows >= batchRows && l.forwardRows >= forwardRows && l.chunkRows >= chunkRows;
  }

  /** Copies parameters in. */
  loadParams(w: Float64Array): void {
    this.k.arena.f64().set(w.subarray(0, this.size), this.lay().params >> 3);
  }

  /** Copies a batch in: n rows of inputs and targets. */
  loadBatch(x: Float64Array, t: Float64Array, n: number): void {
    this.loadRows(x, t, 0, n);
  }

  /** Copies rows [r0, r0 + m) of a batch's inputs and targets to rows [at, at + m) of the copy (default: the same rows). */
  loadRows(x: Float64Array, t: Float64Array, r0: number, m: number, at = r0): void {
    const lay = this.lay();
    const f = this.k.arena.f64();
    const d = this.net.inputs, w = this.width;
    f.set(x.subarray(r0 * d, (r0 + m) * d), (lay.x >> 3) + at * d);
    f.set(t.subarray(r0 * w, (r0 + m) * w), (lay.t >> 3) + at * w);
  }

  /** Forward propagation of batch rows [g0, g0 + g) (at most forwardRows) at the loaded parameters. */
  forward(g0: number, g: number): void {
    const lay = this.lay();
    this.k.exports.mlp_forward(lay.desc, g, lay.x + g0 * this.net.inputs * 8);
  }

  /**
   * After `forward(g0, g)`: the gradient of batch rows [g0 + c0, g0 + c0 + m) into lane `lane`,
   * written over it or added (`add`); returns E of those rows when `withError`, else NaN.
   */
  backward(g0: number, c0: number, m: number, lane: 0 | 1, add: boolean, withError: boolean): number {
    const lay = this.lay();
    const net = this.net;
    const pT = lay.t + (g0 + c0) * this.width * 8;
    let e = Number.NaN;
    if (withError) {
      // E from the logits, by the cost's own TypeScript (the same bits as Network.gradientInto's).
      const f = this.k.arena.f64();
      const z = (lay.z[net.layers.length - 1] >> 3) + c0 * net.outputs;
      e = net.cost.value(f.subarray(z, z + m * net.outputs), f.subarray(pT >> 3, (pT >> 3) + m * this.width), m, net.outputs);
    }
    this.k.exports.mlp_backward(lay.desc, c0, m, lay.x + g0 * net.inputs * 8, pT, lay.lanes[lane], add ? 1 : 0);
    return e;
  }

  /** After `forward(0, n)`: E of batch rows [c0, c0 + m), from their logits by the cost's own TypeScript. */
  error(c0: number, m: number): number {
    const lay = this.lay();
    const net = this.net;
    const f = this.k.arena.f64();
    const z = (lay.z[net.layers.length - 1] >> 3) + c0 * net.outputs;
    const t = (lay.t >> 3) + c0 * this.width;
    return net.cost.value(f.subarray(z, z + m * net.outputs), f.subarray(t, t + m * this.width), m, net.outputs);
  }

  /**
   * After `forward(0, n)`: the gradient of the n rows summed per chunk of `segRows` rows, chunk s
   * into lane s mod `lanes` (written over each lane's first, unless `add0`, added after): the
   * bits of `backward` chunk by chunk, in one call (wat-mlp.ts mlp_backward_lanes).
   */
  backwardLanes(n: number, segRows: number, lanes: 1 | 2, add0: boolean): void {
    const lay = this.lay();
    this.k.exports.mlp_backward_lanes(lay.desc, n, lay.x, lay.t, lay.lanes[0], lay.lanes[1], segRows, lanes, add0 ? 1 : 0);
  }

  /** w = w - eta (lane 0 (+ lane 1 when `lanes` is 2)) on the loaded parameters, the old ones kept. */
  descend(eta: number, lanes: 1 | 2): void {
    const lay = this.lay();
    this.k.exports.descend(lay.params, lay.lanes[0], lanes === 2 ? lay.lanes[1] : 0, eta, this.size, lay.keep);
  }

  /** Lane 0 + lane 1 into lane 0. */
  joinLanes(): void {
    const lay = this.lay();
    this.k.exports.add_buf(lay.lanes[0], lay.lanes[1], lay.lanes[0], this.size);
  }

  /** Copies the parameters out. */
  storeParams(w: Float64Array): void {
    const p = this.lay().params >> 3;
    w.set(this.k.arena.f64().subarray(p, p + this.size));
  }

  /** Copies the weights before the last `descend` out. */
  storeKeep(keep: Float64Array): void {
    const p = this.lay().keep >> 3;
    keep.set(this.k.arena.f64().subarray(p, p + this.size));
  }

  /** Copies lane `lane` out. */
  storeLane(lane: 0 | 1, into: Float64Array): void {
    const p = this.lay().lanes[lane] >> 3;
    into.set(this.k.arena.f64().subarray(p, p + this.size));
  }

  /** Copies a vector into lane `lane`. */
  loadLane(lane: 0 | 1, from: Float64Array): void {
    this.k.arena.f64().set(from.subarray(0, this.size), this.lay().lanes[lane] >> 3);
  }

  /** Gives the block back to the arena now (otherwise that happens once this object is garbage). */
  dispose(): void {
    if (this.held.at !== null) this.k.arena.release(this.held.at);
    this.held.at = null;
    this.layout = null;
    finalizer.unregister(this);
  }

  private lay(): Layout {
    if (!this.layout) throw new Error('FusedNetwork.reserve must come first');
    return this.layout;
  }
}
