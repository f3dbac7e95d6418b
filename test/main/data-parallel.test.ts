/**
 * Data-parallel runs on real worker threads: the same spec gives the same bits on 1, 2 and 4
 * threads, and the same bits as the in-process trainer; a helper thread that crashes or fails
 * (not only the coordinator) ends its run with a message, and the pool carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { createLab } from '../../shared/lab';
import type { Dataset } from '../../shared/data/dataset';
import { type LabSpec, parseSpec } from '../../shared/spec';
import { chunkPlan, flopsPerSample } from '../../shared/training/gradient';
import { Trainer } from '../../shared/training/trainer';
import { TrainingService } from '../../src-main/training/training-service';
import { WorkerPool } from '../../src-main/training/worker-pool';
import { workerUrl } from '../support/worker';

let pool: WorkerPool;
let service: TrainingService;

beforeAll(() => {
  pool = new WorkerPool({ size: 4, workerUrl });
  service = new TrainingService(pool);
});
afterAll(async () => {
  await pool.close();
});

function spec(threads: number, training: Record<string, unknown>, units = 96, n = 2000) {
  return parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 8,
    data: { builtin: 'xor-quadrants', n },
    network: { hidden: [{ units, activation: 'tanh' }, { units, activation: 'relu' }], output: { cost: 'sigmoid-cross-entropy' } },
    training: { learningRate: 1e-4, steps: 12, threads, ...training },
  });
}

const data = (n = 2000) => generateBuiltin('xor-quadrants', n, 8);

/** Runs `make(k)` on 1, 2, 3 and 4 threads: all finish with the weights of the in-process trainer. */
async function expectSameOnEveryThreadCount(make: (threads: number) => LabSpec, dataset: () => Dataset, steps: number): Promise<void> {
  const lab = createLab(make(1), dataset());
  new Trainer(lab).run(steps);
  const local = Array.from(lab.net.params);
  for (const k of [1, 2, 3, 4]) {
    const r = await service.wait(service.start(make(k), dataset()));
    expect(r.status, `${k} threads`).toBe('finished');
    expect(Array.from(r.finalWeights!), `${k} threads vs in-process`).toEqual(local);
  }
}

