/**
 * The training loop of one run, independent of where it runs (a trainer worker, the CLI, a
 * test): batches, the optimizer, weight decay, validation and early stopping, divergence, and
 * the cost curve. The worker around it only adds timing, messages and the control block.
 */
import { targetWidth, taskOf } from './engine/costs';
import { conditionalMeanRmse } from './engine/mdn';
import { accuracy, rmse } from './engine/metrics';
import type { Network } from './engine/network';
import { createOptimizer, type Objective, type Optimizer } from './engine/optimizers';
import { descend, descendSum } from './engine/optimizers/gradient-descent';
import { Rng } from './engine/rng';
import type { Dataset } from './data/dataset';
import type { Lab } from './lab';
import type { PartMetrics, RunMetrics, RunStatus } from './run';
import { gradientEngineFor } from './engine/wasm/fused-gradient';

/** Thrown by a gradient computation that was asked to stop part-way through a step. */
export class AbortedError extends Error {
  override name = 'AbortedError';
  constructor() {
    super('the step was interrupted');
  }
}

/**
 * Computes dE/dw summed over rows [0, n) of x (n x inputs) and t (n x outputs) at parameters w,
 * into `grad`, and returns E. Throws AbortedError if asked to stop part-way.
 */
export interface GradientEngine {
  /**
   * With `descent` (eta), the engine instead takes the plain gradient step w <- w - eta dE/dw
   * in place (Objective.descend), when it says so in `fusesDescent`; `grad` is then its scratch
   * and need not hold the gradient afterwards.
   */
  gradient(w: Float64Array, x: Float64Array, t: Float64Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number;
  /**
   * True when `gradient` and `gradientOfRows` honour `descent`, and `keep`: a vector that
   * receives the weights before the step (the trainer's fallback should the step diverge).
   */
  readonly fusesDescent?: boolean;
  /**
   * Optional: two vectors the trainer keeps its fallback weights in; given as `keep`, the
   * engine fills them on its threads (the data-parallel engine's live in its shared block).
   */
  fallbackVectors?(): [Float64Array, Float64Array];
  /**
   * Optional: the gradient of the training rows listed in `rows` (n of them, in order), which
   * the engine gathers itself (the data-parallel engine: each thread gathers its own chunks).
   * The same bits as `gradient` on the gathered batch.
   */
  gradientOfRows?(w: Float64Array, rows: Int32Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number;
  /**
   * Optional: the logits (n x outputs) of rows [row0, row0 + n) of the training or validation
   * split at the current weights, computed across threads; n at most EVAL_ROWS. Valid until
   * the next call.
   */
  logits?(part: 'train' | 'validation', row0: number, n: number): Float64Array;
}

/** Rows forward-propagated at once when measuring a split: bounds the workspace. */
export const EVAL_ROWS = 1024;

/** How a batch is cut into chunks: `chunks` pieces of `rows` rows (the last may be shorter). */
export interface ChunkPlan {
  chunks: number;
  rows: number;
}

/** The most chunks a batch is cut into for parallelism alone (more only to bound a chunk's time). */
export const MAX_PARALLEL_CHUNKS = 4;
/** A chunk should carry at least this much work for splitting to pay (~1 ms). */
const MIN_CHUNK_FLOPS = 16e6;
/** ...and at most this much, so a stop request is seen within ~50 ms even on full batches. */
const MAX_CHUNK_FLOPS = 1e8;

/** Multiply-adds x 2 of one sample's forward and backward pass (about 3 products per layer). */
export function flopsPerSample(net: Network): number {
  let f = 0;
  for (const l of net.layers) f += 6 * l.inputs * l.units;
  return f;
}

/**
 * The chunks a batch of n rows is cut into. It depends only on the batch and the network, never
 * on how many threads run it, so the gradient (summed chunk by chunk in a fixed order) is the
 * same bits on 1, 2 or 4 threads. Small batches stay whole: splitting costs more than it saves.
 */
export function chunkPlan(n: number, perSample: number): ChunkPlan {
  const flops = n * perSample;
  const forParallel = Math.min(MAX_PARALLEL_CHUNKS, Math.floor(flops / MIN_CHUNK_FLOPS));
  const forLatency = Math.ceil(flops / MAX_CHUNK_FLOPS);
  const chunks = Math.max(1, Math.min(n, Math.max(forParallel, forLatency)));
  return { chunks, rows: Math.ceil(n / chunks) };
}

/**
 * How chunk gradients are added up, whatever the number of threads: chunk c belongs to lane
 * c mod LANES; each lane sums its chunks in chunk order (c, c + 2, c + 4, ...), and the gradient
 * is lane 0 + lane 1. Two lanes let two threads each add their chunks straight into their own
 * lane as they compute them (Network.gradientInto), leaving one cheap pass to join the lanes;
 * one thread and four threads follow the same order, so all give the same bits.
 */
export const LANES = 2;

/**
 * The gradient on this thread: the batch cut by `chunkPlan`, each chunk's gradient added into
 * its lane (see LANES) as it is computed, with a stop check between chunks.
 */
export class LocalGradient implements GradientEngine {
  readonly fusesDescent = true;
  private readonly perSample: number;
  /** Lane 1's sum (lane 0 sums straight into the caller's vector). */
  private lane1 = new Float64Array(0);
  constructor(private readonly net: Network, private readonly shouldAbort: () => boolean = () => false) {
    this.perSample = flopsPerSample(net);
  }

  gradient(w: Float64Array, x: Float64Array, t: Float64Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number {
    return this.sum(w, x, t, n, grad, descent, keep);
  }

  /** The gradient into `grad`; with `descent`, the step instead (the lanes summed in its pass). */
  private sum(w: Float64Array, x: Float64Array, t: Float64Array, n: number, grad: Float64Array, descent?: number, keep?: Float64Array): number {
    const net = this.net;
    const restore = w === net.params ? null : Float64Array.from(net.params);
    if (restore) net.params.set(w);
    try {
      const { chunks, rows } = chunkPlan(n, this.perSample);
      if (chunks === 1) {
        const e = net.gradientInto(x, t, n, grad, false);
        if (descent !== undefined) descend(w, grad, descent, 0, w.length, keep);
        return e;
      }
      if (this.lane1.length !== grad.length) this.lane1 = new Float64Array(grad.length);
      const lane1 = this.lane1;
      const d = net.inputs;
      const k = targetWidth(net.cost, net.outputs);
      let e = 0;
      for (let c = 0; c < chunks; c++) {
        if (this.shouldAbort()) throw new AbortedError();
        const r0 = c * rows;
        const m = Math.min(rows, n - r0);
        const into = c % LANES === 0 ? grad : lane1;
        e += net.gradientInto(x.subarray(r0 * d, (r0 + m) * d), t.subarray(r0 * k, (r0 + m) * k), m, into, c >= LANES);
      }
      if (descent !== undefined) descendSum(w, grad, lane1, descent, 0, w.length, keep);
      else for (let i = 0; i < grad.length; i++) grad[i] += lane1[i];
      return e;
    } finally {
      if (restore) net.params.set(restore);
    }
  }
}

/** Where a trainer stands; `status` is running until it finishes, stops early or diverges. */
export interface TrainerState {
  status: RunStatus;
  message?: string;
  bestStep?: number;
}

/** Cost points gathered since the last `drainCurve`, ready to send (E/N values). */
export interface CurvePoints {
  steps: Float64Array;
  train: Float64Array;
  validationSteps: Float64Array;
  validation: Float64Array;
}

/**
 * How many training samples the periodic train accuracy / RMSE is measured on, at most: enough
 * for a steady read-out, few enough that measuring costs little next to training.
 */
const TRAIN_EVAL_SAMPLES = 512;

/** A growable list of doubles, drained into a Float64Array. */
class DoubleList {
  private a = new Float64Array(256);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
  drain(): Float64Array {
    const out = this.a.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

/** Options of a trainer. */
export interface TrainerOptions {
  /** Who computes gradients (default: this thread's, `gradientEngineFor`). */
  gradient?: GradientEngine;
  /** Checked between chunks of a step; true aborts the step (params unchanged). */
  shouldAbort?: () => boolean;
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
  private readonly weightMask: Uint8Array;
  private lastFinite: Float64Array;
  private startOfStep: Float64Array;
  private bestValidation = Infinity;
  private bestParams: Float64Array | null = null;
  private sinceBest = 0;
  private readonly curveSteps = new DoubleList();
  private readonly curveTrain = new DoubleList();
  private readonly curveValSteps = new DoubleList();
  private readonly curveVal = new DoubleList();
  private sumSinceReport = 0;
  private countSinceReport = 0;
  private lastTrainE = NaN;
  private trainQuality: PartMetrics | null = null;
  private validationQuality: PartMetrics | null = null;

  constructor(lab: Lab, options: TrainerOptions = {}) {
    this.lab = lab;
    const tr = lab.spec.training;
    this.optimizer = createOptimizer(tr);
    // Issue 17: the fused WebAssembly engine where it can run (same bits), else LocalGradient.
    this.engine = options.gradient ?? gradientEngineFor(lab.net, options.shouldAbort, tr.precision);
    const net = lab.net;
    // Weight decay acts on weights only, not biases (PRML (5.112) and the consistency argument of §5.5.1).
    this.weightMask = new Uint8Array(net.size);
    for (const l of net.layers) this.weightMask.fill(1, l.offset, l.offset + l.weights.length);
    const lambda = tr.weightDecay;
    const engine = this.engine;
    const objective: Objective = (w, grad) => {
      let e = this.batchRows
        ? engine.gradientOfRows!(w, this.batchRows, this.batchN, grad)
        : engine.gradient(w, this.batchX, this.batchT, this.batchN, grad);
      if (lambda > 0) {
        // E~ = E + lambda/2 w^T w, dE~/dw = dE/dw + lambda w, PRML (5.112).
        let ww = 0;
        const mask = this.weightMask;
        for (let i = 0; i < w.length; i++) {
          if (mask[i]) {
            ww += w[i] * w[i];
            grad[i] += lambda * w[i];
          }
        }
        e += 0.5 * lambda * ww;
      }
      return e;
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
    if (this.step % tr.validateEvery === 0 || this.step >= tr.steps) this.checkpoint();
    if (!this.done && this.step >= tr.steps) this.finish();
    return ePerSample;
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
  }

  /** The cost points since the last call (the run's record keeps them all; nothing is dropped). */
  drainCurve(): CurvePoints {
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

  /** The training subset's or the validation set's quality, on the engine's threads if it can. */
  private measurePart(part: 'train' | 'validation'): PartMetrics {
    const lab = this.lab;
    const engine = this.engine;
    const logits = engine.logits ? (row0: number, m: number) => engine.logits!(part, row0, m) : undefined;
    return part === 'train' ? measure(lab.net, lab.data, TRAIN_EVAL_SAMPLES, logits) : measure(lab.net, lab.validation, lab.validation.n, logits);
  }

  /** Measures quality on the training subset and the validation set; applies early stopping. */
  checkpoint(): void {
    const lab = this.lab;
    this.trainQuality = this.measurePart('train');
    if (lab.validation.n === 0) return;
    const v = this.measurePart('validation');
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

/**
 * Copies the data rows listed at rows[r0 .. r0 + m) to positions r0 .. r0 + m of x (inputs) and
 * t (targets): a mini-batch, or a thread's share of one.
 */
export function gatherRows(data: Dataset, rows: Int32Array, r0: number, m: number, x: Float64Array, t: Float64Array): void {
  const d = data.inputNames.length;
  const k = data.targetNames.length;
  const { inputs, targets } = data;
  for (let r = r0; r < r0 + m; r++) {
    const row = rows[r];
    x.set(inputs.subarray(row * d, row * d + d), r * d);
    t.set(targets.subarray(row * k, row * k + k), r * k);
  }
}

/**
 * E, E/N and accuracy or RMSE of `net` on (up to `limit` samples of) `data`. Rows go forward
 * EVAL_ROWS at a time (a large split never needs a workspace of its size), by `logits` when
 * given (rows row0 ... row0 + m - 1 of `data`: the data-parallel engine's), else on `net`.
 */
export function measure(net: Network, data: Dataset, limit: number, logits?: (row0: number, m: number) => Float64Array): PartMetrics {
  const n = Math.min(limit, data.n);
  if (n === 0) return { E: 0, EPerSample: 0 };
  const k = net.outputs;
  const d = net.inputs;
  const w = targetWidth(net.cost, k);
  const t = data.targets.subarray(0, n * w);
  const y = new Float64Array(n * k);
  let E = 0;
  for (let r0 = 0; r0 < n; r0 += EVAL_ROWS) {
    const m = Math.min(EVAL_ROWS, n - r0);
    const a = logits ? logits(r0, m) : net.forward(data.inputs.subarray(r0 * d, (r0 + m) * d), m);
    E += net.cost.value(a, t.subarray(r0 * w, (r0 + m) * w), m, k);
    net.cost.output(a, y.subarray(r0 * k, (r0 + m) * k), m, k);
  }
  const m: PartMetrics = { E: (E / n) * data.n, EPerSample: E / n };
  const task = taskOf(net.cost.name);
  if (task === 'regression') m.rmse = rmse(y, t, n, k);
  else if (task === 'density') m.rmse = conditionalMeanRmse(y, t, n, k, net.cost.components ?? 1);
  else m.accuracy = accuracy(y, t, n, k, net.cost.name);
  return m;
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}
