/**
 * A fully connected feed-forward network (PRML §5.1) with forward propagation (5.2)-(5.3) and
 * error backpropagation (§5.3, (5.53)-(5.56)) over whole batches.
 *
 * All weights and biases live in ONE Float64Array, `params`, with per-layer views; the gradient
 * lives in `grads` with the same layout. Optimizers, gradient checks, snapshots and the weights
 * file all see that single vector. Layout, layer by layer: weights (inputs x units, row-major, so
 * weights[i * units + j] connects input i to unit j, as the seed's `w[i][j]`), then bias (units).
 *
 * The last layer is linear: its outputs are the logits a, and the cost owns the output function
 * (identity, sigmoid, softmax) so the output delta is y - t (PRML (5.18)).
 */
import { type Activation, activation as activationByName } from './activations';
import { type Cost } from './cost-types';
import { gemmNN, gemmNT, gemmTN, sumRows } from './kernels';

/** One layer's shape: how many units and which activation (a name or a function object). */
export interface LayerShape {
  units: number;
  activation: string | Activation;
}

/** One layer of a network: shapes and views into the network's flat vectors. */
export interface Layer {
  readonly inputs: number;
  readonly units: number;
  readonly activation: Activation;
  /** inputs x units, row-major: weights[i * units + j] connects input i to unit j. */
  readonly weights: Float64Array;
  /** One bias per unit. */
  readonly bias: Float64Array;
  /** dE/dweights, same layout as `weights`. */
  readonly dWeights: Float64Array;
  /** dE/dbias, one per unit. */
  readonly dBias: Float64Array;
  /** Where this layer's weights start in the flat parameter vector. */
  readonly offset: number;
}

/** Per-batch working memory; grown on demand and reused, so a training loop allocates nothing. */
interface Workspace {
  capacity: number;
  /** outputs[l] = z of layer l (n x units); the last one holds the logits. */
  outputs: Float64Array[];
  /** deltas[l] = dE/da of layer l (n x units). */
  deltas: Float64Array[];
  /** dE/dx for the batch inputs (n x inputs), filled when asked for. */
  inputGrad: Float64Array;
}

/** A multilayer perceptron: layer shapes, the cost, and the flat parameter and gradient vectors. */
export class Network {
  readonly inputs: number;
  readonly outputs: number;
  readonly layers: readonly Layer[];
  readonly cost: Cost;
  /** Every weight and bias, layer by layer (see the file comment for the layout). */
  readonly params: Float64Array;
  /** dE/dparams from the last `gradient` call, same layout as `params`. */
  readonly grads: Float64Array;
  private ws: Workspace;

  /**
   * A network with `inputs` inputs and the given layers; the last entry is the output layer and
   * must be linear (the cost supplies the output function). Parameters start at zero: use
   * `initialize` (init.ts) or `params.set(...)`. `params`, when given, is used as the parameter
   * vector itself (not copied): a data-parallel helper reads the run's weights in shared memory.
   */
  constructor(inputs: number, layers: readonly LayerShape[], cost: Cost, params?: Float64Array) {
    if (!(Number.isInteger(inputs) && inputs >= 1)) throw new RangeError(`inputs must be a positive integer, got ${inputs}`);
    if (layers.length === 0) throw new RangeError('a network needs at least an output layer');
    const acts = layers.map((l) => (typeof l.activation === 'string' ? activationByName(l.activation) : l.activation));
    if (acts[acts.length - 1].name !== 'linear') {
      throw new RangeError(`the output layer must be linear (the cost "${cost.name}" applies ${cost.outputFunction}), got ${acts[acts.length - 1].name}`);
    }
    let size = 0;
    let fanIn = inputs;
    layers.forEach((l, i) => {
      if (!(Number.isInteger(l.units) && l.units >= 1)) throw new RangeError(`layer ${i + 1} needs a positive whole number of units, got ${l.units}`);
      size += fanIn * l.units + l.units;
      fanIn = l.units;
    });
    const outputs = layers[layers.length - 1].units;
    if (outputs < cost.minOutputs) {
      throw new RangeError(`${cost.name} needs at least ${cost.minOutputs} outputs, the network has ${outputs}`);
    }
    this.inputs = inputs;
    this.outputs = outputs;
    this.cost = cost;
    if (params && params.length !== size) throw new RangeError(`the parameter vector has ${params.length} values, the network needs ${size}`);
    this.params = params ?? new Float64Array(size);
    this.grads = new Float64Array(size);
    const views: Layer[] = [];
    let offset = 0;
    fanIn = inputs;
    layers.forEach((l, i) => {
      const w = fanIn * l.units;
      views.push({
        inputs: fanIn,
        units: l.units,
        activation: acts[i],
        weights: this.params.subarray(offset, offset + w),
        bias: this.params.subarray(offset + w, offset + w + l.units),
        dWeights: this.grads.subarray(offset, offset + w),
        dBias: this.grads.subarray(offset + w, offset + w + l.units),
        offset,
      });
      offset += w + l.units;
      fanIn = l.units;
    });
    this.layers = views;
    this.ws = this.allocate(0);
  }

  /** The number of parameters (weights and biases). */
  get size(): number {
    return this.params.length;
  }

  private allocate(capacity: number): Workspace {
    return {
      capacity,
      outputs: this.layers.map((l) => new Float64Array(capacity * l.units)),
      deltas: this.layers.map((l) => new Float64Array(capacity * l.units)),
      inputGrad: new Float64Array(capacity * this.inputs),
    };
  }

