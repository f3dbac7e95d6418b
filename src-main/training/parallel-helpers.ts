/**
 * Lending idle pool workers to a run as data-parallel helpers (parallel-gradient.ts): each
 * helper is attached to the run's shared block and stays lent until the run releases it.
 */
import { outputUnits } from '../../shared/lab';
import type { LabSpec } from '../../shared/spec';
import type { ParallelSetup, SharedParts } from '../../shared/worker-protocol';
import { createParallelBlock, releaseHelpers } from './parallel-block';
import type { PooledWorker, WorkerPool } from './worker-pool';

/** Helpers lent to a run: the shared setup, and one promise per helper that settles when it is back in the pool. */
export interface LentHelpers {
  setup: ParallelSetup;
  back: Promise<unknown>[];
}

/**
 * Borrows up to `wanted` idle workers as helpers of a run of `spec` on `parts` with `params`
 * weights. Fewer than wanted (even none: then null) is fine: the result does not depend on how
 * many threads share the work, only the time does.
 */
export async function lendHelpers(pool: WorkerPool, spec: LabSpec, parts: SharedParts, params: number, wanted: number): Promise<LentHelpers | null> {
  if (wanted < 1) return null;
  const helpers: PooledWorker[] = [];
  while (helpers.length < wanted) {
    const h = await pool.tryAcquire();
    if (!h) break;
    helpers.push(h);
  }
  if (helpers.length === 0) return null;
  const train = parts.train;
  const layout = {
    params,
    inputs: train.inputNames.length,
    outputs: train.targetNames.length,
    maxBatch: spec.training.batchSize === null ? 0 : Math.min(spec.training.batchSize, train.n),
    logits: outputUnits(spec, train.targetNames.length),
  };
  const setup: ParallelSetup = { block: createParallelBlock(layout), layout, K: helpers.length + 1 };
  const back = helpers.map((h, i) => {
    h.attach({
      onEvent: () => {},
      // The coordinator would wait for this helper forever: release it so the run fails cleanly.
      onCrash: () => releaseHelpers(setup.block),
    });
    return h
      .request({ type: 'helper', spec, parts, parallel: setup, index: i + 1 })
      .finally(() => pool.release(h))
      .catch(() => {});
  });
  return { setup, back };
}
