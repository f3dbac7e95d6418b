/**
 * Training in float32 (`training.precision: "float32"`), defined in plain TypeScript with
 * Math.fround: the reference the WebAssembly float32 engine (shared/engine/wasm/, f32x4) is
 * tested against bit for bit, and the engine that runs float32 where WebAssembly SIMD is missing
 * or MLP_LAB_KERNELS=js.
 *
 * What float32 means here, operation by operation (each rounds to float32 once):
 * - weights, inputs and targets are rounded to float32 when a step starts;
 * - products: each entry 0 + A(i,0)B(0,j) + ... in textbook order, every multiply and add
 *   rounded, then + bias, then C + that (the float64 kernels' order, in float32);
 * - tanh and the logistic sigmoid: the float64 function of the float32 value, rounded; relu as is;
 * - derivatives d (1 - z^2), d (z (1 - z)), and the sum of squares' delta a - t: float32;
 * - sigmoid and softmax cross-entropy deltas y - t: computed in float64 from the float32 logits
 *   (softmax with the row maximum subtracted, as the float64 cost), rounded once;
 * - bias gradients: column sums in row order; the chunk plan and two lanes of shared/trainer.ts;
 * - the step w - eta g with eta rounded to float32.
 * E is computed in float64 from the float32 logits by the cost's own code. Rounding in float64
 * and then to float32 gives the float32 result for +, - and * (a double carries more than twice
 * float32's precision), so this is also what f32x4 arithmetic computes.
 */
import { logistic } from './activations';
import { targetWidth } from './costs';
import { fastExp, fastTanh } from './fast-math';
import type { Network } from './network';
import { AbortedError, chunkPlan, flopsPerSample, type GradientEngine, LANES } from '../trainer';

const fr = Math.fround;

/** C[m x n] (+)= A(i,p) B(p,j) over p (+ bias[j]) in float32, textbook order; strides as kernels.ts. */
export function product32(
  m: number, n: number, k: number,
  A: Float32Array, aRow: number, aP: number,
  B: Float32Array, bP: number, bCol: number,
  C: Float32Array, accumulate: boolean, bias: Float32Array | null,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s = fr(s + fr(A[i * aRow + p * aP] * B[p * bP + j * bCol]));
      if (bias !== null) s = fr(s + bias[j]);
      C[i * n + j] = accumulate ? fr(C[i * n + j] + s) : s;
    }
  }
}

/** z = h(a) in place over len float32 values (activation by name). */
export function activate32(name: string, a: Float32Array, len: number): void {
  if (name === 'tanh') for (let i = 0; i < len; i++) a[i] = fastTanh(a[i]);
  else if (name === 'sigmoid') for (let i = 0; i < len; i++) a[i] = logistic(a[i]);
  else if (name === 'relu') for (let i = 0; i < len; i++) if (!(a[i] > 0)) a[i] = 0;
}

/** delta[i] *= h'(a[i]) through z = h(a), in float32 (PRML (5.56)). */
export function backward32(name: string, z: Float32Array, d: Float32Array, len: number): void {
  if (name === 'tanh') for (let i = 0; i < len; i++) d[i] = fr(d[i] * fr(1 - fr(z[i] * z[i])));
  else if (name === 'sigmoid') for (let i = 0; i < len; i++) d[i] = fr(d[i] * fr(z[i] * fr(1 - z[i])));
  else if (name === 'relu') for (let i = 0; i < len; i++) if (!(z[i] > 0)) d[i] = 0;
}

/** The output deltas y - t for n rows of k float32 logits (cost by name). */
export function costDelta32(name: string, a: Float32Array, t: Float32Array, d: Float32Array, n: number, k: number): void {
  const len = n * k;
  if (name === 'sum-of-squares') for (let i = 0; i < len; i++) d[i] = a[i] - t[i];
  else if (name === 'sigmoid-cross-entropy') for (let i = 0; i < len; i++) d[i] = logistic(a[i]) - t[i];
  else {
    for (let r = 0; r < n; r++) {
      const o = r * k;
      let max = -Infinity;
      for (let j = 0; j < k; j++) if (a[o + j] > max) max = a[o + j];
      let sum = 0;
      for (let j = 0; j < k; j++) sum += fastExp(a[o + j] - max);
      const inv = 1 / sum;
      for (let j = 0; j < k; j++) d[o + j] = fastExp(a[o + j] - max) * inv - t[o + j];
    }
  }
}

/** out[j] (+)= column sums of A (m x n) in float32, down the rows in order. */
export function sumRows32(m: number, n: number, A: Float32Array, out: Float32Array, accumulate: boolean): void {
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s = fr(s + A[i * n + j]);
    out[j] = accumulate ? fr(out[j] + s) : s;
  }
}

/** The network's float32 working state for the reference engine. */
interface State32 {
  w: Float32Array;
  z: Float32Array[];
  d: Float32Array[];
  x: Float32Array;
  t: Float32Array;
  lanes: [Float32Array, Float32Array];
}

/**
 * The float32 gradient engine in TypeScript: the trainer's contract (GradientEngine), its chunk
 * plan and lanes, each value computed as the file comment defines. Slow (every operation
 * rounds through Math.fround); the WebAssembly float32 engine gives the same bits quickly.
 */
