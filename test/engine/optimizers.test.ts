/**
 * Optimizers on problems with known minima: an ill-conditioned quadratic (where scaled conjugate
 * gradients shows the conjugate-gradient property), the Rosenbrock function (where SCG is pinned
 * step for step to Netlab's scg.m), and a small XOR network. Negative controls: a learning rate
 * past the stability limit diverges, SCG with a sign-flipped gradient makes no progress. The
 * abort contract: an objective that throws mid-step leaves params (and the optimizer) untouched.
 */
import { describe, expect, it } from 'vitest';
import { cost } from '../../shared/engine/costs';
import { initialize } from '../../shared/engine/init';
import { Network } from '../../shared/engine/network';
import {
  Adam, createOptimizer, GradientDescent, Lbfgs, Momentum, type Objective, type Optimizer, OPTIMIZER_NAMES,
  type OptimizerName, type OptimizerSettings, ScaledConjugateGradients,
} from '../../shared/engine/optimizers';
import { Rng } from '../../shared/engine/rng';
import type { TrainingSpec } from '../../shared/spec';

/** Compile-time check: the spec's training section is a valid `createOptimizer` argument. */
export const trainingSpecIsOptimizerSettings: (t: TrainingSpec) => OptimizerSettings = (t) => t;

const DEFAULTS: OptimizerSettings = { optimizer: 'gd', learningRate: 0.01, momentum: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

function make(optimizer: OptimizerName, over: Partial<OptimizerSettings> = {}): Optimizer {
  return createOptimizer({ ...DEFAULTS, optimizer, ...over });
}

function distance(a: Float64Array, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** The raw bits of a vector, for "identical, not just close" comparisons. */
function bits(a: Float64Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length * 2));
}

/** Steps until `done(w)` holds (w changed in place), or -1 when `budget` steps do not suffice. */
function stepsUntil(opt: Optimizer, w: Float64Array, f: Objective, done: (w: Float64Array) => boolean, budget: number): number {
  for (let s = 1; s <= budget; s++) {
    opt.step(w, f);
    if (done(w)) return s;
  }
  return -1;
}

/**
 * E = 1/2 (w - w*)^T A (w - w*), gradient A (w - w*), with A = Q diag(lambda) Q^T for a random
 * rotation Q and eigenvalues spread evenly over [1, 100] (condition number 100).
 */
function quadratic(n: number, seed: number) {
  const rng = new Rng(seed);
  const q: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let d = 0;
        for (let i = 0; i < n; i++) d += u[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= d * u[i];
      }
    }
    const norm = Math.hypot(...v);
    q.push(v.map((x) => x / norm));
  }
  const lambda = Array.from({ length: n }, (_, k) => 1 + (99 * k) / (n - 1));
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) A[i * n + j] += q[k][i] * lambda[k] * q[k][j];
  const wStar = Float64Array.from({ length: n }, () => rng.uniformIn(-2, 2));
  const r = new Float64Array(n);
  const f: Objective = (w, g) => {
    for (let i = 0; i < n; i++) r[i] = w[i] - wStar[i];
    let e = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * r[j];
      g[i] = s;
      e += r[i] * s;
    }
    return 0.5 * e;
  };
  return { f, wStar, lambdaMin: 1, lambdaMax: 100 };
}

/** E = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1); the classic start is (-1.2, 1). */
const rosenbrock: Objective = (w, g) => {
  const x = w[0], y = w[1];
  g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
  g[1] = 200 * (y - x * x);
  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
};
const ROSENBROCK_START = [-1.2, 1];

/**
 * A 2-4-1 tanh network with sigmoid + cross-entropy on 40 points labelled by quadrant (XOR).
 * The objective reads the network's own parameters, so optimizers must be given `net.params`.
 */
