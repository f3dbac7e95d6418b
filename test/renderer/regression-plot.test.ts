/**
 * The regression view's placement of PRML figure 5.3's curves (src-renderer/src/lib/regression-
 * plot.ts), on the gallery's own fig. 5.3 networks trained as `mlp-lab train` trains them: every
 * hidden unit's dashed curve lies inside the plot's axis range and reads back, on the right axis,
 * as the unit's output z_j = tanh(a_j) computed independently from the weights; the old placement
 * (w_j z_j against the targets' axis) leaves curves out of view (negative control); the
 * contributions mode widens the axis until they fit; the true function is the generator's.
 */
import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { trueFunction } from '../../shared/data/true-functions';
import { exampleSpec } from '../../shared/gallery';
import { createLab, type Lab } from '../../shared/lab';
import { type BuiltinDataSpec, parseSpec } from '../../shared/spec';
import { Trainer } from '../../shared/training/trainer';
import { mapLinear, placeUnitCurves, targetRange, trueCurve, unitOutputRange } from '../../src-renderer/src/lib/regression-plot';

const FIG_5_3 = ['fig5.3a-x-squared', 'fig5.3b-sin-pi-x', 'fig5.3c-abs-x', 'fig5.3d-heaviside'] as const;

/** Gallery example `id` trained for its spec's steps. */
function trained(id: string): Lab {
  const spec = parseSpec(exampleSpec(id));
  const data = spec.data as BuiltinDataSpec;
  const lab = createLab(spec, generateBuiltin(data.builtin, data.n, spec.seed, data));
  new Trainer(lab).run(spec.training.steps);
  return lab;
}

/** The view's grid: 240 points over the inputs' range padded by 4%, as RegressionView draws. */
function grid(lab: Lab): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of lab.data.inputs) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const [a, b] = [lo - 0.04 * (hi - lo), hi + 0.04 * (hi - lo)];
  return Float64Array.from({ length: 240 }, (_, i) => a + ((b - a) * i) / 239);
}

/** True when every value of every curve lies in [lo, hi]. */
function inView(curves: readonly Float64Array[], [lo, hi]: readonly [number, number]): boolean {
  return curves.every((c) => c.every((v) => v >= lo && v <= hi));
}

/** z_j(x) = tanh(w_j x + b_j) of a one-input network's first layer, straight from its weights. */
function tanhUnit(lab: Lab, j: number, x: number): number {
  const l = lab.net.layers[0];
  return Math.tanh(l.weights[j] * x + l.bias[j]);
}

const labs = new Map(FIG_5_3.map((id) => [id, trained(id)]));

function placement(lab: Lab, mode: 'outputs' | 'contributions') {
  const xs = grid(lab);
  lab.net.predict(xs, xs.length);
  const z = lab.net.layerOutputs(0, xs.length);
  const out = lab.net.layers[1];
  const range = targetRange([lab.data, lab.validation], 1, 0);
  return { xs, z: Float64Array.from(z), range, p: placeUnitCurves(z, xs.length, 3, { mode, activation: 'tanh', outputWeights: out.weights, targetRange: range }) };
}

