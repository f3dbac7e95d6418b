/**
 * The batched, blocked engine (network.ts on kernels.ts) against the textbook loops of
 * shared/engine/reference.ts: the same E and the same gradient, bit for bit, for every
 * activation and cost, on shapes that take every kernel path (thin, tiled, packed).
 */
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES } from '../../shared/engine/activations';
import { COST_NAMES, type CostName, targetWidth } from '../../shared/engine/cost-types';
import { costFor } from '../../shared/engine/costs';
import { initialize } from '../../shared/engine/init';
import { Network } from '../../shared/engine/network';
import { type ReferenceLayer, referenceGradient } from '../../shared/engine/reference';
import { Rng } from '../../shared/engine/rng';

/** A network of the given widths (last = output units) with random weights, and a batch for it. */
function setup(inputs: number, widths: number[], hidden: string, costName: CostName, n: number, seed: number) {
  const c = costFor({ cost: costName, components: 2 });
  const out = costName === 'mixture-density' ? 2 * (1 + 2) : widths[widths.length - 1];
  const shapes = [...widths.slice(0, -1).map((units) => ({ units, activation: hidden })), { units: out, activation: 'linear' }];
  const net = new Network(inputs, shapes, c);
  const rng = new Rng(seed);
  initialize(net, shapes.map(() => ({ scheme: 'truncated-normal' as const, std: 0.7, bias: 0.1 })), rng);
  const k = targetWidth(c, out);
  const x = Float64Array.from({ length: n * inputs }, () => rng.uniformIn(-1, 1));
  const t = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    if (costName === 'softmax-cross-entropy') t[r * k + rng.int(k)] = 1;
    else for (let j = 0; j < k; j++) t[r * k + j] = costName === 'sigmoid-cross-entropy' ? rng.int(2) : rng.normal();
  }
  return { net, x, t, k };
}

/** The network's layers as the reference reads them. */
function referenceLayers(net: Network): ReferenceLayer[] {
  return net.layers.map((l) => ({
    w: Array.from({ length: l.inputs }, (_, i) => Array.from(l.weights.subarray(i * l.units, (i + 1) * l.units))),
    b: Array.from(l.bias),
    h: l.activation,
  }));
}

function rows(a: Float64Array, n: number, w: number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from(a.subarray(r * w, (r + 1) * w)));
}

/** The reference's gradient flattened into the engine's parameter layout. */
function flatten(g: ReturnType<typeof referenceGradient>): Float64Array {
  return Float64Array.from(g.dw.flatMap((w, l) => [...w.flat(), ...g.db[l]]));
}

/** Index of the first entry whose bits differ (NaN counts as equal to NaN), or -1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  const ua = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const ub = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i]) return i;
  return a.length === b.length ? -1 : Math.min(a.length, b.length);
}

describe('the engine equals the textbook loops of reference.ts, bit for bit', () => {
  for (const hidden of ACTIVATION_NAMES) {
    for (const costName of COST_NAMES) {
      it(`${hidden} hidden layers, ${costName}: E and every dE/dw and dE/db`, () => {
        const { net, x, t, k } = setup(3, [5, 4, costName === 'sigmoid-cross-entropy' ? 2 : 3], hidden, costName, 9, 7);
        const E = net.gradient(x, t, 9);
        const ref = referenceGradient(referenceLayers(net), net.cost, rows(x, 9, 3), rows(t, 9, k));
        expect(Object.is(E, ref.E) || E === ref.E, `E ${E} vs ${ref.E}`).toBe(true);
        expect(firstDifference(net.grads, flatten(ref))).toBe(-1);
      });
    }
  }

  it('on shapes that take the tiled and packed kernel paths (37 samples, layers of 33 and 40 units)', () => {
    const { net, x, t, k } = setup(34, [33, 40, 10], 'tanh', 'softmax-cross-entropy', 37, 3);
    const E = net.gradient(x, t, 37);
    const ref = referenceGradient(referenceLayers(net), net.cost, rows(x, 37, 34), rows(t, 37, k));
    expect(E).toBe(ref.E);
    expect(firstDifference(net.grads, flatten(ref))).toBe(-1);
  });

  it('negative control: a sum taken in another order is caught (the comparison sees a last-bit change)', () => {
    const { net, x, t, k } = setup(34, [33, 40, 10], 'tanh', 'softmax-cross-entropy', 37, 3);
    net.gradient(x, t, 37);
    const [first, second, third] = referenceLayers(net);
    // The same network with the first hidden layer's units in reverse order (the next layer's
    // weight rows with them): the same products, summed in the opposite order.
    const flipped = { ...first, w: first.w.map((row) => [...row].reverse()), b: [...first.b].reverse() };
    const reordered = { ...second, w: [...second.w].reverse() };
    const ref = referenceGradient([flipped, reordered, third], net.cost, rows(x, 37, 34), rows(t, 37, k));
    expect(Math.abs(ref.E - net.cost.value(net.forward(x, 37), t, 37, 10))).toBeLessThan(1e-9);
    expect(firstDifference(net.grads.subarray(net.layers[2].offset), flatten(ref).subarray(net.layers[2].offset))).not.toBe(-1);
  });

  it('negative control: one weight changed in its twelfth digit gives other bits', () => {
    const { net, x, t, k } = setup(3, [5, 4, 3], 'sigmoid', 'sum-of-squares', 9, 7);
    const layers = referenceLayers(net);
    net.gradient(x, t, 9);
    const w = layers[0].w[1][2];
    layers[0].w[1][2] = w * (1 + 1e-12);
    const ref = referenceGradient(layers, net.cost, rows(x, 9, 3), rows(t, 9, k));
    expect(firstDifference(net.grads, flatten(ref))).not.toBe(-1);
  });
});
