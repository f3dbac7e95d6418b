import { describe, expect, it } from 'vitest';
import { type Activation, ACTIVATION_NAMES, activation } from '../../shared/engine/activations';
import { cost } from '../../shared/engine/costs';
import { type Cost, COST_NAMES } from '../../shared/engine/cost-types';
import { gradientCheck, seedLine } from '../../shared/engine/gradcheck';
import { initialize, DEFAULT_INIT } from '../../shared/engine/init';
import { Network } from '../../shared/engine/network';
import { Rng } from '../../shared/engine/rng';

function batch(net: Network, n: number, costName: string, rng: Rng): { x: Float64Array; t: Float64Array } {
  const x = Float64Array.from({ length: n * net.inputs }, () => rng.uniformIn(-1, 1));
  const k = net.outputs;
  const t = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    if (costName === 'softmax-cross-entropy') t[r * k + rng.int(k)] = 1;
    else for (let j = 0; j < k; j++) t[r * k + j] = costName === 'sum-of-squares' ? rng.normal() : rng.int(2);
  }
  return { x, t };
}

function build(hidden: (string | Activation)[], costImpl: Cost, seed: number): Network {
  const units = [5, 3, 4];
  const layers = [...hidden.map((a, i) => ({ units: units[i], activation: a })), { units: 3, activation: 'linear' }];
  const net = new Network(2, layers, costImpl);
  initialize(net, layers.map(() => ({ ...DEFAULT_INIT, std: 0.8, bias: 0.1 })), new Rng(seed));
  return net;
}

describe('gradient check', () => {
  for (const a of ACTIVATION_NAMES.filter((x) => x !== 'relu')) {
    for (const c of COST_NAMES) {
      it(`passes at the default tolerance 1e-6 for backprop through ${a} layers with ${c}`, () => {
        const rng = new Rng(11);
        const net = build([a, a], cost(c), 3);
        const { x, t } = batch(net, 6, c, rng);
        const r = gradientCheck(net, x, t, 6);
        expect(r.groups.map((g) => g.name)).toEqual(['layer 1', 'layer 2', 'layer 3', 'inputs']);
        expect(r.groups.reduce((s, g) => s + g.count, 0)).toBe(net.size + 12);
        expect(r.maxRelError).toBeLessThan(1e-6);
        expect(r.passed).toBe(true);
      });
    }
  }

  it('passes for relu away from its kink', () => {
    const net = build(['relu'], cost('softmax-cross-entropy'), 5);
    const { x, t } = batch(net, 4, 'softmax-cross-entropy', new Rng(2));
    expect(gradientCheck(net, x, t, 4).passed).toBe(true);
  });

  it('leaves the parameters exactly as it found them', () => {
    const net = build(['tanh'], cost('sum-of-squares'), 9);
    const before = Float64Array.from(net.params);
    const { x, t } = batch(net, 3, 'sum-of-squares', new Rng(1));
    gradientCheck(net, x, t, 3);
    expect(Array.from(net.params)).toEqual(Array.from(before));
  });

  it('FAILS on a deliberately wrong activation derivative (tanh with h\' = 1 - z)', () => {
    const tanh = activation('tanh');
    const wrong: Activation = {
      ...tanh,
      name: 'tanh-wrong',
      backward(z, delta, len) {
        for (let i = 0; i < len; i++) delta[i] *= 1 - z[i];
      },
    };
    const net = build([wrong], cost('sigmoid-cross-entropy'), 4);
    const { x, t } = batch(net, 5, 'sigmoid-cross-entropy', new Rng(3));
    const r = gradientCheck(net, x, t, 5);
    expect(r.passed).toBe(false);
    expect(r.groups[0].maxRelError).toBeGreaterThan(1e-2);
    // The output layer's gradient does not pass through the broken derivative.
    expect(r.groups[1].maxRelError).toBeLessThan(1e-7);
  });

  it('FAILS on a cost whose delta is not y - t for its output function', () => {
    const sos = cost('sum-of-squares');
    const wrong: Cost = { ...sos, delta: (a, t, d, n, k) => { for (let i = 0; i < n * k; i++) d[i] = 2 * (a[i] - t[i]); } };
    const net = build(['tanh'], wrong, 4);
    const { x, t } = batch(net, 5, 'sum-of-squares', new Rng(3));
    expect(gradientCheck(net, x, t, 5).passed).toBe(false);
  });

  it('reports NaN derivatives as failures, not passes', () => {
    const tanh = activation('tanh');
    const nan: Activation = { ...tanh, backward(_z, delta, len) { for (let i = 0; i < len; i++) delta[i] = NaN; } };
    const net = build([nan], cost('sum-of-squares'), 4);
    const { x, t } = batch(net, 2, 'sum-of-squares', new Rng(3));
    const r = gradientCheck(net, x, t, 2);
    expect(r.passed).toBe(false);
    expect(r.maxRelError).toBe(Infinity);
  });

  it('reproduces the seed\'s printout: finite difference and backprop of the first input agree', () => {
    const net = build(['tanh'], cost('sigmoid-cross-entropy'), 1);
    const line = seedLine(net);
    expect(Math.abs(line.finiteDifference - line.backpropagation)).toBeLessThan(1e-8);
    expect(line.backpropagation).not.toBe(0);
  });
});
