/**
 * A network's working copy inside the WebAssembly kernel memory, for the fused gradient
 * (fused-gradient.ts): the batch, every layer's outputs and deltas, the product kernel's work
 * area, and the descriptor the one-call gradient (wat-mlp.ts) reads, in one block of the arena,
 * laid out once for a batch size and chunk size and grown when a larger one comes; and, in a
 * block of their own taken only when needed, its own parameters, two gradient lanes and the
 * fallback copy a step keeps: vectors that already live in the memory (kernelViews) are used
 * where they are. Nothing is allocated per step.
 *
 * Only networks built from the engine's own parts are supported (`fusable`): activations
 * linear, sigmoid, tanh, relu, and the costs sum of squares, sigmoid or softmax cross-entropy
 * (the mixture density cost stays in TypeScript).
 */
import { type Dataset, gatherRows } from '../../data/dataset';
import { activation, isActivationName } from '../activations';
import { cost as costByName, sigmoidCrossEntropyFromQ } from '../costs';
import { targetWidth } from '../cost-types';
import type { Network } from '../network';
import { addressIn, type KernelInstance } from './runtime';
import { type Functions, functionsOf, type Held, heldFinalizer, type Precision, releaseHeld, up64, VectorMoves } from './working-copy';
import { ACT_ID, COST_ID } from './wat-math';
import { DESC_HEAD, DESC_LAYER } from './wat-mlp';

/** True when the fused gradient can run this network: built-in activations and a canonical cost. */
export function fusable(net: Network): boolean {
  const c = net.cost;
  if (!(c.name in COST_ID) || costByName(c.name) !== c) return false;
  return net.layers.every((l) => isActivationName(l.activation.name) && activation(l.activation.name) === l.activation);
}

/**
 * The copy's own parameters, two gradient lanes and kept weights (each of the network's size),
 * in a block of their own taken on first need: a copy whose vectors all live elsewhere in the
 * memory (kernelViews: a data-parallel run's block, an evaluation's weights) never takes it, and
 * it outlives re-layouts (its size does not depend on the rows).
 */
interface OwnVectors {
  params: number;
  lanes: [number, number];
  keep: number;
}

/** Where everything lives in the block (byte addresses). */
interface Layout {
  /** Rows the batch buffers hold, rows one forward pass may have, and rows a chunk may have. */
  batchRows: number;
  forwardRows: number;
  chunkRows: number;
  block: number;
  desc: number;
  x: number;
  t: number;
  /** float32: float64 staging for conversions in WebAssembly (parameters or a batch's rows). */
  stage: number;
  z: number[];
  delta: number[];
  work: number;
  /** float64 with the sigmoid cross-entropy: fastExp(-a) per logit, as the output delta keeps it (else 0). */
  q: number;
}

/** Where a batch's rows are: rows of x and t, or (`rows` given) the training rows of `data` listed there. */
export type BatchRows = { x: Float64Array; t: Float64Array; data?: undefined } | { data: Dataset; rows: Int32Array };

/**
 * An evaluation's forward passes at the network's current parameters, the bits of
 * Network.forward, in a float64 working copy of their own made on first use: laid out for
 * evaluation's larger blocks of rows, a training copy's steps ran 10% slower after one
 * (MNIST-sized, measured: 6.25 -> 6.85 ms a step).
 */
export class FusedLogits {
  private fn: FusedNetwork | null = null;

  constructor(private readonly net: Network, private readonly k: KernelInstance) {}

  /** The logits of rows [r0, r0 + m) of inputs `x`: a view of the kernel memory, valid until the next call. */
  of(x: Float64Array, r0: number, m: number): Float64Array {
    const fn = (this.fn ??= new FusedNetwork(this.net, this.k));
    fn.reserve(m, m, m);
    fn.loadParams(this.net.params);
    return fn.logits(x, r0, m);
  }
}

