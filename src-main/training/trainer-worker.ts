/**
 * A trainer worker: one thread of the pool. It serves one request at a time: a training run, a
 * gradient check, or helping another worker's data-parallel run. Runs are trained by the shared
 * Trainer; this file adds timing, reporting and the control block (see shared/worker-protocol.ts
 * for why a control block and not messages).
 */
import { parentPort } from 'node:worker_threads';
import { curvatureReport } from '../../shared/curvature-report';
import { targetWidth } from '../../shared/engine/cost-types';
import { gradientCheck } from '../../shared/engine/gradcheck';
import { toWireError } from '../../shared/errors';
import { assembleLab, networkFor, specParameters } from '../../shared/lab';
import { kernelVectorsForRun } from '../../shared/training/fused-gradient';
import { AbortedError } from '../../shared/training/gradient';
import { Trainer } from '../../shared/training/trainer';
import { COMMAND, type Command, RunControl } from '../../shared/run-control';
import {
  type CurvatureRequest,
  type FromWorker,
  type GradcheckRequest,
  type HelperRequest,
  type StartRequest,
  type RingSnapshot,
  SnapshotRing,
  type ToWorker,
} from '../../shared/worker-protocol';
import { parallelViews, releaseHelpers } from './parallel-block';
import { helperLoop, ParallelGradient } from './parallel-gradient';

const port = parentPort;
if (!port) throw new Error('trainer-worker must run in a worker thread');

function post(message: FromWorker): void {
  port!.postMessage(message);
}

port.on('message', (msg: ToWorker) => {
  try {
    if (msg.type === 'start') runTraining(msg);
    else if (msg.type === 'gradcheck') runGradcheck(msg);
    else if (msg.type === 'helper') runHelper(msg);
    else if (msg.type === 'curvature') runCurvature(msg); // issue 19
  } catch (e) {
    post({ type: 'reply', id: msg.id, ok: false, error: toWireError(e) });
  }
});

/** The command under which the step in progress started (one run per worker at a time). */
let stepCommand: Command = COMMAND.RUN;

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

/** The Hessian's spectrum and the Laplace approximation at the request's weights (PRML §5.4, §5.7). */
function runCurvature(req: CurvatureRequest): void {
  const lab = assembleLab(req.spec, req.parts, req.weights);
  post({ type: 'reply', id: req.id, ok: true, result: curvatureReport(lab, req.start) });
}

/** Trains one run to its end. Synchronous: the worker does nothing else meanwhile. */
function runTraining(req: StartRequest): void {
  // A run on this thread alone keeps its weights and fallback copies in this thread's kernel
  // memory, where the fused engine steps them in place; given back however the run ends.
  const home = req.parallel ? null : weightsHome(req);
  try {
    train(req, home);
  } finally {
    home?.release();
  }
}

/** runTraining's run, its weights in `home` when given. */
function train(req: StartRequest, home: WeightsHome | null): void {
  const control = new RunControl(req.control);
  const par = req.parallel;
  // A data-parallel run's network keeps its weights in the shared block, where the helpers read
  // them and take their share of each gradient step.
  const views = par ? parallelViews(par.block, par.layout) : undefined;
  const lab = assembleLab(req.spec, req.parts, req.initialWeights, views?.params ?? home?.params);
  // Stop and reset may interrupt a step between chunks; pause waits for the step to end so a
  // paused-and-resumed run draws the same batches as one that was never paused.
  const shouldAbort = () => control.interrupted;
  const gradient = par
    ? new ParallelGradient(lab.net, views!, par.K, { train: lab.data, validation: lab.validation }, shouldAbort)
    : undefined;
  // A checkpoint's pass over the validation set is put off by a pause (or stop, reset) that arrives
  // during it: it is redone before the next step, same weights, same result, and a pause must not
  // wait for it. A step granted while paused (Step) runs under PAUSE and is not put off by it.
  const shouldDefer = () => {
    const c = control.command;
    return c !== COMMAND.RUN && c !== stepCommand;
  };
  const trainer = new Trainer(lab, { shouldAbort, shouldDefer, gradient, fallbackVectors: home?.fallback });
  post({ type: 'reply', id: req.id, ok: true });
  const loop = new RunLoop(req, control, trainer);
  try {
    loop.run();
  } catch (e) {
    // A bug or an engine error inside the loop ends this run as failed; the worker lives on.
    loop.finish('failed', `training failed at step ${trainer.step + 1}: ${toWireError(e).message}`);
  } finally {
    if (par) releaseHelpers(par.block);
  }
}

/** A run's weights and fallback vectors in this thread's kernel memory (KernelVectors). */
interface WeightsHome {
  params: Float64Array;
  fallback: [Float64Array, Float64Array];
  release(): void;
}

/**
 * The weights and the two fallback vectors of a run on one thread, as kernelViews of this
 * thread's kernel memory (when the kernels are WebAssembly on a shared memory): the fused engine
 * then reads and steps the weights and keeps the old ones where they are (float32: rounds and
 * widens them there), instead of copying 3 vectors of the network's size per step through
 * JavaScript. Null otherwise.
 */
function weightsHome(req: StartRequest): WeightsHome | null {
  const vectors = kernelVectorsForRun();
  if (vectors === null) return null;
  const size = specParameters(req.spec, req.parts.train.inputNames.length, req.parts.train.targetNames.length);
  try {
    return { params: vectors.vector(size), fallback: [vectors.vector(size), vectors.vector(size)], release: () => vectors.release() };
  } catch {
    // No room for all three in the memory's 4 GiB: give back what was taken; the run keeps its
    // weights in ordinary arrays and the engine copies them.
    vectors.release();
    return null;
  }
}

