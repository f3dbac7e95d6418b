/**
 * A run's whole cost curve in the renderer, kept in full (never thinned): growable Float64Arrays
 * of (step, E/N) for training and for validation. The chart downsamples what it shows
 * (downsample.ts); this keeps everything, so zooming in always finds the real points.
 */
import { FloatList } from '@shared/float-list';
import type { CostCurve } from '@shared/run';

/** A growable list of (x, y) pairs; x is expected to increase. */
export class PointList {
  private readonly xs = new FloatList(1024);
  private readonly ys = new FloatList(1024);

  /** Number of points held. */
  get length(): number {
    return this.xs.length;
  }

  /**
   * Appends the pairs (x[i], y[i]) whose x is beyond the last one held: appending the same
   * points twice (a stored curve, then events that overlap it) keeps one copy.
   */
  append(x: Float64Array, y: Float64Array): void {
    const n = Math.min(x.length, y.length);
    let from = 0;
    if (this.length) {
      const last = this.xs.last;
      while (from < n && x[from] <= last) from++;
    }
    if (from >= n) return;
    this.xs.append(x.subarray(0, n), from);
    this.ys.append(y.subarray(0, n), from);
  }

  /** The x values held (a view, valid until the next append). */
  get x(): Float64Array {
    return this.xs.view;
  }

  /** The y values held (a view, valid until the next append). */
  get y(): Float64Array {
    return this.ys.view;
  }

  /** The last x, or NaN when empty. */
  get lastX(): number {
    return this.xs.last;
  }

  /** The last y, or NaN when empty. */
  get lastY(): number {
    return this.ys.last;
  }

  /** Forgets every point. */
  clear(): void {
    this.xs.clear();
    this.ys.clear();
  }
}

/** Training and validation E/N against step for one run (and alpha, beta, gamma of an evidence run). */
export class CurveBuffer {
  readonly train = new PointList();
  readonly validation = new PointList();
  /** The evidence procedure's hyperparameters at each re-estimation (PRML §5.7.2); empty for other runs. */
  readonly alpha = new PointList();
  readonly beta = new PointList();
  readonly gamma = new PointList();

  /** Appends the points of a progress event (or of a stored curve). */
  append(points: CostCurve): void {
    this.train.append(points.steps, points.train);
    this.validation.append(points.validationSteps, points.validation);
    const ev = points.evidence;
    if (ev) {
      this.alpha.append(ev.steps, ev.alpha);
      this.beta.append(ev.steps, ev.beta);
      this.gamma.append(ev.steps, ev.gamma);
    }
  }

  /** The largest step seen in either series (0 when empty). */
  get lastStep(): number {
    const a = this.train.length ? this.train.lastX : 0;
    const b = this.validation.length ? this.validation.lastX : 0;
    return Math.max(a, b);
  }

  /** Total points held. */
  get size(): number {
    return this.train.length + this.validation.length;
  }

  /** Forgets every point (a reset run starts again at step 0). */
  clear(): void {
    this.train.clear();
    this.validation.clear();
    this.alpha.clear();
    this.beta.clear();
    this.gamma.clear();
  }
}