/** The network's working copy in kernel memory; see the file comment. */
export class FusedNetwork {
  /** Parameters. */
  readonly size: number;
  private readonly width: number;
  private layout: Layout | null = null;
  private readonly held: Held;
  /** Bytes per value: 8 for float64, 4 for float32. */
  private readonly bytes: 8 | 4;
  private readonly fns: Functions;
  /** Float64 vectors in and out (float32: rounded and widened). */
  private readonly moves: VectorMoves;
  /** float32: the chunk's logits and targets widened for the cost's E (TypeScript, float64). */
  private wide = new Float64Array(0);
  /** The output deltas keep fastExp(-a) for E (float64, sigmoid cross-entropy). */
  private readonly keepsQ: boolean;
  /** Rows of the last forward pass whose output deltas (and kept q) have been formed since. */
  private deltaRows: [number, number] = [0, 0];

  /** Where the kernels read the parameters: the own copy, or a kernelView (loadParams); 0 before the first. */
  private paramsAt = 0;
  /** The own vectors, once taken. */
  private ownVectors: OwnVectors | null = null;

  constructor(readonly net: Network, readonly k: KernelInstance, readonly precision: Precision = 'float64') {
    if (!fusable(net)) throw new Error('this network has parts the fused gradient does not know (a custom activation or the mixture density cost)');
    this.size = net.size;
    this.width = targetWidth(net.cost, net.outputs);
    this.bytes = precision === 'float64' ? 8 : 4;
    this.fns = functionsOf(k, precision);
    this.moves = new VectorMoves(k, this.bytes, () => this.lay().stage);
    this.keepsQ = this.bytes === 8 && net.cost.name === 'sigmoid-cross-entropy';
    this.held = { k, at: null, vectors: null };
    heldFinalizer.register(this, this.held, this);
  }

  /** A view over the whole kernel memory in this copy's element type. */
  private view(): Float64Array | Float32Array {
    return this.bytes === 8 ? this.k.arena.f64() : this.k.arena.f32();
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
    const f = this.fns;
    const b = this.bytes;
    let work = 0;
    for (const l of net.layers) {
      work = Math.max(work,
        f.gemmWork(fRows, l.units, l.inputs), // forward
        f.gemmWork(l.inputs, l.units, fRows), // weight gradient (per chunk, or all chunks in lanes)
        f.gemmWork(fRows, l.inputs, l.units)); // deltas below
    }
    const sizes: number[] = [
      (DESC_HEAD + DESC_LAYER * L) * 4,
      bRows * net.inputs * b, bRows * this.width * b,
      ...net.layers.flatMap((l) => [fRows * l.units * b, fRows * l.units * b]),
      work,
      b === 4 ? Math.max(this.size, bRows * Math.max(net.inputs, this.width)) * 8 : 0,
      this.keepsQ ? fRows * net.outputs * 8 : 0,
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
      z.push(at[3 + 2 * l]);
      delta.push(at[4 + 2 * l]);
    });
    const layout: Layout = {
      batchRows: bRows, forwardRows: fRows, chunkRows: cRows, block, desc: at[0],
      x: at[1], t: at[2], z, delta, work: at[3 + 2 * L], stage: at[4 + 2 * L], q: this.keepsQ ? at[5 + 2 * L] : 0,
    };
    // The descriptor wat-mlp.ts reads.
    const d = new Int32Array(this.k.memory.buffer, layout.desc, DESC_HEAD + DESC_LAYER * L);
    d[0] = L;
    d[1] = COST_ID[net.cost.name as keyof typeof COST_ID];
    d[2] = net.outputs;
    d[3] = this.paramsAt;
    d[4] = layout.work;
    d[5] = layout.q;
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

  /**
   * The parameters to compute with (and step): a kernelView of this memory is used where it is,
   * in float64 (runtime.ts addressIn); any other vector is copied in (float32: rounded).
   */
  loadParams(w: Float64Array): void {
    const lay = this.lay();
    const inPlace = this.addressOr(w, -1);
    const at = inPlace >= 0 ? inPlace : this.own().params;
    if (at !== this.paramsAt) {
      new Int32Array(this.k.memory.buffer, lay.desc, DESC_HEAD)[3] = at;
      this.paramsAt = at;
    }
    if (inPlace < 0) this.moves.load(w, at, this.size);
  }

