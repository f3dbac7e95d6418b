/**
 * Data-parallel runs on real worker threads: the same spec gives the same bits on 1, 2 and 4
 * threads, and the same bits as the in-process trainer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { createLab } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';
import { chunkPlan, flopsPerSample, Trainer } from '../../shared/trainer';
import { TrainingService } from '../../src-main/training/training-service';
import { WorkerPool } from '../../src-main/training/worker-pool';

const workerUrl = new URL('../../out/main/trainer-worker.js', import.meta.url);
let pool: WorkerPool;
let service: TrainingService;

beforeAll(() => {
  pool = new WorkerPool({ size: 4, workerUrl });
  service = new TrainingService(pool);
});
afterAll(async () => {
  await pool.close();
});

function spec(threads: number, training: Record<string, unknown>) {
  return parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 8,
    data: { builtin: 'xor-quadrants', n: 2000 },
    network: { hidden: [{ units: 96, activation: 'tanh' }, { units: 96, activation: 'relu' }], output: { cost: 'sigmoid-cross-entropy' } },
    training: { learningRate: 0.002, steps: 12, threads, ...training },
  });
}

const data = () => generateBuiltin('xor-quadrants', 2000, 8);

describe('data-parallel training', () => {
  for (const [what, training] of [
    ['full-batch gd', { optimizer: 'gd' }],
    ['mini-batch adam', { optimizer: 'adam', batchSize: 1500 }],
    ['scg', { optimizer: 'scg' }],
  ] as const) {
    it(`${what}: identical weights on 1, 2 and 4 threads, and in-process`, async () => {
      const s1 = spec(1, training);
      const lab = createLab(s1, data());
      const batch = s1.training.batchSize ?? lab.data.n;
      expect(chunkPlan(batch, flopsPerSample(lab.net)).chunks).toBeGreaterThanOrEqual(4);
      new Trainer(lab).run(12);
      const results: number[][] = [];
      for (const k of [1, 2, 4]) {
        const id = service.start(spec(k, training), data());
        const r = await service.wait(id);
        expect(r.status).toBe('finished');
        results.push(Array.from(r.finalWeights!));
      }
      expect(results[1], "2 threads vs 1").toEqual(results[0]);
      expect(results[2], "4 threads vs 1").toEqual(results[0]);
      expect(results[0], "worker vs in-process").toEqual(Array.from(lab.net.params));
    });
  }

  it('negative control: a different seed gives different weights', async () => {
    const a = await service.wait(service.start(spec(2, { optimizer: 'gd' }), data()));
    const b = await service.wait(service.start({ ...spec(2, { optimizer: 'gd' }), seed: 9 }, data()));
    expect(Array.from(a.finalWeights!)).not.toEqual(Array.from(b.finalWeights!));
  });
});
