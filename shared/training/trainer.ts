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
import { EvidenceSchedule } from '../evidence-training';
import { FloatList } from '../float-list';
import type { Lab } from '../lab';
import type { CostCurve, PartMetrics, RunMetrics, RunStatus } from '../run';
import { allFinite, divergenceMessage, divergenceThreshold } from './divergence';
import { evaluate } from './evaluation';
import { gradientEngineFor } from './fused-gradient';
import { gatherRows } from '../data/dataset';
import { flopsPerSample, type GradientEngine } from './gradient';

/** Where a trainer stands; `status` is running until it finishes, stops early or diverges. */
export interface TrainerState {
  status: RunStatus;
  message?: string;
  bestStep?: number;
}

/**
 * While a run trains, its training set is evaluated (every sample, at the current weights) at a
 * checkpoint only once the training done since the last evaluation is at least this many times
 * the evaluation's cost: the live figures then cost at most a tenth of the training. A small set
 * is evaluated at every checkpoint; an MNIST-sized one every few epochs. At the end of a run, and
 * when it pauses, it is always evaluated.
 */
const TRAIN_EVAL_EVERY_WORK = 10;

/** Options of a trainer. */
export interface TrainerOptions {
  /** Who computes gradients (default: this thread's, `gradientEngineFor`). */
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
  /**
   * Two vectors for the fallback weights when the engine offers none (fallbackVectors): a worker
   * puts them in its kernel memory, where the fused step keeps the old weights in place.
   */
  fallbackVectors?: [Float64Array, Float64Array];
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
  /** The training and validation sets' figures at the weights of step `.step`, once evaluated. */
  private trainQuality: PartMetrics | null = null;
  private validationQuality: PartMetrics | null = null;
  /** Training work (flops) since the training set was last evaluated, and one evaluation's cost. */
  private workSinceTrainEval = 0;
  private readonly trainEvalWork: number;
  private readonly stepWork: number;
  /** The step the current weights are of: this.step, or the best step once early stopping restored it. */
  private weightsStep = 0;
  /** E/N of the first step, and the threshold above which a step's E/N is divergence. */
  private divergesAboveFrom = Number.NaN;
  private divergesAbove = Number.POSITIVE_INFINITY;
  /** The weight decay the objective adds: lambda and the parameters it acts on. */
  private readonly decay: { lambda: number; mask: Uint8Array };
  /** The evidence procedure (issue 19, shared/evidence-training.ts), or null. */
  private readonly evidence: EvidenceSchedule | null;
  /** A checkpoint that was put off (shouldDefer) and is done before the next step. */
  private checkpointDue = false;
  private readonly shouldDefer?: () => boolean;

