/**
 * Second-order passes through a network for one batch of samples: Pearlmutter's R-operator
 * (PRML §5.4.6), which gives the product of the Hessian of E with any vector v in O(W), the
 * same product with the outer-product (Gauss-Newton) approximation of PRML (5.84)-(5.86), the
 * diagonal approximation of PRML (5.79)-(5.81), and the gradients of the outputs with respect
 * to the weights (the b_n = grad a_n of PRML (5.84), the g of (5.173) and (5.188)).
 *
 * Notation (all per sample, layers l = 0 .. L-1, the last linear): z_{-1} = x,
 * a_l = z_{l-1} W_l + b_l, z_l = h_l(a_l); delta_l = dE/da_l; s_l = delta_{l+1} W_{l+1}^T, so that
 * delta_l = h_l'(a_l) s_l (PRML (5.56)). The R-operator R{.} = v^T grad(.) applied to forward and
 * backward propagation (PRML (5.97)-(5.110), written for any number of layers):
 *
 *     R{a_l}     = R{z_{l-1}} W_l + z_{l-1} V_l + v_b_l          R{z_l} = h'(a_l) R{a_l}
 *     R{delta_{L-1}} = (d^2E/da da^T) R{a_{L-1}}                  (output-curvature.ts)
 *     R{delta_l} = h''(a_l) R{a_l} s_l + h'(a_l) (R{delta_{l+1}} W_{l+1}^T + delta_{l+1} V_{l+1}^T)
 *     R{dE/dW_l} = R{z_{l-1}}^T delta_l + z_{l-1}^T R{delta_l}    R{dE/db_l} = sum over samples of R{delta_l}
 *
 * where (V_l, v_b_l) is v's part for layer l, in the parameter layout of network.ts. R{grad E}
 * is H v. Leaving out every term that holds a second derivative of the network function (the
 * h'' term, R{z}^T delta and delta V^T) leaves J^T (d^2E/da da^T) J v: the outer-product
 * approximation, PRML (5.84)-(5.86) for every cost.
 *
 * A pass is built once for a batch (forward and backward propagation, kept), then answers any
 * number of products; each costs about two gradient evaluations. It reads the network's weights
 * when it is built and at each product, so they must not change in between.
 */
import { ACTIVATION_CURVATURES, type ActivationCurvatures, curvatureOf } from './activation-curvature';
import { gemmNN, gemmNT, gemmTN, sumRows } from './kernels';
import type { Network } from './network';
import { type OutputCurvature, outputCurvatureFor } from './output-curvature';

/** Replacements for the derivative tables (tests hand in wrong ones to see the checks fail). */
export interface CurvatureOptions {
  /** h' and h'' by activation name (default ACTIVATION_CURVATURES). */
  activations?: ActivationCurvatures;
  /** d^2E/da da^T of the cost (default: outputCurvatureFor(net.cost)). */
  output?: OutputCurvature;
}

/** The forward and backward propagation of one batch, kept for second-order products. */
export class CurvaturePass {
  /** E of the batch (the cost summed over its samples; no weight decay). */
  readonly E: number;
  private readonly net: Network;
  private readonly x: Float64Array;
  private readonly t: Float64Array;
  private readonly n: number;
  private readonly output: OutputCurvature;
  /** z_l per layer (n x units); the last holds the logits. */
  private readonly z: Float64Array[];
  /** h'(a_l) and h''(a_l) per hidden layer (n x units). */
  private readonly slope: Float64Array[];
  private readonly bend: Float64Array[];
  /** delta_l = dE/da_l per layer (n x units). */
  private readonly delta: Float64Array[];
  /** s_l = delta_{l+1} W_{l+1}^T per hidden layer (n x units). */
  private readonly s: Float64Array[];
  // Scratch for the products, per layer (n x units).
  private readonly ra: Float64Array[];
  private readonly rz: Float64Array[];
  private readonly rdelta: Float64Array[];

