/**
 * The builder's edits keep a layer's initialisation fitting its activation (issue 16, item 15):
 * a layer on Xavier or He follows a change of activation; a new first layer on CSV data starts
 * on the CSV default.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../shared/spec';
import { newHiddenLayer, setActivation } from '../../src-renderer/src/lib/spec-edit';

describe('the builder\'s layer edits', () => {
  it('give a new first layer on CSV data Xavier, on built-in data the seed\'s std 1', () => {
    const net = { hidden: [], output: { cost: 'sum-of-squares' } };
    const csv = parseSpec({ format: 'mlp-lab-spec', version: 1, data: { csv: 'a.csv', inputs: ['x'], targets: ['t'] }, network: net });
    const builtin = parseSpec({ format: 'mlp-lab-spec', version: 1, data: { builtin: 'sine-regression' }, network: net });
    expect(newHiddenLayer(csv).init).toEqual({ scheme: 'xavier', std: 1, bias: 0 });
    expect(newHiddenLayer(builtin).init).toEqual({ scheme: 'truncated-normal', std: 1, bias: 0 });
  });

  it('moves a variance-scaling layer to the scheme of the new activation, and leaves a truncated normal alone', () => {
    const xavier = { units: 4, activation: 'tanh' as const, init: { scheme: 'xavier' as const, std: 1, bias: 0.2 } };
    setActivation(xavier, 'relu');
    expect(xavier.init).toEqual({ scheme: 'he', std: 1, bias: 0.2 });
    setActivation(xavier, 'sigmoid');
    expect(xavier.init.scheme).toBe('xavier');
    const seed = { units: 4, activation: 'tanh' as const, init: { scheme: 'truncated-normal' as const, std: 0.5, bias: 0 } };
    setActivation(seed, 'relu');
    expect(seed.init).toEqual({ scheme: 'truncated-normal', std: 0.5, bias: 0 });
  });
});
