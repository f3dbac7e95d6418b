/**
 * The gradient engine of one thread on the WebAssembly path: LocalGradient's contract and bits
 * (shared/training/gradient.ts), the forward and backward passes a few WebAssembly calls per step
 * (wat-mlp.ts) and the gradient step in WebAssembly too, in float64 or, for
 * `precision: "float32"`, in float32 (the bits of engine/float32-reference.ts). The batch is cut by the same
 * `chunkPlan`, chunk c goes into lane c mod 2 (added from chunk 2 on), and the step takes
 * w - eta (lane 0 + lane 1): the order LocalGradient and the data-parallel threads follow, so the
 * weights are the same bits on every path (test/engine/fused-gradient.test.ts).
 *
 * A batch of moderate size goes forward in one pass and back in one (mlp_backward_lanes), each
 * chunk's weight and bias sums formed on their own and kept in their lanes: the weights are
 * packed once per step instead of once per chunk, and the same bits come out, since rows do not
 * interact except in those sums, which keep their order. Larger batches go chunk by chunk.
 * A gradient-descent step on such a batch (`step`, or `gradient` with a learning rate: the
 * trainer's SGD) goes back in mlp_step_lanes instead: each layer's weights descend tile by tile
 * where their gradient is formed, so the gradient-sized lanes are never written and read back
 * (the same bits again).
 *
 * Per step the batch is copied into the kernel memory (a mini-batch's rows straight from the
 * training split when the engine has the run's splits: `gradientOfRows`). Weights and the
 * fallback copy the trainer keeps are used where they are when they are kernelViews of that
 * memory (a worker's run keeps them there: runtime.ts KernelVectors), in float64; in float32
 * they are rounded into the float32 copy and widened back straight from and to there. Other
 * vectors are copied in and out through JavaScript, ~0.1 ms a vector for a 200 000-weight
 * network, ~1 us for the seed's. E comes from
 * the logits through the cost's own TypeScript, after the pass back: the sigmoid
 * cross-entropy's takes the fastExp(-a) its delta kept (the same bits). Given the run's splits,
 * the trainer's evaluation forward-propagates through the same kernels too (`logits`).
 *
 * `gradientEngineFor` is where the trainer picks this engine: when the kernels run on WebAssembly
 * (kernel-backend.ts) and the network is `fusable`; otherwise LocalGradient (float64) or the
 * TypeScript float32 engine.
 */
import type { Dataset } from '../data/dataset';
import { kernelBackend } from '../engine/kernel-backend';
import type { Network } from '../engine/network';
import { AbortedError, chunkPlan, flopsPerSample, type GradientEngine, LANES, LocalGradient } from './gradient';
import { Float32Gradient } from './float32-gradient';
import { type BatchRows, FusedLogits, FusedNetwork, fusable } from '../engine/wasm/fused-network';
import type { Precision } from '../engine/wasm/working-copy';
import { type KernelInstance, kernelInstance, KernelVectors } from '../engine/wasm/runtime';

/** A run's training and validation data. */
export interface Splits {
  train: Dataset;
  validation: Dataset;
}

/** Layer outputs (doubles) up to which one pass covers a whole batch (32 MB, and as much for deltas). */
const FORWARD_ALL_DOUBLES = 4 << 20;
/** Work (flops) up to which a batch goes in one pass: ~20 ms, so a stop request is seen soon. */
const LANES_MAX_FLOPS = 4e8;

/** LocalGradient on the WebAssembly path; see the file comment. */
export class FusedGradient implements GradientEngine {
  readonly fusesDescent = true;
  private readonly fn: FusedNetwork;
  private readonly perSample: number;
  /** Layer outputs per row (the forward pass keeps all of them). */
  private readonly unitsPerRow: number;

  /** `gradient` of the training rows listed (the trainer's mini-batch), gathered straight into the kernel memory: float64, when the splits were given. */
  readonly gradientOfRows?: (w: Float64Array, rows: Int32Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array) => number;

  /**
   * The logits of rows of the training or validation split (the trainer's evaluation), by the
   * fused forward pass (the bits of Network.forward): float64, when the splits were given.
   */
  readonly logits?: (part: 'train' | 'validation', row0: number, n: number) => Float64Array;

  /** `splits`: the run's training and validation data, for `gradientOfRows` and `logits`. */
  constructor(
    readonly net: Network,
    private readonly shouldAbort: () => boolean = () => false,
    k: KernelInstance | null = kernelInstance(),
    readonly precision: Precision = 'float64',
    splits?: Splits,
  ) {
    if (k === null) throw new Error('the WebAssembly kernels are not available on this thread');
    this.fn = new FusedNetwork(net, k, precision);
    this.perSample = flopsPerSample(net);
    this.unitsPerRow = net.layers.reduce((u, l) => u + l.units, 0);
    if (splits !== undefined && precision === 'float64') {
      // A mini-batch's rows go straight from the training split into the kernel memory.
      this.gradientOfRows = (w, rows, n, grad, descent, keep) => this.run(w, { data: splits.train, rows }, n, grad, descent, keep, true);
      const forward = new FusedLogits(net, k);
      this.logits = (part, row0, n) => forward.of(part === 'train' ? splits.train.inputs : splits.validation.inputs, row0, n);
    }
  }

