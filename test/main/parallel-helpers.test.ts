/**
 * Lending helper threads to a run (src-main/training/parallel-helpers.ts) when the run's shared
 * block cannot be made (no shared WebAssembly memory on the platform, or no room in its 4 GiB):
 * the run trains on one thread, and no worker is taken from the pool, so none is left lent to a
 * run that never started on it.
 */
import { describe, expect, it, vi } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { prepareParts } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';
import type { WorkerPool } from '../../src-main/training/worker-pool';

const noMemory = vi.hoisted(() => ({ on: false }));
vi.mock('../../shared/engine/wasm/runtime', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../shared/engine/wasm/runtime')>();
  return { ...real, sharedKernelMemory: () => (noMemory.on ? null : real.sharedKernelMemory()) };
});

const { lendHelpers } = await import('../../src-main/training/parallel-helpers');

const spec = parseSpec({
  format: 'mlp-lab-spec', version: 1, seed: 3, data: { builtin: 'xor-quadrants', n: 200 },
  network: { hidden: [{ units: 8, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } },
  training: { threads: 2 },
});
const parts = prepareParts(spec, generateBuiltin('xor-quadrants', 200, 3));

/** A pool that counts what is asked of it and has no idle worker. */
function countingPool() {
  const pool = { acquired: 0, tryAcquire: async () => { pool.acquired++; return null; }, release: () => {} };
  return pool;
}

describe('lending helpers', () => {
  it('without a shared block the run gets no helpers (one thread) and the pool is not touched', async () => {
    noMemory.on = true;
    const pool = countingPool();
    expect(await lendHelpers(pool as unknown as WorkerPool, spec, parts as never, 33, 1)).toBeNull();
    expect(pool.acquired).toBe(0);
  });

  it('negative control: with the block the pool is asked for a helper', async () => {
    noMemory.on = false;
    const pool = countingPool();
    expect(await lendHelpers(pool as unknown as WorkerPool, spec, parts as never, 33, 1)).toBeNull();
    expect(pool.acquired).toBe(1);
  });
});