describe('data-parallel training', () => {
  for (const [what, training] of [
    ['full-batch gd', { optimizer: 'gd' }],
    ['mini-batch sgd (the gradient step taken on every thread)', { optimizer: 'sgd', batchSize: 1500 }],
    ['mini-batch adam with weight decay', { optimizer: 'adam', batchSize: 1500, weightDecay: 0.01 }],
    ['scg', { optimizer: 'scg' }],
  ] as const) {
    it(`${what}: identical weights on 1, 2, 3 and 4 threads, and in-process`, async () => {
      const s1 = spec(1, training);
      expect(chunkPlan(s1.training.batchSize ?? 2000, flopsPerSample(createLab(s1, data()).net)).chunks).toBeGreaterThanOrEqual(4);
      await expectSameOnEveryThreadCount((k) => spec(k, training), data, 12);
    });
  }

  it('precision float32 trains on one thread whatever threads asks for: the in-process trainer\'s weights, all float32 values', async () => {
    const training = { optimizer: 'sgd', batchSize: 1500, precision: 'float32' };
    await expectSameOnEveryThreadCount((k) => spec(k, training), data, 12);
    const r = await service.wait(service.start(spec(2, training), data()));
    expect(Array.from(r.finalWeights!).every((v) => Math.fround(v) === v)).toBe(true);
  });

  it('a batch of five chunks (two waves, the second of one chunk): identical weights on 1, 2, 3 and 4 threads, and in-process', async () => {
    const make = (k: number) => spec(k, { optimizer: 'gd', steps: 3 }, 256, 1200);
    expect(chunkPlan(1200, flopsPerSample(createLab(make(1), data(1200)).net)).chunks).toBe(5);
    await expectSameOnEveryThreadCount(make, () => data(1200), 3);
  });

  it('with a validation split, early stopping and mini-batches: the same curves, metrics and weights on 1, 2 and 4 threads', async () => {
    const make = (threads: number) =>
      parseSpec({
        format: 'mlp-lab-spec', version: 1, seed: 8,
        data: { builtin: 'xor-quadrants', n: 3000, split: { validation: 0.4 } },
        network: { hidden: [{ units: 96, activation: 'tanh' }, { units: 96, activation: 'relu' }], output: { cost: 'sigmoid-cross-entropy' } },
        training: { optimizer: 'momentum', learningRate: 2e-4, batchSize: 1500, steps: 9, validateEvery: 2, earlyStopping: { patience: 2 }, threads },
      });
    const records = [];
    for (const k of [1, 2, 4]) {
      const r = await service.wait(service.start(make(k), data(3000)));
      expect(r.status).toBe('finished');
      records.push(r);
    }
    const [one, ...more] = records;
    // The validation set (1200 rows) is measured in two pieces of at most EVAL_ROWS rows.
    expect(one.curve.validation.length).toBeGreaterThanOrEqual(4);
    expect(one.metrics!.validation!.accuracy).toBeGreaterThan(0);
    for (const r of more) {
      expect(Array.from(r.curve.validation)).toEqual(Array.from(one.curve.validation));
      expect(Array.from(r.curve.train)).toEqual(Array.from(one.curve.train));
      expect(r.metrics!.validation).toEqual(one.metrics!.validation);
      expect(r.metrics!.train!.accuracy).toBe(one.metrics!.train!.accuracy);
      expect(Array.from(r.finalWeights!)).toEqual(Array.from(one.finalWeights!));
    }
  });

  it('a diverging data-parallel run keeps the same last finite weights on 1, 2 and 4 threads as in-process', async () => {
    // The weights before each step are kept by every thread in its share of the fused step.
    const diverging = (k: number) => spec(k, { optimizer: 'sgd', batchSize: 1500, learningRate: 1e80, steps: 60 });
    const lab = createLab(diverging(1), data());
    const local = new Trainer(lab);
    local.run(60);
    expect(local.state.message).toMatch(/^diverged at step 2: E\/N rose to .* \(the last good weights, of step 0, are kept\)$/);
    // E/N at the weights after step 1 is far past the start's: the weights kept are the initial ones.
    expect(Array.from(lab.net.params)).toEqual(Array.from(createLab(diverging(1), data()).initial));
    for (const k of [1, 2, 4]) {
      const r = await service.wait(service.start(diverging(k), data()));
      expect(r.status, `${k} threads`).toBe('diverged');
      expect(r.message).toBe(local.state.message);
      expect(r.finalWeights!.every((w) => Number.isFinite(w))).toBe(true);
      expect(Array.from(r.finalWeights!), `${k} threads`).toEqual(Array.from(lab.net.params));
    }
  });

  it('a finished run has given its helper threads back when wait() resolves', async () => {
    const r = await service.wait(service.start(spec(4, { optimizer: 'gd', steps: 2 }), data()));
    expect(r.status).toBe('finished');
    // The coordinator and its three helpers are all idle again: the next run gets every thread.
    expect(pool.active).toBe(0);
  });

  describe('a helper thread that fails', () => {
    // Helpers whose duty fails on purpose (test/support/faulty-helper-worker.mjs), by the run's seed.
    let faulty: WorkerPool;
    let faultyService: TrainingService;
    beforeAll(() => {
      process.env['MLP_LAB_FAULTY_TARGET'] = String(workerUrl);
      faulty = new WorkerPool({ size: 2, workerUrl: new URL('../support/faulty-helper-worker.mjs', import.meta.url) });
      faultyService = new TrainingService(faulty);
    });
    afterAll(async () => {
      await faulty.close();
    });
    /** The run's record, or a failure if it has not ended within 30 s (a coordinator left waiting). */
    const ended = (id: string) =>
      Promise.race([
        faultyService.wait(id),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the run never ended: its coordinator is still waiting for the helper')), 30_000)),
      ]);

    it('a helper thread that crashes ends the run as failed, saying so, and the pool carries on', async () => {
      const r = await ended(faultyService.start({ ...spec(2, { optimizer: 'gd', steps: 200 }), seed: 666 }, data()));
      expect(r.status).toBe('failed');
      expect(r.message).toMatch(/a data-parallel helper thread stopped, so this run cannot go on/);
      expect(r.message).toMatch(/the trainer thread stopped unexpectedly \(exit code 7\)/);
      // The crashed thread was replaced: the next run gets both threads and finishes.
      const next = await ended(faultyService.start(spec(2, { optimizer: 'gd', steps: 3 }), data()));
      expect(next.status).toBe('finished');
      expect(faulty.active).toBe(0);
    });

    it('a helper that fails with an error (its thread lives on) ends the run as failed, saying why', async () => {
      const r = await ended(faultyService.start({ ...spec(2, { optimizer: 'gd', steps: 200 }), seed: 667 }, data()));
      expect(r.status).toBe('failed');
      expect(r.message).toMatch(/helper thread 1 failed: .*null/);
      const next = await ended(faultyService.start(spec(2, { optimizer: 'gd', steps: 3 }), data()));
      expect(next.status).toBe('finished');
    });

    it('negative control: the same pool trains a run whose helpers do not fail, on both threads', async () => {
      const r = await ended(faultyService.start({ ...spec(2, { optimizer: 'gd', steps: 5 }), seed: 668 }, data()));
      expect(r.status).toBe('finished');
    });
  });

  it('negative control: a different seed gives different weights', async () => {
    const a = await service.wait(service.start(spec(2, { optimizer: 'gd' }), data()));
    const b = await service.wait(service.start({ ...spec(2, { optimizer: 'gd' }), seed: 9 }, data()));
    expect(Array.from(a.finalWeights!)).not.toEqual(Array.from(b.finalWeights!));
  });
});
