/**
 * Training with the evidence procedure (shared/evidence-training.ts and its hook in the trainer;
 * PRML §5.7.2) and the spec fields of issue 19 (lbfgs's memory, training.evidence): the run
 * records alpha, beta, gamma at step 0 and every K steps; each re-estimation is one step of
 * (5.178)-(5.180) from the weights at that step, checked against the formulas evaluated here;
 * training in between minimises E_D + (alpha/beta)/2 w^T w over every parameter; reset starts the
 * procedure again; and specs that cannot work are refused naming the field.
 */
import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { symmetricEigen } from '../../shared/engine/eigen';
import { effectiveParameters } from '../../shared/engine/evidence';
import { hessian } from '../../shared/engine/hessian';
import { createLab } from '../../shared/lab';
import { parseSpec, SpecError } from '../../shared/spec';
import { Trainer } from '../../shared/training/trainer';

const specJson = (training: Record<string, unknown>, cost = 'sum-of-squares', builtin = 'sine-curve', n = 20) => ({
  format: 'mlp-lab-spec', version: 1, seed: 5,
  data: { builtin, n, ...(builtin === 'sine-curve' ? { noise: 0.2 } : {}) },
  network: { hidden: [{ units: 3, activation: 'tanh' }], output: { cost } },
  training,
});

function lab(training: Record<string, unknown>, cost?: string, builtin?: string, n?: number) {
  const spec = parseSpec(specJson(training, cost, builtin, n));
  const d = spec.data as { builtin: 'sine-curve'; n: number; noise: number };
  return createLab(spec, generateBuiltin(d.builtin, d.n, spec.seed, { noise: d.noise }));
}

/** gamma, w^T w and E_D of the lab's network at its current weights, computed here. */
function evidenceAt(l: ReturnType<typeof lab>, beta: number, alpha: number) {
  const h = hessian(l.net, l.data.inputs, l.data.targets, l.data.n, 'exact');
  const { values } = symmetricEigen(h.matrix!, h.parameters, { vectors: false });
  const ww = l.net.params.reduce((s, w) => s + w * w, 0);
  const gamma = effectiveParameters({ task: 'regression', eigenvalues: values, ww, ED: h.E, observations: l.data.n }, { alpha, beta });
  return { gamma, ww, ED: h.E };
}

describe('training with the evidence procedure', () => {
  it('records alpha, beta, gamma at step 0 and every K steps, each from (5.178)-(5.180) at that step\'s weights', () => {
    const l = lab({ optimizer: 'scg', steps: 60, evidence: { every: 20, alpha: 0.01, beta: 50 } });
    const trainer = new Trainer(l);
    const start = trainer.drainCurve().evidence!;
    expect(Array.from(start.steps)).toEqual([0]);
    expect([start.alpha[0], start.beta[0]]).toEqual([0.01, 50]);
    const at0 = evidenceAt(l, 50, 0.01);
    expect(start.gamma[0]).toBeCloseTo(at0.gamma, 12);
    let prev = { alpha: 0.01, beta: 50 };
    for (let k = 1; k <= 3; k++) {
      trainer.run(20);
      const ev = trainer.drainCurve().evidence!;
      expect(Array.from(ev.steps)).toEqual([20 * k]);
      // The re-estimation from the previous (alpha, beta) at the weights after 20 k steps.
      const { gamma, ww, ED } = evidenceAt(l, prev.beta, prev.alpha);
      expect(ev.alpha[0]).toBeCloseTo(gamma / ww, 12);
      expect(ev.beta[0]).toBeCloseTo((l.data.n - gamma) / (2 * ED), 9);
      expect(ev.gamma[0]).toBeCloseTo(evidenceAt(l, ev.beta[0], ev.alpha[0]).gamma, 12);
      prev = { alpha: ev.alpha[0], beta: ev.beta[0] };
    }
    expect(trainer.done).toBe(true);
  });

  it('trains at weight decay alpha/beta on every parameter, biases included: the step-0 E/N shows it', () => {
    const l = lab({ optimizer: 'gd', learningRate: 0.001, steps: 1, evidence: { every: 10, alpha: 2, beta: 4 } });
    const ww = l.net.params.reduce((s, w) => s + w * w, 0);
    const ED = l.net.error(l.data.inputs, l.data.targets, l.data.n);
    const trainer = new Trainer(l);
    const e = trainer.advance();
    expect(e * l.data.n).toBeCloseTo(ED + 0.5 * (2 / 4) * ww, 12);
  });

  it('a classifier has no beta: decay alpha, beta recorded as 1', () => {
    const l = lab({ optimizer: 'lbfgs', steps: 10, evidence: { every: 5 } }, 'sigmoid-cross-entropy', 'prml-two-class', 40);
    const trainer = new Trainer(l);
    trainer.run(10);
    const ev = trainer.drainCurve().evidence!;
    expect(Array.from(ev.steps)).toEqual([0, 5, 10]);
    expect(Array.from(ev.beta)).toEqual([1, 1, 1]);
    expect(ev.alpha[0]).toBe(0.01);
  });

  it('reset starts the procedure again from the spec\'s alpha and beta', () => {
    const l = lab({ optimizer: 'scg', steps: 40, evidence: { every: 10, alpha: 0.05, beta: 20 } });
    const trainer = new Trainer(l);
    trainer.run(40);
    trainer.reset();
    const ev = trainer.drainCurve().evidence!;
    expect(Array.from(ev.steps)).toEqual([0]);
    expect([ev.alpha[0], ev.beta[0]]).toEqual([0.05, 20]);
  });

  it('NEGATIVE CONTROL: the same run without the procedure records nothing and ends elsewhere', () => {
    const a = lab({ optimizer: 'scg', steps: 40, evidence: { every: 10 } });
    const b = lab({ optimizer: 'scg', steps: 40 });
    const ta = new Trainer(a);
    const tb = new Trainer(b);
    ta.run(40);
    tb.run(40);
    expect(tb.drainCurve().evidence).toBeUndefined();
    expect(Array.from(a.net.params)).not.toEqual(Array.from(b.net.params));
  });
});

