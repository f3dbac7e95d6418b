/**
 * Thinning a long curve for display: min/max buckets over the visible x range. Each bucket keeps
 * the first, the lowest, the highest and the last point it holds (in x order), so spikes,
 * plateaus and the line's path between buckets survive, and a 100,000-point curve becomes a few
 * thousand drawn points whatever the zoom.
 */

/** [x, y] pairs as ECharts takes them. */
export type XY = [number, number];

/** Index of the first element of the increasing array `xs` (first n) that is >= v. */
export function lowerBound(xs: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The points of (xs, ys) (first n) with x in [from, to], thinned to at most about 4 x `buckets`
 * points by min/max bucketing, plus one point on either side of the window so the line runs to
 * the edges. `transform` maps y before comparing (e.g. clamp for a log axis).
 */
export function minMaxDownsample(
  xs: Float64Array, ys: Float64Array, n: number, from: number, to: number, buckets: number,
): XY[] {
  if (n === 0) return [];
  let start = lowerBound(xs, n, from);
  let end = lowerBound(xs, n, to);
  if (end < n && xs[end] === to) end++;
  // One neighbour outside the window on each side.
  if (start > 0) start--;
  if (end < n) end++;
  const count = end - start;
  const out: XY[] = [];
  if (count <= buckets * 4) {
    for (let i = start; i < end; i++) out.push([xs[i], ys[i]]);
    return out;
  }
  const width = count / buckets;
  for (let b = 0; b < buckets; b++) {
    const i0 = start + Math.floor(b * width);
    const i1 = Math.min(end, start + Math.floor((b + 1) * width));
    if (i1 <= i0) continue;
    let iMin = i0;
    let iMax = i0;
    for (let i = i0 + 1; i < i1; i++) {
      const y = ys[i];
      // NaN never wins a comparison, so it is skipped unless the bucket is all NaN.
      if (y < ys[iMin] || Number.isNaN(ys[iMin])) iMin = i;
      if (y > ys[iMax] || Number.isNaN(ys[iMax])) iMax = i;
    }
    const picks = [i0, iMin, iMax, i1 - 1].sort((a, b2) => a - b2);
    let prev = -1;
    for (const i of picks) {
      if (i === prev) continue;
      out.push([xs[i], ys[i]]);
      prev = i;
    }
  }
  return out;
}
