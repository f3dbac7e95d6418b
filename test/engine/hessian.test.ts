/**
 * The Hessian of PRML §5.4 (shared/engine/hessian.ts, r-operator.ts): the exact Hessian by the
 * R-operator against central differences of the gradient (PRML (5.90)) on every activation x
 * cost pair, and against an independent numpy reference (hyper-dual numbers, no backprop:
 * test/fixtures/generate_hessian.py), as are the outer-product and diagonal approximations;
 * where the approximations are exact; and negative controls that show each check can fail.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_CURVATURES } from '../../shared/engine/activation-curvature';
import { ACTIVATION_NAMES } from '../../shared/engine/activations';
import { costFor } from '../../shared/engine/costs';
import { COST_NAMES } from '../../shared/engine/cost-types';
import { checkHessianSize, hessian, type HessianOptions, MAX_HESSIAN_PARAMETERS } from '../../shared/engine/hessian';
import { DEFAULT_INIT, initialize } from '../../shared/engine/init';
import { Network } from '../../shared/engine/network';
import { type OutputCurvature, outputCurvatureFor } from '../../shared/engine/output-curvature';
import { CurvaturePass, outputGradients } from '../../shared/engine/r-operator';
import { Rng } from '../../shared/engine/rng';

interface HessianCase {
  name: string;
  inputs: number;
  layers: { units: number; activation: string }[];
  cost: string;
  components?: number;
  n: number;
  x: number[];
  t: number[];
  params: number[];
  weightDecay: number;
  E: number;
  gradient: number[];
  hessian: number[][];
  outerProduct: number[][];
  diagonal: number[];
  eigenvalues: number[];
}

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/hessian-cases.json', import.meta.url), 'utf8')) as { cases: HessianCase[] };

function fromCase(c: HessianCase): { net: Network; x: Float64Array; t: Float64Array } {
  const net = new Network(c.inputs, c.layers, costFor({ cost: c.cost, components: c.components }));
  net.params.set(c.params);
  return { net, x: Float64Array.from(c.x), t: Float64Array.from(c.t) };
}

/**
 * The largest entry-wise relative error |a - b| / max(|a|, |b|, floor) of two P x P matrices,
 * with floor = 1e-4 of the largest |b|: entries four orders below the largest are judged by
 * their absolute error (rounding in the gradient makes a relative error there meaningless).
 */
function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  const floor = 1e-4 * scale;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const err = Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]), floor);
    if (!(err <= worst)) worst = err; // NaN propagates as a failure
  }
  return worst;
}

/** A random network: hidden layers of `act`, `cost` output, a batch of n samples with fitting targets. */
function randomLab(act: string, costName: string, seed: number, n = 7): { net: Network; x: Float64Array; t: Float64Array } {
  const K = 2;
  const D = 2;
  const k = costName === 'mixture-density' ? K * (D + 2) : 3;
  const layers = [{ units: 4, activation: act }, { units: 3, activation: act }, { units: k, activation: 'linear' }];
  const net = new Network(2, layers, costFor({ cost: costName, components: K }));
  initialize(net, layers.map(() => ({ ...DEFAULT_INIT, std: 0.8, bias: 0.1 })), new Rng(seed));
  const rng = new Rng(seed + 100);
  const x = Float64Array.from({ length: n * 2 }, () => rng.uniformIn(-1, 1));
  const width = costName === 'mixture-density' ? D : k;
  const t = new Float64Array(n * width);
  for (let r = 0; r < n; r++) {
    if (costName === 'softmax-cross-entropy') t[r * k + rng.int(k)] = 1;
    else for (let j = 0; j < width; j++) t[r * width + j] = costName === 'sigmoid-cross-entropy' ? rng.int(2) : rng.normal();
  }
  return { net, x, t };
}

const flat = (m: number[][]): number[] => m.flat();