  /** Propagates the n samples x (n x inputs) with targets t forward and back at the network's weights. */
  constructor(net: Network, x: Float64Array, t: Float64Array, n: number, options: CurvatureOptions = {}) {
    this.net = net;
    this.x = x;
    this.t = t;
    this.n = n;
    this.output = options.output ?? outputCurvatureFor(net.cost);
    const table = options.activations ?? ACTIVATION_CURVATURES;
    const layers = net.layers;
    const L = layers.length;
    const buffers = () => layers.map((l) => new Float64Array(n * l.units));
    this.z = buffers();
    this.delta = buffers();
    this.s = buffers();
    this.ra = buffers();
    this.rz = buffers();
    this.rdelta = buffers();
    this.slope = buffers();
    this.bend = buffers();
    let input = x;
    for (let l = 0; l < L; l++) {
      const layer = layers[l];
      const z = this.z[l];
      gemmNN(n, layer.units, layer.inputs, input, layer.weights, z, false, layer.bias);
      layer.activation.apply(z, n * layer.units);
      if (l < L - 1) {
        const c = curvatureOf(table, layer.activation.name);
        const hp = this.slope[l];
        const hpp = this.bend[l];
        for (let i = 0; i < n * layer.units; i++) {
          hp[i] = c.slope(z[i]);
          hpp[i] = c.bend(z[i]);
        }
      }
      input = z;
    }
    const k = net.outputs;
    const logits = this.z[L - 1];
    this.E = net.cost.value(logits, t, n, k);
    net.cost.delta(logits, t, this.delta[L - 1], n, k);
    for (let l = L - 1; l > 0; l--) {
      const layer = layers[l];
      const s = this.s[l - 1];
      // s_{l-1} = delta_l W_l^T, delta_{l-1} = h'(a_{l-1}) s_{l-1}, PRML (5.56).
      gemmNT(n, layer.inputs, layer.units, this.delta[l], layer.weights, s, false);
      const d = this.delta[l - 1];
      const hp = this.slope[l - 1];
      for (let i = 0; i < n * layer.inputs; i++) d[i] = hp[i] * s[i];
    }
  }

  /** The number of parameters. */
  get size(): number {
    return this.net.size;
  }

  /** dE/dw of the batch into `out` (length = parameters), PRML (5.53). */
  gradient(out: Float64Array): Float64Array {
    const layers = this.net.layers;
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l];
      const input = l > 0 ? this.z[l - 1] : this.x;
      const nw = layer.inputs * layer.units;
      gemmTN(layer.inputs, layer.units, this.n, input, this.delta[l], out.subarray(layer.offset, layer.offset + nw), false);
      sumRows(this.n, layer.units, this.delta[l], out.subarray(layer.offset + nw, layer.offset + nw + layer.units), false);
    }
    return out;
  }

  /**
   * out = H v (the Hessian of the batch's E, PRML §5.4.6), or with `outerProduct` its
   * outer-product approximation G v (PRML (5.84)-(5.86)); v and out have the parameter layout
   * and must not alias. With `add`, the product is added to out.
   */
  times(v: Float64Array, out: Float64Array, outerProduct = false, add = false): Float64Array {
    const { net, n, x } = this;
    const layers = net.layers;
    const L = layers.length;
    // Forward: R{a_l} = R{z_{l-1}} W_l + z_{l-1} V_l + v_b_l; R{z_l} = h'(a_l) R{a_l}.
    for (let l = 0; l < L; l++) {
      const layer = layers[l];
      const nw = layer.inputs * layer.units;
      const V = v.subarray(layer.offset, layer.offset + nw);
      const vb = v.subarray(layer.offset + nw, layer.offset + nw + layer.units);
      const ra = this.ra[l];
      gemmNN(n, layer.units, layer.inputs, l > 0 ? this.z[l - 1] : x, V, ra, false, vb);
      if (l > 0) gemmNN(n, layer.units, layer.inputs, this.rz[l - 1], layer.weights, ra, true);
      if (l < L - 1) {
        const rz = this.rz[l];
        const hp = this.slope[l];
        for (let i = 0; i < n * layer.units; i++) rz[i] = hp[i] * ra[i];
      }
    }
    // Backward: R{delta} at the outputs, then down through the layers.
    this.output.times(this.z[L - 1], this.t, this.ra[L - 1], this.rdelta[L - 1], n, net.outputs);
    for (let l = L - 1; l >= 0; l--) {
      const layer = layers[l];
      const nw = layer.inputs * layer.units;
      const outW = out.subarray(layer.offset, layer.offset + nw);
      const outB = out.subarray(layer.offset + nw, layer.offset + nw + layer.units);
      const rdelta = this.rdelta[l];
      gemmTN(layer.inputs, layer.units, n, l > 0 ? this.z[l - 1] : x, rdelta, outW, add);
      if (l > 0 && !outerProduct) gemmTN(layer.inputs, layer.units, n, this.rz[l - 1], this.delta[l], outW, true);
      sumRows(n, layer.units, rdelta, outB, add);
      if (l === 0) break;
      // R{s_{l-1}} = R{delta_l} W_l^T + delta_l V_l^T, into the layer below's R{delta} buffer.
      const below = this.rdelta[l - 1];
      gemmNT(n, layer.inputs, layer.units, rdelta, layer.weights, below, false);
      if (!outerProduct) gemmNT(n, layer.inputs, layer.units, this.delta[l], v.subarray(layer.offset, layer.offset + nw), below, true);
      const hp = this.slope[l - 1];
      const m = n * layer.inputs;
      if (outerProduct) {
        for (let i = 0; i < m; i++) below[i] *= hp[i];
      } else {
        const hpp = this.bend[l - 1];
        const ra = this.ra[l - 1];
        const s = this.s[l - 1];
        for (let i = 0; i < m; i++) below[i] = hp[i] * below[i] + hpp[i] * ra[i] * s[i];
      }
    }
    return out;
  }

  /**
   * The diagonal approximation of the Hessian, PRML (5.79)-(5.81): second derivatives
   * backpropagated with the off-diagonal terms left out,
   *
   *     d^2E/da_j^2 = h'(a_j)^2 sum_k w_kj^2 d^2E/da_k^2 + h''(a_j) sum_k w_kj dE/da_k   (5.81)
   *     d^2E/dw_ji^2 = sum over samples of z_i^2 d^2E/da_j^2                              (5.80)
   *
   * starting from the diagonal of d^2E/da da^T at the outputs. Into `out` (parameter layout).
   */
  diagonal(out: Float64Array): Float64Array {
    const { net, n, x } = this;
    const layers = net.layers;
    const L = layers.length;
    let b = new Float64Array(n * net.outputs);
    this.output.diagonal(this.z[L - 1], this.t, b, n, net.outputs);
    for (let l = L - 1; l >= 0; l--) {
      const layer = layers[l];
      const nw = layer.inputs * layer.units;
      const input = l > 0 ? this.z[l - 1] : x;
      const sq = new Float64Array(n * layer.inputs);
      for (let i = 0; i < sq.length; i++) sq[i] = input[i] * input[i];
      gemmTN(layer.inputs, layer.units, n, sq, b, out.subarray(layer.offset, layer.offset + nw), false);
      sumRows(n, layer.units, b, out.subarray(layer.offset + nw, layer.offset + nw + layer.units), false);
      if (l === 0) break;
      const w2 = new Float64Array(nw);
      for (let i = 0; i < nw; i++) w2[i] = layer.weights[i] * layer.weights[i];
      const below = new Float64Array(n * layer.inputs);
      gemmNT(n, layer.inputs, layer.units, b, w2, below, false);
      const hp = this.slope[l - 1];
      const hpp = this.bend[l - 1];
      const s = this.s[l - 1];
      for (let i = 0; i < below.length; i++) below[i] = hp[i] * hp[i] * below[i] + hpp[i] * s[i];
      b = below;
    }
    return out;
  }
}

