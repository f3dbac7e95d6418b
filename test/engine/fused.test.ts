import { describe, expect, it } from 'vitest';
import { cost } from '../../shared/engine/costs';
import { type Cost } from '../../shared/engine/cost-types';

/** The canonical pairs (the mixture density cost has its own tests in mdn.test.ts). */
const CANONICAL = ['sum-of-squares', 'sigmoid-cross-entropy', 'softmax-cross-entropy'] as const;
import { Network } from '../../shared/engine/network';
import { Rng } from '../../shared/engine/rng';

function setup(costName: string, seed: number) {
  const rng = new Rng(seed);
  const k = costName === 'softmax-cross-entropy' ? 3 : 2;
  const net = new Network(2, [{ units: 5, activation: 'tanh' }, { units: k, activation: 'linear' }], cost(costName));
  for (let i = 0; i < net.size; i++) net.params[i] = rng.uniformIn(-2, 2);
  const n = 37;
  const x = Float64Array.from({ length: n * 2 }, () => rng.uniformIn(-3, 3));
  const t = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    if (costName === 'softmax-cross-entropy') t[r * k + rng.int(k)] = 1;
    else for (let j = 0; j < k; j++) t[r * k + j] = costName === 'sum-of-squares' ? rng.normal() : rng.int(2);
  }
  return { net, x, t, n, k };
}

describe('fused cost paths', () => {
  for (const name of CANONICAL) {
    it(`${name}: gradient() with and without E gives the same gradient bits, and E equals error()`, () => {
      const { net, x, t, n } = setup(name, 1);
      const e = net.gradient(x, t, n);
      const g1 = Float64Array.from(net.grads);
      expect(net.gradient(x, t, n, false, false)).toBeNaN();
      expect(Array.from(net.grads)).toEqual(Array.from(g1));
      expect(Object.is(e, net.error(x, t, n))).toBe(true);
    });
    it(`${name}: valueAndDelta equals value then delta bit for bit, also when delta aliases the logits`, () => {
      const { net, x, t, n, k } = setup(name, 2);
      const c = cost(name);
      const a = Float64Array.from(net.forward(x, n));
      a[0] = 800; a[1] = -800; // the tails
      const d1 = new Float64Array(n * k), d2 = new Float64Array(n * k);
      const e1 = c.value(a, t, n, k);
      c.delta(a, t, d1, n, k);
      const e2 = c.valueAndDelta!(a, t, d2, n, k);
      expect(Object.is(e1, e2)).toBe(true);
      expect(Array.from(d2)).toEqual(Array.from(d1));
      const alias = Float64Array.from(a);
      expect(Object.is(c.valueAndDelta!(alias, t, alias, n, k), e1)).toBe(true);
      expect(Array.from(alias)).toEqual(Array.from(d1));
    });
  }
  it('a copy of a cost with its delta replaced uses that delta in gradient(), E or not', () => {
    const sos = cost('sum-of-squares');
    const wrong: Cost = { ...sos, delta: (a, t, d, n, k) => { for (let i = 0; i < n * k; i++) d[i] = 2 * (a[i] - t[i]); } };
    const { net, x, t, n } = setup('sum-of-squares', 3);
    net.gradient(x, t, n);
    const right = Float64Array.from(net.grads);
    const net2 = new Network(2, [{ units: 5, activation: 'tanh' }, { units: 2, activation: 'linear' }], wrong);
    net2.params.set(net.params);
    net2.gradient(x, t, n);
    expect(Array.from(net2.grads)).toEqual(Array.from(right, (g) => 2 * g));
  });
});
