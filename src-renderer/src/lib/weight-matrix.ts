/**
 * A layer's weights as an image, for layers too wide to draw as edges: the matrix w_ji of PRML
 * (5.2), one row per unit j of the layer and one column per input i to it, the bias w_j0 as the
 * last column. Each pixel is coloured as the diagram colours an edge: blue for a positive weight,
 * orange for a negative one, and the stronger the larger |w| (sqrt(|w| / max|w|) over the whole
 * network, as the edges' width and opacity).
 */
import { CLASS0, CLASS1, mix, type Rgb } from './colormap';

/** Layers with more units than this (or fed by more) are drawn as a matrix image. */
export const WIDE_LAYER = 12;

/** The largest |w| of a parameter vector (at least 1e-12). */
export function largestWeight(params: Float64Array): number {
  let m = 1e-12;
  for (let i = 0; i < params.length; i++) {
    const a = Math.abs(params[i]);
    if (a > m) m = a;
  }
  return m;
}

/**
 * Paints one layer: `weights` (inputs x units, row-major: weights[i * units + j] connects input i
 * to unit j) and `bias` (units) into `px`, an RGBA image `inputs + 1` wide and `units` high.
 */
export function paintWeightMatrix(
  px: Uint8ClampedArray, weights: Float64Array, bias: Float64Array, inputs: number, units: number, maxAbs: number, background: Rgb,
): void {
  const w = inputs + 1;
  // 256 shades per sign, from the background to the full colour.
  const shades = (c: Rgb) => Array.from({ length: 256 }, (_, s) => mix(background, c, 0.12 + 0.88 * (s / 255)));
  const pos = shades(CLASS1);
  const neg = shades(CLASS0);
  const put = (o: number, v: number) => {
    const s = Math.min(255, Math.round(Math.sqrt(Math.abs(v) / maxAbs) * 255));
    const c = v >= 0 ? pos[s] : neg[s];
    px[o] = c[0];
    px[o + 1] = c[1];
    px[o + 2] = c[2];
    px[o + 3] = 255;
  };
  for (let j = 0; j < units; j++) {
    const row = j * w * 4;
    for (let i = 0; i < inputs; i++) put(row + i * 4, weights[i * units + j]);
    put(row + inputs * 4, bias[j]);
  }
}
