/**
 * Main's cache of prepared data (src-main/training/parts-cache.ts): prepared in slices between
 * main's other work, with the bits of the one-go preparation, shared by everyone who asks, and
 * a failed preparation not remembered.
 */
import { describe, expect, it } from 'vitest';
import { type Dataset, SLICE_ROWS } from '../../shared/data/dataset';
import { Rng } from '../../shared/engine/rng';
import { prepareParts } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';
import { PartsCache } from '../../src-main/training/parts-cache';
import { TrainingService } from '../../src-main/training/training-service';
import { WorkerPool } from '../../src-main/training/worker-pool';
import { requireWorker, workerUrl } from '../support/worker';


/** n rows of 8 inputs and a class label 0-2. */
function labelled(n: number): Dataset {
  const rng = new Rng(5);
  return {
    inputs: Float64Array.from({ length: n * 8 }, (_, i) => rng.normal() * (1 + (i % 8))),
    targets: Float64Array.from({ length: n }, () => rng.int(3)),
    n,
    inputNames: Array.from({ length: 8 }, (_, j) => `x${j}`),
    targetNames: ['label'],
  };
}

function spec(cost = 'softmax-cross-entropy', training: Record<string, unknown> = {}) {
  return parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 3,
    data: { csv: 'd.csv', inputs: Array.from({ length: 8 }, (_, j) => `x${j}`), targets: ['label'], normalize: true, split: { validation: 0.2, test: 0.1 } },
    network: { hidden: [{ units: 4 }], output: { cost } },
    training: { optimizer: 'sgd', batchSize: 32, steps: 3, ...training },
  });
}

/** Counts event-loop turns until `promise` settles. */
async function turnsDuring<T>(promise: Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let done = false;
  const tick = () => {
    if (done) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { value: await promise, turns };
  } finally {
    done = true;
  }
}

describe('PartsCache', () => {
  it('prepares in slices, letting main work in between, to the bits of the one-go preparation', async () => {
    const raw = labelled(20 * SLICE_ROWS);
    const cache = new PartsCache({ sliceMs: 0 });
    const { value: parts, turns } = await turnsDuring(cache.prepare(spec(), raw));
    // Copying three parts, two passes of statistics, three normalisations: a pause per slice.
    expect(turns).toBeGreaterThanOrEqual(40);
    const plain = prepareParts(spec(), raw);
    for (const part of ['train', 'validation', 'test'] as const) {
      expect(parts[part].inputs.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(parts[part].targets.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(parts[part].inputs)).toEqual(Array.from(plain[part].inputs));
      expect(Array.from(parts[part].targets)).toEqual(Array.from(plain[part].targets));
    }
    expect(parts.normalization).toEqual(plain.normalization);
    // Negative control: the one-go preparation lets nothing run meanwhile.
    const { turns: none } = await turnsDuring(Promise.resolve(new PartsCache().get(spec(), labelled(20 * SLICE_ROWS))));
    expect(none).toBe(0);
  });

  it('gives everyone asking for the same parts the one preparation, and the same parts after it', async () => {
    const raw = labelled(4 * SLICE_ROWS);
    const cache = new PartsCache({ sliceMs: 0 });
    const [a, b] = await Promise.all([cache.prepare(spec(), raw), cache.prepare(spec('softmax-cross-entropy', { learningRate: 0.5 }), raw)]);
    expect(b).toBe(a);
    expect(cache.get(spec(), raw)).toBe(a);
    expect(await cache.prepare(spec(), raw)).toBe(a);
    // Other targets' form (sum-of-squares keeps the label column as it is): other parts.
    const other = cache.get(spec('sum-of-squares'), raw);
    expect(other).not.toBe(a);
    expect(other.train.targetNames).toEqual(['label']);
    expect(a.train.targetNames).toEqual(['label=0', 'label=1', 'label=2']);
  });

  it('rejects with the error preparing gives, and does not remember the failure', async () => {
    const raw = { ...labelled(100), targets: Float64Array.from({ length: 100 }, (_, i) => i / 7) };
    const cache = new PartsCache({ sliceMs: 0 });
    await expect(cache.prepare(spec(), raw)).rejects.toThrow(/needs class labels/);
    await expect(cache.prepare(spec(), raw)).rejects.toThrow(/needs class labels/);
    const fine = await cache.prepare(spec('sum-of-squares'), raw);
    expect(fine.train.n).toBe(70);
  });

  it('a run stopped while its data is prepared ends stopped at step 0, without a worker', async () => {
    requireWorker();
    const pool = new WorkerPool({ size: 1, workerUrl });
    try {
      const service = new TrainingService(pool, undefined, new PartsCache({ sliceMs: 0 }));
      const raw = labelled(40 * SLICE_ROWS);
      const id = service.start(spec(), raw);
      expect(service.trainSamples(id)).toBe(Math.round(40 * SLICE_ROWS * 0.7));
      expect(() => service.dataInfo(id)).toThrow(/still being prepared/);
      const record = await service.stop(id);
      expect(record.status).toBe('stopped');
      expect(record.metrics).toBeNull();
      // A run on the same data afterwards trains normally, on the prepared parts.
      const next = service.start(spec(), raw);
      expect((await service.wait(next)).status).toBe('finished');
      expect(service.dataInfo(next).train.n).toBe(service.trainSamples(next));
    } finally {
      await pool.close();
    }
  });
});
