/**
 * The seed's two runs, from the numpy port's initial weights and data: full-batch gradient
 * descent at learning rate 0.001 must reproduce numpy to 8 significant digits (sine regression
 * after 100,000 steps; XOR quadrants after 10,000, past which the run is chaotic at this rate).
 */
import { describe, expect, it } from 'vitest';
import { fullBatchObjective } from '../support/reference';
import { cost } from '../../shared/engine/costs';
import { Network } from '../../shared/engine/network';
import { GradientDescent } from '../../shared/engine/optimizers';
import { type SeedRun, seedRuns } from '../support/seed-runs';

const runs = seedRuns();

/** Same leading 8 significant digits: relative error below 5e-9 (absolute near zero). */
function sig8(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 5e-9 * Math.max(Math.abs(expected), 1e-3);
}

function replay(run: SeedRun): { E: Map<number, number>; params: Float64Array } {
  const net = new Network(run.inputs, run.layers, cost(run.costName));
  net.params.set(run.params0);
  const x = Float64Array.from(run.x);
  const t = Float64Array.from(run.t);
  const gd = new GradientDescent(run.lr);
  const want = new Set(run.checkpoints.map((c) => c.step));
  const E = new Map<number, number>();
  const objective = fullBatchObjective(net, x, t, run.n);
  for (let s = 0; s < run.steps; s++) {
    const e = gd.step(net.params, objective);
    if (want.has(s)) E.set(s, e);
  }
  E.set(run.steps, net.error(x, t, run.n));
  return { E, params: net.params };
}

describe('the seed runs reproduce numpy', () => {
  for (const name of ['sine', 'xor'] as const) {
    const run = runs[name];
    it(`${name}: ${run.steps} full-batch steps at lr ${run.lr} match the numpy cost curve and final weights to 8 digits`, () => {
      const { E, params } = replay(run);
      for (const c of run.checkpoints) {
        const got = E.get(c.step) as number;
        if (!sig8(got, c.E)) throw new Error(`step ${c.step}: E = ${got}, numpy ${c.E}`);
      }
      params.forEach((p, i) => {
        if (!sig8(p, run.paramsFinal[i])) throw new Error(`final weight ${i}: ${p}, numpy ${run.paramsFinal[i]}`);
      });
      expect(E.get(run.steps) as number).toBeLessThan(run.checkpoints[0].E / 10);
    });
  }

  it('negative control: the same replay at a learning rate off by 1% misses the fixture', () => {
    const run = { ...runs.sine, lr: runs.sine.lr * 1.01, steps: 10000, checkpoints: runs.sine.checkpoints.filter((c) => c.step <= 10000) };
    const { E } = replay(run);
    expect(sig8(E.get(10000) as number, runs.sine.checkpoints.find((c) => c.step === 10000)!.E)).toBe(false);
  });
});