/** The loop of one run: reads the control block between steps and reports on its own clock. */
class RunLoop {
  private readonly runId: string;
  private settings: number;
  /** Training seconds before the current running segment (pauses excluded). */
  private seconds = 0;
  private segmentStart = performance.now();
  private lastProgress = this.segmentStart;
  private lastSnapshot = -Infinity;
  private stepsAtLastProgress = 0;
  private paused = false;
  /** True once the figures of the paused weights were reported. */
  private measured = false;
  private announced: 'running' | 'paused' | null = null;
  private minStepMs = 0;
  private nextStepAt = 0;
  private readonly ring: SnapshotRing;

  constructor(private readonly req: StartRequest, private readonly control: RunControl, private readonly trainer: Trainer) {
    this.runId = req.runId;
    this.ring = new SnapshotRing(trainer.lab.net.size);
    this.settings = control.settingsVersion;
    // A paused start needs nothing here: main put PAUSE in the control block before sending it
    // (RunControl.create). Forcing PAUSE again lost a resume that main sent while this worker was
    // still assembling the run (seen in the end-to-end tests once building the trainer took longer).
    this.readSettings();
  }

  /** Trains until the run ends, then posts `done`. */
  run(): void {
    const { control } = this;
    for (;;) {
      const command = control.command;
      if (command === COMMAND.STOP || command === COMMAND.END) return this.finish('stopped');
      if (command === COMMAND.RESET) {
        this.reset();
        continue;
      }
      const s = control.settingsVersion;
      if (s !== this.settings) {
        this.settings = s;
        this.readSettings();
      }
      if (command === COMMAND.PAUSE) {
        if (control.takeStep()) {
          if (!this.step()) return;
          // A burst of granted steps reports as a running run does, and at its end with the
          // figures of its weights.
          if (!control.hasSteps) this.sleepPaused();
          else this.reportIfDue();
        } else this.sleepPaused();
        continue;
      }
      if (this.paused) this.resumeClock();
      this.announce('running');
      if (!this.throttle(command)) continue;
      if (!this.step()) return;
      this.reportIfDue();
    }
  }

  /** Reports progress when its interval (or the snapshots') has passed. */
  private reportIfDue(): void {
    const now = performance.now();
    const snapshotDue = now - this.lastSnapshot >= this.req.stream.snapshotMs;
    if (snapshotDue || now - this.lastProgress >= this.req.stream.progressMs) this.progress(snapshotDue);
  }

  /** One update; false once the run has ended (and `done` was posted). */
  private step(): boolean {
    stepCommand = this.control.command;
    // The weights may change even when the step is then abandoned (a checkpoint put off).
    this.measured = false;
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
    if (trainer.ensureFinite()) this.measured = false;
    // Every run that ends is evaluated at its final (or restored) weights on its whole training
    // and validation sets: the figures kept with it are the run's own. (The steps have stopped
    // already; this is one forward pass over the data.) Not again when a pause measured these
    // weights already; not at all for a run that is ended (END: deleted, closed, quitting), and a
    // failed run reports what it had. Figures not redone keep their step, and say it.
    if (status !== 'failed' && !this.measured && this.control.command !== COMMAND.END) {
      try {
        trainer.remeasure(() => this.control.command === COMMAND.END);
      } catch (e) {
        if (!(e instanceof AbortedError)) throw e;
      }
    }
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
    this.control.replaceCommand(COMMAND.RESET, COMMAND.PAUSE);
    this.control.clearSteps();
    this.seconds = 0;
    this.stepsAtLastProgress = 0;
    this.paused = true;
    this.measured = false; // the initial weights' figures follow while it waits
    // Main knows the initial weights: the reset state is all it needs to show them.
    this.announce('paused', true);
  }

  /** Paused with nothing to do: report once, then sleep until main changes something. */
  private sleepPaused(): void {
    if (!this.paused) {
      this.seconds += (performance.now() - this.segmentStart) / 1000;
      this.paused = true;
      this.measured = false;
    }
    // Said at once, before the figures: a pause must not wait for them.
    this.announce('paused');
    if (!this.measured) {
      // The weights (new since the pause or the last granted step) go out first too.
      this.progress(true);
      // Paused, the weights hold still: their figures on the whole sets are worth the pass, which
      // a resume, a step, a stop or a reset abandons (then nothing is reported; the loop goes on).
      try {
        this.trainer.remeasure(() => this.control.command !== COMMAND.PAUSE || this.control.hasSteps);
      } catch (e) {
        if (e instanceof AbortedError) return;
        throw e;
      }
      this.measured = true;
      this.progress(false);
    }
    const seen = this.control.wakeCount;
    if (this.control.command === COMMAND.PAUSE && !this.control.hasSteps) this.control.sleep(seen, 1000);
  }

  private resumeClock(): void {
    this.paused = false;
    this.segmentStart = performance.now();
    this.lastProgress = this.segmentStart;
    this.stepsAtLastProgress = this.trainer.step;
  }

  /** The speed control: sleeps (without spinning) until this step's turn; false if woken by a command. */
  private throttle(command: Command): boolean {
    if (this.minStepMs <= 0) return true;
    const wait = this.nextStepAt - performance.now();
    if (wait > 0) this.control.sleep(this.control.wakeCount, wait);
    if (this.control.command !== command) return false;
    this.nextStepAt = Math.max(performance.now(), this.nextStepAt) + this.minStepMs;
    return true;
  }

  private readSettings(): void {
    this.trainer.setLearningRate(this.control.learningRate);
    const sps = this.control.maxStepsPerSecond;
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
