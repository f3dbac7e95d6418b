/**
 * The training loop of one run, independent of where it runs (a trainer worker, the CLI, a
 * test): batches, the optimizer on the regularised error, validation and early stopping (PRML
 * §5.5.2), divergence, and the cost curve. The gradient comes from a gradient engine
 * (gradient.ts), the figures from evaluation.ts; the worker around it only adds timing,
 * messages and the control block.
 */
import { targetWidth } from '../engine/cost-types';
import type { Network } from '../engine/network';
import { createOptimizer, type Objective, type Optimizer } from '../engine/optimizers';
import { Rng } from '../engine/rng';
import { addWeightDecay, weightDecayMask } from '../engine/weight-decay';
import { FloatList } from '../float-list';
import type { Lab } from '../lab';
import type { CostCurve, PartMetrics, RunMetrics, RunStatus } from '../run';
import { evaluate } from './evaluation';
import { type GradientEngine, gatherRows, LocalGradient } from './gradient';

/** Where a trainer stands; `status` is running until it finishes, stops early or diverges. */
export interface TrainerState {
  status: RunStatus;
  message?: string;
  bestStep?: number;
}

/**
 * How many training samples the periodic train accuracy / RMSE is measured on, at most: enough
 * for a steady read-out, few enough that measuring costs little next to training.
 */
const TRAIN_EVAL_SAMPLES = 512;

/** Options of a trainer. */
export interface TrainerOptions {
  /** Who computes gradients (default: a LocalGradient on this thread). */
  gradient?: GradientEngine;
  /** Checked between chunks of a step; true aborts the step (params unchanged). */
  shouldAbort?: () => boolean;
  /**
   * Checked between blocks of a checkpoint's validation pass; true puts the checkpoint off until
   * the next `advance` (an AbortedError leaves the trainer as if it were still to come). A pause
   * must not wait for a pass over a large validation set: the worker asks this for pause, stop
   * and reset, and the result is the same bits, the checkpoint only later in wall time.
   */
  shouldDefer?: () => boolean;
}

/** One run's training loop. */
export class Trainer {
  readonly lab: Lab;
  readonly optimizer: Optimizer;
  /** Updates done. */
  step = 0;
  state: TrainerState = { status: 'running' };
  private readonly engine: GradientEngine;
  private readonly objective: Objective;
  private batchRng: Rng;
  private order: Int32Array;
  private cursor: number;
  private readonly xb: Float64Array;
  private readonly tb: Float64Array;
  /** The mini-batch's row numbers (null for full batches). */
  private readonly rowsOfBatch: Int32Array | null;
  /** True when the engine gathers the rows itself (gradientOfRows). */
  private readonly engineGathers: boolean;
  private batchRows: Int32Array | null = null;
  private batchX: Float64Array;
  private batchT: Float64Array;
  private batchN: number;
  private lastFinite: Float64Array;
  private startOfStep: Float64Array;
  private bestValidation = Infinity;
  private bestParams: Float64Array | null = null;
  private sinceBest = 0;
  private readonly curveSteps = new FloatList();
  private readonly curveTrain = new FloatList();
  private readonly curveValSteps = new FloatList();
  private readonly curveVal = new FloatList();
  private sumSinceReport = 0;
  private countSinceReport = 0;
  private lastTrainE = NaN;
  private trainQuality: PartMetrics | null = null;
  private validationQuality: PartMetrics | null = null;
  /** A checkpoint that was put off (shouldDefer) and is done before the next step. */
  private checkpointDue = false;
  private readonly shouldDefer?: () => boolean;

