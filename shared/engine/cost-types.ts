/**
 * The contract every error function E meets (costs.ts has the canonical pairs, mdn.ts the
 * mixture density cost), its names, and what a cost implies for the data and the metrics. A file
 * of its own so that the costs, the mixture density network and the metrics all depend on it
 * and not on each other.
 */

/** The cost names a spec may use. */
export const COST_NAMES = ['sum-of-squares', 'sigmoid-cross-entropy', 'softmax-cross-entropy', 'mixture-density'] as const;
/** One of `COST_NAMES`. */
export type CostName = (typeof COST_NAMES)[number];

/** An error function with its canonical output function; buffers are n rows of k logits. */
export interface Cost {
  readonly name: CostName;
  /** The output function's name, for display ("identity", "sigmoid", "softmax"). */
  readonly outputFunction: string;
  /** The smallest number of output units this cost accepts. */
  readonly minOutputs: number;
  /** Mixture density cost only (mdn.ts): the number of mixture components K. */
  readonly components?: number;
  /** Target values per sample for k outputs; without it, k (a mixture density network's k = K(D+2) has D). */
  targetsPerSample?(k: number): number;
  /** y = output function of the logits a; y may alias a. */
  output(a: Float64Array, y: Float64Array, n: number, k: number): void;
  /** E summed over all n samples, computed stably from the logits (no log 0, no overflow). */
  value(a: Float64Array, t: Float64Array, n: number, k: number): number;
  /** dE/da = y - t for every sample and output, written into `delta` (may alias a). */
  delta(a: Float64Array, t: Float64Array, delta: Float64Array, n: number, k: number): void;
  /**
   * `value` and `delta` in one pass, sharing the exponentials: returns E and fills `delta`
   * (which may alias a). Bit for bit the same E as `value` and the same delta as `delta`, also
   * on a copy whose `value` or `delta` was replaced (`{ ...cost, delta }`): the built-in ones then
   * call those two. Optional: a cost without it gets `value` then `delta`. Call it as a method.
   */
  valueAndDelta?(a: Float64Array, t: Float64Array, delta: Float64Array, n: number, k: number): number;
}

/** True when `name` is one of the cost names. */
export function isCostName(name: unknown): name is CostName {
  return typeof name === 'string' && (COST_NAMES as readonly string[]).includes(name);
}

/** Target values per sample of a network with k outputs and this cost (k, or D for a mixture). */
export function targetWidth(c: Cost, k: number): number {
  return c.targetsPerSample ? c.targetsPerSample(k) : k;
}

/**
 * The task a cost serves, for metrics: regression (RMSE), classification (accuracy), or a
 * conditional density (E/N is its negative log likelihood; RMSE of the conditional mean).
 */
export function taskOf(name: CostName): 'regression' | 'binary' | 'multiclass' | 'density' {
  return name === 'sum-of-squares' ? 'regression' : name === 'sigmoid-cross-entropy' ? 'binary' : name === 'mixture-density' ? 'density' : 'multiclass';
}
