/**
 * The Bayes-optimal decision boundary of a built-in dataset whose generating densities are known
 * (PRML figure 5.4's two-class problem, shared/data/prml.ts), as contour segments on the same
 * grid as the network's boundary, so the boundary view can draw both side by side.
 */
import { bayesPosterior } from '@shared/data/prml';
import type { DataSpec } from '@shared/spec';
import type { Normalization } from '@shared/weights-format';
import { contourSegments, type Segments } from './contour';

let cache: { key: string; segments: Segments | null } | null = null;

/**
 * The 0.5 contour of the Bayes posterior over the grid `grid` (R x R rows of the inputs, as
 * planeInputs lays them out, in the network's possibly normalised units), or null when the data
 * has no known posterior or is not the two inputs it is defined on.
 */
export function bayesBoundary(data: DataSpec | null | undefined, grid: Float64Array, R: number, normalization: Normalization | null): Segments | null {
  if (!data || !('builtin' in data)) return null;
  const posterior = bayesPosterior(data.builtin, data.noise);
  const d = grid.length / (R * R);
  if (!posterior || d !== 2) return null;
  const key = JSON.stringify([data.builtin, data.noise, R, normalization, grid[0], grid[1], grid[grid.length - 2], grid[grid.length - 1]]);
  if (cache?.key === key) return cache.segments;
  const raw = (v: number, j: number) => (normalization ? v * normalization.std[j] + normalization.mean[j] : v);
  const field = new Float64Array(R * R);
  for (let i = 0; i < R * R; i++) field[i] = posterior(raw(grid[2 * i], 0), raw(grid[2 * i + 1], 1));
  const segments = contourSegments(field, R, R, 0.5);
  cache = { key, segments };
  return segments;
}