describe('exact Hessian (R-operator) against central differences of the gradient, PRML (5.90)', () => {
  for (const act of ACTIVATION_NAMES) {
    for (const c of COST_NAMES) {
      it(`agrees to 1e-6 relative for ${act} hidden layers with ${c}, weight decay included`, () => {
        const { net, x, t } = randomLab(act, c, 3);
        const options: HessianOptions = { weightDecay: 0.01 };
        const exact = hessian(net, x, t, 7, 'exact', options);
        const fd = hessian(net, x, t, 7, 'finite-difference', options);
        expect(exact.parameters).toBe(net.size);
        expect(maxRelative(fd.matrix!, exact.matrix!)).toBeLessThan(1e-6);
        expect(exact.E).toBeCloseTo(fd.E, 14);
      });
    }
  }

  it('leaves the weights exactly as it found them', () => {
    const { net, x, t } = randomLab('tanh', 'sum-of-squares', 4);
    const before = Array.from(net.params);
    hessian(net, x, t, 7, 'finite-difference');
    hessian(net, x, t, 7, 'exact');
    expect(Array.from(net.params)).toEqual(before);
  });

  it('is the same whether the samples go through in one chunk or in chunks of 2', () => {
    const { net, x, t } = randomLab('sigmoid', 'softmax-cross-entropy', 5);
    const whole = hessian(net, x, t, 7, 'exact');
    const chunked = hessian(net, x, t, 7, 'exact', { rows: 2 });
    expect(maxRelative(chunked.matrix!, whole.matrix!)).toBeLessThan(1e-13);
    expect(chunked.E).toBeCloseTo(whole.E, 12);
  });

  it('FAILS with a deliberately wrong second derivative of tanh (h\'\' = +2z(1 - z^2))', () => {
    const { net, x, t } = randomLab('tanh', 'sum-of-squares', 3);
    const wrong = { ...ACTIVATION_CURVATURES, tanh: { ...ACTIVATION_CURVATURES.tanh, bend: (z: number) => 2 * z * (1 - z * z) } };
    const exact = hessian(net, x, t, 7, 'exact', { activations: wrong });
    const fd = hessian(net, x, t, 7, 'finite-difference');
    expect(maxRelative(fd.matrix!, exact.matrix!)).toBeGreaterThan(1e-2);
  });

  it('FAILS with the mixture\'s d^2E/da^2 off by 5%', () => {
    const { net, x, t } = randomLab('tanh', 'mixture-density', 3);
    const right = outputCurvatureFor(net.cost);
    const wrong: OutputCurvature = {
      diagonal: right.diagonal,
      times(a, tt, rho, out, n, k) {
        right.times(a, tt, rho, out, n, k);
        for (let i = 0; i < n * k; i++) out[i] *= 1.05;
      },
    };
    const exact = hessian(net, x, t, 7, 'exact', { output: wrong });
    const fd = hessian(net, x, t, 7, 'finite-difference');
    expect(maxRelative(fd.matrix!, exact.matrix!)).toBeGreaterThan(1e-2);
  });
});

describe('Hessians against the numpy reference (hyper-dual numbers, test/fixtures/generate_hessian.py)', () => {
  it('covers every activation with every cost', () => {
    const pairs = new Set(fixtures.cases.map((c) => c.name));
    for (const a of ACTIVATION_NAMES) for (const c of COST_NAMES) expect(pairs).toContain(`${a}/${c}`);
  });

  for (const c of fixtures.cases) {
    it(`${c.name}: E, gradient, exact Hessian, outer product and diagonal approximation agree to 1e-10`, () => {
      const { net, x, t } = fromCase(c);
      const options = { weightDecay: c.weightDecay };
      const exact = hessian(net, x, t, c.n, 'exact', options);
      expect(Math.abs(exact.E - c.E) / Math.max(1, Math.abs(c.E))).toBeLessThan(1e-12);
      const pass = new CurvaturePass(net, x, t, c.n);
      const g = pass.gradient(new Float64Array(net.size));
      for (const l of net.layers) for (let i = l.offset; i < l.offset + l.weights.length; i++) g[i] += c.weightDecay * net.params[i];
      expect(maxRelative(g, c.gradient)).toBeLessThan(1e-10);
      expect(maxRelative(exact.matrix!, flat(c.hessian))).toBeLessThan(1e-10);
      expect(maxRelative(hessian(net, x, t, c.n, 'outer-product', options).matrix!, flat(c.outerProduct))).toBeLessThan(1e-10);
      const diag = hessian(net, x, t, c.n, 'diagonal', options);
      expect(maxRelative(diag.diagonal, c.diagonal)).toBeLessThan(1e-10);
    });
  }

  it('negative control: one perturbed weight changes the Hessian beyond the tolerance', () => {
    const c = fixtures.cases.find((k) => k.name === 'tanh/sum-of-squares')!;
    const { net, x, t } = fromCase(c);
    net.params[0] += 1e-6;
    expect(maxRelative(hessian(net, x, t, c.n, 'exact', { weightDecay: c.weightDecay }).matrix!, flat(c.hessian))).toBeGreaterThan(1e-10);
  });
});