  /** The own vectors (OwnVectors), taken from the arena on first need. */
  private own(): OwnVectors {
    if (this.ownVectors !== null) return this.ownVectors;
    const bytes = up64(this.size * this.bytes);
    const at = this.k.arena.alloc(4 * bytes);
    this.held.vectors = at;
    this.ownVectors = { params: at, lanes: [at + bytes, at + 2 * bytes], keep: at + 3 * bytes };
    return this.ownVectors;
  }

  /** Where a step keeps the old weights for `keep`: `keep` itself when in place, else the own keep vector. */
  private keepAt(keep: Float64Array): number {
    const at = this.addressOr(keep, -1);
    return at >= 0 ? at : this.own().keep;
  }

  /** The address of `v` when the kernels can use it in place (a float64 kernelView of this memory), else `own`. */
  private addressOr(v: Float64Array, own: number): number {
    const at = this.bytes === 8 ? addressIn(this.k, v) : -1;
    return at >= 0 ? at : own;
  }

  /** Copies a batch in: n rows of inputs and targets. */
  loadBatch(x: Float64Array, t: Float64Array, n: number): void {
    this.loadRows(x, t, 0, n);
  }

  /** Copies rows [r0, r0 + m) of a batch's inputs and targets to rows [at, at + m) of the copy (default: the same rows). */
  loadRows(x: Float64Array, t: Float64Array, r0: number, m: number, at = r0): void {
    const lay = this.lay();
    const d = this.net.inputs, w = this.width, b = this.bytes;
    this.moves.load(x.subarray(r0 * d, (r0 + m) * d), lay.x + at * d * b);
    this.moves.load(t.subarray(r0 * w, (r0 + m) * w), lay.t + at * w * b);
  }

  /** Batch rows [r0, r0 + m) of `src` to rows [at, at + m) of the copy: loadRows, or gatherRows for listed rows. */
  loadFrom(src: BatchRows, r0: number, m: number, at: number): void {
    if (src.data !== undefined) this.gatherRows(src.data, src.rows, r0, m, at);
    else this.loadRows(src.x, src.t, r0, m, at);
  }

  /**
   * Copies the rows of `data` listed at rows[r0 .. r0 + m) straight to rows [at, at + m) of the
   * copy: a mini-batch gathered without a batch buffer in between (float64).
   */
  gatherRows(data: Dataset, rows: Int32Array, r0: number, m: number, at: number): void {
    const lay = this.lay();
    if (this.bytes !== 8) throw new Error('FusedNetwork.gatherRows: float64 only');
    const d = this.net.inputs, w = this.width;
    if (data.inputNames.length !== d || data.targetNames.length !== w) throw new Error(`FusedNetwork.gatherRows: the data has ${data.inputNames.length} inputs and ${data.targetNames.length} target columns, the network ${d} and ${w}`);
    const f = this.k.arena.f64();
    gatherRows(data, rows, r0, m, f.subarray(lay.x / 8), f.subarray(lay.t / 8), at);
  }

  /**
   * The logits (m x outputs) of rows [r0, r0 + m) of inputs `x` (m at most forwardRows) at the
   * loaded parameters, by mlp_forward: the bits of Network.forward (float64). A view of the
   * kernel memory, valid until the next call; the batch rows loaded before are overwritten.
   */
  logits(x: Float64Array, r0: number, m: number): Float64Array {
    const lay = this.lay();
    const d = this.net.inputs, k = this.net.outputs;
    if (this.bytes !== 8) throw new Error('FusedNetwork.logits: float64 only');
    if (m > lay.forwardRows) throw new RangeError(`FusedNetwork.logits: ${m} rows, laid out for ${lay.forwardRows}`);
    this.moves.load(x.subarray(r0 * d, (r0 + m) * d), lay.x);
    this.forward(0, m);
    const z = lay.z[this.net.layers.length - 1] / 8;
    return this.k.arena.f64().subarray(z, z + m * k);
  }

