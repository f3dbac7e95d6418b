/**
 * The plane without its input matrix (plane-field.ts) against the engine's own forward pass on
 * planeInputs: the same outputs and hidden-unit values to rounding, for a wide first layer with
 * the other inputs held at non-zero values (differences below 1e-12: only the grouping of the
 * sums differs); and the grid's resolution within its budget.
 */
import { describe, expect, it } from 'vitest';
import { cost } from '../../shared/engine/costs';
import { Network } from '../../shared/engine/network';
import { Rng } from '../../shared/engine/rng';
import { evaluatePlane, type Plane, planeInputs } from '../../src-renderer/src/lib/plane';
import { evaluatePlaneField, PLANE_BUDGET, planeResolution } from '../../src-renderer/src/lib/plane-field';

function net(inputs: number, hidden: number[], k: number, costName: string): Network {
  const n = new Network(inputs, [...hidden.map((units) => ({ units, activation: 'tanh' })), { units: k, activation: 'linear' }], cost(costName));
  const rng = new Rng(7);
  for (let i = 0; i < n.params.length; i++) n.params[i] = rng.normal() * 0.3;
  return n;
}

function plane(d: number, x: number, y: number, R: number): Plane {
  const rng = new Rng(11);
  return { xFeature: x, yFeature: y, xMin: -2, xMax: 1.5, yMin: -1, yMax: 3, resolution: R, fixed: Float64Array.from({ length: d }, () => rng.normal()) };
}

/** The largest |a - b| (the values are probabilities and unit outputs, all within [-1, 1]). */
function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('evaluatePlaneField', () => {
  it('equals the forward pass on the grid inputs to rounding: 40 inputs, two hidden layers, softmax', () => {
    const n = net(40, [16, 8], 3, 'softmax-cross-entropy');
    const pl = plane(40, 7, 31, 30);
    const fast = evaluatePlaneField(n, pl);
    const slow = evaluatePlane(n, planeInputs(pl), 30);
    expect(fast.y.length).toBe(slow.y.length);
    expect(maxDiff(fast.y, slow.y)).toBeLessThan(1e-12);
    expect(fast.hidden).toHaveLength(2);
    for (let l = 0; l < 2; l++) expect(maxDiff(fast.hidden[l], slow.hidden[l])).toBeLessThan(1e-12);
  });

  it('works without hidden layers, the output layer taking the plane directly', () => {
    const n = net(5, [], 1, 'sigmoid-cross-entropy');
    const pl = plane(5, 4, 0, 12);
    expect(maxDiff(evaluatePlaneField(n, pl).y, evaluatePlane(n, planeInputs(pl), 12).y)).toBeLessThan(1e-12);
  });

  it('negative control: the mapped features swapped give a different field', () => {
    const n = net(10, [6], 1, 'sigmoid-cross-entropy');
    const pl = plane(10, 2, 5, 20);
    const swapped = evaluatePlaneField(n, { ...pl, xFeature: 5, yFeature: 2 });
    expect(maxDiff(swapped.y, evaluatePlane(n, planeInputs(pl), 20).y)).toBeGreaterThan(1e-3);
  });

  it('reuses its buffers while the shapes stay', () => {
    const n = net(4, [3], 2, 'softmax-cross-entropy');
    const a = evaluatePlaneField(n, plane(4, 0, 1, 10));
    const b = evaluatePlaneField(n, plane(4, 0, 1, 10), a);
    expect(b.y).toBe(a.y);
  });
});

describe('planeResolution', () => {
  it('keeps 100 x 100 for small networks and shrinks the grid to the budget for deep, wide ones', () => {
    expect(planeResolution([4, 1])).toBe(100);
    expect(planeResolution([256, 10])).toBe(80); // 512 + 2,560 per point
    const r = planeResolution([128, 64, 10]);
    expect(r * r * (2 * 128 + 128 * 64 + 64 * 10)).toBeLessThanOrEqual(PLANE_BUDGET);
    expect((r + 1) * (r + 1) * (2 * 128 + 128 * 64 + 64 * 10)).toBeGreaterThan(PLANE_BUDGET);
    expect(planeResolution([1024, 1024, 1024, 10])).toBe(40);
  });
});
