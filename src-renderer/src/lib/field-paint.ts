/**
 * The 2-D view's field as pixels and lines, without the DOM: the network's output over the plane
 * as RGBA (probability of class 1, regions of the most probable class shaded by confidence, or a
 * regression output) and the decision boundary as segments in grid units.
 */
import { classRgb, divergingLut, mix, type Rgb } from './colormap';
import { contourSegments } from './contour';
import type { PlaneField } from './plane';

/** How the field is coloured. */
export type FieldMode = 'binary' | 'multiclass' | 'value';

/** Settings of one heatmap. */
export interface HeatOptions {
  mode: FieldMode;
  /** For binary / value mode: which output. */
  output: number;
  /** Hard class colours instead of probabilities / confidence. */
  discretise: boolean;
  background: Rgb;
  /** value mode: the output range mapped onto the colour scale. */
  valueRange?: [number, number];
}

/** Fills `px` (R x R RGBA, an ImageData's data) with the field's colours. */
export function paintField(px: Uint8ClampedArray, field: PlaneField, o: HeatOptions): void {
  const R = field.resolution;
  const k = field.outputs;
  const y = field.y;
  if (o.mode === 'multiclass') {
    const colours = Array.from({ length: k }, (_, c) => classRgb(c, k));
    for (let i = 0; i < R * R; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (y[i * k + c] > y[i * k + best]) best = c;
      const conf = (y[i * k + best] - 1 / k) / (1 - 1 / k);
      const t = o.discretise ? 0.6 : 0.12 + 0.68 * Math.max(0, Math.min(1, conf));
      const rgb = mix(o.background, colours[best], t);
      px[i * 4] = rgb[0];
      px[i * 4 + 1] = rgb[1];
      px[i * 4 + 2] = rgb[2];
      px[i * 4 + 3] = 255;
    }
    return;
  }
  const lut = divergingLut(o.background, 0.7);
  const [lo, hi] = o.valueRange ?? [0, 1];
  const scale = hi > lo ? 1 / (hi - lo) : 1;
  for (let i = 0; i < R * R; i++) {
    let p = (y[i * k + o.output] - lo) * scale;
    if (o.discretise) p = p > 0.5 ? 0.85 : 0.15;
    const j = Math.max(0, Math.min(255, Math.round(p * 255))) * 3;
    px[i * 4] = lut[j];
    px[i * 4 + 1] = lut[j + 1];
    px[i * 4 + 2] = lut[j + 2];
    px[i * 4 + 3] = 255;
  }
}

/** The decision boundary in grid units: the 0.5 contour, or where the most probable class changes. */
export function boundarySegments(field: PlaneField, mode: FieldMode, output: number): Float32Array[] {
  const R = field.resolution;
  const k = field.outputs;
  if (mode === 'binary') return [contourSegments(field.y, R, R, 0.5, k, output)];
  if (mode !== 'multiclass') return [];
  // For each class c, the zero level of p_c - max_{j != c} p_j is where c stops being the most probable.
  const margin = new Float64Array(R * R);
  const out: Float32Array[] = [];
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < R * R; i++) {
      let other = -Infinity;
      for (let j = 0; j < k; j++) if (j !== c && field.y[i * k + j] > other) other = field.y[i * k + j];
      margin[i] = field.y[i * k + c] - other;
    }
    out.push(contourSegments(margin, R, R, 0));
  }
  return out;
}
