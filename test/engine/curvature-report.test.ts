/**
 * What the window's curvature panel shows (shared/curvature-report.ts): the eigenvalues of the
 * exact Hessian of E as training reports it (the spec's weight decay on the weights; an evidence
 * run's alpha/beta on every parameter), the condition number only when all are positive, and the
 * Laplace approximation of `mlp-lab laplace --evidence` from the right start; none for a mixture.
 */
import { describe, expect, it } from 'vitest';
import { curvatureReport } from '../../shared/curvature-report';
import { generateBuiltin } from '../../shared/data/builtin';
import { symmetricEigen } from '../../shared/engine/eigen';
import { hessian } from '../../shared/engine/hessian';
import { laplace, maximumLikelihoodBeta } from '../../shared/engine/laplace';
import { createLab } from '../../shared/lab';
import { type BuiltinDataSpec, parseSpec } from '../../shared/spec';
import { Trainer } from '../../shared/training/trainer';

function trained(training: Record<string, unknown>, output: Record<string, unknown> = { cost: 'sum-of-squares' }) {
  const spec = parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 4, data: { builtin: 'sine-curve', n: 15 },
    network: { hidden: [{ units: 3, activation: 'tanh' }], output }, training,
  });
  const d = spec.data as BuiltinDataSpec;
  const lab = createLab(spec, generateBuiltin(d.builtin, d.n, spec.seed, d));
  new Trainer(lab).run(spec.training.steps);
  return lab;
}

describe('the curvature report', () => {
  it('eigenvalues of the Hessian with the spec\'s weight decay; Laplace from alpha = lambda beta_ML', () => {
    const lab = trained({ optimizer: 'scg', steps: 200, weightDecay: 0.05 });
    const r = curvatureReport(lab);
    const h = hessian(lab.net, lab.data.inputs, lab.data.targets, 15, 'exact', { weightDecay: 0.05 });
    expect(Array.from(r.eigenvalues)).toEqual(Array.from(symmetricEigen(h.matrix!, h.parameters, { vectors: false }).values));
    expect(r.E).toBe(h.E);
    expect(r.decayOn).toBe('weights');
    if (r.eigenvalues[0] > 0) expect(r.conditionNumber).toBe(r.eigenvalues[9] / r.eigenvalues[0]);
    else expect(r.conditionNumber).toBeNull();
    const beta = maximumLikelihoodBeta(lab.net.error(lab.data.inputs, lab.data.targets, 15), 15);
    const l = laplace(lab.net, lab.data.inputs, lab.data.targets, 15, { alpha: 0.05 * beta, beta, evidence: true });
    expect(r.laplace).toMatchObject({ start: 'weight decay', alpha: l.alpha, beta: l.beta, gamma: l.gamma, logEvidence: l.logEvidence });
  });

  it('an evidence run: alpha/beta on every parameter, the procedure started from the run\'s last values', () => {
    const lab = trained({ optimizer: 'lbfgs', steps: 100, evidence: { every: 25 } });
    const start = { alpha: 0.3, beta: 12 };
    const r = curvatureReport(lab, start);
    const h = hessian(lab.net, lab.data.inputs, lab.data.targets, 15, 'exact');
    for (let i = 0; i < h.parameters; i++) h.matrix![i * h.parameters + i] += 0.3 / 12;
    const expected = symmetricEigen(h.matrix!, h.parameters, { vectors: false }).values;
    r.eigenvalues.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    expect(r.decayOn).toBe('all');
    expect(r.weightDecay).toBe(0.3 / 12);
    const l = laplace(lab.net, lab.data.inputs, lab.data.targets, 15, { ...start, evidence: true });
    expect(r.laplace).toMatchObject({ start: 'run', alpha: l.alpha, gamma: l.gamma });
  });

  it('NEGATIVE CONTROL: without the run\'s decay the spectrum differs; a mixture has no Laplace approximation', () => {
    const lab = trained({ optimizer: 'lbfgs', steps: 100, evidence: { every: 25 } });
    const withDecay = curvatureReport(lab, { alpha: 0.3, beta: 12 });
    const plain = hessian(lab.net, lab.data.inputs, lab.data.targets, 15, 'exact');
    const plainValues = symmetricEigen(plain.matrix!, plain.parameters, { vectors: false }).values;
    expect(Math.abs(withDecay.eigenvalues[0] - plainValues[0])).toBeGreaterThan(0.02);
    const mdn = curvatureReport(trained({ optimizer: 'adam', learningRate: 0.01, steps: 50 }, { cost: 'mixture-density', components: 2 }));
    expect(mdn.laplace).toBeNull();
    expect(mdn.laplaceNote).toMatch(/covers sum-of-squares and cross-entropy/);
    expect(mdn.eigenvalues.length).toBe(3 + 3 + 3 * 6 + 6); // K(D + 2) = 6 outputs
  });
});
