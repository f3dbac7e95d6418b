/**
 * The learning animation the seed post showed: the decision boundary (two or more inputs) or the
 * regression curve (one input) at each weight snapshot a run kept, from its initial weights to
 * its last, drawn with the renderer's engine on OffscreenCanvases and encoded as an animated GIF.
 * It runs in a view worker (view-compute.ts), so a long animation never holds the window; the
 * points drawn are the window's sample of the data (DatasetPayload).
 */
import { taskOf } from '@shared/engine/cost-types';
import { networkFor } from '@shared/lab';
import type { WeightSnapshot } from '@shared/run';
import type { AnimationSource } from './view-protocol';
import { type Ctx2D, drawPoints, drawSegments, type Frame, type PlotPoints } from './boundary-render';
import { classColor, type Rgb } from './colormap';
import { boundarySegments, type FieldMode, paintField } from './field-paint';
import { encodeGif, type GifFrame } from './gif-encoder';
import { axisRange, padRange } from './plane';
import { evaluatePlaneField } from './plane-field';


/** Grid points per side of the heatmap. */
const RESOLUTION = 80;
/** Most frames in one animation (snapshots are thinned evenly, keeping the first and last). */
export const MAX_FRAMES = 60;

/** The weight vectors to draw, by step: initial, kept snapshots, final; duplicates dropped, evenly thinned. */
export function animationSteps(src: Pick<AnimationSource, 'initialWeights' | 'snapshots' | 'weights' | 'finalStep'>, max = MAX_FRAMES): WeightSnapshot[] {
  const all: WeightSnapshot[] = [{ step: 0, weights: src.initialWeights }];
  for (const s of [...src.snapshots].sort((a, b) => a.step - b.step)) {
    if (s.step > all[all.length - 1].step) all.push(s);
  }
  if (src.finalStep > all[all.length - 1].step) all.push({ step: src.finalStep, weights: src.weights });
  if (all.length <= max) return all;
  const out: WeightSnapshot[] = [];
  for (let i = 0; i < max; i++) out.push(all[Math.round((i * (all.length - 1)) / (max - 1))]);
  return out;
}

/** Draws one frame of a 2-D (boundary) animation. */
function drawPlane(ctx: Ctx2D, src: AnimationSource, weights: Float64Array, size: number, top: number): void {
  const d = src.data;
  const inputs = d.inputNames.length;
  const k = d.targetNames.length;
  const net = networkFor(src.spec, inputs, k);
  net.params.set(weights);
  const r = d.inputStats;
  const [xMin, xMax] = axisRange(r.min[0], r.max[0]);
  const [yMin, yMax] = axisRange(r.min[1], r.max[1]);
  const plane = { xFeature: 0, yFeature: 1, xMin, xMax, yMin, yMax, resolution: RESOLUTION, fixed: Float64Array.from(r.mean) };
  const field = evaluatePlaneField(net, plane);
  const task = taskOf(src.spec.network.output.cost);
  const mode: FieldMode = task === 'multiclass' ? 'multiclass' : task === 'binary' ? 'binary' : 'value';
  const bg: Rgb = [255, 255, 255];
  const heat = new OffscreenCanvas(RESOLUTION, RESOLUTION);
  const hctx = heat.getContext('2d') as OffscreenCanvasRenderingContext2D;
  const img = hctx.createImageData(RESOLUTION, RESOLUTION);
  paintField(img.data, field, { mode, output: 0, discretise: false, background: bg });
  hctx.putImageData(img, 0, 0);
  const f: Frame = { left: 0, top, width: size, height: size, xMin, xMax, yMin, yMax };
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(heat, f.left, f.top, f.width, f.height);
  for (const segs of boundarySegments(field, mode, 0)) drawSegments(ctx, segs, RESOLUTION, f, '#1b1e23', 2);
  const t = d.train;
  const xy = new Float64Array(t.n * 2);
  const colour: string[] = new Array(t.n);
  for (let i = 0; i < t.n; i++) {
    xy[2 * i] = t.inputs[i * inputs];
    xy[2 * i + 1] = t.inputs[i * inputs + 1];
    if (mode === 'multiclass') {
      let best = 0;
      for (let j = 1; j < k; j++) if (t.targets[i * k + j] > t.targets[i * k + best]) best = j;
      colour[i] = classColor(best, k);
    } else colour[i] = classColor(t.targets[i * k] > 0.5 ? 1 : 0, 2);
  }
  const pts: PlotPoints = { xy, colour, part: 'train' };
  drawPoints(ctx, pts, f, 'rgba(255,255,255,0.9)', 2.5);
}

