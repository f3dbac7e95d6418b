/**
 * Error functions E, each paired with its canonical output function (PRML §5.2): identity with
 * sum of squares, logistic sigmoid with binary cross-entropy, softmax with multiclass
 * cross-entropy. With a canonical pair, dE/da_k of an output unit is y_k - t_k (PRML (5.18)),
 * which is what `delta` returns. The network's last layer is linear: the cost owns the output
 * function and receives the logits a.
 *
 * E is a SUM over samples (PRML (5.11), and the seed), never a mean.
 *
 * The mixture density cost of PRML §5.6 (mdn.ts) joins them as a fourth pair: its output
 * function turns the logits into mixing coefficients, means and widths, and it takes K, so
 * `costFor(output spec)` builds it; `cost('mixture-density')` is the one-component case.
 */
import { logistic } from './activations';
import { mixtureDensityCost } from './mdn';

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
}

/** E = 1/2 sum (y - t)^2 with y = a; PRML (5.11). */
const sumOfSquares: Cost = {
  name: 'sum-of-squares',
  outputFunction: 'identity',
  minOutputs: 1,
  output(a, y, n, k) {
    if (y !== a) y.set(a.subarray(0, n * k));
  },
  value(a, t, n, k) {
    let e = 0;
    for (let i = 0, len = n * k; i < len; i++) {
      const d = a[i] - t[i];
      e += d * d;
    }
    return 0.5 * e;
  },
  delta(a, t, delta, n, k) {
    for (let i = 0, len = n * k; i < len; i++) delta[i] = a[i] - t[i];
  },
};

/**
 * Independent binary outputs y = sigma(a); E = -sum [t ln y + (1 - t) ln(1 - y)], PRML (5.21).
 * Computed as max(a, 0) - a t + ln(1 + e^-|a|), which equals it for every a without forming
 * ln 0 (the seed clips y to [1e-10, 1 - 1e-10] instead; the two agree wherever no clip applies).
 */
const sigmoidCrossEntropy: Cost = {
  name: 'sigmoid-cross-entropy',
  outputFunction: 'sigmoid',
  minOutputs: 1,
  output(a, y, n, k) {
    for (let i = 0, len = n * k; i < len; i++) y[i] = logistic(a[i]);
  },
  value(a, t, n, k) {
    let e = 0;
    for (let i = 0, len = n * k; i < len; i++) {
      const ai = a[i];
      e += (ai > 0 ? ai : 0) - ai * t[i] + Math.log1p(Math.exp(-Math.abs(ai)));
    }
    return e;
  },
  delta(a, t, delta, n, k) {
    for (let i = 0, len = n * k; i < len; i++) delta[i] = logistic(a[i]) - t[i];
  },
};

/**
 * y_k = exp(a_k) / sum_j exp(a_j), PRML (5.25); E = -sum_n sum_k t_nk ln y_nk, PRML (5.24).
 * Uses ln y_k = a_k - logsumexp(a) with the maximum subtracted, so large logits cannot overflow.
 */
const softmaxCrossEntropy: Cost = {
  name: 'softmax-cross-entropy',
  outputFunction: 'softmax',
  minOutputs: 2,
  output(a, y, n, k) {
    for (let r = 0; r < n; r++) {
      const o = r * k;
      let max = -Infinity;
      for (let j = 0; j < k; j++) if (a[o + j] > max) max = a[o + j];
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(a[o + j] - max);
        y[o + j] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let j = 0; j < k; j++) y[o + j] *= inv;
    }
  },
  value(a, t, n, k) {
    let e = 0;
    for (let r = 0; r < n; r++) {
      const o = r * k;
      let max = -Infinity;
      for (let j = 0; j < k; j++) if (a[o + j] > max) max = a[o + j];
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(a[o + j] - max);
      const lse = max + Math.log(sum);
      for (let j = 0; j < k; j++) {
        const tj = t[o + j];
        if (tj !== 0) e -= tj * (a[o + j] - lse);
      }
    }
    return e;
  },
  delta(a, t, delta, n, k) {
    softmaxCrossEntropy.output(a, delta, n, k);
    for (let i = 0, len = n * k; i < len; i++) delta[i] -= t[i];
  },
};

const TABLE: Record<CostName, Cost> = {
  'sum-of-squares': sumOfSquares,
  'sigmoid-cross-entropy': sigmoidCrossEntropy,
  'softmax-cross-entropy': softmaxCrossEntropy,
  'mixture-density': mixtureDensityCost(1),
};

/** True when `name` is one of the cost names. */
export function isCostName(name: unknown): name is CostName {
  return typeof name === 'string' && (COST_NAMES as readonly string[]).includes(name);
}

/** The cost called `name`; throws a message listing the valid names otherwise. */
export function cost(name: string): Cost {
  if (!isCostName(name)) {
    throw new Error(`unknown cost "${name}": use one of ${COST_NAMES.join(', ')}`);
  }
  return TABLE[name];
}

/**
 * The cost an output spec names, with its parameters: `cost(name)` for the canonical pairs, a
 * mixture of `components` Gaussians (default 1) for mixture-density (PRML §5.6, mdn.ts).
 */
export function costFor(output: { cost: string; components?: number }): Cost {
  return output.cost === 'mixture-density' ? mixtureDensityCost(output.components ?? 1) : cost(output.cost);
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