  private workspace(n: number): Workspace {
    if (n > this.ws.capacity) this.ws = this.allocate(Math.max(n, Math.ceil(this.ws.capacity * 1.5)));
    return this.ws;
  }

  /**
   * Forward propagation of n samples x (n x inputs, row-major). Returns a view of the logits
   * (n x outputs), valid until the next call; hidden outputs are kept for `backward`.
   */
  forward(x: Float64Array, n: number): Float64Array {
    const ws = this.workspace(n);
    let input = x;
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      const z = ws.outputs[l];
      // a = x . W + b, PRML (5.2); the kernel adds the bias as it stores each entry.
      gemmNN(n, layer.units, layer.inputs, input, layer.weights, z, false, layer.bias);
      layer.activation.apply(z, n * layer.units);
      input = z;
    }
    return ws.outputs[this.layers.length - 1].subarray(0, n * this.outputs);
  }

  /** The outputs z of layer `l` (n x units) from the last forward pass: for hidden-unit views. */
  layerOutputs(l: number, n: number): Float64Array {
    return this.ws.outputs[l].subarray(0, n * this.layers[l].units);
  }

  /** Network predictions y (n x outputs): forward pass plus the cost's output function. */
  predict(x: Float64Array, n: number, out = new Float64Array(n * this.outputs)): Float64Array {
    const a = this.forward(x, n);
    this.cost.output(a, out, n, this.outputs);
    return out;
  }

  /** E(w) summed over the n samples (PRML (5.11)); no gradient. */
  error(x: Float64Array, t: Float64Array, n: number): number {
    const a = this.forward(x, n);
    return this.cost.value(a, t, n, this.outputs);
  }

  /**
   * Backpropagation: fills `grads` with dE/dparams summed over the n samples and returns E.
   * With `withInputGradient`, dE/dx is also computed (see `inputGradient`). With `withError`
   * false, E is not computed and NaN is returned: a training step that only needs the gradient
   * (the seed's `fit`) saves the cost's logarithms. The gradient is the same bits either way.
   */
  gradient(x: Float64Array, t: Float64Array, n: number, withInputGradient = false, withError = true): number {
    const e = this.outputDelta(x, t, n, withError);
    this.backpropagate(x, n, withInputGradient, null, false);
    return e;
  }

  /**
   * Like `gradient`, but the gradient of these n samples goes into `into` (same layout as
   * `params`) instead of `grads`: written over it, or with `add` added to it. Each entry is the
   * batch's whole sum, then + into, so adding batch after batch gives the same bits as summing
   * separately computed gradients in that order, without a copy or a pass over the vector.
   */
  gradientInto(x: Float64Array, t: Float64Array, n: number, into: Float64Array, add: boolean): number {
    if (into.length !== this.params.length) throw new RangeError(`the gradient vector has ${into.length} values, the network needs ${this.params.length}`);
    const e = this.outputDelta(x, t, n, true);
    this.backpropagate(x, n, false, into, add);
    return e;
  }

  /** Forward pass and the output deltas (in the workspace); E when `withError`, else NaN. */
  private outputDelta(x: Float64Array, t: Float64Array, n: number, withError: boolean): number {
    const a = this.forward(x, n);
    const delta = this.ws.deltas[this.layers.length - 1];
    let e = Number.NaN;
    if (!withError) this.cost.delta(a, t, delta, n, this.outputs);
    else if (this.cost.valueAndDelta) e = this.cost.valueAndDelta(a, t, delta, n, this.outputs);
    else {
      e = this.cost.value(a, t, n, this.outputs);
      this.cost.delta(a, t, delta, n, this.outputs);
    }
    return e;
  }

  /** dE/dx (n x inputs) from the last `gradient(..., true)` call. */
  inputGradient(n: number): Float64Array {
    return this.ws.inputGrad.subarray(0, n * this.inputs);
  }

  /**
   * The backward pass from the output deltas (already in the workspace) down to the inputs; the
   * gradient goes into `grads`, or into `into` (added when `add`).
   */
  private backpropagate(x: Float64Array, n: number, withInputGradient: boolean, into: Float64Array | null, add: boolean): void {
    const ws = this.ws;
    const L = this.layers.length;
    for (let l = L - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const delta = ws.deltas[l];
      const input = l > 0 ? ws.outputs[l - 1] : x;
      const nw = layer.inputs * layer.units;
      const dW = into ? into.subarray(layer.offset, layer.offset + nw) : layer.dWeights;
      const dB = into ? into.subarray(layer.offset + nw, layer.offset + nw + layer.units) : layer.dBias;
      // dE/dw_ji = delta_j z_i summed over samples, PRML (5.53); dE/db_j = delta_j.
      gemmTN(layer.inputs, layer.units, n, input, delta, dW, add);
      sumRows(n, layer.units, delta, dB, add);
      if (l > 0) {
        // delta_j = h'(a_j) sum_k w_kj delta_k, PRML (5.56).
        const below = ws.deltas[l - 1];
        gemmNT(n, layer.inputs, layer.units, delta, layer.weights, below, false);
        this.layers[l - 1].activation.backward(ws.outputs[l - 1], below, n * layer.inputs);
      } else if (withInputGradient) {
        gemmNT(n, layer.inputs, layer.units, delta, layer.weights, ws.inputGrad, false);
      }
    }
  }
}