  /** Forward propagation of batch rows [g0, g0 + g) (at most forwardRows) at the loaded parameters. */
  forward(g0: number, g: number): void {
    const lay = this.lay();
    this.fns.forward(lay.desc, g, lay.x + g0 * this.net.inputs * this.bytes);
    this.deltaRows = [0, 0];
  }

  /**
   * After `forward(g0, g)`: the gradient of batch rows [g0 + c0, g0 + c0 + m) into lane `lane`
   * (or into `lane`, a float64 kernelView of this memory), written over it or added (`add`);
   * returns E of those rows when `withError`, else NaN.
   */
  backward(g0: number, c0: number, m: number, lane: 0 | 1 | Float64Array, add: boolean, withError: boolean): number {
    const lay = this.lay();
    const net = this.net;
    const pT = lay.t + (g0 + c0) * this.width * this.bytes;
    this.fns.backward(lay.desc, c0, m, lay.x + g0 * net.inputs * this.bytes, pT, this.laneAt(lane), add ? 1 : 0);
    this.deltaRows = [c0, c0 + m];
    return withError ? this.errorAfterDeltas(c0, (g0 + c0) * this.width, m) : Number.NaN;
  }

  /**
   * After `forward(0, n)` and a pass back over these rows (backwardLanes, stepLanes): E of batch
   * rows [c0, c0 + m) by the cost's own TypeScript, reusing what the output deltas kept where
   * they keep something (the bits of E from the logits alone). Asking before the rows' pass back
   * throws.
   */
  errorAfter(c0: number, m: number): number {
    return this.errorAfterDeltas(c0, c0 * this.width, m);
  }

  /**
   * errorAt's E once the rows' output deltas are formed: float64 with the sigmoid cross-entropy
   * from the fastExp(-a) the delta kept (the same q its E computes; half its time went there),
   * otherwise by errorAt. The logits are untouched by the pass back.
   */
  private errorAfterDeltas(c0: number, t0: number, m: number): number {
    const lay = this.lay();
    if (lay.q === 0) return this.errorAt(c0, t0, m);
    const [from, to] = this.deltaRows;
    if (c0 < from || c0 + m > to) throw new Error(`FusedNetwork: E of rows ${c0}-${c0 + m} asked before their output deltas were formed (rows ${from}-${to} since the forward pass)`);
    const len = m * this.net.outputs;
    const f = this.k.arena.f64();
    const z = lay.z[this.net.layers.length - 1] / 8 + c0 * this.net.outputs, q = lay.q / 8 + c0 * this.net.outputs, t = lay.t / 8 + t0;
    return sigmoidCrossEntropyFromQ(f.subarray(z, z + len), f.subarray(t, t + len), f.subarray(q, q + len), len);
  }

  /**
   * E of m rows: logits from row c0 of the forward pass, targets from element t0 of the batch,
   * by the cost's own TypeScript (float64; the same bits as Network.gradientInto's E). float32
   * values are widened first (exactly).
   */
  private errorAt(c0: number, t0: number, m: number): number {
    const lay = this.lay();
    const net = this.net;
    const k = net.outputs, w = this.width, b = this.bytes;
    const f = this.view();
    const z = lay.z[net.layers.length - 1] / b + c0 * k;
    const t = lay.t / b + t0;
    if (b === 8) return net.cost.value(f.subarray(z, z + m * k) as Float64Array, f.subarray(t, t + m * w) as Float64Array, m, k);
    if (this.wide.length < m * (k + w)) this.wide = new Float64Array(m * (k + w));
    const logits = this.wide.subarray(0, m * k), targets = this.wide.subarray(m * k, m * (k + w));
    logits.set(f.subarray(z, z + m * k));
    targets.set(f.subarray(t, t + m * w));
    return net.cost.value(logits, targets, m, k);
  }

