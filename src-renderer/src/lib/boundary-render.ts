/**
 * Drawing the 2-D data view on a canvas: the network's field over the plane as a heatmap
 * (probability of class 1, regions of the most probable class shaded by confidence, or a
 * regression output), the decision boundary, and the data points on top. Pure drawing: the
 * component decides what and when.
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

/** Fills `img` (R x R) with the field's colours. */
export function paintField(img: ImageData, field: PlaneField, o: HeatOptions): void {
  const R = field.resolution;
  const k = field.outputs;
  const y = field.y;
  const px = img.data;
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
  const lut = divergingLut(o.background, 0.8);
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
export function drawPoints(ctx: CanvasRenderingContext2D, pts: PlotPoints, f: Frame, stroke: string, radius: number): void {
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
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.stroke();
      ctx.lineWidth = 1;
    }
  }
}

/** Draws contour segments (grid units of a resolution-R grid) into the frame. */
export function drawSegments(ctx: CanvasRenderingContext2D, segs: Float32Array, R: number, f: Frame, colour: string, width: number): void {
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
