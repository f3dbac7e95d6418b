/**
 * The training service: runs on the worker pool, their lifecycle (start, pause, resume, step,
 * stop, reset), live settings, and one stream of events for whoever shows them (the IPC router,
 * the CLI). Specs are validated and data prepared here, in main, before any worker is involved,
 * so a spec the engine refuses is refused with its message and never reaches a thread.
 */
import type { Dataset } from '../../shared/data/dataset';
import type { GradcheckResult } from '../../shared/engine/gradcheck';
import { checkLab, outputUnits } from '../../shared/lab';
import { isFinal, type RunMetrics, type RunRecord, type RunStatus, type RunSummary, summarizeRun } from '../../shared/run';
import type { LabSpec } from '../../shared/spec';
import { chunkPlan, type CurvePoints, flopsPerSample } from '../../shared/trainer';
import type { WeightsFile } from '../../shared/weights-format';
import {
  COMMAND,
  controlViews,
  createControl,
  CTRL,
  CTRL_F64,
  type FromWorker,
  type ParallelSetup,
  receiveSnapshot,
  type RingSnapshot,
  type SharedParts,
  type StreamOptions,
} from '../../shared/worker-protocol';
import { createParallelBlock, releaseHelpers } from './parallel-gradient';
import { type PartsCache, preparedParts } from './parts-cache';
import { RunLog } from './run-log';
import type { PooledWorker, WorkerPool } from './worker-pool';

/** What the service tells its listeners. Final states carry the reason in `message`. */
export type TrainingEvent =
  | { type: 'run-state'; runId: string; status: RunStatus; step: number; reset?: boolean; message?: string }
  | { type: 'run-progress'; runId: string; points: CurvePoints; metrics: RunMetrics }
  | { type: 'run-snapshot'; runId: string; step: number; weights: Float64Array };

/** A listener of training events. */
export type TrainingListener = (event: TrainingEvent) => void;

/** How to start a run. */
export interface StartOptions {
  /** Start from these weights instead of the spec's initialisation. */
  initialWeights?: Float64Array | WeightsFile;
  /** Create the run paused (it waits for resume or step). */
  paused?: boolean;
}

interface RunEntry {
  id: string;
  createdAt: string;
  spec: LabSpec;
  /** The prepared data, once it is (see launch). */
  parts: SharedParts | null;
  /** The data as given, until it is prepared. */
  raw: Dataset | null;
  /** Samples in the training split. */
  trainSamples: number;
  initial: Float64Array;
  control: SharedArrayBuffer;
  status: RunStatus;
  step: number;
  message?: string;
  metrics: RunMetrics | null;
  weights: Float64Array;
  bestStep?: number;
  log: RunLog;
  worker: PooledWorker | null;
  /** Chunks of one batch (chunkPlan): the most threads a step can use. */
  chunks: number;
  parallel: ParallelSetup | null;
  /** Settle when the run's data-parallel helpers are back in the pool. */
  helpersBack: Promise<unknown>[];
  settle: (() => void)[];
}

/** Default reporting rates: progress ~30 a second, snapshots ~10 a second. */
export const DEFAULT_STREAM: StreamOptions = { progressMs: 33, snapshotMs: 100 };

/** Runs on a pool, with lifecycle and events. */
export class TrainingService {
  private readonly runs = new Map<string, RunEntry>();
  private readonly listeners = new Set<TrainingListener>();
  private counter = 0;

  /** `parts`: where prepared data is kept (main's one cache unless given). */
  constructor(
    private readonly pool: WorkerPool,
    private readonly stream: StreamOptions = DEFAULT_STREAM,
    private readonly parts: PartsCache = preparedParts,
  ) {}