/** Draws one frame of a 1-D (curve) animation. */
function drawCurve(ctx: Ctx2D, src: AnimationSource, weights: Float64Array, width: number, height: number, top: number): void {
  const d = src.data;
  const k = d.targetNames.length;
  const net = networkFor(src.spec, 1, k);
  net.params.set(weights);
  const parts = [d.train, d.validation, d.test];
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const p of parts) for (let i = 0; i < p.n; i++) {
    x0 = Math.min(x0, p.inputs[i]);
    x1 = Math.max(x1, p.inputs[i]);
    y0 = Math.min(y0, p.targets[i * k]);
    y1 = Math.max(y1, p.targets[i * k]);
  }
  if (!(x1 > x0)) [x0, x1] = [0, 1];
  if (!(y1 > y0)) [y0, y1] = [-1, 1];
  [x0, x1] = padRange(x0, x1, 0.04);
  [y0, y1] = padRange(y0, y1, 0.25);
  const X = (x: number) => ((x - x0) / (x1 - x0)) * width;
  const Y = (y: number) => top + ((y1 - y) / (y1 - y0)) * height;
  ctx.fillStyle = '#4a5a6a';
  for (let i = 0; i < d.train.n; i++) {
    ctx.beginPath();
    ctx.arc(X(d.train.inputs[i]), Y(d.train.targets[i * k]), 3, 0, Math.PI * 2);
    ctx.fill();
  }
  const samples = 200;
  const xs = Float64Array.from({ length: samples }, (_, i) => x0 + ((x1 - x0) * i) / (samples - 1));
  const y = net.predict(xs, samples);
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, top, width, height);
  ctx.clip();
  ctx.strokeStyle = '#d1452b';
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  for (let i = 0; i < samples; i++) {
    if (i === 0) ctx.moveTo(X(xs[i]), Y(y[i * k]));
    else ctx.lineTo(X(xs[i]), Y(y[i * k]));
  }
  ctx.stroke();
  ctx.restore();
}

/** Progress of an encoding: frames drawn so far of the total. */
export type AnimationProgress = (done: number, total: number) => void;

/** Renders the animation frames and encodes the GIF, saying after each frame how far it got. */
export async function learningAnimationGif(src: AnimationSource, onProgress?: AnimationProgress): Promise<{ bytes: Uint8Array; frames: number }> {
  const inputs = src.data.inputNames.length;
  const net = networkFor(src.spec, inputs, src.data.targetNames.length);
  if (net.size !== src.weights.length) throw new Error(`${src.label}'s network does not fit the project's current data (it was trained on other inputs or outputs)`);
  const steps = animationSteps(src);
  if (steps.length < 2) throw new Error(`${src.label} has no weights beyond its initial ones to animate: train it first`);
  const caption = 22;
  const width = inputs >= 2 ? 360 : 480;
  const plotHeight = inputs >= 2 ? 360 : 320;
  const height = plotHeight + caption;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D;
  const frames: GifFrame[] = [];
  for (let i = 0; i < steps.length; i++) {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    if (inputs >= 2) drawPlane(ctx, src, steps[i].weights, width, caption);
    else drawCurve(ctx, src, steps[i].weights, width, plotHeight, caption);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, caption);
    ctx.fillStyle = '#22262d';
    ctx.font = '13px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.fillText(`${src.label} · step ${steps[i].step.toLocaleString('en-US')}`, 6, 15);
    ctx.strokeStyle = '#d9dde3';
    ctx.strokeRect(0.5, caption + 0.5, width - 1, plotHeight - 1);
    frames.push({ rgba: ctx.getImageData(0, 0, width, height).data, delayMs: i === steps.length - 1 ? 1500 : i === 0 ? 600 : 120 });
    onProgress?.(i + 1, steps.length);
    // Lets progress messages out (and, run on the page's thread, lets the page paint).
    await new Promise((r) => setTimeout(r, 0));
  }
  return { bytes: encodeGif(width, height, frames), frames: frames.length };
}
