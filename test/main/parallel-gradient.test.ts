/**
 * The data-parallel engine (src-main/training/parallel-gradient.ts) driven directly: a
 * coordinator in this thread and one helper on a real worker thread, sharing one kernel memory.
 * A fused gradient step leaves the weights and the kept copy with the bits of the one-thread
 * engine and never writes the gradient vector it was handed as scratch (the two lanes are added
 * inside the step, nowhere else); a plain gradient on the same engine fills that vector with the
 * one-thread gradient (negative control: the test sees writes to it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { assembleLab, outputUnits } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';
import { chunkPlan, flopsPerSample } from '../../shared/training/gradient';
import { gradientEngineFor } from '../../shared/training/fused-gradient';
import { createParallelBlock, parallelViews, releaseHelpers } from '../../src-main/training/parallel-block';
import { ParallelGradient } from '../../src-main/training/parallel-gradient';
import { PartsCache } from '../../src-main/training/parts-cache';
import { WorkerPool } from '../../src-main/training/worker-pool';
import { workerUrl } from '../support/worker';

let pool: WorkerPool;
beforeAll(() => {
  pool = new WorkerPool({ size: 1, workerUrl });
});
afterAll(async () => {
  await pool.close();
});

const spec = parseSpec({
  format: 'mlp-lab-spec', version: 1, seed: 4, data: { builtin: 'xor-quadrants', n: 2000 },
  network: { hidden: [{ units: 96, activation: 'tanh' }, { units: 96, activation: 'relu' }], output: { cost: 'sigmoid-cross-entropy' } },
  training: { optimizer: 'sgd', batchSize: 1500, learningRate: 1e-3, threads: 2 },
});

describe('data-parallel gradient, coordinator and one helper', () => {
  it('a fused step: the one-thread bits, the old weights kept, the scratch gradient never written; a plain gradient is written (control)', async () => {
    const parts = new PartsCache().get(spec, generateBuiltin('xor-quadrants', 2000, 4));
    const train = parts.train;
    const one = assembleLab(spec, parts);
    const P = one.net.size;
    const layout = { params: P, inputs: train.inputNames.length, outputs: train.targetNames.length, maxBatch: 1500, logits: outputUnits(spec, train.targetNames.length) };
    const block = createParallelBlock(layout);
    const views = parallelViews(block, layout);
    const lab = assembleLab(spec, parts, one.net.params, views.params);
    expect(chunkPlan(1500, flopsPerSample(lab.net)).chunks).toBeGreaterThanOrEqual(4);
    const helper = (await pool.tryAcquire())!;
    const back = helper.request({ type: 'helper', spec, parts, parallel: { block, layout, K: 2 }, index: 1 });
    try {
      const engine = new ParallelGradient(lab.net, views, 2, { train: lab.data, validation: lab.validation });
      const local = gradientEngineFor(one.net, undefined, 'float64', { train: one.data, validation: one.validation });
      const rows = Int32Array.from({ length: 1500 }, (_, i) => (i * 7) % train.n);
      const scratch = new Float64Array(P);
      const keep = views.fallback[1];
      const wantKeep = new Float64Array(P);
      for (let s = 0; s < 3; s++) {
        const e = engine.gradientOfRows(views.params, rows, 1500, scratch, 0.05, keep);
        const want = local.gradientOfRows!(one.net.params, rows, 1500, new Float64Array(P), 0.05, wantKeep);
        expect(e).toBe(want);
        expect(Array.from(views.params)).toEqual(Array.from(one.net.params));
        expect(Array.from(keep)).toEqual(Array.from(wantKeep));
      }
      expect(scratch.every((g) => g === 0)).toBe(true);
      // Negative control: without a step the gradient comes out in that vector, the one-thread bits.
      const g1 = new Float64Array(P), g2 = new Float64Array(P);
      expect(engine.gradientOfRows(views.params, rows, 1500, g1)).toBe(local.gradientOfRows!(one.net.params, rows, 1500, g2));
      expect(g1.some((g) => g !== 0)).toBe(true);
      expect(Array.from(g1)).toEqual(Array.from(g2));
    } finally {
      releaseHelpers(block);
      expect((await back).ok).toBe(true);
      pool.release(helper);
    }
  });
});