  /** Listens to every run's events; returns the function that stops listening. */
  subscribe(listener: TrainingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: TrainingEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A broken listener must not break training or the other listeners.
      }
    }
  }

  /**
   * Starts a run and returns its id. Throws (SpecError, DataError, WeightsError) synchronously
   * when the spec, data or initial weights cannot be used; no worker is involved then. The
   * data itself is prepared afterwards, in slices between main's other work (PartsCache).
   */
  start(spec: LabSpec, raw: Dataset, options: StartOptions = {}): string {
    const { net, trainSamples } = checkLab(spec, raw, options.initialWeights);
    const initial = Float64Array.from(net.params);
    const id = `run-${Date.now().toString(36)}-${(++this.counter).toString(36)}`;
    const batch = spec.training.batchSize === null ? trainSamples : Math.min(spec.training.batchSize, trainSamples);
    const entry: RunEntry = {
      id,
      createdAt: new Date().toISOString(),
      spec,
      parts: null,
      raw,
      trainSamples,
      initial,
      control: createControl(spec.training.learningRate),
      status: 'queued',
      step: 0,
      metrics: null,
      weights: Float64Array.from(initial),
      log: new RunLog(),
      worker: null,
      chunks: chunkPlan(batch, flopsPerSample(net)).chunks,
      parallel: null,
      helpersBack: [],
      settle: [],
    };
    if (options.paused) Atomics.store(controlViews(entry.control).ints, CTRL.COMMAND, COMMAND.PAUSE);
    this.runs.set(id, entry);
    this.emit({ type: 'run-state', runId: id, status: 'queued', step: 0 });
    void this.launch(entry);
    return id;
  }

  private async launch(entry: RunEntry): Promise<void> {
    let parts: SharedParts;
    try {
      parts = entry.parts = await this.parts.prepare(entry.spec, entry.raw!);
    } catch (e) {
      this.end(entry, 'failed', `could not prepare the data: ${(e as Error).message}`);
      return;
    } finally {
      entry.raw = null;
    }
    if (isFinal(entry.status)) return; // stopped while its data was prepared
    let worker: PooledWorker;
    try {
      worker = await this.pool.acquire();
    } catch (e) {
      this.end(entry, 'failed', `could not start a trainer thread: ${(e as Error).message}`);
      return;
    }
    if (isFinal(entry.status)) {
      // Stopped while queued.
      this.pool.release(worker);
      return;
    }
    entry.worker = worker;
    await this.recruitHelpers(entry, parts);
    worker.attach({
      onEvent: (ev) => this.onWorkerEvent(entry, ev),
      onCrash: (reason) => {
        entry.worker = null;
        this.end(entry, 'failed', `${reason}; the run's last reported weights are kept`);
      },
    });
    const ints = controlViews(entry.control).ints;
    const paused = Atomics.load(ints, CTRL.COMMAND) === COMMAND.PAUSE;
    const reply = await worker.request({
      type: 'start',
      runId: entry.id,
      spec: entry.spec,
      parts,
      initialWeights: entry.initial,
      control: entry.control,
      stream: this.stream,
      paused,
      ...(entry.parallel ? { parallel: entry.parallel } : {}),
    });
    if (!reply.ok && !isFinal(entry.status)) {
      this.end(entry, 'failed', reply.error.message);
    }
  }

  /** Threads wanted for a run's gradient: "auto" uses one per chunk up to the pool's size. */
  private threadsWanted(entry: RunEntry): number {
    // Issue 17: float32 runs train on one thread (the data-parallel reduction is float64 only).
    if (entry.spec.training.precision === 'float32') return 1;
    const t = entry.spec.training.threads;
    return Math.max(1, Math.min(entry.chunks, t === 'auto' ? this.pool.size : t));
  }

  /**
   * Borrows idle workers as data-parallel helpers. Fewer than wanted (even none) is fine: the
   * result does not depend on how many threads share the work, only the time does.
   */
  private async recruitHelpers(entry: RunEntry, parts: SharedParts): Promise<void> {
    const wanted = this.threadsWanted(entry) - 1;
    if (wanted < 1) return;
    const helpers: PooledWorker[] = [];
    while (helpers.length < wanted) {
      const h = await this.pool.tryAcquire();
      if (!h) break;
      helpers.push(h);
    }
    if (helpers.length === 0) return;
    const train = parts.train;
    const layout = {
      params: entry.initial.length,
      inputs: train.inputNames.length,
      outputs: train.targetNames.length,
      maxBatch: entry.spec.training.batchSize === null ? 0 : Math.min(entry.spec.training.batchSize, train.n),
      logits: outputUnits(entry.spec, train.targetNames.length),
    };
    const parallel: ParallelSetup = { block: createParallelBlock(layout), layout, K: helpers.length + 1 };
    entry.parallel = parallel;
    helpers.forEach((h, i) => {
      h.attach({
        onEvent: () => {},
        // The coordinator would wait for this helper forever: release it so the run fails cleanly.
        onCrash: () => releaseHelpers(parallel.block),
      });
      const back = h
        .request({ type: 'helper', spec: entry.spec, parts, parallel, index: i + 1 })
        .finally(() => this.pool.release(h));
      entry.helpersBack.push(back.catch(() => {}));
    });
  }

  private onWorkerEvent(entry: RunEntry, ev: FromWorker): void {
    switch (ev.type) {
      case 'progress':
        entry.log.addPoints(ev.points);
        entry.metrics = ev.metrics;
        entry.step = ev.metrics.step;
        this.emit({ type: 'run-progress', runId: entry.id, points: ev.points, metrics: ev.metrics });
        if (ev.snapshot) this.onSnapshot(entry, ev.snapshot);
        break;
      case 'snapshot':
        this.onSnapshot(entry, ev.snapshot);
        break;
      case 'state':
        if (ev.reset) {
          entry.log.clear();
          entry.metrics = null;
          entry.weights = Float64Array.from(entry.initial);
        }
        entry.status = ev.status;
        entry.step = ev.step;
        this.emit({ type: 'run-state', runId: entry.id, status: ev.status, step: ev.step, ...(ev.reset ? { reset: true } : {}) });
        break;
      case 'done':
        entry.log.addPoints(ev.points);
        entry.metrics = ev.metrics;
        entry.weights = ev.weights;
        entry.step = ev.metrics.step;
        entry.bestStep = ev.bestStep;
        if (ev.points.steps.length || ev.points.validationSteps.length) {
          this.emit({ type: 'run-progress', runId: entry.id, points: ev.points, metrics: ev.metrics });
        }
        this.emit({ type: 'run-snapshot', runId: entry.id, step: entry.step, weights: ev.weights });
        this.end(entry, ev.status, ev.message);
        break;
      default:
        break;
    }
  }

  /** Copies lent weights out (giving the worker its buffer back), keeps and emits them. */
  private onSnapshot(entry: RunEntry, snapshot: RingSnapshot): void {
    const weights = receiveSnapshot(snapshot);
    entry.log.addSnapshot(snapshot.step, weights);
    entry.weights = weights;
    this.emit({ type: 'run-snapshot', runId: entry.id, step: snapshot.step, weights });
  }

  private end(entry: RunEntry, status: RunStatus, message?: string): void {
    if (isFinal(entry.status)) return;
    entry.status = status;
    entry.message = message;
    if (entry.parallel) releaseHelpers(entry.parallel.block);
    if (entry.worker) {
      const w = entry.worker;
      entry.worker = null;
      this.pool.release(w);
    }
    this.emit({ type: 'run-state', runId: entry.id, status, step: entry.step, ...(message ? { message } : {}) });
    // Whoever waits for this run may start the next one at once: it should find the helper
    // threads idle again, not still leaving this run (it would then run on fewer threads).
    const settle = () => {
      for (const f of entry.settle) f();
      entry.settle = [];
    };
    if (entry.helpersBack.length === 0) settle();
    else void Promise.all(entry.helpersBack).then(settle);
  }

  private entry(id: string): RunEntry {
    const e = this.runs.get(id);
    if (!e) throw new RangeError(`there is no run "${id}"`);
    return e;
  }

  private command(entry: RunEntry, command: number): void {
    const ints = controlViews(entry.control).ints;
    Atomics.store(ints, CTRL.COMMAND, command);
    Atomics.add(ints, CTRL.WAKE, 1);
    Atomics.notify(ints, CTRL.WAKE);
  }

  /** Pauses a run after its current step. */
  pause(id: string): void {
    const e = this.entry(id);
    if (isFinal(e.status)) return;
    this.command(e, COMMAND.PAUSE);
  }

  /** Resumes a paused (or queued-paused) run. */
  resume(id: string): void {
    const e = this.entry(id);
    if (isFinal(e.status)) throw new RangeError(`run ${id} has ${e.status}; start a new run or reset is not possible after it ended`);
    this.command(e, COMMAND.RUN);
  }

  /** Lets a paused run take `count` steps (default 1), then pause again. */
  step(id: string, count = 1): void {
    const e = this.entry(id);
    if (isFinal(e.status)) throw new RangeError(`run ${id} has ${e.status}`);
    const ints = controlViews(e.control).ints;
    if (Atomics.load(ints, CTRL.COMMAND) !== COMMAND.PAUSE) this.command(e, COMMAND.PAUSE);
    Atomics.add(ints, CTRL.STEP_BUDGET, Math.max(1, Math.floor(count)));
    Atomics.add(ints, CTRL.WAKE, 1);
    Atomics.notify(ints, CTRL.WAKE);
  }

  /** The number of steps in one epoch of a run (for "step one epoch"). */
  stepsPerEpoch(id: string): number {
    const e = this.entry(id);
    const n = e.trainSamples;
    const b = e.spec.training.batchSize;
    return b === null ? 1 : Math.ceil(n / Math.min(b, n));
  }

  /** Stops a run for good; its weights at that moment are its result. Resolves when it has ended. */
  stop(id: string): Promise<RunRecord> {
    const e = this.entry(id);
    if (e.status === 'queued' && !e.worker) {
      this.end(e, 'stopped');
    } else if (!isFinal(e.status)) {
      this.command(e, COMMAND.STOP);
    }
    return this.wait(id);
  }

  /** Back to the run's initial weights, paused at step 0 (the same run id). */
  reset(id: string): void {
    const e = this.entry(id);
    if (isFinal(e.status)) throw new RangeError(`run ${id} has ${e.status}: start a new run from the same spec instead`);
    this.command(e, COMMAND.RESET);
  }

  /** Changes a run's learning rate from its next step on. */
  setLearningRate(id: string, eta: number): void {
    if (!(eta > 0 && Number.isFinite(eta))) throw new RangeError(`the learning rate must be greater than 0, got ${eta}`);
    const e = this.entry(id);
    const { ints, floats } = controlViews(e.control);
    floats[CTRL_F64.LEARNING_RATE] = eta;
    Atomics.add(ints, CTRL.SETTINGS, 1);
    e.spec = { ...e.spec, training: { ...e.spec.training, learningRate: eta } };
  }

  /** Limits a run to `stepsPerSecond` (0: as fast as it goes). */
  setSpeed(id: string, stepsPerSecond: number): void {
    const e = this.entry(id);
    const { ints } = controlViews(e.control);
    Atomics.store(ints, CTRL.MAX_STEPS_PER_SECOND, Math.max(0, Math.round(stepsPerSecond)));
    Atomics.add(ints, CTRL.SETTINGS, 1);
    Atomics.add(ints, CTRL.WAKE, 1);
    Atomics.notify(ints, CTRL.WAKE);
  }

  /** The run's status now. */
  status(id: string): RunStatus {
    return this.entry(id).status;
  }

  /** The ids of all runs, oldest first. */
  list(): string[] {
    return [...this.runs.keys()];
  }

  /** A run's summary (cheap: no curve or weight copies). */
  summary(id: string): RunSummary {
    const e = this.entry(id);
    return summarizeRun(e);
  }

  /** Everything known of a run now (copies). */
  record(id: string): RunRecord {
    const e = this.entry(id);
    return {
      ...summarizeRun(e),
      curve: e.log.curve(),
      initialWeights: Float64Array.from(e.initial),
      finalWeights: isFinal(e.status) ? Float64Array.from(e.weights) : null,
      snapshots: e.log.snapshots(),
    };
  }

  /** The latest weights of a run (initial, last snapshot, or final). */
  weights(id: string): Float64Array {
    return Float64Array.from(this.entry(id).weights);
  }

  /**
   * A run's prepared data: the normalisation and column names its weights need for export, the
   * splits it trains and is measured on. Ready once the run has reported running (or ended).
   */
  dataInfo(id: string): SharedParts {
    const parts = this.entry(id).parts;
    if (!parts) throw new RangeError(`run ${id}'s data is still being prepared`);
    return parts;
  }

  /** Samples in a run's training split (known from the start). */
  trainSamples(id: string): number {
    return this.entry(id).trainSamples;
  }

  /** Resolves with the run's record once it has ended. */
  wait(id: string): Promise<RunRecord> {
    const e = this.entry(id);
    if (isFinal(e.status)) return Promise.all(e.helpersBack).then(() => this.record(id));
    return new Promise((resolve) => e.settle.push(() => resolve(this.record(id))));
  }

  /** Forgets an ended run. */
  remove(id: string): void {
    const e = this.entry(id);
    if (!isFinal(e.status)) throw new RangeError(`run ${id} is still ${e.status}: stop it first`);
    this.runs.delete(id);
  }

  /** Checks backprop against finite differences on a worker (PRML §5.3.3). */
  async gradcheck(spec: LabSpec, raw: Dataset, options: { weights?: Float64Array; samples?: number; tolerance?: number } = {}): Promise<GradcheckResult> {
    const initial = Float64Array.from(checkLab(spec, raw, options.weights).net.params);
    const prepared = await this.parts.prepare(spec, raw);
    const worker = await this.pool.acquire();
    try {
      const reply = await worker.request({
        type: 'gradcheck',
        spec,
        parts: prepared,
        weights: initial,
        samples: options.samples ?? 10,
        tolerance: options.tolerance ?? 1e-6,
      });
      if (!reply.ok) throw Object.assign(new Error(reply.error.message), { name: reply.error.name });
      return reply.result as GradcheckResult;
    } finally {
      this.pool.release(worker);
    }
  }
}
