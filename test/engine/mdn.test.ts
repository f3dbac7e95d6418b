/**
 * The mixture density cost (shared/engine/mdn.ts, PRML §5.6): its gradient against finite
 * differences (and a check that catches a broken one), agreement with the numpy reference of
 * test/fixtures/generate_mdn.py, stability where the densities underflow, the predictions
 * against a mixture computed by hand, and the spec / lab plumbing of `components`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectClose, fullBatchObjective } from '../support/reference';
import { costFor } from '../../shared/engine/costs';
import { type Cost, targetWidth, taskOf } from '../../shared/engine/cost-types';
import { gradientCheck } from '../../shared/engine/gradcheck';
import { DEFAULT_INIT, initialize } from '../../shared/engine/init';
import {
  conditionalDensity, conditionalMean, conditionalMeanRmse, conditionalMode, conditionalVariance, densityGrid,
  mixtureDensityCost, mixtureOutputs, mixtureParameters, mixtureTargets,
} from '../../shared/engine/mdn';
import { Network } from '../../shared/engine/network';
import { GradientDescent } from '../../shared/engine/optimizers';
import { Rng } from '../../shared/engine/rng';
import { createLab, networkFor, outputUnits } from '../../shared/lab';
import { evaluate } from '../../shared/training/evaluation';
import { parseSpec } from '../../shared/spec';

interface MdnCase {
  name: string;
  inputs: number;
  layers: { units: number; activation: string }[];
  components: number;
  targets: number;
  n: number;
  x: number[];
  t: number[];
  params: number[];
  logits: number[];
  output: number[];
  E: number;
  grads: number[];
  inputGrad: number[];
  mean: number[];
  variance: number[];
  mode: number[];
  density: number[] | null;
  lr: number;
  steps: number;
  paramsAfter: number[];
  EAfter: number;
}

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/mdn-cases.json', import.meta.url), 'utf8')) as { cases: MdnCase[] };

/** A tanh network with a K-component mixture over D targets, weights drawn from `seed`. */
function mdnNet(inputs: number, hidden: number[], K: number, D: number, seed: number, c: Cost = mixtureDensityCost(K)): Network {
  const layers = [...hidden.map((u) => ({ units: u, activation: 'tanh' })), { units: mixtureOutputs(K, D), activation: 'linear' }];
  const net = new Network(inputs, layers, c);
  initialize(net, layers.map(() => ({ ...DEFAULT_INIT, std: 0.8, bias: 0.1 })), new Rng(seed));
  return net;
}

function batch(n: number, inputs: number, D: number, rng: Rng): { x: Float64Array; t: Float64Array } {
  return {
    x: Float64Array.from({ length: n * inputs }, () => rng.uniformIn(-1, 1)),
    t: Float64Array.from({ length: n * D }, () => rng.uniformIn(-1.5, 1.5)),
  };
}

describe('mixture density cost: gradient check', () => {
  for (const [K, D] of [[1, 1], [3, 1], [2, 2], [4, 3]] as const) {
    it(`passes at 1e-6 for K = ${K} components over D = ${D} targets (parameters and inputs)`, () => {
      const net = mdnNet(2, [5, 4], K, D, 7 + K);
      const { x, t } = batch(6, 2, D, new Rng(K * 10 + D));
      const r = gradientCheck(net, x, t, 6);
      expect(r.groups.map((g) => g.name)).toEqual(['layer 1', 'layer 2', 'layer 3', 'inputs']);
      expect(r.maxRelError).toBeLessThan(1e-6);
      expect(r.passed).toBe(true);
    });
  }

  it('FAILS on a deliberately wrong delta (the D of PRML (5.157) dropped from the sigma gradient)', () => {
    const right = mixtureDensityCost(3);
    const broken: Cost = {
      ...right,
      delta(a, t, d, n, k) {
        right.delta(a, t, d, n, k);
        // dE/da^sigma_j = gamma_j (D - ||t - mu_j||^2 / sigma_j^2): subtract gamma_j D back out.
        const D = mixtureTargets(k, 3);
        const gamma = new Float64Array(3);
        for (let r = 0; r < n; r++) {
          // gamma_j = pi_j - dE/da^pi_j
          let max = -Infinity;
          for (let j = 0; j < 3; j++) max = Math.max(max, a[r * k + j]);
          let s = 0;
          for (let j = 0; j < 3; j++) s += Math.exp(a[r * k + j] - max);
          for (let j = 0; j < 3; j++) gamma[j] = Math.exp(a[r * k + j] - max) / s - d[r * k + j];
          for (let j = 0; j < 3; j++) d[r * k + 3 + 3 * D + j] -= gamma[j] * D;
        }
      },
    };
    const net = mdnNet(1, [5], 3, 1, 3, broken);
    const { x, t } = batch(5, 1, 1, new Rng(4));
    const r = gradientCheck(net, x, t, 5);
    expect(r.passed).toBe(false);
    expect(r.groups[1].maxRelError).toBeGreaterThan(1e-2);
    // ...while the same network with the right cost passes.
    const ok = mdnNet(1, [5], 3, 1, 3);
    expect(gradientCheck(ok, x, t, 5).passed).toBe(true);
  });

  it('FAILS on a mean gradient with the wrong sign', () => {
    const right = mixtureDensityCost(2);
    const broken: Cost = {
      ...right,
      delta(a, t, d, n, k) {
        right.delta(a, t, d, n, k);
        for (let r = 0; r < n; r++) for (let j = 0; j < 2; j++) d[r * k + 2 + j] = -d[r * k + 2 + j];
      },
    };
    const net = mdnNet(1, [4], 2, 1, 5, broken);
    const { x, t } = batch(4, 1, 1, new Rng(6));
    expect(gradientCheck(net, x, t, 4).passed).toBe(false);
  });
});

