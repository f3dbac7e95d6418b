/**
 * A run's cost curve in bounded memory, whatever the run's length: the training and the
 * validation E/N against step, each a DecimatedSeries (every point while short, then the min/max
 * envelope with the first and last points exact), and an evidence run's hyperparameters at each
 * re-estimation (one per many steps, each costing a Hessian: few, so all kept). Main keeps one per run (and the project file
 * stores what it holds); the window keeps one per run it shows.
 */
import { DecimatedSeries } from './decimated-series';
import { EVIDENCE_FIELDS, type EvidenceTrace } from './evidence-training';
import { FloatList } from './float-list';
import type { CostCurve } from './run';

/** Points kept per series at most (besides the first and the last). */
export const CURVE_POINTS = 4096;

/** A bounded cost curve. */
export class CostCurveLog {
  readonly train: DecimatedSeries;
  readonly validation: DecimatedSeries;
  private ev: Record<(typeof EVIDENCE_FIELDS)[number], FloatList> | null = null;

  constructor(maxPoints = CURVE_POINTS) {
    this.train = new DecimatedSeries(maxPoints);
    this.validation = new DecimatedSeries(maxPoints);
  }

  /** Appends a piece of a curve (a progress report's points, or a stored curve); repeats are ignored. */
  append(c: CostCurve): void {
    this.train.append(c.steps, c.train);
    this.validation.append(c.validationSteps, c.validation);
    if (c.evidence && c.evidence.steps.length) {
      const ev = (this.ev ??= { steps: new FloatList(64), alpha: new FloatList(64), beta: new FloatList(64), gamma: new FloatList(64), logEvidence: new FloatList(64) });
      for (const f of EVIDENCE_FIELDS) ev[f].append(c.evidence[f]);
    }
  }

  /** The evidence history (PRML §5.7.2; views, valid until the next append), or null for other runs. */
  get evidence(): EvidenceTrace | null {
    const ev = this.ev;
    return ev && { steps: ev.steps.view, alpha: ev.alpha.view, beta: ev.beta.view, gamma: ev.gamma.view, logEvidence: ev.logEvidence.view };
  }

  /** The curve as kept. */
  curve(): CostCurve {
    const t = this.train.points();
    const v = this.validation.points();
    const curve: CostCurve = { steps: t.x, train: t.y, validationSteps: v.x, validation: v.y };
    const ev = this.ev;
    if (ev) curve.evidence = { steps: ev.steps.copy(), alpha: ev.alpha.copy(), beta: ev.beta.copy(), gamma: ev.gamma.copy(), logEvidence: ev.logEvidence.copy() };
    return curve;
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
    this.ev = null;
  }
}