describe('the regression view of PRML figure 5.3', () => {
  it.each(FIG_5_3)('%s: the hidden units\' outputs z_j lie inside the plot and read back as tanh(a_j) on the right axis', (id) => {
    const lab = labs.get(id)!;
    const { xs, range, p } = placement(lab, 'outputs');
    expect(p.yRange).toEqual(range);
    expect(p.zRange).not.toBeNull();
    expect(p.plotted).toHaveLength(3);
    expect(inView(p.plotted, p.yRange)).toBe(true);
    // The right axis holds the whole tanh range, a little padded: a saturated unit is not under the frame.
    const [z0, z1] = p.zRange!;
    expect(z0).toBeLessThan(-1);
    expect(z1).toBeGreaterThan(1);
    expect(z1 - z0).toBeLessThan(2.5);
    for (let j = 0; j < 3; j++) for (let i = 0; i < xs.length; i += 7) {
      // What a reader sees at that height on the right axis is the unit's output.
      expect(mapLinear(p.plotted[j][i], p.yRange, p.zRange!)).toBeCloseTo(tanhUnit(lab, j, xs[i]), 12);
    }
  });

  it('negative control: the old placement, w_j z_j against the targets\' axis, leaves hidden units out of view', () => {
    const out: string[] = [];
    for (const id of FIG_5_3) {
      const lab = labs.get(id)!;
      const { z, range } = placement(lab, 'outputs');
      const w = lab.net.layers[1].weights;
      const old = [0, 1, 2].map((j) => Float64Array.from({ length: z.length / 3 }, (_, i) => w[j] * z[i * 3 + j]));
      if (!inView(old, range)) out.push(id);
    }
    // All four of figure 5.3's networks had a unit out of view (the issue's report), and the
    // containment check above sees it.
    expect(out).toEqual([...FIG_5_3]);
  });

  it.each(FIG_5_3)('%s: the contributions w_j z_j, when chosen, widen the left axis until every one is in view', (id) => {
    const lab = labs.get(id)!;
    const { z, range, p } = placement(lab, 'contributions');
    expect(p.zRange).toBeNull();
    expect(inView(p.plotted, p.yRange)).toBe(true);
    expect(p.yRange[0]).toBeLessThanOrEqual(range[0]);
    expect(p.yRange[1]).toBeGreaterThanOrEqual(range[1]);
    const w = lab.net.layers[1].weights;
    for (let j = 0; j < 3; j++) expect(p.plotted[j][5]).toBe(w[j] * z[5 * 3 + j]);
  });

  it('keeps the targets\' axis for contributions that already fit, and draws nothing for "none"', () => {
    const z = Float64Array.of(0.5, -0.5, 0.25, -0.25);
    const fit = placeUnitCurves(z, 2, 2, { mode: 'contributions', activation: 'tanh', outputWeights: [1, 1], targetRange: [-1, 1] });
    expect(fit.yRange).toEqual([-1, 1]);
    const none = placeUnitCurves(z, 2, 2, { mode: 'none', activation: 'tanh', outputWeights: [1, 1], targetRange: [-1, 1] });
    expect(none).toEqual({ plotted: [], values: [], yRange: [-1, 1], zRange: null });
  });

  it('gives each activation\'s output range to the right axis: bounded ones fixed, ReLU and linear from the values', () => {
    const v = [Float64Array.of(0, 3.5), Float64Array.of(1, 2)];
    expect(unitOutputRange('tanh', v)).toEqual([-1, 1]);
    expect(unitOutputRange('sigmoid', v)).toEqual([0, 1]);
    expect(unitOutputRange('relu', v)).toEqual([0, 3.5]);
    expect(unitOutputRange('linear', [Float64Array.of(-2, 4)])).toEqual([-2, 4]);
    expect(unitOutputRange('relu', [Float64Array.of(0, 0)])).toEqual([-1, 1]);
    const relu = placeUnitCurves(Float64Array.of(0, 7, 3, 0), 2, 2, { mode: 'outputs', activation: 'relu', outputWeights: [1, 1], targetRange: [0, 1] });
    expect(inView(relu.plotted, relu.yRange)).toBe(true);
  });

  it.each(FIG_5_3)('%s: the true function drawn is the one the data was generated with', (id) => {
    const lab = labs.get(id)!;
    const spec = parseSpec(exampleSpec(id));
    const tf = trueFunction((spec.data as BuiltinDataSpec).builtin)!;
    const xs = lab.data.inputs;
    // The gallery's fig. 5.3 data has no noise: the curve passes through every training point.
    expect(Array.from(trueCurve(tf, xs)!)).toEqual(Array.from(lab.data.targets));
    expect(trueCurve(null, xs)).toBeNull();
  });
});