function xorNetwork() {
  const n = 40;
  const rng = new Rng(7);
  const x = new Float64Array(2 * n);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = rng.uniformIn(-1, 1);
    x[2 * i + 1] = rng.uniformIn(-1, 1);
    t[i] = x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0;
  }
  const layers = [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'linear' }];
  const net = new Network(2, layers, cost('sigmoid-cross-entropy'));
  initialize(net, layers.map(() => ({ scheme: 'truncated-normal' as const, std: 1, bias: 0 })), new Rng(3));
  const f: Objective = (w, g) => {
    if (w !== net.params) throw new Error('this objective evaluates net.params only');
    const e = net.gradient(x, t, n);
    g.set(net.grads);
    return e;
  };
  return { net, f, E: () => net.error(x, t, n) };
}

describe('optimizers on an ill-conditioned quadratic (n = 10, condition number 100)', () => {
  const n = 10;
  const cases: { kind: OptimizerName; over: Partial<OptimizerSettings>; budget: number }[] = [
    // The best fixed rate 2 / (lambda_min + lambda_max); error shrinks by 99/101 a step.
    { kind: 'gd', over: { learningRate: 2 / 101 }, budget: 1000 },
    { kind: 'sgd', over: { learningRate: 2 / 101 }, budget: 1000 },
    // Polyak's optimal heavy ball: eta = 4 / (sqrt(L) + sqrt(m))^2, mu = ((sqrt(k) - 1) / (sqrt(k) + 1))^2.
    { kind: 'momentum', over: { learningRate: 4 / 121, momentum: (9 / 11) ** 2 }, budget: 200 },
    { kind: 'adam', over: { learningRate: 0.05 }, budget: 2000 },
    { kind: 'scg', over: {}, budget: 3 * n },
    { kind: 'lbfgs', over: {}, budget: 3 * n },
  ];
  for (const { kind, over, budget } of cases) {
    it(`${kind} reaches w* to 1e-6 of the starting distance within ${budget} steps`, () => {
      const { f, wStar } = quadratic(n, 1);
      const w = new Float64Array(n);
      const d0 = distance(w, wStar);
      const steps = stepsUntil(make(kind, over), w, f, (v) => distance(v, wStar) < 1e-6 * d0, budget);
      expect(steps).toBeGreaterThan(0);
    });
  }

  it('scg needs between n and 3n iterations (the conjugate-gradient property), where gd is still far off', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { f, wStar } = quadratic(n, seed);
      const w = new Float64Array(n);
      const d0 = distance(w, wStar);
      const steps = stepsUntil(new ScaledConjugateGradients(), w, f, (v) => distance(v, wStar) < 1e-6 * d0, 10 * n);
      // Observed: 20 or 21 (one cycle of n steps while lambda decays from 1, then one near-exact cycle).
      expect(steps).toBeGreaterThanOrEqual(n);
      expect(steps).toBeLessThanOrEqual(3 * n);
      const wGd = new Float64Array(n);
      stepsUntil(make('gd', { learningRate: 2 / 101 }), wGd, f, () => false, 3 * n);
      expect(distance(wGd, wStar)).toBeGreaterThan(0.1 * d0);
    }
  });

  it('scg evaluates the objective once at the start and twice per accepted iteration (none to recompute g)', () => {
    const { f } = quadratic(n, 2);
    let calls = 0;
    const counted: Objective = (w, g) => (calls++, f(w, g));
    const scg = new ScaledConjugateGradients();
    const w = new Float64Array(n);
    for (let s = 1; s <= 8; s++) {
      scg.step(w, counted);
      expect(calls).toBe(1 + 2 * s); // every step is accepted on a convex quadratic
    }
  });

  it('NEGATIVE CONTROL: gd with eta just above 2 / lambda_max diverges, and just below it converges', () => {
    const { f, lambdaMax } = quadratic(n, 1);
    const g = new Float64Array(n);
    const run = (eta: number) => {
      const w = new Float64Array(n);
      const e0 = f(w, g);
      const gd = make('gd', { learningRate: eta });
      for (let s = 0; s < 200; s++) gd.step(w, f);
      return f(w, g) / e0;
    };
    expect(run(2.2 / lambdaMax)).toBeGreaterThan(1e6);
    expect(run(1.9 / lambdaMax)).toBeLessThan(1e-6);
  });

  it('NEGATIVE CONTROL: scg with a sign-flipped gradient never gets below the starting E', () => {
    const { f } = quadratic(n, 1);
    const wrong: Objective = (w, g) => {
      const e = f(w, g);
      for (let i = 0; i < g.length; i++) g[i] = -g[i];
      return e;
    };
    const w = new Float64Array(n);
    const scg = new ScaledConjugateGradients();
    const e0 = scg.step(w, wrong);
    for (let s = 0; s < 50; s++) expect(scg.step(w, wrong)).toBeGreaterThanOrEqual(e0);
    expect(f(w, new Float64Array(n))).toBeGreaterThanOrEqual(e0);
    expect(scg.lambda).toBeGreaterThan(1e6); // every trial failed, so lambda kept growing
  });
});

