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

/** Where everything lives in the block (byte addresses). */
interface Layout {
  /** Rows the batch buffers hold, and rows a chunk may have. */
  batchRows: number;
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

  constructor(readonly net: Network, readonly k: KernelInstance) {
    if (!fusable(net)) throw new Error('this network has parts the fused gradient does not know (a custom activation or the mixture density cost)');
    this.size = net.size;
    this.width = targetWidth(net.cost, net.outputs);
  }

  /** Lays the block out for batches of `batchRows` rows cut in chunks of at most `chunkRows`. */
  reserve(batchRows: number, chunkRows: number): Layout {
    const old = this.layout;
    if (old && old.batchRows >= batchRows && old.chunkRows >= chunkRows) return old;
    const bRows = Math.max(batchRows, old?.batchRows ?? 0);
    const cRows = Math.max(chunkRows, old?.chunkRows ?? 0);
    const net = this.net;
    const L = net.layers.length;
    const x = this.k.exports;
    let work = 0;
    for (const l of net.layers) {
      work = Math.max(work,
        x.gemm_work_f64(cRows, l.units, l.inputs), // forward
        x.gemm_work_f64(l.inputs, l.units, cRows), // weight gradient
        x.gemm_work_f64(cRows, l.inputs, l.units)); // deltas below
    }
    const sizes: number[] = [
      (DESC_HEAD + DESC_LAYER * L) * 4,
      this.size * 8, this.size * 8, this.size * 8, this.size * 8,
      bRows * net.inputs * 8, bRows * this.width * 8,
      ...net.layers.flatMap((l) => [cRows * l.units * 8, cRows * l.units * 8]),
      work,
    ];
    const total = sizes.reduce((n, s) => n + up64(s), 0);
    if (old) this.k.arena.release(old.block);
    const block = this.k.arena.alloc(total);
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
      batchRows: bRows, chunkRows: cRows, block, desc: at[0], params: at[1], lanes: [at[2], at[3]], keep: at[4],
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

  /** Copies parameters in. */
  loadParams(w: Float64Array): void {
    this.k.arena.f64().set(w.subarray(0, this.size), this.lay().params >> 3);
  }

  /** Copies a batch in: n rows of inputs and targets. */
  loadBatch(x: Float64Array, t: Float64Array, n: number): void {
    const lay = this.lay();
    const f = this.k.arena.f64();
    f.set(x.subarray(0, n * this.net.inputs), lay.x >> 3);
    f.set(t.subarray(0, n * this.width), lay.t >> 3);
  }

  /**
   * The gradient of batch rows [r0, r0 + m) at the loaded parameters into lane `lane`, written
   * over it or added (`add`); returns E of those rows when `withError`, else NaN.
   */
  chunk(r0: number, m: number, lane: 0 | 1, add: boolean, withError: boolean): number {
    const lay = this.lay();
    const net = this.net;
    const pX = lay.x + r0 * net.inputs * 8;
    const pT = lay.t + r0 * this.width * 8;
    this.k.exports.mlp_gradient(lay.desc, m, pX, pT, lay.lanes[lane], add ? 1 : 0);
    if (!withError) return Number.NaN;
    // E from the logits, by the cost's own TypeScript (the same bits as Network.gradientInto's).
    const f = this.k.arena.f64();
    const logits = f.subarray(lay.z[net.layers.length - 1] >> 3, (lay.z[net.layers.length - 1] >> 3) + m * net.outputs);
    return net.cost.value(logits, f.subarray(pT >> 3, (pT >> 3) + m * this.width), m, net.outputs);
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
  storeLane(lane: 0 | 1, into: Float64Array, add = false): void {
    const p = this.lay().lanes[lane] >> 3;
    const src = this.k.arena.f64().subarray(p, p + this.size);
    if (!add) into.set(src);
    else for (let i = 0; i < this.size; i++) into[i] += src[i];
  }

  /** Gives the block back to the arena. */
  dispose(): void {
    if (this.layout) this.k.arena.release(this.layout.block);
    this.layout = null;
  }

  private lay(): Layout {
    if (!this.layout) throw new Error('FusedNetwork.reserve must come first');
    return this.layout;
  }
}