  gradient(w: Float64Array, x: Float64Array, t: Float64Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number {
    return this.run(w, { x, t }, n, grad, descent, keep, true);
  }

  /**
   * One full step of gradient descent w <- w - eta dE/dw on rows [0, n) of x and t, in place on
   * w, with E only when `withError` (else NaN): the seed's `fit`, for benchmarks and callers
   * that need no gradient vector.
   */
  step(w: Float64Array, x: Float64Array, t: Float64Array, n: number, eta: number, withError: boolean): number {
    return this.run(w, { x, t }, n, null, eta, undefined, withError);
  }

  private run(w: Float64Array, src: BatchRows, n: number, grad: Float64Array | null, descent: number | undefined, keep: Float64Array | undefined, withError: boolean): number {
    const fn = this.fn;
    const { chunks, rows } = chunkPlan(n, this.perSample);
    // Batches cut in chunks but small enough (layer outputs within FORWARD_ALL_DOUBLES, work
    // within LANES_MAX_FLOPS, so a stop request still comes through quickly) go forward in one
    // pass and back in one, the chunk sums kept apart into the lanes; others chunk by chunk (a
    // single chunk that way takes the kernels' small-shape paths).
    // The same bits either way (rows do not interact; the sums keep their order).
    const all = chunks > 1 && n * this.unitsPerRow <= FORWARD_ALL_DOUBLES && n * this.perSample <= LANES_MAX_FLOPS;
    fn.reserve(n, all ? n : Math.min(rows, n), Math.min(rows, n));
    fn.loadParams(w);
    fn.loadFrom(src, 0, n, 0);
    let e = 0;
    if (all) {
      if (this.shouldAbort()) throw new AbortedError();
      fn.forward(0, n);
      if (descent !== undefined) fn.stepLanes(n, rows, descent, keep);
      else fn.backwardLanes(n, rows, 2, false);
      // E per chunk, in chunk order, once the output deltas are formed (they keep what E reuses).
      if (withError) for (let c = 0; c < chunks; c++) e += fn.errorAfter(c * rows, Math.min(rows, n - c * rows));
      else e = Number.NaN;
      if (descent !== undefined) {
        fn.storeParams(w);
        return e;
      }
    } else {
      for (let c = 0; c < chunks; c++) {
        if (chunks > 1 && this.shouldAbort()) throw new AbortedError();
        const r0 = c * rows;
        const m = Math.min(rows, n - r0);
        fn.forward(r0, m);
        e += fn.backward(r0, 0, m, (c % LANES) as 0 | 1, c >= LANES, withError);
      }
    }
    if (descent !== undefined) {
      fn.descend(descent, chunks > 1 ? 2 : 1, keep);
      fn.storeParams(w);
    } else if (grad !== null) {
      if (chunks > 1) fn.joinLanes();
      fn.storeLane(0, grad);
    }
    return e;
  }
}

/**
 * A place in this thread's kernel memory for a run's weights and fallback copies (float64
 * kernelViews, runtime.ts), where runs get the fused engine on a shared memory; null
 * otherwise (the run keeps ordinary arrays). A float64 run's step reads, steps and keeps the
 * weights where they are; a float32 run's rounds them into its float32 copy and widens them back
 * in WebAssembly straight from and to them, with no copy through JavaScript. The caller releases it.
 */
export function kernelVectorsForRun(): KernelVectors | null {
  if (kernelBackend() !== 'wasm') return null;
  const k = kernelInstance();
  return k !== null && k.shared ? new KernelVectors(k) : null;
}

/**
 * The gradient engine for a network on this thread, in the spec's precision: the fused
 * WebAssembly one where it can run, else LocalGradient (float64) or the TypeScript float32
 * engine (float32-gradient.ts; same bits as the WebAssembly one, slowly). The trainer's one
 * place of choice.
 */
export function gradientEngineFor(net: Network, shouldAbort?: () => boolean, precision: Precision = 'float64', splits?: Splits): GradientEngine {
  if (kernelBackend() === 'wasm' && fusable(net)) {
    const k = kernelInstance();
    if (k !== null) return new FusedGradient(net, shouldAbort, k, precision, splits);
  }
  if (precision === 'float32') {
    if (!fusable(net)) throw new Error(`precision "float32" supports the activations linear, sigmoid, tanh and relu and the costs sum-of-squares, sigmoid-cross-entropy and softmax-cross-entropy; this network uses ${net.cost.name === 'mixture-density' ? 'the mixture density cost' : 'another part'}: use precision "float64"`);
    return new Float32Gradient(net, shouldAbort);
  }
  return new LocalGradient(net, shouldAbort);
}