export class Float32Gradient implements GradientEngine {
  readonly fusesDescent = true;
  private readonly perSample: number;
  private s: State32 | null = null;
  private rows = 0;

  constructor(readonly net: Network, private readonly shouldAbort: () => boolean = () => false) {
    this.perSample = flopsPerSample(net);
  }

  gradient(w: Float64Array, x: Float64Array, t: Float64Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number {
    return this.run(w, x, t, n, grad, descent, keep, true);
  }

  /** One gradient-descent step in place on w, E only when `withError` (else NaN). */
  step(w: Float64Array, x: Float64Array, t: Float64Array, n: number, eta: number, withError: boolean): number {
    return this.run(w, x, t, n, null, eta, undefined, withError);
  }

  private state(n: number): State32 {
    const net = this.net;
    if (this.s === null || this.rows < n) {
      this.rows = n;
      this.s = {
        w: new Float32Array(net.size),
        z: net.layers.map((l) => new Float32Array(n * l.units)),
        d: net.layers.map((l) => new Float32Array(n * l.units)),
        x: new Float32Array(n * net.inputs),
        t: new Float32Array(n * targetWidth(net.cost, net.outputs)),
        lanes: [new Float32Array(net.size), new Float32Array(net.size)],
      };
    }
    return this.s;
  }

  private run(w: Float64Array, x: Float64Array, t: Float64Array, n: number, grad: Float64Array | null, descent: number | undefined, keep: Float64Array | undefined, withError: boolean): number {
    const net = this.net;
    const L = net.layers.length;
    const k = net.outputs;
    const width = targetWidth(net.cost, k);
    const { chunks, rows } = chunkPlan(n, this.perSample);
    const s = this.state(n);
    s.w.set(w.subarray(0, net.size));
    s.x.set(x.subarray(0, n * net.inputs));
    s.t.set(t.subarray(0, n * width));
    // Forward over all rows (rows do not interact).
    let input = s.x;
    net.layers.forEach((l, i) => {
      const W = s.w.subarray(l.offset, l.offset + l.inputs * l.units);
      const b = s.w.subarray(l.offset + l.inputs * l.units, l.offset + l.inputs * l.units + l.units);
      product32(n, l.units, l.inputs, input, l.inputs, 1, W, l.units, 1, s.z[i], false, b);
      activate32(l.activation.name, s.z[i], n * l.units);
      input = s.z[i];
    });
    let e = withError ? 0 : Number.NaN;
    const logits64 = new Float64Array(rows * k);
    const targets64 = new Float64Array(rows * width);
    for (let c = 0; c < chunks; c++) {
      if (chunks > 1 && this.shouldAbort()) throw new AbortedError();
      const r0 = c * rows;
      const m = Math.min(rows, n - r0);
      const lane = s.lanes[c % LANES];
      const add = c >= LANES;
      if (withError) {
        logits64.set(s.z[L - 1].subarray(r0 * k, (r0 + m) * k));
        targets64.set(s.t.subarray(r0 * width, (r0 + m) * width));
        e += net.cost.value(logits64.subarray(0, m * k), targets64.subarray(0, m * width), m, k);
      }
      const dL = s.d[L - 1].subarray(r0 * k, (r0 + m) * k);
      costDelta32(net.cost.name, s.z[L - 1].subarray(r0 * k, (r0 + m) * k), s.t.subarray(r0 * width, (r0 + m) * width), dL, m, k);
      for (let l = L - 1; l >= 0; l--) {
        const layer = net.layers[l];
        const inp = l > 0 ? s.z[l - 1].subarray(r0 * layer.inputs, (r0 + m) * layer.inputs) : s.x.subarray(r0 * layer.inputs, (r0 + m) * layer.inputs);
        const delta = s.d[l].subarray(r0 * layer.units, (r0 + m) * layer.units);
        const nw = layer.inputs * layer.units;
        product32(layer.inputs, layer.units, m, inp, 1, layer.inputs, delta, layer.units, 1, lane.subarray(layer.offset, layer.offset + nw), add, null);
        sumRows32(m, layer.units, delta, lane.subarray(layer.offset + nw, layer.offset + nw + layer.units), add);
        if (l > 0) {
          const below = s.d[l - 1].subarray(r0 * layer.inputs, (r0 + m) * layer.inputs);
          product32(m, layer.inputs, layer.units, delta, layer.units, 1, s.w.subarray(layer.offset, layer.offset + nw), 1, layer.units, below, false, null);
          backward32(net.layers[l - 1].activation.name, s.z[l - 1].subarray(r0 * layer.inputs, (r0 + m) * layer.inputs), below, m * layer.inputs);
        }
      }
    }
    const [g0, g1] = s.lanes;
    if (descent !== undefined) {
      const eta = fr(descent);
      if (keep) keep.set(s.w);
      for (let i = 0; i < net.size; i++) {
        const g = chunks > 1 ? fr(g0[i] + g1[i]) : g0[i];
        s.w[i] = fr(s.w[i] - fr(eta * g));
      }
      w.set(s.w);
    } else if (grad !== null) {
      for (let i = 0; i < net.size; i++) grad[i] = chunks > 1 ? fr(g0[i] + g1[i]) : g0[i];
    }
    return e;
  }
}
