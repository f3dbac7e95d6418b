/**
 * The benchmark workloads, timed on the engine exactly as a trainer runs them: the gradient
 * engine `gradientEngineFor` picks (the fused WebAssembly one by default; LocalGradient with
 * MLP_LAB_KERNELS=js), with the trainer's chunk plan. A timed step is the seed's `fit`:
 * gradient + update, no E (the "+E" variants add E, as the app's trainer computes it).
 *
 * W1  the seed's XOR run: 1000 samples, 2 -> 4 tanh -> 1, sigmoid cross-entropy, full-batch GD.
 * W2  the seed's regression: 100 samples, 1 -> 6 tanh -> 1, sum of squares, full-batch GD.
 * W3  an MNIST-sized epoch: 60000 x 784 -> 256 tanh -> 10 softmax, mini-batches of 128, plain
 *     SGD, on synthetic data from the engine's seeded generator.
 */
import { cost } from '../shared/engine/costs';
import { initialize } from '../shared/engine/init';
import { Network } from '../shared/engine/network';
import { Rng } from '../shared/engine/rng';
import { Float32Gradient } from '../shared/training/float32-gradient';
import { FusedGradient, gradientEngineFor, kernelVectorsForRun } from '../shared/training/fused-gradient';
import type { Precision } from '../shared/engine/wasm/working-copy';
import { type SeedRun, seedRuns } from '../test/support/seed-runs';

/**
 * One gradient-descent step w <- w - eta dE/dw on rows [0, n) of x and t, in place, by the
 * engine the trainer would use for `net`; returns E when `withError`, else NaN (the fused
 * engine then skips E; LocalGradient always computes it, and its NaN is dropped).
 */
export type EngineStep = (w: Float64Array, x: Float64Array, t: Float64Array, n: number, eta: number, withError: boolean) => number;

/** The trainer's engine for `net` (in `precision`) as an EngineStep, and its name. */
export function engineStep(net: Network, precision: Precision = 'float64'): { step: EngineStep; name: string } {
  const engine = gradientEngineFor(net, undefined, precision);
  if (engine instanceof FusedGradient) return { step: (w, x, t, n, eta, withError) => engine.step(w, x, t, n, eta, withError), name: 'fused WebAssembly' };
  if (engine instanceof Float32Gradient) return { step: (w, x, t, n, eta, withError) => engine.step(w, x, t, n, eta, withError), name: 'float32 TypeScript' };
  const scratch = new Float64Array(net.size);
  return {
    step: (w, x, t, n, eta, withError) => {
      const e = engine.gradient(w, x, t, n, scratch, eta);
      return withError ? e : Number.NaN;
    },
    name: 'LocalGradient (plain kernels)',
  };
}

export type { SeedRun };
export { seedRuns };

/** Seconds per full-batch step and E after the timed steps. */
export interface FullBatchTiming {
  secondsPerStep: number;
  steps: number;
  /** E after `steps` steps from params0 (for comparison with numpy's run of the same length). */
  E: number;
}

/** Timed runs are cut into this many chunks; the fastest chunk gives the time per step. */
export const CHUNKS = 40;

/**
 * Times `steps` full-batch GD steps from the fixture's initial weights, after `warmup` steps (from
 * the same weights, then reset) so the JIT has compiled the loop. The steps run in `CHUNKS` equal
 * chunks and the fastest chunk counts, `repeat` times over: other processes on a shared machine
 * only ever make a chunk slower. With `withError`, each step also computes E, as the app's
 * trainer does for its cost curve.
 */
export function timeFullBatch(run: SeedRun, steps: number, warmup: number, repeat: number, withError = false): FullBatchTiming {
  return withWeightsHome(run.params0.length, (home) => timeFullBatchOn(home, run, steps, warmup, repeat, withError));
}