describe('mixture density cost matches the numpy reference (test/fixtures/generate_mdn.py)', () => {
  it('covers one and several components, several target dimensions, and underflowing densities', () => {
    expect(fixtures.cases.map((c) => `K${c.components}D${c.targets}`)).toEqual(expect.arrayContaining(['K1D1', 'K3D1', 'K2D2', 'K3D3']));
    expect(fixtures.cases.some((c) => c.density === null)).toBe(true);
  });

  for (const c of fixtures.cases) {
    describe(c.name, () => {
      const x = Float64Array.from(c.x);
      const t = Float64Array.from(c.t);
      const build = () => {
        const net = new Network(c.inputs, c.layers, mixtureDensityCost(c.components));
        net.params.set(c.params);
        return net;
      };
      it('logits, mixture parameters (pi, mu, sigma) and E agree to 1e-12', () => {
        const net = build();
        expectClose(net.forward(x, c.n), c.logits, 1e-12, 'logits');
        expectClose(net.predict(x, c.n), c.output, 1e-12, 'output');
        const e = net.error(x, t, c.n);
        expect(Number.isFinite(e)).toBe(true);
        expectClose([e], [c.E], 1e-12, 'E');
      });
      it('gradients (5.155)-(5.157) through backprop: parameters and inputs agree to 1e-10', () => {
        const net = build();
        expectClose([net.gradient(x, t, c.n, true)], [c.E], 1e-12, 'E from gradient()');
        expectClose(net.grads, c.grads, 1e-10, 'grads');
        expectClose(net.inputGradient(c.n), c.inputGrad, 1e-10, 'inputGrad');
      });
      it('conditional mean, variance, mode and density agree to 1e-12', () => {
        const net = build();
        const y = net.predict(x, c.n);
        const { components: K, targets: D } = c;
        expectClose(conditionalMean(y, c.n, K, D), c.mean, 1e-12, 'mean');
        expectClose(conditionalVariance(y, c.n, K, D), c.variance, 1e-12, 'variance');
        expectClose(conditionalMode(y, c.n, K, D), c.mode, 1e-12, 'mode');
        if (c.density) expectClose(conditionalDensity(y, c.n, K, D, t), c.density, 1e-12, 'density');
      });
      it(`gradient descent: weights after ${c.steps} steps of lr ${c.lr} agree to 1e-10`, () => {
        const net = build();
        const gd = new GradientDescent(c.lr);
        const objective = fullBatchObjective(net, x, t, c.n);
        for (let s = 0; s < c.steps; s++) gd.step(net.params, objective);
        expectClose(net.params, c.paramsAfter, 1e-10, 'paramsAfter');
        expectClose([net.error(x, t, c.n)], [c.EAfter], 1e-10, 'EAfter');
      });
    });
  }
});

