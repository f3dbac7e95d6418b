import { describe, expect, it } from 'vitest';
import { lowerBound, minMaxDownsample } from '../../src-renderer/src/lib/downsample';
import { CurveBuffer, PointList } from '../../src-renderer/src/lib/curve-buffer';

describe('minMaxDownsample', () => {
  const n = 100_000;
  const xs = Float64Array.from({ length: n }, (_, i) => i);
  const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 1000) + (i === 54_321 ? 50 : 0));

  it('thins 100,000 points to a few thousand and keeps the spike, the first and the last point', () => {
    const pts = minMaxDownsample(xs, ys, n, 0, n - 1, 400);
    expect(pts.length).toBeLessThanOrEqual(1600);
    expect(pts.length).toBeGreaterThan(400);
    expect(pts.some(([x, y]) => x === 54_321 && y > 49)).toBe(true);
    expect(pts[0][0]).toBe(0);
    expect(pts[pts.length - 1][0]).toBe(n - 1);
    for (let i = 1; i < pts.length; i++) expect(pts[i][0]).toBeGreaterThan(pts[i - 1][0]);
  });

  it('returns every point of a small window, plus one neighbour on each side', () => {
    const pts = minMaxDownsample(xs, ys, n, 500, 510, 400);
    expect(pts.map((p) => p[0])).toEqual([499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511]);
  });

  it('finds the first index at or above a value', () => {
    expect(lowerBound(xs, n, 10.5)).toBe(11);
    expect(lowerBound(xs, n, -1)).toBe(0);
    expect(lowerBound(xs, n, 1e9)).toBe(n);
  });
});

describe('CurveBuffer', () => {
  it('keeps every point and drops the ones it already holds when a stored curve and events overlap', () => {
    const list = new PointList();
    list.append(Float64Array.of(0, 1, 2), Float64Array.of(5, 4, 3));
    list.append(Float64Array.of(1, 2, 3, 4), Float64Array.of(4, 3, 2, 1));
    expect(Array.from(list.x)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(list.y)).toEqual([5, 4, 3, 2, 1]);
  });

  it('grows past its first capacity and clears for a reset run', () => {
    const c = new CurveBuffer();
    const steps = Float64Array.from({ length: 5000 }, (_, i) => i);
    c.append({ steps, train: steps, validationSteps: Float64Array.of(99, 199), validation: Float64Array.of(1, 2) });
    expect(c.size).toBe(5002);
    expect(c.lastStep).toBe(4999);
    c.clear();
    expect(c.size).toBe(0);
    c.append({ steps: Float64Array.of(0), train: Float64Array.of(1), validationSteps: new Float64Array(0), validation: new Float64Array(0) });
    expect(c.train.length).toBe(1);
  });
});