describe('the approximations where they are exact', () => {
  it('outer product = exact Hessian for a linear-output sum-of-squares network at zero residual (PRML (5.84))', () => {
    const { net, x } = randomLab('tanh', 'sum-of-squares', 8);
    const t = Float64Array.from(net.forward(x, 7)); // the network fits its targets exactly
    const exact = hessian(net, x, t, 7, 'exact');
    const outer = hessian(net, x, t, 7, 'outer-product');
    expect(exact.E).toBe(0);
    expect(maxRelative(outer.matrix!, exact.matrix!)).toBeLessThan(1e-12);
    // Control: with residuals the neglected second-order terms are there.
    const { t: other } = randomLab('tanh', 'sum-of-squares', 9);
    expect(maxRelative(hessian(net, x, other, 7, 'outer-product').matrix!, hessian(net, x, other, 7, 'exact').matrix!)).toBeGreaterThan(1e-3);
  });

  it('diagonal approximation = the exact diagonal when no layer has two units (PRML (5.79) drops nothing)', () => {
    const layers = [{ units: 1, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }, { units: 1, activation: 'linear' }];
    const net = new Network(2, layers, costFor({ cost: 'sigmoid-cross-entropy' }));
    initialize(net, layers.map(() => ({ ...DEFAULT_INIT, std: 1, bias: 0.2 })), new Rng(2));
    const rng = new Rng(3);
    const x = Float64Array.from({ length: 10 }, () => rng.uniformIn(-1, 1));
    const t = Float64Array.from({ length: 5 }, () => rng.int(2));
    const exact = hessian(net, x, t, 5, 'exact', { weightDecay: 0.1 });
    const diag = hessian(net, x, t, 5, 'diagonal', { weightDecay: 0.1 });
    expect(maxRelative(diag.diagonal, exact.diagonal)).toBeLessThan(1e-12);
    // Control: with two hidden units the off-diagonal terms it drops are not zero.
    const wide = randomLab('tanh', 'sigmoid-cross-entropy', 2);
    const d2 = hessian(wide.net, wide.x, wide.t, 7, 'diagonal').diagonal;
    expect(maxRelative(d2, hessian(wide.net, wide.x, wide.t, 7, 'exact').diagonal)).toBeGreaterThan(1e-3);
  });

  it('diagonal method: the matrix has the diagonal and zeros elsewhere', () => {
    const { net, x, t } = randomLab('relu', 'softmax-cross-entropy', 6);
    const r = hessian(net, x, t, 7, 'diagonal');
    const P = net.size;
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) expect(r.matrix![i * P + j]).toBe(i === j ? r.diagonal[i] : 0);
  });
});

describe('weight decay and size limits', () => {
  it('adds lambda to the diagonal of the weights, not of the biases (PRML (5.112), as the trainer)', () => {
    const { net, x, t } = randomLab('tanh', 'sum-of-squares', 1);
    const plain = hessian(net, x, t, 7, 'exact');
    const decayed = hessian(net, x, t, 7, 'exact', { weightDecay: 0.5 });
    const P = net.size;
    for (const l of net.layers) {
      for (let i = l.offset; i < l.offset + l.weights.length; i++) expect(decayed.matrix![i * P + i] - plain.matrix![i * P + i]).toBeCloseTo(0.5, 12);
      for (let i = l.offset + l.weights.length; i < l.offset + l.weights.length + l.units; i++) expect(decayed.matrix![i * P + i]).toBe(plain.matrix![i * P + i]);
    }
    let ww = 0;
    for (const l of net.layers) for (const w of l.weights) ww += w * w;
    expect(decayed.E - plain.E).toBeCloseTo(0.25 * ww, 12);
  });

  it('refuses a P x P matrix beyond the limit and names the diagonal method, which still works', () => {
    expect(() => checkHessianSize(MAX_HESSIAN_PARAMETERS + 1, 'exact')).toThrow(/--method diagonal/);
    expect(() => checkHessianSize(MAX_HESSIAN_PARAMETERS + 1, 'diagonal')).not.toThrow();
    expect(() => checkHessianSize(MAX_HESSIAN_PARAMETERS, 'outer-product')).not.toThrow();
  });
});

describe('output gradients (b_n of PRML (5.84))', () => {
  it('sum over samples of (y - t) times the output gradient is backprop\'s gradient for sum of squares', () => {
    const { net, x, t } = randomLab('sigmoid', 'sum-of-squares', 12);
    const n = 7;
    const y = Float64Array.from(net.forward(x, n));
    net.gradient(x, t, n);
    const expected = Float64Array.from(net.grads);
    const P = net.size;
    const sum = new Float64Array(P);
    for (let k = 0; k < net.outputs; k++) {
      const g = outputGradients(net, x, n, k);
      for (let r = 0; r < n; r++) for (let i = 0; i < P; i++) sum[i] += (y[r * net.outputs + k] - t[r * net.outputs + k]) * g[r * P + i];
    }
    expect(maxRelative(sum, expected)).toBeLessThan(1e-12);
  });
});
