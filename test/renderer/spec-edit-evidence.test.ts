/**
 * The builder's edits for issue 19 (src-renderer/src/lib/spec-edit.ts): switching the evidence
 * procedure on drops a fixed weight decay and moves a mini-batch optimizer to scg; switching to
 * a mini-batch optimizer drops the procedure; lbfgs is full batch. Every result parses.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../shared/spec';
import { cloneSpec, isFullBatch, setEvidence, setOptimizer } from '../../src-renderer/src/lib/spec-edit';

const base = parseSpec({
  format: 'mlp-lab-spec', version: 1, data: { builtin: 'sine-curve', n: 10 },
  network: { hidden: [{ units: 3 }], output: { cost: 'sum-of-squares' } },
  training: { optimizer: 'adam', learningRate: 0.01, steps: 10, weightDecay: 0.1 },
});

describe('evidence and lbfgs in the builder', () => {
  it('evidence on: no fixed weight decay, a full-batch optimizer, defaults kept on re-edits; off again removes it', () => {
    const s = cloneSpec(base);
    setEvidence(s, 25);
    expect(s.training.evidence).toEqual({ every: 25, alpha: 0.01, beta: 50 });
    expect(s.training.weightDecay).toBe(0);
    expect(s.training.optimizer).toBe('scg');
    expect(s.training.batchSize).toBeNull();
    expect(() => parseSpec(s)).not.toThrow();
    s.training.evidence = { ...s.training.evidence!, alpha: 0.2 };
    setEvidence(s, 50);
    expect(s.training.evidence).toEqual({ every: 50, alpha: 0.2, beta: 50 });
    setEvidence(s, null);
    expect('evidence' in s.training).toBe(false);
    expect(() => parseSpec(s)).not.toThrow();
  });

  it('a mini-batch optimizer drops the procedure (the spec would refuse it); lbfgs keeps it and is full batch', () => {
    const s = cloneSpec(base);
    setEvidence(s, 25);
    setOptimizer(s, 'lbfgs');
    expect(isFullBatch('lbfgs')).toBe(true);
    expect(s.training.evidence?.every).toBe(25);
    expect(() => parseSpec(s)).not.toThrow();
    setOptimizer(s, 'sgd');
    expect(s.training.evidence).toBeUndefined();
    expect(() => parseSpec(s)).not.toThrow();
  });
});
