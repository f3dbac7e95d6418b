/**
 * The gallery's PRML §5.7 examples (docs/examples/prml/sec5.7.1-regression-error-bars.json and
 * fig5.22-two-class-evidence.json) reproduce what their notes say when trained as `mlp-lab train`
 * trains them: the evidence procedure's alpha, beta, gamma; the Laplace band around the
 * regression; the evidence procedure's better test accuracy than maximum likelihood on the
 * two-class problem (PRML figure 5.22); and the moderated outputs of figure 5.23.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { curvatureReport } from '../../shared/curvature-report';
import { generateBuiltin } from '../../shared/data/builtin';
import { moderatedProbability } from '../../shared/engine/evidence';
import { logitVariances } from '../../shared/engine/laplace';
import { GALLERY } from '../../shared/gallery';
import { createLab, type Lab } from '../../shared/lab';
import { evaluate } from '../../shared/training/evaluation';
import { type BuiltinDataSpec, type LabSpec, parseSpec } from '../../shared/spec';
import { Trainer } from '../../shared/training/trainer';

const dir = new URL('../../docs/examples/prml/', import.meta.url);

function specOf(id: string): LabSpec {
  const entry = GALLERY.find((g) => g.id === id)!;
  return parseSpec(JSON.parse(readFileSync(new URL(entry.file, dir), 'utf8')));
}

function run(spec: LabSpec): { lab: Lab; trainer: Trainer } {
  const data = spec.data as BuiltinDataSpec;
  const lab = createLab(spec, generateBuiltin(data.builtin, data.n, spec.seed, data));
  const trainer = new Trainer(lab);
  trainer.run(spec.training.steps);
  return { lab, trainer };
}

describe('the gallery\'s PRML §5.7 examples', () => {
  it('§5.7.1: alpha, beta and gamma settle where the note says; all 20 points lie within +-2 sigma and 19 within +-1 sigma', () => {
    const { lab, trainer } = run(specOf('sec5.7.1-regression-error-bars'));
    const ev = trainer.drainCurve().evidence!;
    const m = ev.steps.length;
    expect(m).toBe(11); // step 0 and every 40 steps up to 400
    expect(ev.alpha[m - 1]).toBeCloseTo(0.22, 2);
    expect(ev.beta[m - 1]).toBeCloseTo(8.8, 1);
    expect(1 / Math.sqrt(ev.beta[m - 1])).toBeCloseTo(0.34, 2);
    expect(ev.gamma[m - 1]).toBeCloseTo(10.5, 1);
    expect(lab.net.size).toBe(19);
    // The window's Laplace approximation at the final weights, started from the run's last values.
    const report = curvatureReport(lab, { alpha: ev.alpha[m - 1], beta: ev.beta[m - 1] });
    const lp = report.laplace!;
    const n = lab.data.n;
    const v = logitVariances(lab.net, lp.covariance, lab.data.inputs, n);
    const y = lab.net.forward(lab.data.inputs, n);
    let outside1 = 0;
    let outside2 = 0;
    for (let i = 0; i < n; i++) {
      const r = Math.abs(lab.data.targets[i] - y[i]);
      const sd = Math.sqrt(1 / lp.beta! + v[i]);
      if (r > sd) outside1++;
      if (r > 2 * sd) outside2++;
    }
    expect([outside1, outside2]).toEqual([1, 0]);
    expect(evaluate(lab.net, lab.data).rmse).toBeCloseTo(0.23, 2);
    // The weights' part of the variance grows beyond the data (x in [0, 1]).
    const far = logitVariances(lab.net, lp.covariance, Float64Array.of(0.5, 1.4), 2);
    expect(far[1]).toBeGreaterThan(5 * far[0]);
  });

  it('5.22: the evidence procedure beats maximum likelihood on the test set (80% against 75.5%); alpha and gamma as noted', () => {
    const spec = specOf('fig5.22-two-class-evidence');
    const { lab, trainer } = run(spec);
    const ev = trainer.drainCurve().evidence!;
    const m = ev.steps.length;
    expect(ev.alpha[m - 1]).toBeCloseTo(1.2, 1);
    expect(ev.gamma[m - 1]).toBeCloseTo(16.6, 1);
    expect(lab.net.size).toBe(33);
    expect(evaluate(lab.net, lab.test).accuracy).toBeCloseTo(0.8, 3);
    const { evidence: _, ...plain } = spec.training;
    const ml = run({ ...spec, training: plain });
    expect(evaluate(ml.lab.net, ml.lab.test).accuracy).toBeCloseTo(0.755, 3);
  });

  it('5.23: moderated outputs are pulled towards 1/2 away from the data, and the 0.5 contour is the MAP one', () => {
    const { lab, trainer } = run(specOf('fig5.22-two-class-evidence'));
    const ev = trainer.drainCurve().evidence!;
    const m = ev.steps.length;
    const lp = curvatureReport(lab, { alpha: ev.alpha[m - 1], beta: 1 }).laplace!;
    const x = Float64Array.of(0, -0.1, 3, 3); // the centre of class 1's Gaussian, and far outside the data
    const a = Float64Array.from(lab.net.forward(x, 2));
    const s2 = logitVariances(lab.net, lp.covariance, x, 2);
    const shift = (i: number) => Math.abs(moderatedProbability(a[i], 0) - 0.5) - Math.abs(moderatedProbability(a[i], s2[i]) - 0.5);
    expect(shift(0)).toBeGreaterThanOrEqual(0);
    expect(shift(1)).toBeGreaterThan(shift(0));
    expect(moderatedProbability(0, s2[1])).toBe(0.5);
  });
});
