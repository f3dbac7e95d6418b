/**
 * Weight initialisation. The seed draws every layer's weights from a truncated normal and sets
 * every bias to a constant:
 *
 *     self.w = truncnorm(a=-2 * std, b=2 * std, scale=std).rvs((dim_input, dim_output))
 *     self.b = np.ones(dim_output) * bias
 *
 * scipy's `a` and `b` are in standard units (multiples of `scale`), so the seed truncates at
 * +-2 std^2, which equals TensorFlow's `truncated_normal` (+-2 std, what the seed says it follows)
 * only for std = 1, the value all its runs use. We implement TensorFlow's semantics: normal draws
 * with standard deviation `std`, redrawn until within two standard deviations. Draws fill the
 * weights in the seed's order (input-major, w[i][j]) from the run's seeded generator.
 *
 * `xavier` (Glorot) and `he` use the same truncated normal with std sqrt(2 / (fan_in + fan_out))
 * and sqrt(2 / fan_in); `std` is then ignored.
 */
import type { Network } from './network';
import type { Rng } from './rng';

/** The initialisation schemes a spec may name. */
export const INIT_SCHEMES = ['truncated-normal', 'xavier', 'he'] as const;
/** One of `INIT_SCHEMES`. */
export type InitScheme = (typeof INIT_SCHEMES)[number];

/** How one layer is initialised: scheme, weight std (truncated-normal only) and bias constant. */
export interface LayerInit {
  scheme: InitScheme;
  std: number;
  bias: number;
}

/** The seed's default: truncated normal with std 1, bias 0. */
export const DEFAULT_INIT: LayerInit = { scheme: 'truncated-normal', std: 1, bias: 0 };

/** The weight standard deviation a layer init gives for a fan-in and fan-out. */
export function initStd(init: LayerInit, fanIn: number, fanOut: number): number {
  switch (init.scheme) {
    case 'xavier':
      return Math.sqrt(2 / (fanIn + fanOut));
    case 'he':
      return Math.sqrt(2 / fanIn);
    default:
      return init.std;
  }
}

/** Draws every layer's weights and sets its biases, layer by layer, from `rng`. */
export function initialize(net: Network, inits: readonly LayerInit[], rng: Rng): void {
  if (inits.length !== net.layers.length) {
    throw new RangeError(`need one init per layer (${net.layers.length}), got ${inits.length}`);
  }
  net.layers.forEach((layer, l) => {
    const init = inits[l];
    const std = initStd(init, layer.inputs, layer.units);
    for (let i = 0; i < layer.weights.length; i++) layer.weights[i] = rng.truncatedNormal(std);
    layer.bias.fill(init.bias);
  });
}