describe('optimizers on the Rosenbrock function (minimum at (1, 1))', () => {
  const one = [1, 1];

  it('scg reaches (1, 1) to 1e-6 within 60 iterations', () => {
    const w = Float64Array.from(ROSENBROCK_START);
    expect(stepsUntil(new ScaledConjugateGradients(), w, rosenbrock, (v) => distance(v, one) < 1e-6, 60)).toBeGreaterThan(0);
  });

  it('adam (eta 0.02) reaches (1, 1) to 1e-3 within 5000 steps', () => {
    const w = Float64Array.from(ROSENBROCK_START);
    expect(stepsUntil(make('adam', { learningRate: 0.02 }), w, rosenbrock, (v) => distance(v, one) < 1e-3, 5000)).toBeGreaterThan(0);
  });

  it('momentum (eta 1e-3, mu 0.9) gets within 1e-2 of (1, 1) within 2000 steps', () => {
    const w = Float64Array.from(ROSENBROCK_START);
    expect(stepsUntil(make('momentum', { learningRate: 1e-3 }), w, rosenbrock, (v) => distance(v, one) < 1e-2, 2000)).toBeGreaterThan(0);
  });

  /**
   * From a line-by-line Python transliteration of Netlab 3.3 scg.m run from (-1.2, 1):
   * iteration -> [E, w1, w2, beta (our lambda), accepted]. Iterations 4, 7, 10, 11, 14, ... are
   * rejected; iteration 4 also takes the delta <= 0 branch. Netlab stops at iteration 48
   * (|p|^2 < eps).
   */
  const NETLAB: Record<number, [number, number, number, number, boolean]> = {
    1: [4.570542776620401, -1.056779909050377, 1.0584571799794378, 0.5, true],
    3: [4.117076759446068, -1.0224657331467855, 1.0617790998283991, 0.125, true],
    4: [4.117076759446068, -1.0224657331467855, 1.0617790998283991, 3.648196610921107, false],
    5: [3.5394848463882784, -0.7495166228315087, 0.4925887217696969, 1.8240983054605535, true],
    11: [1.877597619957486, -0.3701173639585896, 0.13892600965988017, 14.592786443684428, false],
    12: [1.5954203348566618, -0.25667437392163933, 0.053157798993509475, 7.296393221842214, true],
    29: [0.39741703288745783, 0.54121291601164, 0.24967585125225802, 14.592786443684428, true],
    35: [0.08841343264641113, 0.8377314692984552, 0.6768776833438709, 0.4560245763651384, true],
    41: [3.3256819790331403e-6, 0.9985574449743335, 0.9970054040289337, 0.014250768011410574, true],
    45: [1.5785330522059005e-14, 0.9999998745016598, 0.9999997484075407, 0.0008906730007131609, true],
    47: [2.0090902295338452e-20, 0.9999999998583202, 0.9999999997162192, 0.00022266825017829022, true],
  };
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.abs(b);

  it("scg follows Netlab's scg.m step for step: E, w and lambda to 1e-9, accepted and rejected trials alike", () => {
    const scg = new ScaledConjugateGradients();
    const w = Float64Array.from(ROSENBROCK_START);
    const g = new Float64Array(2);
    for (let k = 1; k <= 47; k++) {
      const before = Float64Array.from(w);
      scg.step(w, rosenbrock);
      const want = NETLAB[k];
      if (!want) continue;
      const [e, w1, w2, lambda, accepted] = want;
      const got = [rosenbrock(w, g), w[0], w[1], scg.lambda];
      [e, w1, w2, lambda].forEach((v, i) => {
        if (!close(got[i], v)) throw new Error(`iteration ${k}: got ${got.join(', ')}, Netlab ${want.join(', ')}`);
      });
      expect(distance(w, before) > 0).toBe(accepted);
    }
  });

  it('scg at convergence (Netlab stops at iteration 48) leaves params unchanged, returns E and evaluates nothing', () => {
    const scg = new ScaledConjugateGradients();
    const w = Float64Array.from(ROSENBROCK_START);
    for (let k = 1; k <= 47; k++) scg.step(w, rosenbrock);
    const at47 = bits(w);
    const e47 = rosenbrock(w, new Float64Array(2));
    let calls = 0;
    for (let k = 48; k <= 52; k++) expect(scg.step(w, (v, g) => (calls++, rosenbrock(v, g)))).toBe(e47);
    expect(bits(w)).toEqual(at47);
    expect(calls).toBe(0);
  });

  it('scg evaluates the objective twice after an accepted trial and once after a rejected one', () => {
    const rejected = new Set([4, 7, 10, 11]); // from the Netlab trace
    const scg = new ScaledConjugateGradients();
    const w = Float64Array.from(ROSENBROCK_START);
    for (let k = 1; k <= 12; k++) {
      let calls = 0;
      scg.step(w, (v, g) => (calls++, rosenbrock(v, g)));
      expect(calls).toBe((k === 1 ? 1 : 0) + (rejected.has(k - 1) ? 1 : 2));
    }
  });
});

