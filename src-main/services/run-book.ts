/**
 * The book of a project's runs: every run in creation order, whether it is live on the training
 * service or was read from the project file (ended), and what exporting its weights needs.
 * Adding, listing, reading, deleting and replacing runs all happen here, so the project service
 * never has to ask "is this run live or stored?" itself.
 */
import type { Dataset } from '../../shared/data/dataset';
import { NotAvailable } from '../../shared/errors';
import type { RunDetail } from '../../shared/ipc';
import { isFinal, type RunRecord, type RunSummary, summarizeRun } from '../../shared/run';
import { isCsvData } from '../../shared/spec';
import { generateBuiltin } from '../../shared/data/builtin';
import type { WeightsMeta } from '../../shared/weights-format';
import type { ProjectRun } from '../storage/project';
import { preparedParts } from '../training/parts-cache';
import type { TrainingService } from '../training/training-service';

/** The runs of one project. */
export class RunBook {
  /** Run ids in creation order. */
  private order: string[] = [];
  /** Ended runs read from the project file (live runs are on the training service). */
  private stored = new Map<string, ProjectRun>();
  /** What exporting each run's weights needs (column names, normalisation), once known. */
  private metas = new Map<string, WeightsMeta>();

  constructor(private readonly training: TrainingService) {}

  /** Every run id, oldest first. */
  get ids(): readonly string[] {
    return this.order;
  }

  /** Forgets the current runs (live ones are stopped and removed) and takes `runs` from a file. */
  async replace(runs: readonly ProjectRun[]): Promise<void> {
    const live = this.order.filter((id) => this.isLive(id));
    // Forgotten runs need no final figures: they end as soon as their steps do.
    await Promise.all(live.filter((id) => !isFinal(this.training.status(id))).map((id) => this.training.stop(id, { measure: false })));
    for (const id of live) this.training.remove(id);
    this.order = runs.map((r) => r.id);
    this.stored = new Map(runs.map((r) => [r.id, r]));
    this.metas = new Map(runs.flatMap((r) => (r.weightsMeta ? [[r.id, r.weightsMeta] as const] : [])));
  }

  /** Adds ended runs read from the project file (another program saved them there). */
  adopt(runs: readonly ProjectRun[]): void {
    for (const r of runs) {
      if (this.has(r.id)) continue;
      this.order.push(r.id);
      this.stored.set(r.id, r);
      if (r.weightsMeta) this.metas.set(r.id, r.weightsMeta);
    }
  }

  /** Adds runs just started on the training service. */
  add(...ids: string[]): void {
    this.order.push(...ids);
  }

  /** True when `id` is a run of this project. */
  has(id: string): boolean {
    return this.order.includes(id);
  }

  /** The number the next run gets: one more than the largest of the project's runs (deleted ones' numbers are not reused while a larger one is there). */
  nextNumber(): number {
    return Math.max(0, ...this.order.map((id) => this.summary(id).number)) + 1;
  }

  /** True when the run is on the training service (it may still have ended). */
  isLive(id: string): boolean {
    return !this.stored.has(id) && this.training.list().includes(id);
  }

  /** The run's record; NotAvailable when the project has no such run. */
  record(id: string): RunRecord {
    if (!this.has(id)) throw new NotAvailable(`there is no run "${id}" in this project`);
    return this.stored.get(id) ?? this.training.record(id);
  }

  /** Throws unless the run is live (it can still be paused, stepped, reset). */
  requireLive(id: string): void {
    this.record(id);
    if (!this.isLive(id)) throw new NotAvailable('this run was loaded from the project file and has ended: start a new run');
  }

  /** The run as lists show it. */
  summary(id: string): RunSummary {
    const s = this.stored.get(id);
    return s ? summarizeRun(s) : this.training.summary(id);
  }

  /** Every run as lists show it, oldest first. */
  summaries(): RunSummary[] {
    return this.order.map((id) => this.summary(id));
  }

  /** The run's latest weights: live ones as they stand, else its final (or initial) weights. */
  latestWeights(id: string): Float64Array {
    const r = this.record(id);
    return this.isLive(id) ? this.training.weights(id) : (r.finalWeights ?? r.initialWeights);
  }

  /**
   * What exporting the run's weights needs: the column names, normalisation and class labels of
   * the data it trained on (`raw` is the project's raw dataset, for CSV data).
   */
  weightsMeta(id: string, raw: Dataset): WeightsMeta {
    const known = this.metas.get(id);
    if (known) return known;
    const spec = this.record(id).spec;
    const data = isCsvData(spec.data) ? raw : generateBuiltin(spec.data.builtin, spec.data.n, spec.seed, spec.data);
    const parts = preparedParts.get(spec, data);
    const meta: WeightsMeta = {
      inputs: parts.train.inputNames,
      outputs: parts.train.targetNames,
      normalization: parts.normalization,
      ...(parts.train.classLabels ? { classLabels: parts.train.classLabels } : {}),
    };
    this.metas.set(id, meta);
    return meta;
  }

  /** Every run as the project file keeps it (live ones as they stand now). */
  records(raw: Dataset): ProjectRun[] {
    return this.order.map((id) => {
      const r = this.record(id);
      let weightsMeta: WeightsMeta | null = null;
      try {
        weightsMeta = this.weightsMeta(id, raw);
      } catch {
        // The run's spec no longer fits the data (it cannot have trained): nothing to export.
      }
      return { ...r, weightsMeta };
    });
  }

  // -- the controls of a live run (each refused for a run that has ended or was read from the file) --

  /** Pauses a run after its current step. */
  pause(id: string): null {
    this.requireLive(id);
    this.training.pause(id);
    return null;
  }

  /** Resumes a paused run. */
  resume(id: string): null {
    this.requireLive(id);
    this.training.resume(id);
    return null;
  }

  /** Lets a paused run take `steps` steps (default 1), or one epoch's worth. */
  step(id: string, steps?: number, epoch?: boolean): null {
    this.requireLive(id);
    this.training.step(id, epoch ? this.training.stepsPerEpoch(id) : (steps ?? 1));
    return null;
  }

  /** Stops a run for good; resolves with its summary once it has ended. */
  async stop(id: string): Promise<RunSummary> {
    this.requireLive(id);
    await this.training.stop(id);
    return this.summary(id);
  }

  /** Back to the run's initial weights, paused at step 0. */
  reset(id: string): null {
    this.requireLive(id);
    this.training.reset(id);
    return null;
  }

  /** The learning rate from the next step, and a speed limit (steps per second; 0 = none). */
  setSettings(id: string, learningRate?: number, speed?: number): null {
    this.requireLive(id);
    if (learningRate !== undefined) this.training.setLearningRate(id, learningRate);
    if (speed !== undefined) this.training.setSpeed(id, speed);
    return null;
  }

  /** A run with its whole curve, its initial and latest weights and its snapshots. */
  detail(id: string): RunDetail {
    const r = this.record(id);
    return { ...this.summary(id), curve: r.curve, initialWeights: r.initialWeights, weights: this.latestWeights(id), snapshots: r.snapshots };
  }

  /** Removes a run (stopping it first if it is still going). */
  async delete(id: string): Promise<void> {
    this.record(id);
    if (this.isLive(id)) {
      if (!isFinal(this.training.status(id))) await this.training.stop(id, { measure: false });
      this.training.remove(id);
    }
    this.stored.delete(id);
    this.metas.delete(id);
    this.order = this.order.filter((r) => r !== id);
  }
}
