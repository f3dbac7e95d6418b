import { describe, expect, it } from 'vitest';
import { lowerBound, minMaxDownsample } from '../../src-renderer/src/lib/downsample';

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
