/**
 * Evaluation: how good a network's weights are on a set of samples. E summed over the samples
 * (PRML (5.11)), E/N (so sets of different sizes compare), and accuracy (classification) or RMSE
 * (regression; for a mixture density network, that of its conditional mean, PRML (5.158)).
 * Everything the lab reports about weights is computed here.
 */
import type { Dataset } from '../data/dataset';
import { targetWidth, taskOf } from '../engine/cost-types';
import { conditionalMeanRmse } from '../engine/mdn';
import { accuracy, rmse } from '../engine/metrics';
import type { Network } from '../engine/network';
import type { PartMetrics } from '../run';
import { AbortedError } from './gradient';

/** Rows forward-propagated at once when evaluating a set: bounds the workspace. */
export const EVAL_ROWS = 1024;

/**
 * The logits (m x outputs) of rows row0 ... row0 + m - 1 of the set being evaluated (m at most
 * EVAL_ROWS), for an evaluation computed elsewhere (the data-parallel engine's threads).
 */
export type LogitsOf = (row0: number, m: number) => Float64Array;

/**
 * E, E/N and accuracy or RMSE of `net`'s current weights on the first `limit` samples of `data`
 * (default: all of them). Rows go forward EVAL_ROWS at a time, by `logits` when given, else on
 * `net`; `E` is scaled to the whole set when `limit` is smaller. When `shouldAbort` is given it is
 * asked before each block, and a true answer abandons the evaluation with an AbortedError.
 */
export function evaluate(net: Network, data: Dataset, limit = data.n, logits?: LogitsOf, shouldAbort?: () => boolean): PartMetrics {
  const n = Math.min(limit, data.n);
  if (n === 0) return { E: 0, EPerSample: 0 };
  const k = net.outputs;
  const d = net.inputs;
  const w = targetWidth(net.cost, k);
  const t = data.targets.subarray(0, n * w);
  const y = new Float64Array(n * k);
  let E = 0;
  for (let r0 = 0; r0 < n; r0 += EVAL_ROWS) {
    if (shouldAbort?.()) throw new AbortedError();
    const m = Math.min(EVAL_ROWS, n - r0);
    const a = logits ? logits(r0, m) : net.forward(data.inputs.subarray(r0 * d, (r0 + m) * d), m);
    E += net.cost.value(a, t.subarray(r0 * w, (r0 + m) * w), m, k);
    net.cost.output(a, y.subarray(r0 * k, (r0 + m) * k), m, k);
  }
  const metrics: PartMetrics = { E: (E / n) * data.n, EPerSample: E / n };
  const task = taskOf(net.cost.name);
  if (task === 'regression') metrics.rmse = rmse(y, t, n, k);
  else if (task === 'density') metrics.rmse = conditionalMeanRmse(y, t, n, k, net.cost.components ?? 1);
  else metrics.accuracy = accuracy(y, t, n, k, net.cost.name);
  return metrics;
}
