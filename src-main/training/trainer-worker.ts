/**
 * A trainer worker: one thread of the pool. It serves one request at a time: a training run, a
 * gradient check, or helping another worker's data-parallel run. Runs are trained by the shared
 * Trainer; this file adds timing, reporting and the control block (see shared/worker-protocol.ts
 * for why a control block and not messages).
 */
import { parentPort } from 'node:worker_threads';
import { targetWidth } from '../../shared/engine/costs';
import { gradientCheck } from '../../shared/engine/gradcheck';
import { assembleLab, networkFor } from '../../shared/lab';
import { AbortedError, Trainer } from '../../shared/trainer';
import {
  COMMAND,
  CTRL,
  CTRL_F64,
  controlViews,
  type FromWorker,
  type GradcheckRequest,
  type HelperRequest,
  type StartRequest,
  type RingSnapshot,
  SnapshotRing,
  type ToWorker,
} from '../../shared/worker-protocol';
import { helperLoop, ParallelGradient, parallelViews, releaseHelpers } from './parallel-gradient';

const port = parentPort;
if (!port) throw new Error('trainer-worker must run in a worker thread');

function post(message: FromWorker): void {
  port!.postMessage(message);
}

function errorOf(e: unknown): { name: string; message: string } {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

port.on('message', (msg: ToWorker) => {
  try {
    if (msg.type === 'start') runTraining(msg);
    else if (msg.type === 'gradcheck') runGradcheck(msg);
    else if (msg.type === 'helper') runHelper(msg);
  } catch (e) {
    post({ type: 'reply', id: msg.id, ok: false, error: errorOf(e) });
  }
});

/** Serves a data-parallel run's gradient phases until it releases its helpers. */
function runHelper(req: HelperRequest): void {
  const train = req.parts.train;
  const networkOn = (params: Float64Array) => networkFor(req.spec, train.inputNames.length, train.targetNames.length, params);
  const data = { train, validation: req.parts.validation };
  helperLoop(networkOn, req.parallel.block, req.parallel.layout, req.index, data);
  post({ type: 'reply', id: req.id, ok: true });
}

function runGradcheck(req: GradcheckRequest): void {
  const lab = assembleLab(req.spec, req.parts, req.weights);
  const n = Math.min(req.samples, lab.data.n);
  const result = gradientCheck(
    lab.net,
    lab.data.inputs.subarray(0, n * lab.net.inputs),
    lab.data.targets.subarray(0, n * targetWidth(lab.net.cost, lab.net.outputs)),
    n,
    { tolerance: req.tolerance },
  );
  post({ type: 'reply', id: req.id, ok: true, result });
}

/** Trains one run to its end. Synchronous: the worker does nothing else meanwhile. */
function runTraining(req: StartRequest): void {
  const { ints } = controlViews(req.control);
  const par = req.parallel;
  // A data-parallel run's network keeps its weights in the shared block, where the helpers read
  // them and take their share of each gradient step.
  const lab = assembleLab(req.spec, req.parts, req.initialWeights, par ? parallelViews(par.block, par.layout).params : undefined);
  // Stop and reset may interrupt a step between chunks; pause waits for the step to end so a
  // paused-and-resumed run draws the same batches as one that was never paused.
  const shouldAbort = () => {
    const c = Atomics.load(ints, CTRL.COMMAND);
    return c === COMMAND.STOP || c === COMMAND.RESET;
  };
  const gradient = par
    ? new ParallelGradient(lab.net, par.block, par.layout, par.K, { train: lab.data, validation: lab.validation }, shouldAbort)
    : undefined;
  const trainer = new Trainer(lab, { shouldAbort, gradient });
  post({ type: 'reply', id: req.id, ok: true });
  const loop = new RunLoop(req, trainer);
  try {
    loop.run();
  } catch (e) {
    // A bug or an engine error inside the loop ends this run as failed; the worker lives on.
    loop.finish('failed', `training failed at step ${trainer.step + 1}: ${errorOf(e).message}`);
  } finally {
    if (par) releaseHelpers(par.block);
  }
}

/** The loop of one run: reads the control block between steps and reports on its own clock. */
class RunLoop {
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;
  private readonly runId: string;
  private settings: number;
  /** Training seconds before the current running segment (pauses excluded). */
  private seconds = 0;
  private segmentStart = performance.now();
  private lastProgress = this.segmentStart;
  private lastSnapshot = -Infinity;
  private stepsAtLastProgress = 0;
  private paused = false;
  private announced: 'running' | 'paused' | null = null;
  private minStepMs = 0;
  private nextStepAt = 0;
  private readonly ring: SnapshotRing;

  constructor(private readonly req: StartRequest, private readonly trainer: Trainer) {
    const views = controlViews(req.control);
    this.ints = views.ints;
    this.floats = views.floats;
    this.runId = req.runId;
    this.ring = new SnapshotRing(trainer.lab.net.size);
    this.settings = Atomics.load(this.ints, CTRL.SETTINGS);
    // A paused start needs nothing here: main put PAUSE in the control block before sending it
    // (req.paused is read from there). Forcing PAUSE again lost a resume that main sent while
    // this worker was still assembling the run (seen in the end-to-end tests once building the
    // trainer took longer).
    this.readSettings();
  }

  /** Trains until the run ends, then posts `done`. */
  run(): void {
    const { ints } = this;
    for (;;) {
      const command = Atomics.load(ints, CTRL.COMMAND);
      if (command === COMMAND.STOP) return this.finish('stopped');
      if (command === COMMAND.RESET) {
        this.reset();
        continue;
      }
      const s = Atomics.load(ints, CTRL.SETTINGS);
      if (s !== this.settings) {
        this.settings = s;
        this.readSettings();
      }
      if (command === COMMAND.PAUSE) {
        if (Atomics.load(ints, CTRL.STEP_BUDGET) > 0) {
          Atomics.sub(ints, CTRL.STEP_BUDGET, 1);
          if (!this.step()) return;
          this.progress(true);
        } else this.sleepPaused();
        continue;
      }
      if (this.paused) this.resumeClock();
      this.announce('running');
      if (!this.throttle(command)) continue;
      if (!this.step()) return;
      const now = performance.now();
      const snapshotDue = now - this.lastSnapshot >= this.req.stream.snapshotMs;
      if (snapshotDue || now - this.lastProgress >= this.req.stream.progressMs) this.progress(snapshotDue);
    }
  }

  /** One update; false once the run has ended (and `done` was posted). */
  private step(): boolean {
    try {
      this.trainer.advance();
    } catch (e) {
      if (e instanceof AbortedError) return true; // stop or reset arrived mid-step: the loop handles it
      throw e;
    }
    if (!this.trainer.done) return true;
    this.finish(this.trainer.state.status as 'finished' | 'diverged', this.trainer.state.message);
    return false;
  }

  /** Posts the end of the run with its last points, metrics and weights. */
  finish(status: 'finished' | 'stopped' | 'diverged' | 'failed', message?: string): void {
    const { trainer } = this;
    if (!this.paused) this.seconds += (performance.now() - this.segmentStart) / 1000;
    this.paused = true;
    trainer.ensureFinite();
    // A stop must answer at once, so a stopped run reports its last measured quality; a run that
    // ended by itself is measured at its final weights.
    if (status === 'finished' || status === 'diverged') trainer.remeasure();
    post({
      type: 'done',
      runId: this.runId,
      status,
      ...(message ? { message } : {}),
      points: trainer.drainCurve(),
      metrics: trainer.metrics(0, this.seconds),
      weights: Float64Array.from(trainer.lab.net.params),
      ...(trainer.state.bestStep !== undefined ? { bestStep: trainer.state.bestStep } : {}),
    });
  }

  private reset(): void {
    this.trainer.reset();
    Atomics.compareExchange(this.ints, CTRL.COMMAND, COMMAND.RESET, COMMAND.PAUSE);
    Atomics.store(this.ints, CTRL.STEP_BUDGET, 0);
    this.seconds = 0;
    this.stepsAtLastProgress = 0;
    this.paused = true;
    this.announce('paused', true);
    this.snapshot();
  }

  /** Paused with nothing to do: report once, then sleep until main changes something. */
  private sleepPaused(): void {
    if (!this.paused) {
      this.seconds += (performance.now() - this.segmentStart) / 1000;
      this.paused = true;
      this.progress(true);
    }
    this.announce('paused');
    const wake = Atomics.load(this.ints, CTRL.WAKE);
    if (Atomics.load(this.ints, CTRL.COMMAND) === COMMAND.PAUSE && Atomics.load(this.ints, CTRL.STEP_BUDGET) === 0) {
      Atomics.wait(this.ints, CTRL.WAKE, wake, 1000);
    }
  }

  private resumeClock(): void {
    this.paused = false;
    this.segmentStart = performance.now();
    this.lastProgress = this.segmentStart;
    this.stepsAtLastProgress = this.trainer.step;
  }

  /** The speed control: sleeps (without spinning) until this step's turn; false if woken by a command. */
  private throttle(command: number): boolean {
    if (this.minStepMs <= 0) return true;
    const wait = this.nextStepAt - performance.now();
    if (wait > 0) Atomics.wait(this.ints, CTRL.WAKE, Atomics.load(this.ints, CTRL.WAKE), wait);
    if (Atomics.load(this.ints, CTRL.COMMAND) !== command) return false;
    this.nextStepAt = Math.max(performance.now(), this.nextStepAt) + this.minStepMs;
    return true;
  }

  private readSettings(): void {
    this.trainer.setLearningRate(this.floats[CTRL_F64.LEARNING_RATE]);
    const sps = Atomics.load(this.ints, CTRL.MAX_STEPS_PER_SECOND);
    this.minStepMs = sps > 0 ? 1000 / sps : 0;
  }

  /** Points and metrics since the last report; with `withSnapshot`, the weights too. */
  private progress(withSnapshot = false): void {
    const now = performance.now();
    const interval = (now - this.lastProgress) / 1000;
    const rate = interval > 0 ? (this.trainer.step - this.stepsAtLastProgress) / interval : 0;
    const seconds = this.seconds + (this.paused ? 0 : (now - this.segmentStart) / 1000);
    const snapshot = withSnapshot ? this.lendSnapshot() : null;
    post({
      type: 'progress',
      runId: this.runId,
      points: this.trainer.drainCurve(),
      metrics: this.trainer.metrics(rate, seconds),
      ...(snapshot ? { snapshot } : {}),
    });
    this.lastProgress = now;
    this.stepsAtLastProgress = this.trainer.step;
  }

  /** The weights on their own (after a reset). */
  private snapshot(): void {
    const snapshot = this.lendSnapshot();
    if (snapshot) post({ type: 'snapshot', runId: this.runId, snapshot });
  }

  private lendSnapshot(): RingSnapshot | null {
    this.lastSnapshot = performance.now();
    return this.ring.lend(this.trainer.lab.net.params, this.trainer.step);
  }

  private announce(status: 'running' | 'paused', reset = false): void {
    if (this.announced === status && !reset) return;
    this.announced = status;
    post({ type: 'state', runId: this.runId, status, step: this.trainer.step, ...(reset ? { reset: true } : {}) });
  }
}

post({ type: 'ready' });
