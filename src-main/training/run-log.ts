/**
 * What main keeps of a run while it trains: the whole cost curve (appended batch by batch, never
 * thinned) and a bounded set of weight snapshots spread over the run (when full, every other one
 * is dropped and the spacing doubles, so they stay evenly spread whatever the run's length).
 */
import { EVIDENCE_FIELDS } from '../../shared/evidence-training';
import type { CostCurve, WeightSnapshot } from '../../shared/run';
import type { CurvePoints } from '../../shared/trainer';

/** A growable Float64 list. */
class Series {
  private a: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.a = new Float64Array(capacity);
  }
  append(v: Float64Array): void {
    if (this.length + v.length > this.a.length) {
      const b = new Float64Array(Math.max(this.a.length * 2, this.length + v.length));
      b.set(this.a.subarray(0, this.length));
      this.a = b;
    }
    this.a.set(v, this.length);
    this.length += v.length;
  }
  clear(): void {
    this.length = 0;
  }
  copy(): Float64Array {
    return this.a.slice(0, this.length);
  }
}

/** The most snapshots kept of one run. */
export const MAX_SNAPSHOTS = 64;

/** The cost curve and snapshots of one run. */
export class RunLog {
  private readonly steps = new Series();
  private readonly train = new Series();
  private readonly valSteps = new Series(64);
  private readonly val = new Series(64);
  /** alpha, beta, gamma ... of an evidence run (PRML §5.7.2), one series per field; null until the first point. */
  private evidence: Record<(typeof EVIDENCE_FIELDS)[number], Series> | null = null;
  private snaps: WeightSnapshot[] = [];
  /** Keep a snapshot only when its step is at least this far past the last one kept. */
  private spacing = 1;

  constructor(private readonly maxSnapshots = MAX_SNAPSHOTS) {}

  /** Appends cost points (as they arrive from the worker). */
  addPoints(p: CurvePoints): void {
    this.steps.append(p.steps);
    this.train.append(p.train);
    this.valSteps.append(p.validationSteps);
    this.val.append(p.validation);
    if (p.evidence && p.evidence.steps.length) {
      const ev = (this.evidence ??= { steps: new Series(64), alpha: new Series(64), beta: new Series(64), gamma: new Series(64), logEvidence: new Series(64) });
      for (const f of EVIDENCE_FIELDS) ev[f].append(p.evidence[f]);
    }
  }

  /** Offers a snapshot; kept if it fits the current spacing. */
  addSnapshot(step: number, weights: Float64Array): void {
    const last = this.snaps.at(-1);
    if (last && step === last.step) {
      this.snaps[this.snaps.length - 1] = { step, weights };
      return;
    }
    if (last && step - last.step < this.spacing) return;
    this.snaps.push({ step, weights });
    if (this.snaps.length > this.maxSnapshots) {
      // Keep the first and every other one after it; future snapshots come twice as far apart.
      this.snaps = this.snaps.filter((_, i) => i % 2 === 0);
      this.spacing *= 2;
    }
  }

  /** Forgets everything (a reset). */
  clear(): void {
    this.steps.clear();
    this.train.clear();
    this.valSteps.clear();
    this.val.clear();
    this.evidence = null;
    this.snaps = [];
    this.spacing = 1;
  }

  /** Number of cost points so far. */
  get points(): number {
    return this.steps.length;
  }

  /** A copy of the whole curve. */
  curve(): CostCurve {
    const curve: CostCurve = { steps: this.steps.copy(), train: this.train.copy(), validationSteps: this.valSteps.copy(), validation: this.val.copy() };
    const ev = this.evidence;
    if (ev) curve.evidence = { steps: ev.steps.copy(), alpha: ev.alpha.copy(), beta: ev.beta.copy(), gamma: ev.gamma.copy(), logEvidence: ev.logEvidence.copy() };
    return curve;
  }

  /** The snapshots kept (step order). */
  snapshots(): WeightSnapshot[] {
    return [...this.snaps];
  }
}
