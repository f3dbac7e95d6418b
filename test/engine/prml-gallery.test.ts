/**
 * The gallery (docs/examples/prml/, shared/gallery.ts): every example parses and is listed with
 * a note, and each reproduces its PRML figure's characteristic outcome when trained exactly as
 * `mlp-lab train` trains it (its spec, its seed, the trainer of shared/training/gradient.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { twoClassPosterior } from '../../shared/data/prml';
import { conditionalMean, conditionalMode, mixtureParameters } from '../../shared/engine/mdn';
import { exampleSpec, GALLERY } from '../../shared/gallery';
import { createLab, type Lab } from '../../shared/lab';
import { evaluate } from '../../shared/training/evaluation';
import { type BuiltinDataSpec, type LabSpec, parseSpec } from '../../shared/spec';
import { Trainer } from '../../shared/training/trainer';
import { type CostCurve } from '../../shared/run';

const dir = new URL('../../docs/examples/prml/', import.meta.url);

function specOf(id: string): LabSpec {
  const entry = GALLERY.find((g) => g.id === id)!;
  return parseSpec(JSON.parse(readFileSync(new URL(entry.file, dir), 'utf8')));
}

/** Trains example `id` to its end; returns the lab, the trainer and its whole cost curve. */
function run(id: string): { lab: Lab; trainer: Trainer; curve: CostCurve } {
  const spec = specOf(id);
  const data = spec.data as BuiltinDataSpec;
  const lab = createLab(spec, generateBuiltin(data.builtin, data.n, spec.seed, data));
  const trainer = new Trainer(lab);
  trainer.run(spec.training.steps);
  return { lab, trainer, curve: trainer.drainCurve() };
}

/** Negative log likelihood per sample of `lab`'s validation targets under the Gaussian of a least-squares fit, 1/beta from its training error (PRML (5.15)). */
function gaussianNll(lab: Lab): number {
  const train = evaluate(lab.net, lab.data);
  const val = evaluate(lab.net, lab.validation);
  const variance = (2 * train.E) / lab.data.n;
  return 0.5 * Math.log(2 * Math.PI * variance) + val.EPerSample / variance;
}