describe('spec fields for lbfgs and the evidence procedure', () => {
  it('lbfgs is full batch with memory 10 unless given; other optimizers carry no memory', () => {
    const t = parseSpec(specJson({ optimizer: 'lbfgs' })).training;
    expect(t.batchSize).toBeNull();
    expect(t.memory).toBe(10);
    expect(parseSpec(specJson({ optimizer: 'lbfgs', memory: 4 })).training.memory).toBe(4);
    expect(parseSpec(specJson({ optimizer: 'adam' })).training.memory).toBeUndefined();
    expect(() => parseSpec(specJson({ optimizer: 'lbfgs', batchSize: 10 }))).toThrow(/must be left out for lbfgs/);
    expect(() => parseSpec(specJson({ optimizer: 'lbfgs', memory: 0 }))).toThrow(/training.memory must be a whole number >= 1/);
  });

  it('evidence defaults to every 100 steps from Netlab\'s alpha 0.01 and beta 50; absent means no field', () => {
    expect(parseSpec(specJson({ optimizer: 'scg', evidence: {} })).training.evidence).toEqual({ every: 100, alpha: 0.01, beta: 50 });
    expect('evidence' in parseSpec(specJson({ optimizer: 'scg' })).training).toBe(false);
    expect('evidence' in parseSpec(specJson({ optimizer: 'scg', evidence: null })).training).toBe(false);
  });

  it('refuses evidence with mini-batches, with its own weight decay, or on a mixture density network', () => {
    const refuse = (json: unknown, field: string, message: RegExp) => {
      let err: unknown;
      try {
        parseSpec(json);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SpecError);
      expect((err as SpecError).path).toBe(field);
      expect((err as Error).message).toMatch(message);
    };
    refuse(specJson({ optimizer: 'adam', evidence: { every: 10 } }), 'training.evidence', /choose gd, scg or lbfgs, not adam/);
    refuse(specJson({ optimizer: 'scg', weightDecay: 0.1, evidence: { every: 10 } }), 'training.evidence', /leave training.weightDecay out/);
    refuse({ ...specJson({ optimizer: 'scg', evidence: {} }), network: { hidden: [], output: { cost: 'mixture-density', components: 2 } } }, 'training.evidence', /not mixture-density/);
    refuse(specJson({ optimizer: 'scg', evidence: { every: 0 } }), 'training.evidence.every', /whole number >= 1/);
    refuse(specJson({ optimizer: 'scg', evidence: { alpha: -1 } }), 'training.evidence.alpha', /greater than 0/);
  });
});
