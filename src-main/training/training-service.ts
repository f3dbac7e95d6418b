/**
 * The training service: runs on the worker pool, their lifecycle (start, pause, resume, step,
 * stop, reset), live settings, and one stream of events for whoever shows them (the IPC router,
 * the CLI). Specs are validated and data prepared here, in main, before any worker is involved,
 * so a spec the engine refuses is refused with its message and never reaches a thread.
 */
import { randomBytes } from 'node:crypto';
import { DataError, type Dataset } from '../../shared/data/dataset';
import { NotAvailable } from '../../shared/errors';
import { checkLab, type CheckedLab } from '../../shared/lab';
import { isFinal, type RunEvent, type RunMetrics, type RunRecord, type RunStatus, type RunSummary, summarizeRun } from '../../shared/run';
import type { LabSpec } from '../../shared/spec';
import { chunkPlan, flopsPerSample } from '../../shared/training/gradient';
import type { WeightsFile } from '../../shared/weights-format';
import { COMMAND, RunControl } from '../../shared/run-control';
import {
  type FromWorker,
  type ParallelSetup,
  receiveSnapshot,
  type RingSnapshot,
  type SharedParts,
  type StreamOptions,
} from '../../shared/worker-protocol';
import { releaseHelpers } from './parallel-block';
import { lendHelpers } from './parallel-helpers';
import { type PartsCache, preparedParts } from './parts-cache';
import { RunLog } from './run-log';
import type { PooledWorker, WorkerPool } from './worker-pool';

/** A listener of the service's run events. */
export type TrainingListener = (event: RunEvent) => void;

/** How to start a run. */
export interface StartOptions {
  /** Start from these weights instead of the spec's initialisation. */
  initialWeights?: Float64Array | WeightsFile;
  /** Create the run paused (it waits for resume or step). */
  paused?: boolean;
  /** At most this many steps a second from the first step on (0 or absent: no limit). */
  speed?: number;
  /** The spec already checked against this data (checkLab), so it is not checked again. */
  checked?: CheckedLab;
  /** The run's number in its project ("Run N"); default 1 more than the largest on this service. */
  number?: number;
}

interface RunEntry {
  id: string;
  /** "Run N" (given by whoever starts the run: the project's next number). */
  number: number;
  createdAt: string;
  spec: LabSpec;
  /** The prepared data, once it is (see launch). */
  parts: SharedParts | null;
  /** The data as given, until it is prepared. */
  raw: Dataset | null;
  /** Samples in the training split. */
  trainSamples: number;
  initial: Float64Array;
  control: RunControl;
  status: RunStatus;
  /** Set once a stop was asked (STOP or END): nothing else is sent to the run after it. */
  ending?: 'stop' | 'end';
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
  /** Why a data-parallel helper failed (parallel-helpers.ts), or null. */
  helperFailure: () => string | null;
  settle: (() => void)[];
}

/**
 * A run id no other writer of the same project file can make: the time, and 48 random bits (the
 * app and the CLI, or two CLIs, may start runs in the same millisecond).
 */