/**
 * The gradient of output unit `unit`'s logit a_k with respect to every parameter, per sample:
 * row r of the result (n x parameters) is grad_w a_k(x_r), PRML's b_n of (5.84) and the g of
 * (5.173) and (5.188). Backpropagation with delta = 1 at that output unit and 0 elsewhere,
 * without summing over samples: dA/dW_l(i, j) = z_{l-1, i} delta_{l, j}.
 */
export function outputGradients(net: Network, x: Float64Array, n: number, unit: number, options: CurvatureOptions = {}): Float64Array {
  if (!(Number.isInteger(unit) && unit >= 0 && unit < net.outputs)) throw new RangeError(`output unit ${unit} does not exist: the network has ${net.outputs}`);
  const table = options.activations ?? ACTIVATION_CURVATURES;
  const layers = net.layers;
  const L = layers.length;
  const z: Float64Array[] = [];
  let input = x;
  for (let l = 0; l < L; l++) {
    const layer = layers[l];
    const out = new Float64Array(n * layer.units);
    gemmNN(n, layer.units, layer.inputs, input, layer.weights, out, false, layer.bias);
    layer.activation.apply(out, n * layer.units);
    z.push(out);
    input = out;
  }
  const P = net.size;
  const g = new Float64Array(n * P);
  let delta = new Float64Array(n * net.outputs);
  for (let r = 0; r < n; r++) delta[r * net.outputs + unit] = 1;
  for (let l = L - 1; l >= 0; l--) {
    const layer = layers[l];
    const inp = l > 0 ? z[l - 1] : x;
    const { inputs, units, offset } = layer;
    for (let r = 0; r < n; r++) {
      const row = r * P + offset;
      for (let i = 0; i < inputs; i++) {
        const zi = inp[r * inputs + i];
        for (let j = 0; j < units; j++) g[row + i * units + j] = zi * delta[r * units + j];
      }
      for (let j = 0; j < units; j++) g[row + inputs * units + j] = delta[r * units + j];
    }
    if (l === 0) break;
    const below = new Float64Array(n * inputs);
    gemmNT(n, inputs, units, delta, layer.weights, below, false);
    const c = curvatureOf(table, layers[l - 1].activation.name);
    const zb = z[l - 1];
    for (let i = 0; i < below.length; i++) below[i] *= c.slope(zb[i]);
    delta = below;
  }
  return g;
}
