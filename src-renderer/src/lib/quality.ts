/**
 * Quality of a network on a part of the data, computed in the renderer from the dataset and the
 * latest weights: accuracy and a confusion matrix for classification, RMSE and R^2 for regression
 * (of the conditional mean, for a mixture density network).
 */
import { targetWidth, taskOf, type CostName } from '@shared/engine/cost-types';
import { conditionalMean } from '@shared/engine/mdn';
import type { Network } from '@shared/engine/network';

/** Classification quality: counts[t][p] = samples of true class t predicted as p. */
export interface ClassQuality {
  kind: 'classification';
  n: number;
  accuracy: number;
  /** Class names, one per row/column. */
  classes: string[];
  /** counts[trueClass][predictedClass]. */
  counts: number[][];
}

/** Regression quality over all outputs. */
export interface RegressionQuality {
  kind: 'regression';
  n: number;
  rmse: number;
  /** Coefficient of determination 1 - SS_res / SS_tot, averaged over outputs. */
  r2: number;
}

/** Either kind. */
export type Quality = ClassQuality | RegressionQuality;

/** The class of row r: argmax for softmax targets/outputs, > 0.5 for one sigmoid output. */
function classOf(v: Float64Array, r: number, k: number, multiclass: boolean): number {
  const o = r * k;
  if (!multiclass) return v[o] > 0.5 ? 1 : 0;
  let best = 0;
  for (let j = 1; j < k; j++) if (v[o + j] > v[o + best]) best = j;
  return best;
}

/**
 * Quality of `net` on (inputs, targets) of n rows. `classLabels` names the classes (softmax); a
 * sigmoid network with several outputs is scored on its first output.
 */
export function measureQuality(
  net: Network, cost: CostName, inputs: Float64Array, targets: Float64Array, n: number, classLabels?: string[],
): Quality {
  let k = net.outputs;
  let y = n > 0 ? net.predict(inputs, n) : new Float64Array(0);
  const task = taskOf(cost);
  if (task === 'density') {
    // A mixture density network is scored by its conditional mean, PRML (5.158).
    const D = targetWidth(net.cost, k);
    y = conditionalMean(y, n, net.cost.components ?? 1, D);
    k = D;
  }
  if (task === 'regression' || task === 'density') {
    let res = 0;
    let r2sum = 0;
    for (let j = 0; j < k; j++) {
      let mean = 0;
      for (let r = 0; r < n; r++) mean += targets[r * k + j];
      mean /= Math.max(1, n);
      let ssRes = 0;
      let ssTot = 0;
      for (let r = 0; r < n; r++) {
        const t = targets[r * k + j];
        const d = y[r * k + j] - t;
        ssRes += d * d;
        ssTot += (t - mean) * (t - mean);
      }
      res += ssRes;
      r2sum += ssTot > 0 ? 1 - ssRes / ssTot : 0;
    }
    return { kind: 'regression', n, rmse: n ? Math.sqrt(res / (n * k)) : 0, r2: r2sum / k };
  }
  const multiclass = task === 'multiclass';
  const classes = multiclass ? (classLabels ?? Array.from({ length: k }, (_, i) => String(i))) : ['0', '1'];
  const m = classes.length;
  const counts = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  let right = 0;
  for (let r = 0; r < n; r++) {
    const t = classOf(targets, r, k, multiclass);
    const p = classOf(y, r, k, multiclass);
    counts[t][p]++;
    if (t === p) right++;
  }
  return { kind: 'classification', n, accuracy: n ? right / n : 0, classes, counts };
}
