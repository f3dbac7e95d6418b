/**
 * The renderer's pure parts for PRML figures 5.21 and 5.4: the mixture density view's field
 * (density grid, mean, mode, per-component parameters) and its heatmap, and the Bayes-optimal
 * boundary drawn beside the network's.
 */
import { describe, expect, it } from 'vitest';
import { twoClassPosterior } from '../../shared/data/prml';
import { mixtureDensityCost } from '../../shared/engine/mdn';
import { Network } from '../../shared/engine/network';
import { linspace, mdnField, paintDensity } from '../../src-renderer/src/lib/mdn-plot';
import { planeInputs } from '../../src-renderer/src/lib/plane';
import { bayesBoundary } from '../../src-renderer/src/lib/reference-boundary';

/** A linear MDN with K = 2 over one target: pi = (0.25, 0.75), mu_1 = x, mu_2 = -x, sigma = 0.1 for every x. */
function twoBranches(): Network {
  const net = new Network(1, [{ units: 6, activation: 'linear' }], mixtureDensityCost(2));
  // weights (1 x 6) then bias (6): logits a^pi, a^mu, a^sigma.
  net.params.set([0, 0, 1, -1, 0, 0, Math.log(0.25), Math.log(0.75), 0, 0, Math.log(0.1), Math.log(0.1)]);
  return net;
}

describe('the mixture density view', () => {
  it('evaluates pi, mu, sigma, mean, mode and p(t|x) over the grids', () => {
    const f = mdnField(twoBranches(), 2, [-1, 1], [-2, 2], 21, 401);
    expect(Array.from(f.xs)).toEqual(Array.from(linspace(-1, 1, 21)));
    expect(f.pi[0]).toBeCloseTo(0.25, 15);
    expect(f.pi[1]).toBeCloseTo(0.75, 15);
    for (let i = 0; i < 21; i++) {
      const x = f.xs[i];
      expect(f.mu[i * 2]).toBeCloseTo(x, 15);
      expect(f.mu[i * 2 + 1]).toBeCloseTo(-x, 15);
      expect(f.sigma[i * 2]).toBeCloseTo(0.1, 15);
      expect(f.mean[i]).toBeCloseTo(0.25 * x - 0.75 * x, 14);
      expect(f.mode[i]).toBeCloseTo(-x, 15);
      // The density integrates to 1 over t at every x.
      let s = 0;
      for (let j = 0; j < 401; j++) s += f.density[i * 401 + j];
      expect(s * 0.01).toBeCloseTo(1, 3);
    }
    // The tallest point is where the branches meet, x = t = 0: (0.25 + 0.75) / (0.1 sqrt(2 pi)).
    expect(f.maxDensity).toBeCloseTo(1 / (0.1 * Math.sqrt(2 * Math.PI)), 6);
    expect(() => mdnField(twoBranches(), 3, [0, 1], [0, 1], 2, 2)).toThrow(/1 input and 1 target/);
  });

  it('paints the density with t upwards: ink on the branches, background far from them', () => {
    const f = mdnField(twoBranches(), 2, [0.5, 1], [-1, 1], 3, 201);
    const img = { data: new Uint8ClampedArray(3 * 201 * 4) };
    paintDensity(f, img, [255, 255, 255], [0, 0, 0]);
    const at = (i: number, t: number) => {
      const row = 200 - Math.round(((t + 1) / 2) * 200); // row 0 is t = 1
      return img.data[(row * 3 + i) * 4];
    };
    // x = 1 (i = 2): branches at t = 1 (pi 0.25) and t = -1 (pi 0.75, full ink).
    expect(at(2, -1)).toBe(0);
    expect(at(2, 1)).toBeLessThan(140);
    expect(at(2, 0)).toBe(255);
    expect(img.data[3]).toBe(255);
  });
});

describe('the Bayes-optimal boundary beside the network\'s (PRML figure 5.4)', () => {
  const R = 60;
  const plane = { xFeature: 0, yFeature: 1, xMin: -2, xMax: 3, yMin: -3, yMax: 3, resolution: R, fixed: new Float64Array(2) };
  const grid = planeInputs(plane);

  it('is the 0.5 contour of the posterior from the generating densities', () => {
    const segs = bayesBoundary({ builtin: 'prml-two-class', n: 200, noise: 0, split: { validation: 0, test: 0 } }, grid, R, null)!;
    expect(segs.length).toBeGreaterThan(40);
    for (let i = 0; i < segs.length; i += 2) {
      const x1 = plane.xMin + ((segs[i] + 0.5) / R) * (plane.xMax - plane.xMin);
      const x2 = plane.yMax - ((segs[i + 1] + 0.5) / R) * (plane.yMax - plane.yMin);
      expect(Math.abs(twoClassPosterior(x1, x2) - 0.5)).toBeLessThan(0.12);
    }
  });

  it('exists only for data with known densities, on their two inputs', () => {
    expect(bayesBoundary({ builtin: 'xor-quadrants', n: 10, noise: 0, split: { validation: 0, test: 0 } }, grid, R, null)).toBeNull();
    expect(bayesBoundary(null, grid, R, null)).toBeNull();
    const three = planeInputs({ ...plane, fixed: new Float64Array(3) });
    expect(bayesBoundary({ builtin: 'prml-two-class', n: 200, noise: 0, split: { validation: 0, test: 0 } }, three, R, null)).toBeNull();
  });
});