describe('mixture density cost: stability and fused paths', () => {
  it('stays finite where every density underflows and mixing logits are +-1e4 (log-sum-exp)', () => {
    const c = mixtureDensityCost(2);
    // One sample, D = 1: pi logits (1e4, -1e4), means (0, 300), log sigmas (-5, -5), target 100:
    // N(100 | 0, e^-10) = exp(-5e4 e^10 ...) underflows to 0, and pi_2 = e^-2e4 does too.
    const a = Float64Array.of(1e4, -1e4, 0, 300, -5, -5);
    const t = Float64Array.of(100);
    const e = c.value(a, t, 1, 6);
    // -ln N(100 | 0, e^-10) = 0.5 ln 2pi - 5 + 100^2 e^10 / 2, the first component having pi = 1.
    expect(e).toBeCloseTo(0.5 * Math.log(2 * Math.PI) - 5 + 0.5 * 1e4 * Math.exp(10), 3);
    const d = new Float64Array(6);
    c.delta(a, t, d, 1, 6);
    expect(Array.from(d).every(Number.isFinite)).toBe(true);
    // Only the first component is responsible: gamma = (1, 0).
    expect(d[0]).toBe(0);
    expect(d[3]).toBe(0);
    expect(d[2]).toBeCloseTo(-100 * Math.exp(10), 0);
  });

  it('valueAndDelta equals value then delta bit for bit, also when delta aliases the logits', () => {
    const c = mixtureDensityCost(3);
    const net = mdnNet(2, [5], 3, 2, 11);
    const { x, t } = batch(9, 2, 2, new Rng(12));
    const k = net.outputs;
    const a = Float64Array.from(net.forward(x, 9));
    const d1 = new Float64Array(9 * k);
    const d2 = new Float64Array(9 * k);
    const e1 = c.value(a, t, 9, k);
    c.delta(a, t, d1, 9, k);
    expect(Object.is(c.valueAndDelta!(a, t, d2, 9, k), e1)).toBe(true);
    expect(Array.from(d2)).toEqual(Array.from(d1));
    const alias = Float64Array.from(a);
    expect(Object.is(c.valueAndDelta!(alias, t, alias, 9, k), e1)).toBe(true);
    expect(Array.from(alias)).toEqual(Array.from(d1));
  });

  it('knows its shape: D = k/K - 2 targets per sample, and refuses outputs that are not K(D+2)', () => {
    const c = costFor({ cost: 'mixture-density', components: 3 });
    expect(c.components).toBe(3);
    expect(c.minOutputs).toBe(9);
    expect(targetWidth(c, 12)).toBe(2);
    expect(taskOf(c.name)).toBe('density');
    expect(() => mixtureTargets(10, 3)).toThrow(/K\(D\+2\) = 9, 12, \.\.\. outputs/);
    expect(() => new Network(1, [{ units: 6, activation: 'linear' }], c)).toThrow(/at least 9 outputs/);
    expect(() => mixtureDensityCost(0)).toThrow(/components >= 1/);
  });
});

