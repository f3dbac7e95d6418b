import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../shared/spec';
import { cloneSpec, moveLayer, newHiddenLayer, sameModel, setOptimizer, setValidation } from '../../src-renderer/src/lib/spec-edit';

const base = parseSpec({
  format: 'mlp-lab-spec',
  version: 1,
  data: { builtin: 'xor-quadrants', n: 100 },
  network: { hidden: [{ units: 4, activation: 'tanh' }, { units: 2, activation: 'relu' }], output: { cost: 'sigmoid-cross-entropy' } },
  training: { optimizer: 'gd', learningRate: 0.001, steps: 10 },
});

describe('the builder’s spec edits', () => {
  it('switching between full-batch and mini-batch optimizers keeps the batch size valid', () => {
    const s = cloneSpec(base);
    setOptimizer(s, 'adam');
    expect(s.training.batchSize).toBe(32);
    expect(() => parseSpec(s)).not.toThrow();
    setOptimizer(s, 'scg');
    expect(s.training.batchSize).toBeNull();
    expect(() => parseSpec(s)).not.toThrow();
  });

  it('removing the validation split switches early stopping off, which would otherwise be refused', () => {
    const s = cloneSpec(base);
    setValidation(s, 0.2);
    s.training.earlyStopping = { patience: 3 };
    expect(() => parseSpec(s)).not.toThrow();
    setValidation(s, 0);
    expect(s.training.earlyStopping).toBeNull();
    expect(() => parseSpec(s)).not.toThrow();
  });

  it('moves and adds hidden layers, and tells a changed model from a changed learning rate', () => {
    const s = cloneSpec(base);
    moveLayer(s, 1, 0);
    expect(s.network.hidden.map((h) => h.units)).toEqual([2, 4]);
    s.network.hidden.push(newHiddenLayer(s));
    expect(s.network.hidden[2]).toEqual({ units: 4, activation: 'tanh', init: { scheme: 'truncated-normal', std: 1, bias: 0 } });
    expect(sameModel(base, s)).toBe(false);
    const lr = cloneSpec(base);
    lr.training.learningRate = 0.5;
    expect(sameModel(base, lr)).toBe(true);
    expect(base.network.hidden.map((h) => h.units)).toEqual([4, 2]);
  });
});
