/**
 * The initialisation a layer gets when nobody chose one (issue 16, item 15).
 *
 * On the seed's built-in datasets it is the seed's own: a truncated normal with std 1 (all its
 * runs used it, and the numpy fixtures pin it). On CSV data, whose inputs are z-scored and often
 * many, std 1 gives a unit's activation a = Σ wᵢxᵢ a standard deviation of about √(fan-in): with
 * 64 inputs a tanh unit starts at |a| ≈ 8, deep in saturation, where h'(a) ≈ 0 and the
 * gradient (PRML (5.56)) barely moves it. The variance-scaling schemes keep var(a) near 1:
 * Xavier, std √(2 / (fan-in + fan-out)) (Glorot and Bengio 2010), for tanh, sigmoid and linear
 * units and for the output layer (linear, with the cost's output function); He, std √(2 / fan-in)
 * (He et al. 2015), for ReLU, which zeroes half of its inputs.
 */
import type { ActivationName } from './engine/activations';
import type { LayerInit } from './engine/init';

/** The seed's initialisation: truncated normal, std 1, bias 0. */
export const SEED_INIT: Readonly<LayerInit> = { scheme: 'truncated-normal', std: 1, bias: 0 };

/** The variance-scaling scheme for a layer of `activation` units ('output': the output layer): He for ReLU, else Xavier; bias 0. */
export function scaledInit(activation: ActivationName | 'output'): LayerInit {
  return { scheme: activation === 'relu' ? 'he' : 'xavier', std: 1, bias: 0 };
}

/** The initialisation a layer gets by default: `scaledInit` on CSV data, the seed's on built-in data. */
export function defaultInit(activation: ActivationName | 'output', csvData: boolean): LayerInit {
  return csvData ? scaledInit(activation) : { ...SEED_INIT };
}

