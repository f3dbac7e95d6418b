/**
 * Predictive uncertainty from a weights file's `laplace` section (PRML §5.7.1, §5.7.3): for a
 * sum-of-squares network the standard deviation of each output's predictive distribution,
 * sqrt(1/beta + g^T A^-1 g) (5.173); for sigmoid outputs the moderated probability
 * sigma(kappa(sigma_a^2) a) with sigma_a^2 = g^T A^-1 g (5.188), (5.190). g is the gradient of
 * the output's logit with respect to the weights at the input (after the file's normalisation).
 * What `mlp-lab predict --uncertainty` prints and the app's views draw.
 */
import { moderatedProbability } from './engine/evidence';
import { logitVariances } from './engine/laplace';
import type { Network } from './engine/network';
import { covarianceOf, type LaplaceSection } from './laplace-section';
import { networkFromWeights, normalizedInputs, WeightsError, type WeightsFile } from './weights-format';

/** Per sample and output (n x outputs): error bars of a regression, or moderated probabilities. */
export interface Uncertainty {
  /** "std": sqrt(1/beta + g^T A^-1 g); "moderated": sigma(kappa a). */
  kind: 'std' | 'moderated';
  values: Float64Array;
}

/**
 * The uncertainty of `net` (the weights of `section`) at inputs x already normalised as the
 * network expects (n x inputs). Throws WeightsError for a cost with no such quantity.
 */
export function uncertaintyOf(net: Network, section: LaplaceSection, x: Float64Array, n: number): Uncertainty {
  const cost = net.cost.name;
  if (cost !== 'sum-of-squares' && cost !== 'sigmoid-cross-entropy') {
    throw new WeightsError(
      `--uncertainty gives error bars for sum-of-squares outputs (PRML (5.173)) and moderated probabilities for sigmoid outputs (PRML (5.190)); a ${cost} network has neither`,
    );
  }
  const variances = logitVariances(net, covarianceOf(section), x, n);
  const values = new Float64Array(variances.length);
  if (cost === 'sum-of-squares') {
    const noise = 1 / section.beta!;
    for (let i = 0; i < values.length; i++) values[i] = Math.sqrt(noise + variances[i]);
    return { kind: 'std', values };
  }
  const a = net.forward(x, n);
  for (let i = 0; i < values.length; i++) values[i] = moderatedProbability(a[i], variances[i]);
  return { kind: 'moderated', values };
}

/**
 * `uncertaintyOf` for a weights file and raw inputs x (n x inputs; the stored normalisation is
 * applied first). Throws WeightsError when the file has no `laplace` section.
 */
export function uncertaintyFromWeights(file: WeightsFile, x: Float64Array, n: number): Uncertainty {
  if (!file.laplace) {
    throw new WeightsError('the weights file has no "laplace" section: make one with mlp-lab laplace SPEC --weights W.json --out W2.json, then predict with W2.json');
  }
  return uncertaintyOf(networkFromWeights(file), file.laplace, normalizedInputs(file, x, n), n);
}