  constructor(lab: Lab, options: TrainerOptions = {}) {
    this.lab = lab;
    const tr = lab.spec.training;
    this.optimizer = createOptimizer(tr);
    this.engine = options.gradient ?? new LocalGradient(lab.net, options.shouldAbort);
    if (options.shouldDefer) this.shouldDefer = options.shouldDefer;
    const net: Network = lab.net;
    const lambda = tr.weightDecay;
    const mask = lambda > 0 ? weightDecayMask(net) : null;
    const engine = this.engine;
    // The objective of every step: E~ of the step's batch and its gradient, PRML (5.112).
    const objective: Objective = (w, grad) => {
      const e = this.batchRows
        ? engine.gradientOfRows!(w, this.batchRows, this.batchN, grad)
        : engine.gradient(w, this.batchX, this.batchT, this.batchN, grad);
      return mask ? e + addWeightDecay(w, grad, mask, lambda) : e;
    };
    // Without weight decay, the gradient step can run where the gradient is computed (on every
    // thread of a data-parallel run).
    if (lambda === 0 && engine.fusesDescent) {
      // ...which also keeps the weights before the step, in the same pass.
      const scratch = new Float64Array(net.size);
      objective.descend = (w, eta) =>
        this.batchRows
          ? engine.gradientOfRows!(w, this.batchRows, this.batchN, scratch, eta, this.startOfStep)
          : engine.gradient(w, this.batchX, this.batchT, this.batchN, scratch, eta, this.startOfStep);
    }
    this.objective = objective;
    const n = lab.data.n;
    const batch = tr.batchSize === null ? n : Math.min(tr.batchSize, n);
    this.batchRng = Rng.derive(lab.spec.seed, 'batches');
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    this.cursor = n; // forces a shuffle before the first mini-batch
    const gathers = tr.batchSize !== null && this.engine.gradientOfRows !== undefined;
    this.engineGathers = gathers;
    this.rowsOfBatch = tr.batchSize === null ? null : new Int32Array(batch);
    const own = tr.batchSize !== null && !gathers;
    this.xb = new Float64Array(own ? batch * net.inputs : 0);
    this.tb = new Float64Array(own ? batch * targetWidth(net.cost, net.outputs) : 0);
    this.batchX = lab.data.inputs;
    this.batchT = lab.data.targets;
    this.batchN = n;
    const fallback = this.engine.fallbackVectors?.();
    this.lastFinite = fallback ? fallback[0] : new Float64Array(net.size);
    this.lastFinite.set(net.params);
    this.startOfStep = fallback ? fallback[1] : new Float64Array(net.size);
  }

  /** Samples per update. */
  get batchSize(): number {
    return this.lab.spec.training.batchSize === null ? this.lab.data.n : Math.min(this.lab.spec.training.batchSize, this.lab.data.n);
  }

  /** Passes through the training set so far. */
  get epoch(): number {
    return (this.step * this.batchSize) / this.lab.data.n;
  }

  /** True once the run has finished, stopped early or diverged. */
  get done(): boolean {
    return this.state.status !== 'running';
  }

  /**
   * One update. Returns the E/N of the step's batch before the update, or NaN when the trainer
   * is already done. Throws AbortedError (params unchanged) when asked to stop mid-step.
   */
  advance(): number {
    if (this.done) return NaN;
    const tr = this.lab.spec.training;
    if (this.checkpointDue) {
      // The checkpoint of the last step, put off by a pause: first that, then (if still going) the next step.
      this.runCheckpoint();
      if (!this.done && this.step >= tr.steps) this.finish();
      if (this.done) return NaN;
    }
    if (this.step >= tr.steps) {
      this.finish();
      return NaN;
    }
    const net = this.lab.net;
    this.nextBatch();
    // The weights before the step, kept in case it diverges; a fused gradient step keeps them
    // itself, in the pass that updates them.
    if (!(this.objective.descend && this.optimizer.descends)) this.startOfStep.set(net.params);
    const e = this.optimizer.step(net.params, this.objective);
    const ePerSample = e / this.batchN;
    // Weights that overflowed show up as a non-finite E at the next step, so scanning them is
    // only needed after the last one (and when a run is stopped: see ensureFinite).
    if (!Number.isFinite(e) || (this.step + 1 >= tr.steps && !allFinite(net.params))) {
      // The weights at the start of this step already gave a non-finite E (or the update
      // overflowed): keep the last weights that gave a finite E.
      const finite = Number.isFinite(e) ? this.startOfStep : this.lastFinite;
      net.params.set(finite);
      this.state = {
        status: 'diverged',
        message: `diverged at step ${this.step + 1}: E became ${Number.isFinite(e) ? 'infinite in the weights' : e} with learning rate ${this.optimizer.learningRate}; lower the learning rate (the last finite weights are kept)`,
      };
      return NaN;
    }
    // The start of this step gave a finite E: it becomes the fallback (a swap, not a copy: the
    // other buffer is overwritten at the start of the next step anyway).
    const fallback = this.lastFinite;
    this.lastFinite = this.startOfStep;
    this.startOfStep = fallback;
    this.curveSteps.push(this.step);
    this.curveTrain.push(ePerSample);
    this.sumSinceReport += ePerSample;
    this.countSinceReport++;
    this.lastTrainE = e;
    this.step++;
    if (this.step % tr.validateEvery === 0 || this.step >= tr.steps) this.runCheckpoint();
    if (!this.done && this.step >= tr.steps) this.finish();
    return ePerSample;
  }