export function newRunId(): string {
  return `run-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

/** Default reporting rates: progress ~30 a second, snapshots ~10 a second. */
export const DEFAULT_STREAM: StreamOptions = { progressMs: 33, snapshotMs: 100 };

/** Runs on a pool, with lifecycle and events. */
export class TrainingService {
  private readonly runs = new Map<string, RunEntry>();
  private readonly listeners = new Set<TrainingListener>();

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

  private emit(event: RunEvent): void {
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
    const { net, trainSamples } = options.checked && !(options.initialWeights && !(options.initialWeights instanceof Float64Array))
      ? options.checked
      : checkLab(spec, raw, options.initialWeights);
    let initial = Float64Array.from(net.params);
    if (options.initialWeights instanceof Float64Array) {
      if (options.initialWeights.length !== initial.length) throw new DataError(`the initial weights have ${options.initialWeights.length} values, the network needs ${initial.length}`);
      initial = Float64Array.from(options.initialWeights);
    }
    const id = newRunId();
    const batch = spec.training.batchSize === null ? trainSamples : Math.min(spec.training.batchSize, trainSamples);
    const entry: RunEntry = {
      id,
      number: options.number ?? Math.max(0, ...[...this.runs.values()].map((r) => r.number)) + 1,
      createdAt: new Date().toISOString(),
      spec,
      parts: null,
      raw,
      trainSamples,
      initial,
      control: RunControl.create(spec.training.learningRate, options.paused),
      status: 'queued',
      step: 0,
      metrics: null,
      weights: Float64Array.from(initial),
      log: new RunLog(),
      worker: null,
      chunks: chunkPlan(batch, flopsPerSample(net)).chunks,
      parallel: null,
      helpersBack: [],
      helperFailure: () => null,
      settle: [],
    };
    if (options.speed) entry.control.setSpeed(options.speed);
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
    const lent = await lendHelpers(this.pool, entry.spec, parts, entry.initial.length, this.threadsWanted(entry) - 1);
    if (lent) {
      entry.parallel = lent.setup;
      entry.helpersBack = lent.back;
      entry.helperFailure = lent.failure;
    }
    worker.attach({
      onEvent: (ev) => this.onWorkerEvent(entry, ev),
      onCrash: (reason) => {
        entry.worker = null;
        this.end(entry, 'failed', `${reason}; the run's last reported weights are kept`);
      },
    });
    const paused = entry.control.command === COMMAND.PAUSE;
    const reply = await worker.request({
      type: 'start',
      runId: entry.id,
      spec: entry.spec,
      parts,
      initialWeights: entry.initial,
      control: entry.control.buffer,
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

  private onWorkerEvent(entry: RunEntry, ev: FromWorker): void {
    switch (ev.type) {
      case 'progress':
        entry.log.addPoints(ev.points);
        entry.metrics = ev.metrics;
        entry.step = ev.metrics.step;
        this.emit({ type: 'run-progress', runId: entry.id, points: ev.points, metrics: ev.metrics });
        if (ev.snapshot) this.onSnapshot(entry, ev.snapshot);
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
        // After a reset the run's weights are its initial ones again: say so, with them.
        if (ev.reset) this.emit({ type: 'run-snapshot', runId: entry.id, step: 0, weights: Float64Array.from(entry.initial) });
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
    // A run stopped by a failed helper thread says which and why (issue 15).
    const helper = status === 'failed' ? entry.helperFailure() : null;
    if (helper) message = message ? `${message} (${helper})` : helper;
    entry.status = status;
    entry.message = message;
    if (entry.parallel) releaseHelpers(entry.parallel.block);
    // The block's memory also holds every thread's working copies (tens of MB on an MNIST-sized
    // net): an ended run, kept for its record, must not keep it alive.
    entry.parallel = null;
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
    if (!e) throw new NotAvailable(`there is no run "${id}"`);
    return e;
  }

  /** Pauses a run after its current step. */
  pause(id: string): void {
    const e = this.entry(id);
    if (isFinal(e.status) || e.ending) return;
    e.control.send(COMMAND.PAUSE);
  }

  /** Resumes a paused (or queued-paused) run. */
  resume(id: string): void {
    const e = this.entry(id);
    if (isFinal(e.status) || e.ending) throw new NotAvailable(`run ${id} has ${e.ending ? 'been stopped' : e.status}: start a new run`);
    e.control.send(COMMAND.RUN);
  }

  /** Lets a paused run take `count` steps (default 1), then pause again. */
  step(id: string, count = 1): void {
    const e = this.entry(id);
    if (isFinal(e.status) || e.ending) throw new NotAvailable(`run ${id} has ${e.ending ? 'been stopped' : e.status}`);
    e.control.grantSteps(count);
  }

  /** The number of steps in one epoch of a run (for "step one epoch"). */
  stepsPerEpoch(id: string): number {
    const e = this.entry(id);
    const n = e.trainSamples;
    const b = e.spec.training.batchSize;
    return b === null ? 1 : Math.ceil(n / Math.min(b, n));
  }

  /** Stops a run for good; its weights at that moment are its result. Resolves when it has ended. */
  stop(id: string, { measure = true }: { measure?: boolean } = {}): Promise<RunRecord> {
    const e = this.entry(id);
    if (e.status === 'queued' && !e.worker) {
      this.end(e, 'stopped');
    } else if (!isFinal(e.status) && e.ending !== 'end' && !(e.ending === 'stop' && measure)) {
      // Measured, the record's figures are the final weights' (a pass over the data first);
      // not, it ends as soon as the steps do, its figures those last measured (with their step).
      // An END overrides a STOP (the pass is abandoned), never the other way round; no later
      // pause, step or reset is sent (they would overwrite the command before the loop reads it).
      e.ending = measure ? 'stop' : 'end';
      e.control.send(measure ? COMMAND.STOP : COMMAND.END);
    }
    return this.wait(id);
  }

  /** Back to the run's initial weights, paused at step 0 (the same run id). */
  reset(id: string): void {
    const e = this.entry(id);
    if (isFinal(e.status) || e.ending) throw new NotAvailable(`run ${id} has ${e.ending ? 'been stopped' : e.status}: start a new run from the same spec instead`);
    e.control.send(COMMAND.RESET);
  }

  /** Changes a run's learning rate from its next step on. */
  setLearningRate(id: string, eta: number): void {
    if (!(eta > 0 && Number.isFinite(eta))) throw new NotAvailable(`the learning rate must be greater than 0, got ${eta}`);
    const e = this.entry(id);
    e.control.setLearningRate(eta);
    e.spec = { ...e.spec, training: { ...e.spec.training, learningRate: eta } };
  }

  /** Limits a run to `stepsPerSecond` (0: as fast as it goes). */
  setSpeed(id: string, stepsPerSecond: number): void {
    const e = this.entry(id);
    e.control.setSpeed(stepsPerSecond);
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
    if (!parts) throw new NotAvailable(`run ${id}'s data is still being prepared`);
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

  /** Ends every run still going, without a last measurement (the app is closing); resolves when all have ended. */
  async stopAll(): Promise<void> {
    await Promise.all(this.list().filter((id) => !isFinal(this.status(id))).map((id) => this.stop(id, { measure: false })));
  }

  /** Forgets an ended run. */
  remove(id: string): void {
    const e = this.entry(id);
    if (!isFinal(e.status)) throw new NotAvailable(`run ${id} is still ${e.status}: stop it first`);
    this.runs.delete(id);
  }
}
