import { describe, expect, it } from 'vitest';
import { contourSegments } from '../../src-renderer/src/lib/contour';
import { boundarySegments, paintField } from '../../src-renderer/src/lib/field-paint';
import { evaluatePlane, planeInputs } from '../../src-renderer/src/lib/plane';
import { measureQuality } from '../../src-renderer/src/lib/quality';
import { Network } from '../../shared/engine/network';
import { cost } from '../../shared/engine/costs';

describe('the plane view', () => {
  it('lays the grid out row by row from the top, other inputs held at the given values', () => {
    const x = planeInputs({ xFeature: 0, yFeature: 2, xMin: 0, xMax: 1, yMin: 0, yMax: 1, resolution: 2, fixed: Float64Array.of(9, 7, 9) });
    // 2 x 2 cell centres: (0.25, 0.75), (0.75, 0.75), (0.25, 0.25), (0.75, 0.25); input 1 stays 7.
    expect(Array.from(x)).toEqual([0.25, 7, 0.75, 0.75, 7, 0.75, 0.25, 7, 0.25, 0.75, 7, 0.25]);
  });

  it('finds the 0.5 contour of a linear classifier on the line where its logit is zero', () => {
    // y = sigmoid(x1 - 0.2): the boundary is the vertical line x1 = 0.2.
    const net = new Network(2, [{ units: 1, activation: 'linear' }], cost('sigmoid-cross-entropy'));
    net.params.set([1, 0, -0.2]);
    const R = 50;
    const plane = { xFeature: 0, yFeature: 1, xMin: -1, xMax: 1, yMin: -1, yMax: 1, resolution: R, fixed: new Float64Array(2) };
    const field = evaluatePlane(net, planeInputs(plane), R);
    const [segs] = boundarySegments(field, 'binary', 0);
    expect(segs.length).toBeGreaterThan(0);
    for (let i = 0; i < segs.length; i += 2) {
      // Grid unit g is the centre of cell g: x = -1 + (g + 0.5) / R * 2.
      const x1 = -1 + ((segs[i] + 0.5) / R) * 2;
      expect(Math.abs(x1 - 0.2)).toBeLessThan(0.01);
    }
    const img = { data: new Uint8ClampedArray(R * R * 4) };
    paintField(img.data, field, { mode: 'binary', output: 0, discretise: true, background: [255, 255, 255] });
    expect(img.data[3]).toBe(255);
    // Left of the line is class 0 (orange-ish: more red than blue), right is class 1.
    expect(img.data[0]).toBeGreaterThan(img.data[2]);
    const right = (R - 1) * 4;
    expect(img.data[right + 2]).toBeGreaterThan(img.data[right]);
  });

  it('draws nothing where the field never crosses the level', () => {
    expect(contourSegments(new Float64Array(16).fill(0.9), 4, 4, 0.5)).toHaveLength(0);
  });
});

describe('measureQuality', () => {
  it('counts a confusion matrix for one sigmoid output and its accuracy', () => {
    const net = new Network(1, [{ units: 1, activation: 'linear' }], cost('sigmoid-cross-entropy'));
    net.params.set([10, 0]); // p(class 1) > 0.5 exactly when x > 0
    const q = measureQuality(net, 'sigmoid-cross-entropy', Float64Array.of(-1, -2, 1, 2, 3), Float64Array.of(0, 1, 1, 1, 0), 5);
    expect(q.kind).toBe('classification');
    if (q.kind !== 'classification') return;
    expect(q.counts).toEqual([[1, 1], [1, 2]]);
    expect(q.accuracy).toBeCloseTo(3 / 5);
  });

  it('gives RMSE and R^2 = 1 for a perfect regression and 0 for predicting the mean', () => {
    const net = new Network(1, [{ units: 1, activation: 'linear' }], cost('sum-of-squares'));
    net.params.set([2, 1]);
    const x = Float64Array.of(0, 1, 2);
    const perfect = measureQuality(net, 'sum-of-squares', x, Float64Array.of(1, 3, 5), 3);
    expect(perfect).toMatchObject({ kind: 'regression', rmse: 0, r2: 1 });
    net.params.set([0, 3]);
    const mean = measureQuality(net, 'sum-of-squares', x, Float64Array.of(1, 3, 5), 3);
    expect(mean.kind === 'regression' && mean.r2).toBeCloseTo(0);
  });
});