  /** The checkpoint, or (AbortedError from shouldDefer) a note that it is still due. */
  private runCheckpoint(): void {
    this.checkpointDue = true;
    this.checkpoint();
    this.checkpointDue = false;
  }

  /**
   * Puts back the last weights that gave a finite E if the current ones are not finite (a run
   * stopped right after an update that overflowed); returns true if it had to.
   */
  ensureFinite(): boolean {
    if (allFinite(this.lab.net.params)) return false;
    this.lab.net.params.set(this.lastFinite);
    return true;
  }

  /** Runs `steps` updates (or until done); returns the updates made. */
  run(steps: number): number {
    let made = 0;
    while (made < steps && !this.done) {
      this.advance();
      if (this.state.status !== 'diverged') made++;
    }
    return made;
  }

  /** Changes eta from the next step on. */
  setLearningRate(eta: number): void {
    if (!(eta > 0 && Number.isFinite(eta))) throw new RangeError(`learning rate must be greater than 0, got ${eta}`);
    this.optimizer.learningRate = eta;
  }

  /** Back to the initial weights and a fresh optimizer, batch order and curve. */
  reset(): void {
    const net = this.lab.net;
    net.params.set(this.lab.initial);
    this.lastFinite.set(this.lab.initial);
    this.optimizer.reset();
    this.step = 0;
    this.state = { status: 'running' };
    this.batchRng = Rng.derive(this.lab.spec.seed, 'batches');
    this.order = Int32Array.from({ length: this.lab.data.n }, (_, i) => i);
    this.cursor = this.lab.data.n;
    this.bestValidation = Infinity;
    this.bestParams = null;
    this.sinceBest = 0;
    this.drainCurve();
    this.sumSinceReport = 0;
    this.countSinceReport = 0;
    this.lastTrainE = NaN;
    this.trainQuality = null;
    this.validationQuality = null;
    this.checkpointDue = false;
  }

  /** The cost points since the last call (the run's record keeps them all; nothing is dropped). */
  drainCurve(): CostCurve {
    return {
      steps: this.curveSteps.drain(),
      train: this.curveTrain.drain(),
      validationSteps: this.curveValSteps.drain(),
      validation: this.curveVal.drain(),
    };
  }

  /** A report: train E/N averaged over the steps since the last report, plus the latest checkpoint's quality. */
  metrics(stepsPerSecond: number, seconds: number): RunMetrics {
    const avg = this.countSinceReport > 0 ? this.sumSinceReport / this.countSinceReport : this.lastTrainE / this.batchN;
    this.sumSinceReport = 0;
    this.countSinceReport = 0;
    const n = this.lab.data.n;
    const train: PartMetrics = {
      ...(this.trainQuality ?? {}),
      EPerSample: avg,
      E: avg * n,
    };
    const m: RunMetrics = { step: this.step, epoch: this.epoch, train, stepsPerSecond, seconds };
    if (this.validationQuality) m.validation = this.validationQuality;
    return m;
  }