describe('optimizers on a small network (XOR quadrants, 2-4-1 tanh, cross-entropy)', () => {
  const cases: { kind: OptimizerName; over: Partial<OptimizerSettings>; budget: number }[] = [
    { kind: 'gd', over: { learningRate: 0.05 }, budget: 1000 },
    { kind: 'sgd', over: { learningRate: 0.05 }, budget: 1000 },
    { kind: 'momentum', over: { learningRate: 0.005 }, budget: 500 },
    { kind: 'adam', over: { learningRate: 0.05 }, budget: 500 },
    { kind: 'scg', over: {}, budget: 50 },
    // (lbfgs is not here: from this start its line searches lead it to a local minimum at 15% of
    // the starting E, a different valley from the one SCG's steps find.)
  ];
  for (const { kind, over, budget } of cases) {
    it(`${kind} brings E below 5% of its start within ${budget} steps`, () => {
      const { net, f, E } = xorNetwork();
      const e0 = E();
      expect(stepsUntil(make(kind, over), net.params, f, () => E() < 0.05 * e0, budget)).toBeGreaterThan(0);
    });
  }

  it('scg gets there in at least 10x fewer steps than gd (observed: 33 vs 389)', () => {
    const a = xorNetwork();
    const e0 = a.E();
    const scgSteps = stepsUntil(make('scg'), a.net.params, a.f, () => a.E() < 0.05 * e0, 1000);
    const b = xorNetwork();
    const gdSteps = stepsUntil(make('gd', { learningRate: 0.05 }), b.net.params, b.f, () => b.E() < 0.05 * e0, 10000);
    expect(scgSteps).toBeGreaterThan(0);
    expect(gdSteps).toBeGreaterThanOrEqual(10 * scgSteps);
  });

  for (const kind of OPTIMIZER_NAMES) {
    it(`${kind}: two runs from the same start give identical bits`, () => {
      const run = () => {
        const { net, f } = xorNetwork();
        const opt = make(kind, { learningRate: 0.01 });
        const es = Array.from({ length: 30 }, () => opt.step(net.params, f));
        return { es, w: bits(net.params) };
      };
      const a = run(), b = run();
      expect(b.w).toEqual(a.w);
      expect(b.es).toEqual(a.es);
    });
  }
});

