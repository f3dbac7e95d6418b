/**
 * Quality measures beyond E: accuracy for classification, RMSE for regression.
 */
import type { CostName } from './cost-types';

/** Fraction of samples classified right: argmax for softmax, y > 0.5 per output for sigmoid. */
export function accuracy(y: Float64Array, t: Float64Array, n: number, k: number, costName: CostName): number {
  let right = 0;
  if (costName === 'softmax-cross-entropy') {
    for (let r = 0; r < n; r++) {
      const o = r * k;
      let by = 0;
      let bt = 0;
      for (let j = 1; j < k; j++) {
        if (y[o + j] > y[o + by]) by = j;
        if (t[o + j] > t[o + bt]) bt = j;
      }
      if (by === bt) right++;
    }
    return n > 0 ? right / n : 0;
  }
  // Independent binary outputs: each output is its own decision.
  for (let i = 0; i < n * k; i++) if (y[i] > 0.5 === t[i] > 0.5) right++;
  return n > 0 ? right / (n * k) : 0;
}

/** Root mean squared error over every sample and output. */
export function rmse(y: Float64Array, t: Float64Array, n: number, k: number): number {
  let s = 0;
  for (let i = 0; i < n * k; i++) {
    const d = y[i] - t[i];
    s += d * d;
  }
  return n > 0 ? Math.sqrt(s / (n * k)) : 0;
}
