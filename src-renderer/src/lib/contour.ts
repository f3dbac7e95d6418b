/**
 * Marching squares: the line where a field sampled on a grid crosses a level (the 0.5 decision
 * boundary of a probability map). Returns segments in grid coordinates, linear interpolation
 * along each cell edge.
 */

/** Line segments as x0, y0, x1, y1, ... in grid units (0 .. cols-1, 0 .. rows-1). */
export type Segments = Float32Array;

/**
 * Segments where `field` (rows x cols, row-major, row 0 at the top) crosses `level`.
 * `stride`/`offset` pick one channel of an interleaved array (field[(r*cols+c)*stride+offset]).
 */
export function contourSegments(field: ArrayLike<number>, cols: number, rows: number, level: number, stride = 1, offset = 0): Segments {
  const out: number[] = [];
  const v = (r: number, c: number) => field[(r * cols + c) * stride + offset] - level;
  // t in [0, 1] where the value crosses zero between a and b.
  const cross = (a: number, b: number) => (a === b ? 0.5 : a / (a - b));
  for (let r = 0; r < rows - 1; r++) {
    for (let c = 0; c < cols - 1; c++) {
      const a = v(r, c); // top-left
      const b = v(r, c + 1); // top-right
      const d = v(r + 1, c); // bottom-left
      const e = v(r + 1, c + 1); // bottom-right
      const code = (a > 0 ? 8 : 0) | (b > 0 ? 4 : 0) | (e > 0 ? 2 : 0) | (d > 0 ? 1 : 0);
      if (code === 0 || code === 15) continue;
      // Edge points: top, right, bottom, left.
      const top = () => [c + cross(a, b), r];
      const right = () => [c + 1, r + cross(b, e)];
      const bottom = () => [c + cross(d, e), r + 1];
      const left = () => [c, r + cross(a, d)];
      const seg = (p: number[], q: number[]) => out.push(p[0], p[1], q[0], q[1]);
      switch (code) {
        case 1: case 14: seg(left(), bottom()); break;
        case 2: case 13: seg(bottom(), right()); break;
        case 3: case 12: seg(left(), right()); break;
        case 4: case 11: seg(top(), right()); break;
        case 6: case 9: seg(top(), bottom()); break;
        case 7: case 8: seg(left(), top()); break;
        case 5: {
          // Saddle: decide by the centre value.
          const centre = (a + b + d + e) / 4;
          if (centre > 0) { seg(left(), top()); seg(bottom(), right()); } else { seg(left(), bottom()); seg(top(), right()); }
          break;
        }
        case 10: {
          const centre = (a + b + d + e) / 4;
          if (centre > 0) { seg(left(), bottom()); seg(top(), right()); } else { seg(left(), top()); seg(bottom(), right()); }
          break;
        }
        default: break;
      }
    }
  }
  return Float32Array.from(out);
}