describe('the abort contract: an objective that throws mid-step', () => {
  const steps = 6;
  for (const kind of OPTIMIZER_NAMES) {
    for (const throwOn of [2, 3, 4, 5]) {
      it(`${kind}: throwing on objective call ${throwOn} leaves params bit-identical, and resuming matches an uninterrupted run`, () => {
        const ref = xorNetwork();
        const refOpt = make(kind);
        for (let s = 0; s < steps; s++) refOpt.step(ref.net.params, ref.f);

        const { net, f } = xorNetwork();
        const opt = make(kind);
        const start = bits(net.params);
        let calls = 0;
        let movedBeforeThrow = false;
        const failing: Objective = (w, g) => {
          if (++calls === throwOn) {
            movedBeforeThrow = bits(w).some((b, i) => b !== before[i]);
            throw new Error('stopped');
          }
          return f(w, g);
        };
        let before = start;
        let done = 0;
        for (;;) {
          before = bits(net.params);
          try {
            opt.step(net.params, failing);
            done++;
          } catch (err) {
            expect((err as Error).message).toBe('stopped');
            break;
          }
        }
        expect(bits(net.params)).toEqual(before);
        // SCG and L-BFGS evaluate trial points in params itself, so their restore is doing real work.
        if (kind === 'scg' || kind === 'lbfgs') expect(movedBeforeThrow).toBe(true);
        for (; done < steps; done++) opt.step(net.params, f);
        expect(bits(net.params)).toEqual(bits(ref.net.params));
      });
    }
  }
});

