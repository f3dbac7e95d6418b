/**
 * What main keeps of a run while it trains: the whole cost curve (appended batch by batch, never
 * thinned) and a bounded set of weight snapshots spread over the run (when full, every other one
 * is dropped and the spacing doubles, so they stay evenly spread whatever the run's length).
 */
import { FloatList } from '../../shared/float-list';
import type { CostCurve, WeightSnapshot } from '../../shared/run';

/** The most snapshots kept of one run. */
export const MAX_SNAPSHOTS = 64;

/** The cost curve and snapshots of one run. */
export class RunLog {
  private readonly steps = new FloatList(1024);
  private readonly train = new FloatList(1024);
  private readonly valSteps = new FloatList(64);
  private readonly val = new FloatList(64);
  private snaps: WeightSnapshot[] = [];
  /** Keep a snapshot only when its step is at least this far past the last one kept. */
  private spacing = 1;

  constructor(private readonly maxSnapshots = MAX_SNAPSHOTS) {}

  /** Appends cost points (as they arrive from the worker). */
  addPoints(p: CostCurve): void {
    this.steps.append(p.steps);
    this.train.append(p.train);
    this.valSteps.append(p.validationSteps);
    this.val.append(p.validation);
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
    this.snaps = [];
    this.spacing = 1;
  }

  /** Number of cost points so far. */
  get points(): number {
    return this.steps.length;
  }

  /** A copy of the whole curve. */
  curve(): CostCurve {
    return { steps: this.steps.copy(), train: this.train.copy(), validationSteps: this.valSteps.copy(), validation: this.val.copy() };
  }

  /** The snapshots kept (step order). */
  snapshots(): WeightSnapshot[] {
    return [...this.snaps];
  }
}
