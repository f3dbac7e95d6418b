/**
 * A run's cost curve in bounded memory, whatever the run's length: the training and the
 * validation E/N against step, each a DecimatedSeries (every point while short, then the min/max
 * envelope with the first and last points exact). Main keeps one per run (and the project file
 * stores what it holds); the window keeps one per run it shows.
 */
import { DecimatedSeries } from './decimated-series';
import type { CostCurve } from './run';

/** Points kept per series at most (besides the first and the last). */
export const CURVE_POINTS = 4096;

/** A bounded cost curve. */
export class CostCurveLog {
  readonly train: DecimatedSeries;
  readonly validation: DecimatedSeries;

  constructor(maxPoints = CURVE_POINTS) {
    this.train = new DecimatedSeries(maxPoints);
    this.validation = new DecimatedSeries(maxPoints);
  }

  /** Appends a piece of a curve (a progress report's points, or a stored curve); repeats are ignored. */
  append(c: CostCurve): void {
    this.train.append(c.steps, c.train);
    this.validation.append(c.validationSteps, c.validation);
  }

  /** The curve as kept. */
  curve(): CostCurve {
    const t = this.train.points();
    const v = this.validation.points();
    return { steps: t.x, train: t.y, validationSteps: v.x, validation: v.y };
  }

  /** The largest step seen in either series (0 when empty). */
  get lastStep(): number {
    const a = this.train.count ? this.train.lastX : 0;
    const b = this.validation.count ? this.validation.lastX : 0;
    return Math.max(a, b);
  }

  /** Raw points appended to either series. */
  get count(): number {
    return this.train.count + this.validation.count;
  }

  /** Forgets every point (a reset run starts again at step 0). */
  clear(): void {
    this.train.clear();
    this.validation.clear();
  }
}