  constructor(lab: Lab, options: TrainerOptions = {}) {
    this.lab = lab;
    const tr = lab.spec.training;
    this.optimizer = createOptimizer(tr);
    // Issue 17: the fused WebAssembly engine where it can run (same bits), else LocalGradient.
    this.engine = options.gradient ?? gradientEngineFor(lab.net, options.shouldAbort, tr.precision, { train: lab.data, validation: lab.validation });
    if (options.shouldDefer) this.shouldDefer = options.shouldDefer;
    const net: Network = lab.net;
    this.stepWork = flopsPerSample(net);
    // Evaluating is a forward pass: about a third of a step's work per sample.
    this.trainEvalWork = (lab.data.n * this.stepWork) / 3;
    // With the evidence procedure the decay is alpha/beta on every parameter (the prior of PRML
    // (5.162)), re-estimated as the run goes; otherwise the spec's lambda, on weights only.
    this.evidence = tr.evidence ? new EvidenceSchedule(net, lab.data, tr.evidence) : null;
    this.decay = this.evidence
      ? { lambda: this.evidence.weightDecay, mask: new Uint8Array(net.size).fill(1) }
      : { lambda: tr.weightDecay, mask: weightDecayMask(net) };
    this.evidence?.begin();
    const engine = this.engine;
    // The objective of every step: E~ of the step's batch and its gradient, PRML (5.112).
    const objective: Objective = (w, grad) => {
      const e = this.batchRows
        ? engine.gradientOfRows!(w, this.batchRows, this.batchN, grad)
        : engine.gradient(w, this.batchX, this.batchT, this.batchN, grad);
      const { lambda, mask } = this.decay;
      return lambda > 0 ? e + addWeightDecay(w, grad, mask, lambda) : e;
    };
    // Without weight decay, the gradient step can run where the gradient is computed (on every
    // thread of a data-parallel run).
    if (tr.weightDecay === 0 && !this.evidence && engine.fusesDescent) {
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
    const fallback = this.engine.fallbackVectors?.() ?? options.fallbackVectors;
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
    if (this.step === 0) {
      this.divergesAboveFrom = ePerSample;
      this.divergesAbove = divergenceThreshold(ePerSample);
    }
    // Weights that overflowed show up as a non-finite E at the next step, so scanning them is
    // only needed after the last one (and when a run is stopped: see ensureFinite).
    const overflowed = this.step + 1 >= tr.steps && Number.isFinite(e) && !allFinite(net.params);
    if (!Number.isFinite(e) || ePerSample > this.divergesAbove || overflowed) {
      // The weights at the start of this step already gave a non-finite or runaway E (or the
      // update overflowed): keep the last weights that were good.
      net.params.set(overflowed ? this.startOfStep : this.lastFinite);
      const optimizer = { name: this.optimizer.name, learningRate: this.optimizer.learningRate };
      const message = divergenceMessage({ step: this.step, e, ePerSample, startEPerSample: this.divergesAboveFrom, overflowed, optimizer, data: this.lab.data });
      this.state = { status: 'diverged', message };
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
    this.workSinceTrainEval += this.stepWork * this.batchN;
    this.step++;
    this.weightsStep = this.step;
    if (this.evidence && this.step % this.evidence.every === 0) {
      // Re-estimate alpha and beta (PRML §5.7.2); the objective changed, so the optimizer's
      // memory of it (SCG's, L-BFGS's) starts afresh.
      this.decay.lambda = this.evidence.reestimate(this.step);
      this.optimizer.reset();
    }
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
    this.workSinceTrainEval = 0;
    this.weightsStep = 0;
    this.checkpointDue = false;
    if (this.evidence) {
      this.evidence.reset();
      this.decay.lambda = this.evidence.weightDecay;
      this.evidence.begin();
    }
  }

  /** The cost points since the last call (the run's record keeps them all; nothing is dropped). */
  drainCurve(): CostCurve {
    return {
      steps: this.curveSteps.drain(),
      train: this.curveTrain.drain(),
      validationSteps: this.curveValSteps.drain(),
      validation: this.curveVal.drain(),
      ...(this.evidence ? { evidence: this.evidence.drain() } : {}),
    };
  }

  /**
   * A report: E/N averaged over the batches since the last report (`recent`: the live estimate),
   * and the training and validation sets' figures as last evaluated (each says its step).
   */
  metrics(stepsPerSecond: number, seconds: number): RunMetrics {
    const recent = this.countSinceReport > 0 ? this.sumSinceReport / this.countSinceReport : this.lastTrainE / this.batchN;
    this.sumSinceReport = 0;
    this.countSinceReport = 0;
    const m: RunMetrics = { step: this.step, epoch: this.epoch, stepsPerSecond, seconds };
    if (Number.isFinite(recent)) m.recent = recent;
    if (this.trainQuality) m.train = this.trainQuality;
    if (this.validationQuality) m.validation = this.validationQuality;
    return m;
  }

  /**
   * Evaluates the current weights on every sample of the training and the validation set.
   * `shouldAbort`, asked between blocks, abandons it (AbortedError; the figures kept are as
   * before): a paused run measures while it waits, and a resume or a step must not wait for that.
   */
  remeasure(shouldAbort?: () => boolean): void {
    const lab = this.lab;
    const t = this.measurePart('train', shouldAbort);
    const v = lab.validation.n > 0 ? this.measurePart('validation', shouldAbort) : null;
    this.trainQuality = t;
    this.workSinceTrainEval = 0;
    if (v) this.validationQuality = v;
  }

  /**
   * The training or validation set's figures at the current weights, on every sample, on the
   * engine's threads if it can; `abort`, asked between blocks, abandons it (AbortedError).
   */
  private measurePart(part: 'train' | 'validation', abort?: () => boolean): PartMetrics {
    const lab = this.lab;
    const engine = this.engine;
    const logits = engine.logits ? (row0: number, m: number) => engine.logits!(part, row0, m) : undefined;
    const data = part === 'train' ? lab.data : lab.validation;
    return { ...evaluate(lab.net, data, data.n, logits, abort), step: this.weightsStep };
  }

  /**
   * At a checkpoint: evaluates the validation set (the early-stopping rule needs it) and, when it
   * costs little next to the training done since it last was (TRAIN_EVAL_EVERY_WORK), the
   * training set; applies early stopping.
   */
  checkpoint(): void {
    const lab = this.lab;
    // Measured before anything is kept, so a deferred checkpoint leaves no trace until redone.
    const due = !this.trainQuality || this.workSinceTrainEval >= TRAIN_EVAL_EVERY_WORK * this.trainEvalWork;
    const t = due ? this.measurePart('train', this.shouldDefer) : this.trainQuality;
    const v = lab.validation.n === 0 ? null : this.measurePart('validation', this.shouldDefer);
    this.trainQuality = t;
    if (due) this.workSinceTrainEval = 0;
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
      this.weightsStep = this.state.bestStep ?? this.weightsStep;
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
      this.weightsStep = this.state.bestStep;
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
