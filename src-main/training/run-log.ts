/**
 * What main keeps of a run while it trains, in bounded memory whatever the run's length: its
 * cost curve (every point while short, then the min/max envelope: shared/cost-curve-log.ts) and
 * a bounded set of weight snapshots spread over the run (when full, every other one is dropped
 * and the spacing doubles, so they stay evenly spread).
 */
import { CostCurveLog } from '../../shared/cost-curve-log';
import type { CostCurve, WeightSnapshot } from '../../shared/run';

/** The most snapshots kept of one run. */
export const MAX_SNAPSHOTS = 64;

/** The cost curve and snapshots of one run. */
export class RunLog {
  private readonly costs = new CostCurveLog();
  private snaps: WeightSnapshot[] = [];
  /** Keep a snapshot only when its step is at least this far past the last one kept. */
  private spacing = 1;

  constructor(private readonly maxSnapshots = MAX_SNAPSHOTS) {}

  /** Appends cost points (as they arrive from the worker). */
  addPoints(p: CostCurve): void {
    this.costs.append(p);
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
    this.costs.clear();
    this.snaps = [];
    this.spacing = 1;
  }

  /** Cost points received so far (more than the curve keeps once it is long). */
  get points(): number {
    return this.costs.count;
  }

  /** The curve as kept. */
  curve(): CostCurve {
    return this.costs.curve();
  }

  /** The snapshots kept (step order). */
  snapshots(): WeightSnapshot[] {
    return [...this.snaps];
  }
}
