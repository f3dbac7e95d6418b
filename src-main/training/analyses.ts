/**
 * One-off analyses of a network on a trainer worker, beside the runs: the gradient check (PRML
 * §5.3.3, finite differences against backpropagation) and the curvature report (the Hessian's
 * spectrum and the Laplace approximation, PRML §5.4 and §5.7). Each takes a worker from the pool
 * for its duration, so main never computes them itself.
 */
import type { CurvatureReport } from '../../shared/curvature-report';
import type { Dataset } from '../../shared/data/dataset';
import type { Hyperparameters } from '../../shared/engine/evidence';
import type { GradcheckResult } from '../../shared/engine/gradcheck';
import { fromWireError } from '../../shared/errors';
import { checkLab } from '../../shared/lab';
import type { LabSpec } from '../../shared/spec';
import type { SharedParts } from '../../shared/worker-protocol';
import { type PartsCache, preparedParts } from './parts-cache';
import type { RequestBody, WorkerPool } from './worker-pool';

/** The analyses, on a pool's workers. */
export class Analyses {
  constructor(private readonly pool: WorkerPool, private readonly parts: PartsCache = preparedParts) {}

  /**
   * Runs one analysis on a worker: the spec is checked against the data, the data prepared, and
   * `body` makes the request from the prepared parts and the weights (`weights`, or the spec's
   * initial ones); resolves with the worker's result.
   */
  private async onWorker<T>(spec: LabSpec, raw: Dataset, weights: Float64Array | undefined, body: (parts: SharedParts, weights: Float64Array) => RequestBody): Promise<T> {
    const initial = Float64Array.from(checkLab(spec, raw, weights).net.params);
    const parts = await this.parts.prepare(spec, raw);
    const worker = await this.pool.acquire();
    try {
      const reply = await worker.request(body(parts, initial));
      if (!reply.ok) throw fromWireError(reply.error);
      return reply.result as T;
    } finally {
      this.pool.release(worker);
    }
  }

  /** Checks backpropagation against finite differences on the first `samples` training samples. */
  gradcheck(spec: LabSpec, raw: Dataset, options: { weights?: Float64Array; samples?: number; tolerance?: number } = {}): Promise<GradcheckResult> {
    return this.onWorker(spec, raw, options.weights, (parts, weights) => ({ type: 'gradcheck', spec, parts, weights, samples: options.samples ?? 10, tolerance: options.tolerance ?? 1e-6 }));
  }

  /**
   * The Hessian's eigenvalues and the Laplace approximation at `weights` (or the spec's initial
   * weights); `start`: alpha and beta for the evidence procedure.
   */
  curvature(spec: LabSpec, raw: Dataset, options: { weights?: Float64Array; start?: Hyperparameters } = {}): Promise<CurvatureReport> {
    return this.onWorker(spec, raw, options.weights, (parts, weights) => ({ type: 'curvature', spec, parts, weights, ...(options.start ? { start: options.start } : {}) }));
  }
}