function timeFullBatchOn(home: Float64Array | undefined, run: SeedRun, steps: number, warmup: number, repeat: number, withError: boolean): FullBatchTiming {
  const net = new Network(run.inputs, run.layers, cost(run.costName), home);
  const x = Float64Array.from(run.x);
  const t = Float64Array.from(run.t);
  const { step } = engineStep(net);
  const w = net.params;
  w.set(run.params0);
  for (let s = 0; s < warmup; s++) step(w, x, t, run.n, run.lr, withError);
  const chunk = Math.max(1, Math.floor(steps / CHUNKS));
  let best = Infinity;
  for (let r = 0; r < repeat; r++) {
    w.set(run.params0);
    for (let done = 0; done < steps; done += chunk) {
      const m = Math.min(chunk, steps - done);
      const start = process.hrtime.bigint();
      for (let s = 0; s < m; s++) step(w, x, t, run.n, run.lr, withError);
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9 / m);
    }
  }
  return { secondsPerStep: best, steps, E: net.error(x, t, run.n) };
}

/** The outcome of replaying a seed run against its numpy fixture. */
export interface FixtureCheck {
  /** Every checkpoint E and final weight within 8 significant digits of numpy. */
  ok: boolean;
  /** The last checkpoint: step, our E, numpy's E. */
  step: number;
  E: number;
  numpyE: number;
  /** Largest relative error over checkpoints and final weights. */
  worst: number;
}

/**
 * Replays a seed run for all its fixture steps on the timed engine: no E between checkpoints,
 * E at each checkpoint, so both paths are pinned.
 */
export function checkFixture(run: SeedRun): FixtureCheck {
  const net = new Network(run.inputs, run.layers, cost(run.costName));
  net.params.set(run.params0);
  const x = Float64Array.from(run.x);
  const t = Float64Array.from(run.t);
  const { step } = engineStep(net);
  const want = new Map(run.checkpoints.map((c) => [c.step, c.E]));
  let worst = 0;
  const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-3);
  for (let s = 0; s < run.steps; s++) {
    const expected = want.get(s);
    const e = step(net.params, x, t, run.n, run.lr, expected !== undefined);
    if (expected !== undefined) worst = Math.max(worst, rel(e, expected));
  }
  const last = run.checkpoints[run.checkpoints.length - 1];
  const E = net.error(x, t, run.n);
  worst = Math.max(worst, rel(E, last.E));
  net.params.forEach((p, i) => {
    worst = Math.max(worst, rel(p, run.paramsFinal[i]));
  });
  return { ok: worst <= 5e-9, step: last.step, E, numpyE: last.E, worst };
}

/** The W3 problem: synthetic MNIST-shaped data, initial weights and the epoch's batch order. */
export interface MiniBatchProblem {
  n: number;
  inputs: number;
  outputs: number;
  layers: { units: number; activation: string }[];
  costName: 'softmax-cross-entropy';
  batch: number;
  lr: number;
  /** n x inputs, uniform on [0, 1) like scaled pixel values. */
  x: Float64Array;
  /** n x outputs, one-hot random labels. */
  t: Float64Array;
  params0: Float64Array;
  /** A permutation of 0 ... n-1: batch b is rows order[b * batch ...]. */
  order: Int32Array;
}

/** Builds W3 from a seed: 60000 x 784 -> 256 tanh -> 10 softmax, batches of 128 (by default). */
export function mnistProblem(seed = 1, n = 60000, inputs = 784, hidden = 256, outputs = 10, batch = 128): MiniBatchProblem {
  const rng = Rng.derive(seed, 'data');
  const x = new Float64Array(n * inputs);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  const t = new Float64Array(n * outputs);
  for (let s = 0; s < n; s++) t[s * outputs + rng.int(outputs)] = 1;
  const layers = [{ units: hidden, activation: 'tanh' }, { units: outputs, activation: 'linear' }];
  const net = new Network(inputs, layers, cost('softmax-cross-entropy'));
  initialize(net, [{ scheme: 'xavier', std: 1, bias: 0 }, { scheme: 'xavier', std: 1, bias: 0 }], Rng.derive(seed, 'init'));
  const order = Rng.derive(seed, 'shuffle').shuffle(Int32Array.from({ length: n }, (_, i) => i));
  return { n, inputs, outputs, layers, costName: 'softmax-cross-entropy', batch, lr: 1e-3, x, t, params0: Float64Array.from(net.params), order };
}

