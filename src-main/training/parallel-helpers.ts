/**
 * Lending idle pool workers to a run as data-parallel helpers (parallel-gradient.ts): each
 * helper is attached to the run's shared block and stays lent until the run releases it.
 *
 * A helper that fails, by crashing (its thread ends) or with an error (its thread lives on and
 * replies ok: false), would leave the coordinator waiting forever for its share of a phase: main
 * sets the block's QUIT flag, so the coordinator stops the run with an error, and the reason is
 * kept (`failure`) for the run's message.
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
  /** Why the first helper that failed did ("helper thread 1: the trainer thread crashed: ..."), or null. */
  failure(): string | null;
}

/**
 * Borrows up to `wanted` idle workers as helpers of a run of `spec` on `parts` with `params`
 * weights. Fewer than wanted (even none: then null) is fine: the result does not depend on how
 * many threads share the work, only the time does. Null too when the run's shared block cannot be
 * made (createParallelBlock).
 */
export async function lendHelpers(pool: WorkerPool, spec: LabSpec, parts: SharedParts, params: number, wanted: number): Promise<LentHelpers | null> {
  if (wanted < 1) return null;
  const train = parts.train;
  const layout = {
    params,
    inputs: train.inputNames.length,
    outputs: train.targetNames.length,
    maxBatch: spec.training.batchSize === null ? 0 : Math.min(spec.training.batchSize, train.n),
    logits: outputUnits(spec, train.targetNames.length),
  };
  // The block first: without it (no shared WebAssembly memory here, or no room for it) the run
  // trains on one thread, with the same result, before any helper is taken from the pool.
  let block: ParallelSetup['block'];
  try {
    block = createParallelBlock(layout);
  } catch {
    return null;
  }
  const helpers: PooledWorker[] = [];
  while (helpers.length < wanted) {
    const h = await pool.tryAcquire();
    if (!h) break;
    helpers.push(h);
  }
  if (helpers.length === 0) return null;
  const setup: ParallelSetup = { block, layout, K: helpers.length + 1 };
  let failure: string | null = null;
  /** The coordinator would wait for this helper forever: release them all so the run fails cleanly. */
  const failed = (reason: string) => {
    failure ??= reason;
    releaseHelpers(setup.block);
  };
  const back = helpers.map((h, i) => {
    h.attach({
      onEvent: () => {},
      onCrash: (reason) => failed(`helper thread ${i + 1}: ${reason}`),
    });
    return h
      .request({ type: 'helper', spec, parts, parallel: setup, index: i + 1 })
      .then((reply) => {
        if (!reply.ok && reply.error.name !== 'WorkerCrash') failed(`helper thread ${i + 1} failed: ${reply.error.message}`);
      })
      .catch((e: unknown) => failed(`helper thread ${i + 1} failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => pool.release(h));
  });
  return { setup, back, failure: () => failure };
}
