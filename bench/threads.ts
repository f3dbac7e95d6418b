/**
 * W3 as the app trains it, for `npm run bench`: the MNIST-sized problem's data through the real
 * training service on worker threads (out/main/trainer-worker.js, so `npm run build` first), plain
 * SGD with mini-batches of 128, once with `threads: 1` and once with `threads: 2` (the
 * data-parallel engine), timed in alternating pairs like bench/training.ts's T2. The trainer
 * computes E every step and reports progress, as in the app.
 */
import { existsSync } from 'node:fs';
import type { Dataset } from '../shared/data/dataset';
import { parseSpec, type LabSpec } from '../shared/spec';
import { TrainingService } from '../src-main/training/training-service';
import { WorkerPool } from '../src-main/training/worker-pool';
import type { MiniBatchProblem } from './workloads';

const workerUrl = new URL('../out/main/trainer-worker.js', import.meta.url);

/** Seconds per epoch on 1 and 2 threads (medians over the pairs) and each pair's speed-up. */
export interface ThreadTimings {
  one: number;
  two: number;
  speedups: number[];
}

/** The problem as a dataset: its inputs, and the class of each one-hot target row. */
function datasetOf(p: MiniBatchProblem): Dataset {
  const targets = new Float64Array(p.n);
  for (let r = 0; r < p.n; r++) for (let j = 0; j < p.outputs; j++) if (p.t[r * p.outputs + j] === 1) targets[r] = j;
  return { inputs: p.x, targets, n: p.n, inputNames: Array.from({ length: p.inputs }, (_, i) => `x${i}`), targetNames: ['class'] };
}

function specFor(p: MiniBatchProblem, steps: number, threads: number): LabSpec {
  return parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 1,
    data: { csv: 'w3.csv', inputs: Array.from({ length: p.inputs }, (_, i) => `x${i}`), targets: ['class'] },
    network: { hidden: [{ units: p.layers[0].units, activation: 'tanh', init: { scheme: 'xavier' } }], output: { cost: 'softmax-cross-entropy', init: { scheme: 'xavier' } } },
    training: { optimizer: 'sgd', learningRate: p.lr, steps, threads, batchSize: p.batch },
  });
}

/** Times `steps` SGD steps on 1 and 2 threads in `pairs` alternating pairs; scales to an epoch. */
export async function timeThreads(p: MiniBatchProblem, steps: number, pairs: number): Promise<ThreadTimings> {
  if (!existsSync(workerUrl)) throw new Error('out/main/trainer-worker.js is missing: run npm run build first (npm run bench does)');
  const data = datasetOf(p);
  const pool = new WorkerPool({ size: 2, workerUrl });
  const service = new TrainingService(pool, { progressMs: 33, snapshotMs: 100 });
  const run = async (spec: LabSpec): Promise<number> => {
    const id = service.start(spec, data);
    const r = await service.wait(id);
    if (r.status !== 'finished') throw new Error(`W3 run ${r.status}: ${r.message}`);
    return r.metrics!.seconds;
  };
  try {
    // Both workers warm up first (a fresh worker's first seconds run unoptimized code).
    await run(specFor(p, 40, 2));
    const epochsPer = (p.n / p.batch) / steps;
    const ones: number[] = [], twos: number[] = [], speedups: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const t: Record<number, number> = {};
      for (const k of i % 2 === 0 ? [1, 2] : [2, 1]) t[k] = (await run(specFor(p, steps, k))) * epochsPer;
      ones.push(t[1]);
      twos.push(t[2]);
      speedups.push(t[1] / t[2]);
    }
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    return { one: median(ones), two: median(twos), speedups };
  } finally {
    await pool.close();
  }
}
