import { describe, expect, it } from 'vitest';
import { cost } from '../../shared/engine/costs';
import { COST_NAMES } from '../../shared/engine/cost-types';
import { activation } from '../../shared/engine/activations';
import { Network } from '../../shared/engine/network';

describe('costs', () => {
  it('sigmoid cross-entropy stays finite and exact for logits of +-1000 (no log 0, no overflow)', () => {
    const c = cost('sigmoid-cross-entropy');
    const a = Float64Array.of(1000, -1000, 1000, -1000);
    const t = Float64Array.of(1, 0, 0, 1);
    // Right with certainty costs 0; wrong with certainty costs |a| per sample.
    expect(c.value(a, t, 4, 1)).toBe(2000);
    const y = new Float64Array(4);
    c.output(a, y, 4, 1);
    expect(Array.from(y)).toEqual([1, 0, 1, 0]);
    const d = new Float64Array(4);
    c.delta(a, t, d, 4, 1);
    expect(Array.from(d)).toEqual([0, 0, 1, -1]);
  });

  it('softmax cross-entropy stays finite for logits of 1e4 and matches -ln y_k', () => {
    const c = cost('softmax-cross-entropy');
    const a = Float64Array.of(10000, 0, -10000, 1, 2, 3);
    const t = Float64Array.of(0, 1, 0, 0, 0, 1);
    const e = c.value(a, t, 2, 3);
    const lse = 3 + Math.log(Math.exp(-2) + Math.exp(-1) + 1);
    expect(e).toBeCloseTo(10000 + (lse - 3), 9);
    const y = new Float64Array(6);
    c.output(a, y, 2, 3);
    expect(y[0]).toBe(1);
    expect(y[3] + y[4] + y[5]).toBeCloseTo(1, 15);
  });

  it('sum of squares is half the summed squared error, with delta y - t', () => {
    const c = cost('sum-of-squares');
    expect(c.value(Float64Array.of(1, 2), Float64Array.of(0, 0), 2, 1)).toBe(2.5);
    const d = new Float64Array(2);
    c.delta(Float64Array.of(1, 2), Float64Array.of(0.5, 3), d, 2, 1);
    expect(Array.from(d)).toEqual([0.5, -1]);
  });

  it('E is a sum over samples: doubling the batch doubles E', () => {
    for (const name of COST_NAMES) {
      const c = cost(name);
      // Two samples; a one-component mixture density has 3 outputs (pi, mu, ln sigma) per 1-D target.
      const mdn = name === 'mixture-density';
      const k = mdn ? 3 : 2;
      const a = mdn ? Float64Array.of(0.3, -0.2, 0.1, 0.7, 0.4, -0.5) : Float64Array.of(0.3, -0.2, 0.1, 0.7);
      const t = name === 'sum-of-squares' ? Float64Array.of(1, 0, 0.5, 0.2) : mdn ? Float64Array.of(0.5, 0.2) : Float64Array.of(1, 0, 0, 1);
      const one = c.value(a, t, 2, k);
      const twice = c.value(Float64Array.of(...a, ...a), Float64Array.of(...t, ...t), 4, k);
      expect(twice).toBeCloseTo(2 * one, 14);
    }
  });

  it('unknown names are refused with the list of valid ones', () => {
    expect(() => cost('hinge')).toThrow(/unknown cost "hinge": use one of sum-of-squares, sigmoid-cross-entropy, softmax-cross-entropy/);
    expect(() => activation('gelu')).toThrow(/unknown activation "gelu": use one of linear, sigmoid, tanh, relu/);
  });

  it('networks refuse an output layer that is not linear, too few softmax outputs, or zero units', () => {
    expect(() => new Network(2, [{ units: 1, activation: 'sigmoid' }], cost('sigmoid-cross-entropy'))).toThrow(/output layer must be linear/);
    expect(() => new Network(2, [{ units: 1, activation: 'linear' }], cost('softmax-cross-entropy'))).toThrow(/at least 2 outputs/);
    expect(() => new Network(2, [{ units: 0, activation: 'tanh' }, { units: 1, activation: 'linear' }], cost('sum-of-squares'))).toThrow(/layer 1 needs a positive whole number of units/);
  });
});
