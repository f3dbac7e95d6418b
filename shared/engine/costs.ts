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
import { fastExp } from './fast-math';
import { COST_NAMES, type Cost, type CostName, isCostName } from './cost-types';
import { mixtureDensityCost } from './mdn';

/** `value` then `delta`: what `valueAndDelta` means, for costs whose parts were replaced. */
function separately(c: Cost, a: Float64Array, t: Float64Array, delta: Float64Array, n: number, k: number): number {
  const e = c.value(a, t, n, k);
  c.delta(a, t, delta, n, k);
  return e;
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
  valueAndDelta(a, t, delta, n, k) {
    if (this.value !== sumOfSquares.value || this.delta !== sumOfSquares.delta) return separately(this, a, t, delta, n, k);
    let e = 0;
    for (let i = 0, len = n * k; i < len; i++) {
      const d = a[i] - t[i];
      e += d * d;
      delta[i] = d;
    }
    return 0.5 * e;
  },
};

/** One logit's E from a, its target t and q = fastExp(-a) (see sigmoidCrossEntropy). */
function sigmoidCeTerm(a: number, t: number, q: number): number {
  return a > 0 ? a - a * t + Math.log1p(q) : Math.log1p(1 / q) - a * t;
}

/**
 * The sigmoid cross-entropy's E of len logits given q[i] = fastExp(-a[i]): the bits of its
 * `value` (the fused WebAssembly delta keeps q, shared/engine/wasm/wat-math.ts cost_delta).
 */
export function sigmoidCrossEntropyFromQ(a: Float64Array, t: Float64Array, q: Float64Array, len: number): number {
  let e = 0;
  for (let i = 0; i < len; i++) e += sigmoidCeTerm(a[i], t[i], q[i]);
  return e;
}

/**
 * Independent binary outputs y = sigma(a); E = -sum [t ln y + (1 - t) ln(1 - y)], PRML (5.21).
 * Computed as max(a, 0) - a t + ln(1 + e^-|a|), which equals it for every a without forming
 * ln 0 (the seed clips y to [1e-10, 1 - 1e-10] instead; the two agree wherever no clip applies).
 * Both E and y come from one q = e^-a per output: y = 1 / (1 + q) (`logistic`), and
 * e^-|a| = q for a >= 0, 1 / q for a < 0 (q = Infinity gives 0, as it should).
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
    for (let i = 0, len = n * k; i < len; i++) e += sigmoidCeTerm(a[i], t[i], fastExp(-a[i]));
    return e;
  },
  delta(a, t, delta, n, k) {
    for (let i = 0, len = n * k; i < len; i++) delta[i] = logistic(a[i]) - t[i];
  },
  valueAndDelta(a, t, delta, n, k) {
    if (this.value !== sigmoidCrossEntropy.value || this.delta !== sigmoidCrossEntropy.delta) return separately(this, a, t, delta, n, k);
    let e = 0;
    for (let i = 0, len = n * k; i < len; i++) {
      const ti = t[i];
      const q = fastExp(-a[i]);
      e += sigmoidCeTerm(a[i], ti, q);
      delta[i] = 1 / (1 + q) - ti; // = logistic(ai) - ti, the same bits
    }
    return e;
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
        const e = fastExp(a[o + j] - max);
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
      for (let j = 0; j < k; j++) sum += fastExp(a[o + j] - max);
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
  valueAndDelta(a, t, delta, n, k) {
    if (this.value !== softmaxCrossEntropy.value || this.delta !== softmaxCrossEntropy.delta) return separately(this, a, t, delta, n, k);
    let e = 0;
    for (let r = 0; r < n; r++) {
      const o = r * k;
      let max = -Infinity;
      for (let j = 0; j < k; j++) if (a[o + j] > max) max = a[o + j];
      // The exponentials go into delta first, unless delta aliases the logits (E still needs
      // them): then they are computed again. The same values either way.
      let sum = 0;
      if (delta !== a) {
        for (let j = 0; j < k; j++) {
          const ej = fastExp(a[o + j] - max);
          delta[o + j] = ej;
          sum += ej;
        }
      } else {
        for (let j = 0; j < k; j++) sum += fastExp(a[o + j] - max);
      }
      const lse = max + Math.log(sum);
      for (let j = 0; j < k; j++) {
        const tj = t[o + j];
        if (tj !== 0) e -= tj * (a[o + j] - lse);
      }
      const inv = 1 / sum;
      if (delta !== a) for (let j = 0; j < k; j++) delta[o + j] = delta[o + j] * inv - t[o + j];
      else for (let j = 0; j < k; j++) delta[o + j] = fastExp(a[o + j] - max) * inv - t[o + j];
    }
    return e;
  },
};

const TABLE: Record<CostName, Cost> = {
  'sum-of-squares': sumOfSquares,
  'sigmoid-cross-entropy': sigmoidCrossEntropy,
  'softmax-cross-entropy': softmaxCrossEntropy,
  'mixture-density': mixtureDensityCost(1),
};

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