describe('the PRML gallery', () => {
  it('lists every spec file of docs/examples/prml with a note, and each parses as the app and CLI read it', () => {
    const files = readFileSync(new URL('README.md', dir), 'utf8');
    expect(GALLERY.map((g) => g.id)).toEqual(GALLERY.map((g) => g.file.replace(/\.json$/, '')));
    for (const g of GALLERY) {
      expect(parseSpec(exampleSpec(g.id))).toEqual(specOf(g.id));
      expect(g.note.length).toBeGreaterThan(100);
      expect(files).toContain(g.file);
      expect(files).toContain(g.note);
    }
    expect(exampleSpec('no-such-example')).toBeNull();
  });

  it('5.3: three tanh units fit x^2, sin(pi x), |x| and the step with a small RMSE', () => {
    const rmse: Record<string, number> = {};
    for (const id of ['fig5.3a-x-squared', 'fig5.3b-sin-pi-x', 'fig5.3c-abs-x', 'fig5.3d-heaviside']) {
      const { lab } = run(id);
      expect(lab.net.layers[0].units).toBe(3);
      rmse[id] = evaluate(lab.net, lab.data).rmse!;
    }
    console.info('gallery 5.3 training RMSE', JSON.stringify(rmse));
    for (const r of Object.values(rmse)) expect(r).toBeLessThan(0.02);
    // The smooth functions are fitted closer than the kink and the jump.
    expect(Math.max(rmse['fig5.3a-x-squared'], rmse['fig5.3b-sin-pi-x'])).toBeLessThan(Math.min(rmse['fig5.3c-abs-x'], rmse['fig5.3d-heaviside']));
  });

  it('5.4: two tanh units come within 2 points of the Bayes-optimal accuracy and agree with its boundary on > 93% of new points', () => {
    const { lab } = run('fig5.4-two-class');
    const fresh = generateBuiltin('prml-two-class', 20000, 999);
    const y = lab.net.predict(fresh.inputs, fresh.n);
    let net = 0;
    let bayes = 0;
    let agree = 0;
    for (let i = 0; i < fresh.n; i++) {
      const b = twoClassPosterior(fresh.inputs[2 * i], fresh.inputs[2 * i + 1]) > 0.5 ? 1 : 0;
      const p = y[i] > 0.5 ? 1 : 0;
      if (p === fresh.targets[i]) net++;
      if (b === fresh.targets[i]) bayes++;
      if (p === b) agree++;
    }
    const result = { network: net / fresh.n, bayes: bayes / fresh.n, agreement: agree / fresh.n, test: evaluate(lab.net, lab.test).accuracy };
    console.info('gallery 5.4 accuracy on 20,000 new points', result);
    expect(result.bayes).toBeGreaterThan(0.8);
    expect(result.network).toBeLessThanOrEqual(result.bayes + 0.01);
    expect(result.network).toBeGreaterThan(result.bayes - 0.02);
    expect(result.agreement).toBeGreaterThan(0.93);
  });

  it('5.9 / 5.12: M = 1 under-fits, M = 3 generalises best, M = 10\'s validation error rises after its minimum and early stopping restores it', () => {
    const m1 = run('fig5.9-m1');
    const m3 = run('fig5.9-m3');
    const m10 = run('fig5.12-m10-early-stopping');
    const last = (c: CostCurve) => c.validation[c.validation.length - 1];
    // Training E/N at the last step (for M = 10, before early stopping restored earlier weights).
    const trainE = [m1, m3, m10].map((r) => r.curve.train[r.curve.train.length - 1]);
    const v = m10.curve.validation;
    let best = 0;
    for (let i = 1; i < v.length; i++) if (v[i] < v[best]) best = i;
    const after = Math.max(...Array.from(v.subarray(best)));
    const numbers = {
      trainEPerSample: trainE,
      validationFinal: [last(m1.curve), last(m3.curve)],
      m10: { minimum: v[best], atStep: m10.curve.validationSteps[best], highestAfter: after, stoppedAt: m10.trainer.step, bestStep: m10.trainer.state.bestStep },
    };
    console.info('gallery 5.9/5.12', JSON.stringify(numbers));
    // Training error falls with M; M = 1 cannot follow the sine.
    expect(trainE[0]).toBeGreaterThan(trainE[1]);
    expect(trainE[1]).toBeGreaterThan(trainE[2]);
    expect(last(m3.curve)).toBeLessThan(last(m1.curve));
    // Figure 5.12: a minimum early on, then a rise to several times that value.
    expect(m10.curve.validationSteps[best]).toBeLessThan(200);
    expect(after).toBeGreaterThan(3 * v[best]);
    // Early stopping ended the run before its 1000 steps and restored the minimum's weights.
    expect(m10.trainer.step).toBeLessThan(1000);
    expect(m10.trainer.state.bestStep).toBe(m10.curve.validationSteps[best]);
    expect(evaluate(m10.lab.net, m10.lab.validation).EPerSample).toBeCloseTo(v[best], 12);
  });

  it('5.19 / 5.21: least squares fits the forward problem but not the inverse; the MDN\'s validation NLL is far lower and shows three branches', () => {
    const forward = run('fig5.19-forward');
    const inverse = run('fig5.19-inverse');
    const mdn = run('fig5.21-mdn');
    const nll = { leastSquares: gaussianNll(inverse.lab), mdn: evaluate(mdn.lab.net, mdn.lab.validation).EPerSample };
    const rmse = { forward: evaluate(forward.lab.net, forward.lab.validation).rmse!, inverse: evaluate(inverse.lab.net, inverse.lab.validation).rmse! };
    // The mixture at x = 0.5, where t = u solves u + 0.3 sin(2 pi u) = 0.5 at u ~ 0.21, 0.5, 0.79.
    const y = mdn.lab.net.predict(Float64Array.of(0.5), 1);
    const p = mixtureParameters(y, 1, 3, 1);
    const branches = Array.from(p.mu).map((m, k) => ({ mu: m, pi: p.pi[k], sigma: p.sigma[k] })).sort((a, b) => a.mu - b.mu);
    console.info('gallery 5.19/5.21', JSON.stringify({ rmse, validationNllPerSample: nll, mixtureAtHalf: branches }));
    expect(rmse.forward).toBeLessThan(0.08);
    expect(rmse.inverse).toBeGreaterThan(0.15);
    expect(nll.mdn).toBeLessThan(nll.leastSquares - 0.5);
    for (const [b, u] of branches.map((b, i) => [b, [0.21, 0.5, 0.79][i]] as const)) {
      expect(Math.abs(b.mu - u)).toBeLessThan(0.08);
      expect(b.pi).toBeGreaterThan(0.1);
      expect(b.sigma).toBeLessThan(0.1);
    }
    // The mode is one of the branches; the mean lies between them, near the least-squares curve.
    const mode = conditionalMode(y, 1, 3, 1)[0];
    expect(branches.some((b) => b.mu === mode)).toBe(true);
    expect(Math.abs(conditionalMean(y, 1, 3, 1)[0] - inverse.lab.net.predict(Float64Array.of(0.5), 1)[0])).toBeLessThan(0.1);
  });
});