describe('mixture predictions against a mixture computed by hand', () => {
  // pi = (0.25, 0.75), mu = (-1, 2), sigma = (0.5, 1): logits ln pi (any common shift), mu, ln sigma.
  const a = Float64Array.of(Math.log(0.25) + 3, Math.log(0.75) + 3, -1, 2, Math.log(0.5), 0);
  const c = mixtureDensityCost(2);
  const y = new Float64Array(6);
  c.output(a, y, 1, 6);
  const gauss = (t: number, m: number, s: number) => Math.exp(-0.5 * ((t - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));

  it('output gives pi by softmax (5.150), mu as is (5.152), sigma = exp (5.151)', () => {
    expectClose(y, [0.25, 0.75, -1, 2, 0.5, 1], 1e-15, 'y');
    const p = mixtureParameters(y, 1, 2, 1);
    expect(Array.from(p.pi)).toEqual([y[0], y[1]]);
    expect(Array.from(p.mu)).toEqual([-1, 2]);
    expect(Array.from(p.sigma)).toEqual([0.5, 1]);
  });

  it('mean 1.25 (5.158), variance 2.5 (5.160), mode 2 (the mean of the pi = 0.75 component)', () => {
    // 0.25 (-1) + 0.75 (2) = 1.25; 0.25 (0.25 + 2.25^2) + 0.75 (1 + 0.75^2) = 1.328125 + 1.171875.
    expect(conditionalMean(y, 1, 2, 1)[0]).toBeCloseTo(1.25, 15);
    expect(conditionalVariance(y, 1, 2, 1)[0]).toBeCloseTo(2.5, 14);
    expect(conditionalMode(y, 1, 2, 1)[0]).toBe(2);
  });

  it('density p(t|x) = 0.25 N(t|-1, 0.25) + 0.75 N(t|2, 1), on points and on a grid, and E = -ln p', () => {
    const ts = [-3, -1, 0, 0.5, 2, 4];
    const grid = densityGrid(y, 1, 2, ts);
    ts.forEach((t, g) => {
      const p = 0.25 * gauss(t, -1, 0.5) + 0.75 * gauss(t, 2, 1);
      expect(grid[g]).toBeCloseTo(p, 15);
      expect(conditionalDensity(y, 1, 2, 1, Float64Array.of(t))[0]).toBeCloseTo(p, 15);
      expect(c.value(a, Float64Array.of(t), 1, 6)).toBeCloseTo(-Math.log(p), 13);
    });
    // It integrates to 1 over t.
    const fine = Float64Array.from({ length: 4001 }, (_, i) => -8 + (16 * i) / 4000);
    const dens = densityGrid(y, 1, 2, fine);
    expect(dens.reduce((s, v) => s + v, 0) * (16 / 4000)).toBeCloseTo(1, 6);
  });

  it('two-dimensional targets: per-dimension mean and variance, mode, isotropic density', () => {
    // K = 2, D = 2: pi = (0.5, 0.5), mu_1 = (0, 1), mu_2 = (2, -1), sigma = (1, 2).
    const a2 = Float64Array.of(0, 0, 0, 1, 2, -1, 0, Math.log(2));
    const y2 = new Float64Array(8);
    mixtureDensityCost(2).output(a2, y2, 1, 8);
    expectClose(conditionalMean(y2, 1, 2, 2), [1, 0], 1e-15, 'mean');
    // var_d = 0.5 (1 + (mu_1d - m_d)^2) + 0.5 (4 + (mu_2d - m_d)^2) = 2.5 + 1 for both d.
    expectClose(conditionalVariance(y2, 1, 2, 2), [3.5, 3.5], 1e-15, 'variance');
    expect(Array.from(conditionalMode(y2, 1, 2, 2))).toEqual([0, 1]);
    const t = Float64Array.of(0.5, 0.5);
    const n2 = (m: [number, number], s: number) => Math.exp(-0.5 * ((t[0] - m[0]) ** 2 + (t[1] - m[1]) ** 2) / (s * s)) / (2 * Math.PI * s * s);
    expect(conditionalDensity(y2, 1, 2, 2, t)[0]).toBeCloseTo(0.5 * n2([0, 1], 1) + 0.5 * n2([2, -1], 2), 15);
    expect(conditionalMeanRmse(y2, Float64Array.of(1, 0), 1, 8, 2)).toBe(0);
  });
});

describe('spec and lab: "output": { "cost": "mixture-density", "components": K }', () => {
  const base = { format: 'mlp-lab-spec', version: 1, data: { builtin: 'sine-regression', n: 40 }, network: { hidden: [{ units: 5 }] } };

  it('reads components (default 3) and builds K(D+2) linear outputs for D target columns', () => {
    const spec = parseSpec({ ...base, network: { ...base.network, output: { cost: 'mixture-density', components: 4 } } });
    expect(spec.network.output.components).toBe(4);
    expect(parseSpec({ ...base, network: { ...base.network, output: { cost: 'mixture-density' } } }).network.output.components).toBe(3);
    expect(outputUnits(spec, 1)).toBe(12);
    expect(outputUnits(spec, 2)).toBe(16);
    const net = networkFor(spec, 1, 2);
    expect(net.outputs).toBe(16);
    expect(net.cost.components).toBe(4);
  });

  it('refuses components < 1, non-integers, too many, and components on another cost, naming the field', () => {
    const out = (o: object) => ({ ...base, network: { ...base.network, output: o } });
    expect(() => parseSpec(out({ cost: 'mixture-density', components: 0 }))).toThrow(/^network\.output\.components must be a whole number >= 1, got 0/);
    expect(() => parseSpec(out({ cost: 'mixture-density', components: 2.5 }))).toThrow(/^network\.output\.components must be a whole number >= 1/);
    expect(() => parseSpec(out({ cost: 'mixture-density', components: 500 }))).toThrow(/^network\.output\.components must be at most 50/);
    expect(() => parseSpec(out({ cost: 'sum-of-squares', components: 3 }))).toThrow(/^network\.output\.components applies only to the mixture-density cost/);
  });

  it('a lab on it evaluates E/N as the negative log likelihood and RMSE of the conditional mean', () => {
    const spec = parseSpec({ ...base, network: { ...base.network, output: { cost: 'mixture-density', components: 3 } } });
    const lab = createLab(spec, { inputs: Float64Array.of(0.1, 0.5, 0.9), targets: Float64Array.of(0.2, 0.4, 0.8), n: 3, inputNames: ['x'], targetNames: ['t'] });
    expect(lab.net.outputs).toBe(9);
    const ev = evaluate(lab.net, lab.data);
    expect(ev.accuracy).toBeUndefined();
    const y = lab.net.predict(lab.data.inputs, 3);
    const mean = conditionalMean(y, 3, 3, 1);
    expect(ev.rmse).toBeCloseTo(Math.sqrt(((mean[0] - 0.2) ** 2 + (mean[1] - 0.4) ** 2 + (mean[2] - 0.8) ** 2) / 3), 14);
    const p = conditionalDensity(y, 3, 3, 1, lab.data.targets);
    expect(ev.EPerSample).toBeCloseTo(-(Math.log(p[0]) + Math.log(p[1]) + Math.log(p[2])) / 3, 12);
  });
});
