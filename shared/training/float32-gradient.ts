/**
 * The float32 gradient engine in TypeScript (`training.precision: "float32"` where WebAssembly
 * SIMD is missing or MLP_LAB_KERNELS=js): the arithmetic of shared/engine/float32-reference.ts
 * under the trainer's contract, chunk plan and lanes.
 */
import { targetWidth } from '../engine/cost-types';
import { activate32, backward32, costDelta32, product32, sumRows32 } from '../engine/float32-reference';
import type { Network } from '../engine/network';
import { AbortedError, chunkPlan, flopsPerSample, type GradientEngine, LANES } from './gradient';

const fr = Math.fround;

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
