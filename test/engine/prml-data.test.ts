/**
 * The datasets of PRML chapter 5's figures (shared/data/prml.ts), registered as built-ins:
 * the exact curves of figure 5.3, the two-class mixture of figure 5.4 with its Bayes-optimal
 * posterior, and the inverse of the seed's regression (figures 5.19 and 5.21).
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_NAMES, builtinInfo, generateBuiltin } from '../../shared/data/builtin';
import { bayesPosterior, PRML_NAMES, TWO_CLASS_COMPONENTS, twoClassPosterior } from '../../shared/data/prml';
import { parseSpec } from '../../shared/spec';

describe('PRML figure datasets', () => {
  it('are built-in datasets a spec can name, with their defaults', () => {
    for (const name of PRML_NAMES) expect(BUILTIN_NAMES).toContain(name);
    const spec = parseSpec({ format: 'mlp-lab-spec', version: 1, data: { builtin: 'prml-x-squared' }, network: { output: { cost: 'sum-of-squares' } } });
    expect(spec.data).toMatchObject({ builtin: 'prml-x-squared', n: 50, noise: 0 });
    expect(builtinInfo('prml-two-class').defaultN).toBe(200);
  });

  it('5.3: N points x ~ U(-1, 1) exactly on x^2, sin(pi x), |x| and the Heaviside step at noise 0', () => {
    const f: Record<string, (x: number) => number> = {
      'prml-x-squared': (x) => x * x,
      'prml-sin-pi-x': (x) => Math.sin(Math.PI * x),
      'prml-abs-x': (x) => Math.abs(x),
      'prml-heaviside': (x) => (x >= 0 ? 1 : 0),
    };
    for (const [name, fn] of Object.entries(f)) {
      const d = generateBuiltin(name as (typeof PRML_NAMES)[number], 50, 3);
      expect(d.n).toBe(50);
      expect(d.inputNames).toEqual(['x']);
      for (let i = 0; i < 50; i++) {
        expect(Math.abs(d.inputs[i])).toBeLessThan(1);
        expect(d.targets[i]).toBe(fn(d.inputs[i]));
      }
      // Spread over the whole interval, both signs.
      expect(Math.min(...d.inputs)).toBeLessThan(-0.7);
      expect(Math.max(...d.inputs)).toBeGreaterThan(0.7);
    }
    // With noise, the same x and Gaussian noise of that std on t.
    const clean = generateBuiltin('prml-x-squared', 2000, 4);
    const noisy = generateBuiltin('prml-x-squared', 2000, 4, { noise: 0.1 });
    expect(Array.from(noisy.inputs)).toEqual(Array.from(clean.inputs));
    const r = Array.from(noisy.targets, (t, i) => t - clean.targets[i]);
    const sd = Math.sqrt(r.reduce((s, v) => s + v * v, 0) / r.length);
    expect(sd).toBeGreaterThan(0.09);
    expect(sd).toBeLessThan(0.11);
  });

  it('5.4: half the points from the single Gaussian (label 1), a quarter from each mixture component (label 0)', () => {
    const d = generateBuiltin('prml-two-class', 20000, 5);
    let ones = 0;
    const mean1 = [0, 0];
    for (let i = 0; i < d.n; i++) {
      if (d.targets[i] === 1) {
        ones++;
        mean1[0] += d.inputs[2 * i];
        mean1[1] += d.inputs[2 * i + 1];
      }
    }
    expect(ones / d.n).toBeCloseTo(0.5, 1);
    expect(mean1[0] / ones).toBeCloseTo(0, 1);
    expect(mean1[1] / ones).toBeCloseTo(-0.1, 1);
    expect(TWO_CLASS_COMPONENTS.reduce((s, c) => s + c.prior, 0)).toBe(1);
  });

  it('5.4: the Bayes posterior is 1/2 N1 / (1/2 N1 + 1/4 N2 + 1/4 N3) and classifies new data best (about 83%)', () => {
    // At a component's centre its class dominates.
    expect(twoClassPosterior(0, -0.1)).toBeGreaterThan(0.8);
    expect(twoClassPosterior(1, 1)).toBeLessThan(0.2);
    expect(twoClassPosterior(1, -1)).toBeLessThan(0.25);
    // By hand at x = (0.5, 0): the densities with determinants and inverses of the covariances.
    const n = (x: [number, number], m: [number, number], a: number, b: number, c: number) => {
      const det = a * c - b * b;
      const u = [x[0] - m[0], x[1] - m[1]];
      return Math.exp(-0.5 * (c * u[0] * u[0] - 2 * b * u[0] * u[1] + a * u[1] * u[1]) / det) / (2 * Math.PI * Math.sqrt(det));
    };
    const x: [number, number] = [0.5, 0];
    const p1 = 0.5 * n(x, [0, -0.1], 0.625, -0.2165, 0.875);
    const p0 = 0.25 * n(x, [1, 1], 0.2241, -0.1368, 0.9759) + 0.25 * n(x, [1, -1], 0.2375, 0.1516, 0.4125);
    expect(twoClassPosterior(0.5, 0)).toBeCloseTo(p1 / (p1 + p0), 14);
    const d = generateBuiltin('prml-two-class', 20000, 6);
    let bayes = 0;
    let line = 0; // a straight boundary x1 = 0.6 does worse
    for (let i = 0; i < d.n; i++) {
      if ((twoClassPosterior(d.inputs[2 * i], d.inputs[2 * i + 1]) > 0.5 ? 1 : 0) === d.targets[i]) bayes++;
      if ((d.inputs[2 * i] < 0.6 ? 1 : 0) === d.targets[i]) line++;
    }
    expect(bayes / d.n).toBeGreaterThan(0.81);
    expect(bayes / d.n).toBeLessThan(0.85);
    expect(bayes).toBeGreaterThan(line);
    expect(bayesPosterior('prml-two-class')!(0.5, 0)).toBe(twoClassPosterior(0.5, 0));
    expect(bayesPosterior('xor-quadrants')).toBeNull();
  });

  it('5.19: the inverse problem is the seed\'s sine regression with x and t swapped, draw for draw', () => {
    for (const noise of [0.1, 0.2]) {
      const forward = generateBuiltin('sine-regression', 100, 7, { noise });
      const inverse = generateBuiltin('sine-regression-inverse', 100, 7, { noise });
      expect(Array.from(inverse.inputs)).toEqual(Array.from(forward.targets));
      expect(Array.from(inverse.targets)).toEqual(Array.from(forward.inputs));
    }
  });
});
