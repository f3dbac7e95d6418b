/**
 * The regression view's arithmetic for PRML figure 5.3, kept apart from the canvas so it can be
 * tested: the left (target) axis's range, where each hidden unit's curve goes, the right axis on
 * which the units' outputs z_j are read, and the data set's true function over the grid.
 *
 * Figure 5.3 draws the outputs z_j(x) of the three hidden units dashed in the plot of the targets.
 * They lie in the activation's range ((-1, 1) for tanh), the targets in theirs, so z_j is drawn
 * against its own axis on the right, mapped linearly onto the plot's height; the alternative, the
 * contributions w_j z_j(x) (whose sum plus the output bias is y), is in target units and widens
 * the left axis until every curve is in view.
 */
import type { TrueFunction } from '@shared/data/true-functions';
import { padRange } from './plane';

/** What the regression view draws for the hidden units. */
export type UnitsShown = 'outputs' | 'contributions' | 'none';

/** The choices for `UnitsShown`, with the label the view's select shows. */
export const UNITS_SHOWN: readonly { value: UnitsShown; label: string }[] = [
  { value: 'outputs', label: 'outputs z_j (right axis)' },
  { value: 'contributions', label: 'contributions w_j z_j' },
  { value: 'none', label: 'none' },
];

/** The targets of one part of the data (train, validation or test): n rows of k columns. */
export interface TargetPart {
  n: number;
  targets: Float64Array;
}

/** [lo, hi] of target column `output` over the parts, padded by a quarter of its width, or `fallback` when there is none. */
export function targetRange(parts: readonly TargetPart[], k: number, output: number, fallback: [number, number] = [-1, 1]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of parts) for (let i = 0; i < p.n; i++) {
    const t = p.targets[i * k + output];
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  return Number.isFinite(lo) && hi > lo ? padRange(lo, hi, 0.25) : fallback;
}

/** v on the axis `from` carried to the same relative height on the axis `to`. */
export function mapLinear(v: number, [f0, f1]: readonly [number, number], [t0, t1]: readonly [number, number]): number {
  return t0 + ((v - f0) / (f1 - f0)) * (t1 - t0);
}

/** Smallest and largest of every value in `curves`, or null when there is none (or none finite). */
function extent(curves: readonly Float64Array[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of curves) for (const v of c) if (Number.isFinite(v)) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The range a hidden unit's output z = h(a) can take: tanh [-1, 1] and the logistic sigmoid
 * [0, 1] whatever the weights; for the unbounded ReLU and linear units, the range of the values
 * drawn (`values`, one array per unit), so the right axis holds them.
 */
export function unitOutputRange(activation: string, values: readonly Float64Array[]): [number, number] {
  if (activation === 'tanh') return [-1, 1];
  if (activation === 'sigmoid') return [0, 1];
  const e = extent(values);
  const lo = activation === 'relu' ? 0 : (e?.[0] ?? -1);
  const hi = e?.[1] ?? 1;
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}

/** How the z axis on the right names what it shows: "z_j = tanh(a_j)". */
export function unitAxisLabel(activation: string): string {
  return activation === 'linear' ? 'z_j = a_j' : `z_j = ${activation}(a_j)`;
}

/** Where the hidden units' curves are drawn. */
export interface UnitPlacement {
  /** Per hidden unit, its curve in left-axis units as drawn (one value per grid point); empty when none are drawn. */
  plotted: Float64Array[];
  /** Per hidden unit, what the curve shows: z_j(x), or w_j z_j(x) for contributions. */
  values: Float64Array[];
  /** The left axis: the targets' range, widened to hold the contributions when they are drawn. */
  yRange: [number, number];
  /** The right axis the outputs z_j are read on (mapped linearly onto `yRange`), or null. */
  zRange: [number, number] | null;
}

/** What `placeUnitCurves` needs besides the hidden outputs. */
export interface UnitPlacementOptions {
  mode: UnitsShown;
  /** The hidden layer's activation name (its outputs' range). */
  activation: string;
  /** w_j: the weight from each hidden unit to the output shown (length m). */
  outputWeights: ArrayLike<number>;
  /** The left axis from the targets (`targetRange`). */
  targetRange: [number, number];
}

/**
 * Places the m hidden units' curves over n grid points, from their outputs `z` (n x m,
 * row-major, as Network.layerOutputs gives them). 'outputs' draws z_j on the right axis, whose
 * range (the activation's, 5% padded so a saturated unit is not hidden under the frame) is
 * mapped onto the target axis; 'contributions' draws w_j z_j on the left axis, widened to hold
 * them; 'none' draws nothing. Every plotted value lies inside the returned `yRange`.
 */
export function placeUnitCurves(z: Float64Array, n: number, m: number, o: UnitPlacementOptions): UnitPlacement {
  if (o.mode === 'none' || m === 0) return { plotted: [], values: [], yRange: o.targetRange, zRange: null };
  const values: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    const w = o.mode === 'contributions' ? o.outputWeights[j] : 1;
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = w * z[i * m + j];
    values.push(v);
  }
  if (o.mode === 'contributions') {
    const e = extent(values);
    const [t0, t1] = o.targetRange;
    const yRange: [number, number] = e ? padRange(Math.min(t0, e[0]), Math.max(t1, e[1]), 0.02) : o.targetRange;
    return { plotted: values, values, yRange: e && e[0] >= t0 && e[1] <= t1 ? o.targetRange : yRange, zRange: null };
  }
  const [r0, r1] = unitOutputRange(o.activation, values);
  const zRange = padRange(r0, r1, 0.05);
  const plotted = values.map((v) => v.map((zv) => mapLinear(zv, zRange, o.targetRange)));
  return { plotted, values, yRange: o.targetRange, zRange };
}

/** The true function over the grid `xs`, or null without one. */
export function trueCurve(tf: TrueFunction | null, xs: Float64Array): Float64Array | null {
  return tf ? xs.map(tf.f) : null;
}