/**
 * Multiply-add work of one sample's gradient, counting 2 m n k per product: forward x.W, the
 * weight gradient inputs^T . delta, and delta . W^T for every layer but the first (the inputs
 * need no gradient).
 */
export function flopsPerSample(inputs: number, layers: readonly { units: number }[]): number {
  let flops = 0;
  let fanIn = inputs;
  layers.forEach((l, i) => {
    flops += 2 * fanIn * l.units * (i === 0 ? 2 : 3);
    fanIn = l.units;
  });
  return flops;
}

/** Seconds for one epoch of mini-batch SGD and the loss after it. */
export interface EpochTiming {
  /** Seconds per epoch at the pace of the fastest of `CHUNKS` chunks of batches. */
  seconds: number;
  /** Seconds the epochs actually took, divided by their number. */
  elapsed: number;
  batches: number;
  gflops: number;
  /** E summed over the first 1000 samples after the epoch (sanity: finite). */
  E: number;
}

/**
 * `body` given a home for `size` weights where a trainer worker keeps them on the WebAssembly
 * path: in the thread's kernel memory (src-main/training/trainer-worker.ts weightsHome), so the
 * fused step works on them in place; undefined (the network's own vector) otherwise. The home is
 * given back when `body` returns.
 */
function withWeightsHome<T>(size: number, body: (home: Float64Array | undefined) => T): T {
  const vectors = kernelVectorsForRun();
  try {
    return body(vectors?.vector(size));
  } finally {
    vectors?.release();
  }
}

/**
 * Times `epochs` epochs of mini-batch SGD (gather the batch rows, gradient without E, update,
 * by the trainer's engine with its chunk plan, on weights where the app's trainer keeps them),
 * after a few warm-up batches from the same weights. The batches run in `CHUNKS` chunks per
 * epoch and the fastest chunk's pace per row, times the rows of an epoch, gives `seconds`.
 */
export function timeEpoch(p: MiniBatchProblem, epochs: number, precision: Precision = 'float64'): EpochTiming {
  return withWeightsHome(p.params0.length, (home) => timeEpochOn(home, p, epochs, precision));
}

function timeEpochOn(home: Float64Array | undefined, p: MiniBatchProblem, epochs: number, precision: Precision): EpochTiming {
  const net = new Network(p.inputs, p.layers, cost(p.costName), home);
  const { step: engine } = engineStep(net, precision);
  const xb = new Float64Array(p.batch * p.inputs);
  const tb = new Float64Array(p.batch * p.outputs);
  let rows = 0;
  const step = (start: number): void => {
    rows = Math.min(p.batch, p.n - start);
    for (let r = 0; r < rows; r++) {
      const s = p.order[start + r];
      xb.set(p.x.subarray(s * p.inputs, (s + 1) * p.inputs), r * p.inputs);
      tb.set(p.t.subarray(s * p.outputs, (s + 1) * p.outputs), r * p.outputs);
    }
    engine(net.params, xb, tb, rows, p.lr, false);
  };
  net.params.set(p.params0);
  for (let b = 0; b < 5; b++) step(b * p.batch);
  net.params.set(p.params0);
  const perEpoch = Math.ceil(p.n / p.batch);
  const perChunk = Math.max(1, Math.ceil(perEpoch / CHUNKS));
  let best = Infinity; // seconds per row
  const start = process.hrtime.bigint();
  for (let e = 0; e < epochs; e++) {
    for (let b0 = 0; b0 < perEpoch; b0 += perChunk) {
      const t0 = process.hrtime.bigint();
      let rowsDone = 0;
      for (let b = b0; b < Math.min(perEpoch, b0 + perChunk); b++) {
        step(b * p.batch);
        rowsDone += rows;
      }
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / rowsDone);
    }
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9 / epochs;
  const seconds = best * p.n;
  const gflops = (flopsPerSample(p.inputs, p.layers) * p.n) / seconds / 1e9;
  const m = Math.min(1000, p.n);
  return { seconds, elapsed, batches: perEpoch, gflops, E: net.error(p.x.subarray(0, m * p.inputs), p.t.subarray(0, m * p.outputs), m) };
}
