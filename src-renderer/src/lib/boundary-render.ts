/**
 * Drawing the 2-D data view on a canvas: the heatmap image (field-paint.ts), the decision
 * boundary and the data points on top. Pure drawing: the component decides what and when.
 */

/** A 2-D drawing context: a canvas's on the page, or an OffscreenCanvas's (in a worker too). */
export type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** A data point to draw: position in plane units, colour, and which part of the data it is in. */
export interface PlotPoints {
  /** x, y pairs in plane units. */
  xy: Float64Array;
  /** CSS colour per point. */
  colour: string[];
  part: 'train' | 'validation' | 'test';
}

/** Maps plane units to canvas pixels inside a plot rectangle. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Draws points: training filled circles, validation rings, test diamonds. */
export function drawPoints(ctx: Ctx2D, pts: PlotPoints, f: Frame, stroke: string, radius: number): void {
  const sx = f.width / (f.xMax - f.xMin);
  const sy = f.height / (f.yMax - f.yMin);
  ctx.lineWidth = 1;
  // Group by colour so each colour is one path (1,000 points stay cheap).
  const byColour = new Map<string, number[]>();
  for (let i = 0; i < pts.colour.length; i++) {
    const list = byColour.get(pts.colour[i]);
    if (list) list.push(i);
    else byColour.set(pts.colour[i], [i]);
  }
  for (const [colour, idx] of byColour) {
    ctx.beginPath();
    for (const i of idx) {
      const x = f.left + (pts.xy[2 * i] - f.xMin) * sx;
      const y = f.top + (f.yMax - pts.xy[2 * i + 1]) * sy;
      if (pts.part === 'test') {
        ctx.moveTo(x, y - radius - 1);
        ctx.lineTo(x + radius + 1, y);
        ctx.lineTo(x, y + radius + 1);
        ctx.lineTo(x - radius - 1, y);
        ctx.closePath();
      } else {
        ctx.moveTo(x + radius, y);
        ctx.arc(x, y, radius, 0, Math.PI * 2);
      }
    }
    if (pts.part === 'train') {
      ctx.fillStyle = colour;
      ctx.fill();
      ctx.strokeStyle = stroke;
      ctx.stroke();
    } else {
      // A halo first, so rings and diamonds stay visible on a region of their own colour.
      ctx.strokeStyle = stroke;
      ctx.lineWidth = 3.5;
      ctx.stroke();
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.8;
      ctx.stroke();
      ctx.lineWidth = 1;
    }
  }
}

/** Draws contour segments (grid units of a resolution-R grid) into the frame. */
export function drawSegments(ctx: Ctx2D, segs: Float32Array, R: number, f: Frame, colour: string, width: number): void {
  // Grid unit g is the centre of cell g: pixel = left + (g + 0.5) / R * width.
  const sx = f.width / R;
  const sy = f.height / R;
  ctx.beginPath();
  for (let i = 0; i < segs.length; i += 4) {
    ctx.moveTo(f.left + (segs[i] + 0.5) * sx, f.top + (segs[i + 1] + 0.5) * sy);
    ctx.lineTo(f.left + (segs[i + 2] + 0.5) * sx, f.top + (segs[i + 3] + 0.5) * sy);
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.stroke();
}
