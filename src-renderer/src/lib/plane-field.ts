/**
 * The network over a plane of its input space, computed without forming the grid's inputs.
 *
 * On a plane every input but the two mapped ones (p and q) is held fixed at c_i, so the first
 * layer's activation, PRML (5.2), is affine in the two mapped inputs:
 *
 *     a_j(x, y) = b_j + sum_i w_ij x_i = [b_j + sum_{i != p,q} w_ij c_i] + w_pj x + w_qj y
 *
 * The bracket is computed once per weight vector (D x M multiply-adds), and each grid point then
 * costs 2M instead of DM: on a 784-input network a 100 x 100 plane takes 0.5 M multiply-adds in
 * its first layer instead of 200 M, and no 10,000 x 784 input matrix (63 MB) is built. The layers
 * above run on the engine's kernels as in a forward pass. The sums are grouped differently from
 * `Network.forward` on `planeInputs`, so values agree to rounding (about 1e-15 relative), not bit
 * for bit: this is a picture, not a figure the lab reports.
 */
import { gemmNN } from '@shared/engine/kernels';
import type { Network } from '@shared/engine/network';
import type { Plane, PlaneField } from './plane';

/** Working memory of one plane evaluation, reused between calls while the shapes stay. */
function buffers(net: Network, n: number, into?: PlaneField): { field: PlaneField; logits: Float64Array } {
  const L = net.layers.length;
  const k = net.outputs;
  const fits = into && into.resolution * into.resolution === n && into.outputs === k && into.hidden.length === L - 1 &&
    into.hidden.every((h, l) => h.length === n * net.layers[l].units);
  const field: PlaneField = fits
    ? into
    : { resolution: Math.round(Math.sqrt(n)), outputs: k, y: new Float64Array(n * k), hidden: net.layers.slice(0, -1).map((l) => new Float64Array(n * l.units)) };
  // The logits are written in place of y (the cost's output function may alias its input).
  return { field, logits: field.y };
}

/**
 * Evaluates `net` at the plane's R x R grid points (row 0 at yMax, cell centres, as planeInputs
 * lays them out): the outputs y after the output function, and each hidden layer's outputs z.
 * `into` is reused when its shapes fit.
 */
export function evaluatePlaneField(net: Network, plane: Plane, into?: PlaneField): PlaneField {
  const R = plane.resolution;
  const n = R * R;
  const { field, logits } = buffers(net, n, into);
  field.resolution = R;
  const L = net.layers.length;
  const first = net.layers[0];
  const M = first.units;
  const W = first.weights;
  const p = plane.xFeature;
  const q = plane.yFeature;
  // The fixed part of every unit's activation: the bias plus the fixed inputs' contributions.
  const base = Float64Array.from(first.bias);
  for (let i = 0; i < first.inputs; i++) {
    if (i === p || i === q) continue;
    const c = plane.fixed[i];
    if (c === 0) continue;
    const row = i * M;
    for (let j = 0; j < M; j++) base[j] += W[row + j] * c;
  }
  const wx = W.subarray(p * M, p * M + M);
  const wy = W.subarray(q * M, q * M + M);
  const z0 = L > 1 ? field.hidden[0] : logits;
  const dx = (plane.xMax - plane.xMin) / R;
  const dy = (plane.yMax - plane.yMin) / R;
  for (let r = 0; r < R; r++) {
    const yv = plane.yMax - (r + 0.5) * dy;
    for (let c = 0; c < R; c++) {
      const xv = plane.xMin + (c + 0.5) * dx;
      const o = (r * R + c) * M;
      for (let j = 0; j < M; j++) z0[o + j] = base[j] + wx[j] * xv + wy[j] * yv;
    }
  }
  first.activation.apply(z0, n * M);
  // The layers above: a = z . W + b, PRML (5.2), then h.
  let input = z0;
  for (let l = 1; l < L; l++) {
    const layer = net.layers[l];
    const out = l < L - 1 ? field.hidden[l] : logits;
    gemmNN(n, layer.units, layer.inputs, input, layer.weights, out, false, layer.bias);
    layer.activation.apply(out, n * layer.units);
    input = out;
  }
  net.cost.output(logits, field.y, n, net.outputs);
  return field;
}

/** Multiply-adds a plane may cost at most (about 20 ms of one core): the grid is chosen to fit. */
export const PLANE_BUDGET = 20_000_000;

/**
 * Grid points per side for a network with these layer widths (the first hidden layer first, the
 * output last): 100, or fewer for a deep, wide network, so that R^2 points at 2 u_1 + sum u_l u_(l+1)
 * multiply-adds each stay within PLANE_BUDGET; never fewer than 40.
 */
export function planeResolution(units: readonly number[], max = 100, min = 40): number {
  let perPoint = 2 * (units[0] ?? 1);
  for (let l = 1; l < units.length; l++) perPoint += units[l - 1] * units[l];
  return Math.max(min, Math.min(max, Math.floor(Math.sqrt(PLANE_BUDGET / perPoint))));
}
