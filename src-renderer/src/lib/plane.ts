/**
 * The plane a 2-D view maps: two input features spanning a grid, the other inputs held at their
 * means, and the network evaluated at every grid point with the renderer's own engine
 * (shared/engine), so a weight snapshot becomes a heatmap without a round trip to main.
 */
import type { Network } from '@shared/engine/network';

/** Which two inputs span the plane, their ranges, and the grid resolution. */
export interface Plane {
  /** Input index on the horizontal axis. */
  xFeature: number;
  /** Input index on the vertical axis. */
  yFeature: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Grid points per side (100 -> 100 x 100). */
  resolution: number;
  /** Values of every input (length = inputs); the two mapped ones are overwritten per point. */
  fixed: Float64Array;
}

/** Grid inputs for a plane: resolution^2 rows, row 0 at the top (yMax), cell centres. */
export function planeInputs(p: Plane): Float64Array {
  const R = p.resolution;
  const d = p.fixed.length;
  const x = new Float64Array(R * R * d);
  for (let r = 0; r < R; r++) {
    const yv = p.yMax - ((r + 0.5) / R) * (p.yMax - p.yMin);
    for (let c = 0; c < R; c++) {
      const xv = p.xMin + ((c + 0.5) / R) * (p.xMax - p.xMin);
      const o = (r * R + c) * d;
      x.set(p.fixed, o);
      x[o + p.xFeature] = xv;
      x[o + p.yFeature] = yv;
    }
  }
  return x;
}

/** A plane evaluated: outputs y (R^2 x outputs) and each hidden layer's outputs z (R^2 x units). */
export interface PlaneField {
  resolution: number;
  outputs: number;
  /** Network predictions y at each grid point (after the output function), row-major. */
  y: Float64Array<ArrayBuffer>;
  /** Per hidden layer: unit outputs z at each grid point, row-major (copies). */
  hidden: Float64Array[];
}

/** Evaluates `net` at every grid point of `inputs` (from planeInputs); `into` is reused if it fits. */
export function evaluatePlane(net: Network, inputs: Float64Array, resolution: number, into?: PlaneField): PlaneField {
  const n = resolution * resolution;
  const k = net.outputs;
  const field: PlaneField =
    into && into.resolution === resolution && into.outputs === k && into.hidden.length === net.layers.length - 1 &&
    into.hidden.every((h, l) => h.length === n * net.layers[l].units)
      ? into
      : { resolution, outputs: k, y: new Float64Array(n * k), hidden: net.layers.slice(0, -1).map((l) => new Float64Array(n * l.units)) };
  net.predict(inputs, n, field.y);
  for (let l = 0; l < field.hidden.length; l++) field.hidden[l].set(net.layerOutputs(l, n));
  return field;
}

/**
 * An axis for values from lo to hi (a column's min and max over the data): widened by `margin`
 * of its width on each side; [-1, 1] when there are no values, [v - 1, v + 1] around a constant.
 */
export function axisRange(lo: number, hi: number, margin = 0.08): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return padRange(-1, 1, margin);
  if (lo === hi) return padRange(lo - 1, hi + 1, margin);
  return padRange(lo, hi, margin);
}

/** [lo, hi] widened by `margin` of its width on each side. */
export function padRange(lo: number, hi: number, margin = 0.08): [number, number] {
  const w = hi - lo;
  return [lo - w * margin, hi + w * margin];
}