  /** Refreshes the reported quality (training subset, validation set) of the current weights. */
  remeasure(): void {
    const lab = this.lab;
    this.trainQuality = this.measurePart('train');
    if (lab.validation.n > 0) this.validationQuality = this.measurePart('validation');
  }

  /**
   * The training subset's or the validation set's quality, on the engine's threads if it can;
   * `deferrable` lets shouldDefer abandon it between blocks.
   */
  private measurePart(part: 'train' | 'validation', deferrable = false): PartMetrics {
    const lab = this.lab;
    const engine = this.engine;
    const logits = engine.logits ? (row0: number, m: number) => engine.logits!(part, row0, m) : undefined;
    const abort = deferrable ? this.shouldDefer : undefined;
    return part === 'train'
      ? evaluate(lab.net, lab.data, TRAIN_EVAL_SAMPLES, logits, abort)
      : evaluate(lab.net, lab.validation, lab.validation.n, logits, abort);
  }

  /** Measures quality on the training subset and the validation set; applies early stopping. */
  checkpoint(): void {
    const lab = this.lab;
    // Measured before anything is kept, so a deferred checkpoint leaves no trace until redone.
    const t = this.measurePart('train', true);
    const v = lab.validation.n === 0 ? null : this.measurePart('validation', true);
    this.trainQuality = t;
    if (!v) return;
    this.validationQuality = v;
    this.curveValSteps.push(this.step);
    this.curveVal.push(v.EPerSample);
    const es = lab.spec.training.earlyStopping;
    if (!es) return;
    if (v.EPerSample < this.bestValidation) {
      this.bestValidation = v.EPerSample;
      this.bestParams = Float64Array.from(lab.net.params);
      this.state.bestStep = this.step;
      this.sinceBest = 0;
    } else if (++this.sinceBest >= es.patience && this.bestParams) {
      lab.net.params.set(this.bestParams);
      this.state = {
        status: 'finished',
        bestStep: this.state.bestStep,
        message: `early stopping at step ${this.step}: validation E/N had not improved for ${es.patience} checks; restored the weights of step ${this.state.bestStep} (validation E/N ${this.bestValidation.toPrecision(6)})`,
      };
    }
  }

  /** Ends the run normally; with early stopping, the best-validation weights are the result. */
  private finish(): void {
    const es = this.lab.spec.training.earlyStopping;
    if (es && this.bestParams && this.state.bestStep !== undefined && this.state.bestStep < this.step) {
      this.lab.net.params.set(this.bestParams);
      this.state = {
        status: 'finished',
        bestStep: this.state.bestStep,
        message: `finished ${this.step} steps; restored the weights of step ${this.state.bestStep}, the best on validation (E/N ${this.bestValidation.toPrecision(6)})`,
      };
    } else {
      this.state = { ...this.state, status: 'finished' };
    }
  }

  /** Points the batch buffers at the next batch: the whole set, or the next shuffled mini-batch. */
  private nextBatch(): void {
    const tr = this.lab.spec.training;
    const rows = this.rowsOfBatch;
    if (tr.batchSize === null || !rows) return;
    const data = this.lab.data;
    const n = data.n;
    const b = Math.min(tr.batchSize, n);
    for (let i = 0; i < b; i++) {
      if (this.cursor >= n) {
        // A new epoch: reshuffle from the run's "batches" stream (PRML §5.2.4's on-line updates).
        this.batchRng.shuffle(this.order);
        this.cursor = 0;
      }
      rows[i] = this.order[this.cursor++];
    }
    if (!this.engineGathers) gatherRows(data, rows, 0, b, this.xb, this.tb);
    this.batchRows = this.engineGathers ? rows : null;
    this.batchX = this.xb;
    this.batchT = this.tb;
    this.batchN = b;
  }
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}
