/**
 * L-BFGS (shared/engine/optimizers/lbfgs.ts) against scipy's L-BFGS-B (test/fixtures/
 * generate_lbfgs.py, history 10, scipy's default tolerances) on the seed's sine regression from
 * the seed's fixed initial weights: the issue asks for the same E within 1% in no more than 1.5x
 * scipy's iterations. Also: the Rosenbrock function, a stalled search at a minimum that costs
 * nothing more, and negative controls (gradient descent in the same budget falls far short; a
 * sign-flipped gradient makes no progress).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cost } from '../../shared/engine/costs';
import { Network } from '../../shared/engine/network';
import { GradientDescent, Lbfgs, type Objective } from '../../shared/engine/optimizers';
import { seedRuns } from '../support/seed-runs';

const runs = seedRuns();
const scipy = JSON.parse(readFileSync(new URL('../fixtures/lbfgs-sine.json', import.meta.url), 'utf8')) as { E0: number; E: number; nit: number; nfev: number; trace: number[] };

/** The seed's sine regression at its fixed initial weights, with a counting objective. */
function sine() {
  const s = runs.sine;
  const net = new Network(s.inputs, s.layers, cost(s.costName));
  net.params.set(s.params0);
  const x = Float64Array.from(s.x);
  const t = Float64Array.from(s.t);
  let evaluations = 0;
  const f: Objective = (_w, g) => {
    evaluations++;
    const e = net.gradient(x, t, s.n);
    g.set(net.grads);
    return e;
  };
  return { net, f, E: () => net.error(x, t, s.n), evaluations: () => evaluations };
}

describe('L-BFGS against scipy L-BFGS-B on the seed\'s sine regression', () => {
  it(`reaches scipy's E (${scipy.E.toPrecision(6)} after ${scipy.nit} iterations) within 1% in at most 1.5x its iterations`, () => {
    const { net, f, E } = sine();
    expect(E()).toBeCloseTo(scipy.E0, 10); // the same problem as scipy's
    const budget = Math.floor(1.5 * scipy.nit);
    const opt = new Lbfgs(0, 10);
    let reached = -1;
    for (let k = 1; k <= budget; k++) {
      opt.step(net.params, f);
      if (Math.abs(E() - scipy.E) <= 0.01 * scipy.E) {
        reached = k;
        break;
      }
    }
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThanOrEqual(budget);
  });

  it('costs about as many evaluations per iteration as scipy (at most 1.5 on average)', () => {
    const { net, f, evaluations } = sine();
    const opt = new Lbfgs();
    for (let k = 0; k < scipy.nit; k++) opt.step(net.params, f);
    expect(evaluations() / scipy.nit).toBeLessThan(1.5);
  });

  it('NEGATIVE CONTROL: gradient descent at the seed\'s rate in the same budget stays over 5x that E (observed 7.7x)', () => {
    const { net, f, E } = sine();
    const gd = new GradientDescent(0.001);
    for (let k = 0; k < Math.floor(1.5 * scipy.nit); k++) gd.step(net.params, f);
    expect(E()).toBeGreaterThan(5 * scipy.E);
  });
});

describe('L-BFGS on known problems', () => {
  const rosenbrock: Objective = (w, g) => {
    const x = w[0], y = w[1];
    g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    g[1] = 200 * (y - x * x);
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  };

  it('reaches the Rosenbrock minimum (1, 1) to 1e-6 within 60 iterations from (-1.2, 1)', () => {
    const w = Float64Array.of(-1.2, 1);
    const opt = new Lbfgs();
    let k = 0;
    while (k < 60 && Math.hypot(w[0] - 1, w[1] - 1) > 1e-6) {
      opt.step(w, rosenbrock);
      k++;
    }
    expect(Math.hypot(w[0] - 1, w[1] - 1)).toBeLessThan(1e-6);
  });

  it('at a minimum to working precision it stops evaluating and leaves the weights alone', () => {
    const w = Float64Array.of(-1.2, 1);
    const opt = new Lbfgs();
    for (let k = 0; k < 200; k++) opt.step(w, rosenbrock);
    const at = Float64Array.from(w);
    let calls = 0;
    const counting: Objective = (x, g) => {
      calls++;
      return rosenbrock(x, g);
    };
    for (let k = 0; k < 5; k++) opt.step(w, counting);
    expect(Array.from(w)).toEqual(Array.from(at));
    expect(calls).toBe(0);
  });

  it('NEGATIVE CONTROL: with a sign-flipped gradient it never gets below the starting E', () => {
    const flipped: Objective = (w, g) => {
      const e = rosenbrock(w, g);
      g[0] = -g[0];
      g[1] = -g[1];
      return e;
    };
    const w = Float64Array.of(-1.2, 1);
    const e0 = rosenbrock(w, new Float64Array(2));
    const opt = new Lbfgs();
    for (let k = 0; k < 20; k++) expect(opt.step(w, flipped)).toBeGreaterThanOrEqual(e0);
    expect(rosenbrock(w, new Float64Array(2))).toBeGreaterThanOrEqual(e0);
  });

  it('keeps at most m pairs, and refuses a memory that is not a whole number >= 1', () => {
    const w = Float64Array.of(-1.2, 1);
    const opt = new Lbfgs(0, 3);
    for (let k = 0; k < 10; k++) opt.step(w, rosenbrock);
    expect(opt.pairs).toBe(3);
    expect(() => new Lbfgs(0, 0)).toThrow(/memory must be a whole number >= 1/);
  });
});