describe('update rules pinned by hand', () => {
  const half: Objective = (w, g) => {
    g[0] = w[0];
    return 0.5 * w[0] * w[0];
  };

  it('gd: w <- w - eta g, and a changed learningRate takes effect at the next step', () => {
    const gd = new GradientDescent(0.1);
    const w = Float64Array.of(1);
    expect(gd.step(w, half)).toBe(0.5);
    expect(w[0]).toBe(0.9);
    gd.learningRate = 0.5;
    gd.step(w, half);
    expect(w[0]).toBe(0.45);
  });

  it('momentum on E = w^2 / 2 (eta 0.1, mu 0.5): 1 -> 0.9 -> 0.76, and reset forgets the velocity', () => {
    const m = new Momentum(0.1, 0.5);
    const w = Float64Array.of(1);
    m.step(w, half);
    expect(w[0]).toBeCloseTo(0.9, 15);
    m.step(w, half);
    expect(w[0]).toBeCloseTo(0.76, 15); // v = 0.5 (-0.1) - 0.1 (0.9) = -0.14
    m.reset();
    w[0] = 1;
    m.step(w, half);
    expect(w[0]).toBeCloseTo(0.9, 15);
  });

  it('adam: bias correction makes the first step -eta sign(g) whatever the gradient scale (without it, ~3.16 eta)', () => {
    const scales = [1e-3, -1, 1e3, -5];
    const f: Objective = (_w, g) => {
      g.set(scales);
      return 0;
    };
    const adam = new Adam(0.01, 0.9, 0.999, 1e-8);
    const w = new Float64Array(4);
    adam.step(w, f);
    // mhat = g and vhat = g^2 exactly, so the step is -eta g / (|g| + epsilon).
    scales.forEach((s, i) => expect(w[i]).toBeCloseTo((-0.01 * s) / (Math.abs(s) + 1e-8), 14));
    scales.forEach((s, i) => expect(w[i]).toBeCloseTo(-0.01 * Math.sign(s), 6));
    // The uncorrected step (1 - beta1) g / sqrt((1 - beta2) g^2) would be 0.1 / sqrt(0.001) = 3.16 times longer.
    expect(Math.abs(w[0])).toBeLessThan(0.02);
  });

  it('scg starting exactly at a minimum (g = 0) leaves params unchanged and returns E', () => {
    const { f, wStar } = quadratic(10, 3);
    const shifted: Objective = (w, g) => 3 + f(w, g);
    const scg = new ScaledConjugateGradients();
    const w = Float64Array.from(wStar);
    for (let s = 0; s < 3; s++) expect(scg.step(w, shifted)).toBe(3);
    expect(bits(w)).toEqual(bits(wStar));
  });

  /** A scripted "objective": E and dE/dw by call number, recording where it was evaluated. */
  function scripted(script: { e: number; g: [number, number] }[]) {
    const at: number[][] = [];
    const f: Objective = (w, g) => {
      const s = script[Math.min(at.length, script.length - 1)];
      at.push(Array.from(w));
      g.set(s.g);
      return s.e;
    };
    return { f, at };
  }

  it('scg restarts along -g when the conjugate direction is not downhill (mu >= 0)', () => {
    // Start g = (1, 0), so p = (-1, 0); the curvature probe gives theta = 1, so with lambda = 1 the
    // trial is alpha = 1/2 along p, E drops (accepted) and g flips to (-1, 0). Polak-Ribière gives
    // gamma = 2 and p = (-1, 0), uphill against the new g: the next probe must go along +x.
    const { f, at } = scripted([
      { e: 10, g: [1, 0] },
      { e: 10, g: [1 - 1e-4, 0] },
      { e: 9, g: [-1, 0] },
      { e: 9, g: [-1, 0] },
    ]);
    const w = new Float64Array(2);
    const scg = new ScaledConjugateGradients();
    scg.step(w, f);
    expect(w[0]).toBeCloseTo(-0.5, 12);
    expect(w[1]).toBe(0);
    scg.step(w, f);
    expect(at[3][0]).toBeGreaterThan(-0.5);
  });

  it('scg accepts a trial that leaves E exactly unchanged (Netlab: Delta >= 0)', () => {
    const { f } = scripted([{ e: 5, g: [1, 0] }]);
    const w = new Float64Array(2);
    new ScaledConjugateGradients().step(w, f);
    expect(Array.from(w)).toEqual([-1, 0]); // theta = 0, delta = lambda |p|^2 = 1, alpha = 1
  });

  it('scg starts afresh when params were changed between steps, and after reset', () => {
    const { f, wStar } = quadratic(10, 4);
    const jump = Float64Array.from(wStar, (v) => v + 1);
    const fresh = new ScaledConjugateGradients();
    const wFresh = Float64Array.from(jump);
    fresh.step(wFresh, f);
    fresh.step(wFresh, f);
    for (const changeBy of ['set', 'reset'] as const) {
      const scg = new ScaledConjugateGradients();
      const w = new Float64Array(10);
      for (let s = 0; s < 5; s++) scg.step(w, f);
      if (changeBy === 'reset') scg.reset();
      w.set(jump);
      scg.step(w, f);
      scg.step(w, f);
      expect(bits(w)).toEqual(bits(wFresh));
    }
  });
});

describe('createOptimizer', () => {
  it('builds each method by name, with the settings it reads', () => {
    const built = OPTIMIZER_NAMES.map((k) => make(k, { learningRate: 0.3 }));
    expect(built.map((o) => o.name)).toEqual(['gd', 'sgd', 'momentum', 'adam', 'scg', 'lbfgs']);
    expect(built.map((o) => o.constructor)).toEqual([GradientDescent, GradientDescent, Momentum, Adam, ScaledConjugateGradients, Lbfgs]);
    expect(built.every((o) => o.learningRate === 0.3)).toBe(true);
    expect((make('momentum', { momentum: 0.7 }) as Momentum).mu).toBe(0.7);
    const adam = make('adam', { beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }) as Adam;
    expect([adam.beta1, adam.beta2, adam.epsilon]).toEqual([0.8, 0.99, 1e-6]);
  });

  it('refuses an unknown name and out-of-range settings with a message naming them', () => {
    expect(() => make('newton' as OptimizerName)).toThrow('unknown optimizer "newton": use one of gd, sgd, momentum, adam, scg, lbfgs');
    expect(() => make('momentum', { momentum: 1 })).toThrow(/momentum mu/);
    expect(() => make('adam', { beta2: 1 })).toThrow(/beta2/);
    expect(() => make('adam', { epsilon: 0 })).toThrow(/epsilon/);
  });
});
