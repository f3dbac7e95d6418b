/**
 * What the mixture density view (PRML figure 5.21) shows, computed in the renderer with the
 * engine from a weight snapshot: over a grid of inputs x, the mixture's parameters pi_k(x),
 * mu_k(x), sigma_k(x), the conditional density p(t|x) on a grid of targets t, the conditional
 * mean (PRML (5.158)) and the approximate conditional mode. One input and one target only.
 */
import {
  conditionalMean, conditionalMode, densityGrid, mixtureParameters,
} from '@shared/engine/mdn';
import type { Network } from '@shared/engine/network';
import type { Rgb } from './colormap';

/** The mixture over a grid of x, and its density over a grid of t. */
export interface MdnField {
  /** nx input values, ascending. */
  xs: Float64Array;
  /** nt target values, ascending. */
  ts: Float64Array;
  K: number;
  /** density[i * nt + j] = p(ts[j] | xs[i]). */
  density: Float64Array;
  /** The largest density on the grid (for the colour scale). */
  maxDensity: number;
  /** Conditional mean and approximate mode at each x (nx). */
  mean: Float64Array;
  mode: Float64Array;
  /** nx x K each: pi[i * K + k], mu[i * K + k], sigma[i * K + k]. */
  pi: Float64Array;
  mu: Float64Array;
  sigma: Float64Array;
}

/** n values evenly from lo to hi inclusive. */
export function linspace(lo: number, hi: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1)));
}

/**
 * Evaluates a mixture density network `net` (1 input, K components over 1 target) at nx inputs
 * over [x0, x1], and its density at nt targets over [t0, t1].
 */
export function mdnField(net: Network, K: number, [x0, x1]: [number, number], [t0, t1]: [number, number], nx: number, nt: number): MdnField {
  if (net.inputs !== 1 || net.outputs !== 3 * K) throw new RangeError(`the mixture view needs 1 input and 1 target (3K outputs), got ${net.inputs} inputs and ${net.outputs} outputs`);
  const xs = linspace(x0, x1, nx);
  const ts = linspace(t0, t1, nt);
  const y = Float64Array.from(net.predict(xs, nx));
  const density = densityGrid(y, nx, K, ts);
  let maxDensity = 0;
  for (let i = 0; i < density.length; i++) if (density[i] > maxDensity) maxDensity = density[i];
  const p = mixtureParameters(y, nx, K, 1);
  return {
    xs, ts, K, density, maxDensity,
    mean: conditionalMean(y, nx, K, 1),
    mode: conditionalMode(y, nx, K, 1),
    pi: p.pi, mu: p.mu, sigma: p.sigma,
  };
}

/**
 * Paints the density as an nx x nt image (x across, t up: row 0 is the largest t) into `img`
 * (RGBA, nx * nt * 4): the background where p is 0, `ink` where p reaches `scale`, in between by
 * sqrt(p / scale) so the thin branches stay visible beside the tall ones.
 */
export function paintDensity(field: MdnField, img: { data: Uint8ClampedArray }, background: Rgb, ink: Rgb, scale = field.maxDensity): void {
  const nx = field.xs.length;
  const nt = field.ts.length;
  const inv = scale > 0 ? 1 / scale : 0;
  for (let row = 0; row < nt; row++) {
    const j = nt - 1 - row;
    for (let i = 0; i < nx; i++) {
      const a = Math.sqrt(Math.min(1, field.density[i * nt + j] * inv));
      const o = (row * nx + i) * 4;
      img.data[o] = background[0] + (ink[0] - background[0]) * a;
      img.data[o + 1] = background[1] + (ink[1] - background[1]) * a;
      img.data[o + 2] = background[2] + (ink[2] - background[2]) * a;
      img.data[o + 3] = 255;
    }
  }
}
