/**
 * Weight decay, the simplest regulariser of PRML §5.5: the regularised error
 *
 *     E~(w) = E(w) + lambda/2 w^T w,        dE~/dw = dE/dw + lambda w        PRML (5.112)
 *
 * over the weights only, not the biases: PRML §5.5.1 shows that a regulariser should leave a
 * network's mapping unchanged under linear rescaling of its inputs and outputs, which the biases
 * must be free to absorb.
 */
import type { Network } from './network';

/** 1 for every weight, 0 for every bias, in the layout of `net.params`: what decay acts on. */
export function weightDecayMask(net: Network): Uint8Array {
  const mask = new Uint8Array(net.size);
  for (const l of net.layers) mask.fill(1, l.offset, l.offset + l.weights.length);
  return mask;
}

/**
 * Adds lambda w to `grad` for every weight `mask` marks and returns the penalty lambda/2 w^T w
 * over those weights, to add to E: PRML (5.112).
 */
export function addWeightDecay(w: Float64Array, grad: Float64Array, mask: Uint8Array, lambda: number): number {
  let ww = 0;
  for (let i = 0; i < w.length; i++) {
    if (mask[i]) {
      ww += w[i] * w[i];
      grad[i] += lambda * w[i];
    }
  }
  return 0.5 * lambda * ww;
}