  /**
   * After `forward(0, n)`: the gradient of the n rows summed per chunk of `segRows` rows, chunk s
   * into lane s mod `lanes` (written over each lane's first, unless `add0`, added after): the
   * bits of `backward` chunk by chunk, in one call (wat-mlp.ts mlp_backward_lanes). With one
   * lane, `lane0` may be a float64 kernelView of this memory to sum into instead of lane 0.
   */
  backwardLanes(n: number, segRows: number, lanes: 1 | 2, add0: boolean, lane0: 0 | Float64Array = 0): void {
    const lay = this.lay();
    if (lanes === 2 && lane0 !== 0) throw new Error('FusedNetwork.backwardLanes: a vector elsewhere stands for one lane only');
    this.fns.backwardLanes(lay.desc, n, lay.x, lay.t, this.laneAt(lane0), lanes === 2 ? this.own().lanes[1] : 0, segRows, lanes, add0 ? 1 : 0);
    this.deltaRows = [0, n];
  }

  /**
   * After `forward(0, n)` with n > segRows: `backwardLanes(n, segRows, 2, false)` then
   * `descend(eta, 2, keep)`, the same bits, in one call that never writes the weights' gradient
   * out (wat-mlp.ts mlp_step_lanes).
   */
  stepLanes(n: number, segRows: number, eta: number, keep?: Float64Array): void {
    const lay = this.lay();
    const own = this.own();
    const pKeep = keep === undefined ? 0 : this.keepAt(keep);
    this.fns.stepLanes(lay.desc, n, lay.x, lay.t, own.lanes[0], own.lanes[1], segRows, eta, pKeep);
    this.deltaRows = [0, n];
    if (keep !== undefined && pKeep === own.keep) this.moves.store(own.keep, this.size, keep);
  }

  /**
   * w = w - eta (lane 0 (+ lane 1 when `lanes` is 2)) on the loaded parameters; with `keep`, the
   * old ones are kept there (written in the same pass when it is a float64 kernelView of this
   * memory, else copied out after).
   */
  descend(eta: number, lanes: 1 | 2, keep?: Float64Array): void {
    const own = this.own();
    const pKeep = keep === undefined ? 0 : this.keepAt(keep);
    this.fns.descend(this.paramsAt, own.lanes[0], lanes === 2 ? own.lanes[1] : 0, eta, this.size, pKeep);
    if (keep !== undefined && pKeep === own.keep) this.moves.store(own.keep, this.size, keep);
  }

  /** Lane 0 + lane 1 into lane 0. */
  joinLanes(): void {
    const own = this.own();
    this.fns.addBuf(own.lanes[0], own.lanes[1], own.lanes[0], this.size);
  }

  /** The parameters the kernels computed with (and stepped) into `w`: nothing to do when `w` is where they are. */
  storeParams(w: Float64Array): void {
    if (this.addressOr(w, -1) === this.paramsAt) return;
    this.moves.store(this.paramsAt, this.size, w);
  }

  /** Copies lane `lane` out. */
  storeLane(lane: 0 | 1, into: Float64Array): void {
    this.moves.store(this.own().lanes[lane], this.size, into);
  }

  /** Copies a vector into lane `lane`. */
  loadLane(lane: 0 | 1, from: Float64Array): void {
    this.moves.load(from, this.own().lanes[lane], this.size);
  }

  /** Gives the block back to the arena now (otherwise that happens once this object is garbage). */
  dispose(): void {
    releaseHeld(this.held);
    this.layout = null;
    this.ownVectors = null;
    this.paramsAt = 0;
    heldFinalizer.unregister(this);
  }

  private lay(): Layout {
    if (!this.layout) throw new Error('FusedNetwork.reserve must come first');
    return this.layout;
  }

  /** A lane's address, or that of the kernelView given instead. */
  private laneAt(lane: 0 | 1 | Float64Array): number {
    if (lane === 0 || lane === 1) return this.own().lanes[lane];
    const at = this.addressOr(lane, -1);
    if (at < 0) throw new Error('FusedNetwork: a vector to sum into must be a float64 kernelView of this memory');
    return at;
  }
}
