import { describe, expect, it } from 'vitest';
import { Rng } from '../../shared/engine/rng';

describe('seeded generator', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const sa = Array.from({ length: 20 }, () => a.uniform());
    expect(Array.from({ length: 20 }, () => b.uniform())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.uniform())).not.toEqual(sa);
  });

  it('derives unrelated streams for different purposes of one seed', () => {
    const d = Rng.derive(1, 'data').uniform();
    const i = Rng.derive(1, 'init').uniform();
    expect(d).not.toEqual(i);
    expect(Rng.derive(1, 'data').uniform()).toEqual(d);
  });

  it('draws uniforms on [0, 1) with the mean and variance of U(0, 1)', () => {
    const r = new Rng(3);
    const n = 200000;
    let s = 0, s2 = 0, min = 1, max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      s += u; s2 += u * u; min = Math.min(min, u); max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
  });

  it('draws truncated normals inside two standard deviations with the truncated variance', () => {
    const r = new Rng(5);
    const n = 200000, std = 0.5;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.truncatedNormal(std);
      expect(Math.abs(z)).toBeLessThanOrEqual(2 * std);
      s += z; s2 += z * z;
    }
    // Var of N(0,1) truncated to [-2, 2] is 1 - 4 phi(2) / (2 Phi(2) - 1) = 0.773741 (scipy.stats.truncnorm(-2, 2).var()).
    expect(s / n).toBeCloseTo(0, 2);
    expect(s2 / n / (std * std)).toBeCloseTo(0.773741, 2);
  });

  it('draws integers without bias and shuffles into a permutation', () => {
    const r = new Rng(9);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[r.int(3)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    const p = r.shuffle(Float64Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
