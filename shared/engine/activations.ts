import { fastExp, fastTanh } from './fast-math';

/**
 * Hidden-layer activation functions h(a), each travelling with its derivative. The derivative
 * is written in terms of the unit's output z = h(a) (PRML (5.60) for tanh: h' = 1 - z^2), as the
 * seed does, so backprop needs only the stored outputs.
 */

/** The activation names a spec may use. */
export const ACTIVATION_NAMES = ['linear', 'sigmoid', 'tanh', 'relu'] as const;
/** One of `ACTIVATION_NAMES`. */
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** An activation function with its derivative, applied to whole buffers. */
export interface Activation {
  readonly name: string;
  /** z[i] = h(a[i]) for i < len, in place (a is overwritten by z). */
  apply(a: Float64Array, len: number): void;
  /** delta[i] *= h'(a[i]), expressed through the stored output z[i] = h(a[i]); PRML (5.56). */
  backward(z: Float64Array, delta: Float64Array, len: number): void;
  /** h(a) for one value: used by hover read-outs and documentation. */
  value(a: number): number;
}

/** f(a) = a. */
const linear: Activation = {
  name: 'linear',
  apply() {},
  backward() {},
  value: (a) => a,
};

/** The logistic sigmoid 1 / (1 + e^-a), computed without overflow; h' = z (1 - z). */
const sigmoid: Activation = {
  name: 'sigmoid',
  apply(a, len) {
    for (let i = 0; i < len; i++) a[i] = logistic(a[i]);
  },
  backward(z, delta, len) {
    for (let i = 0; i < len; i++) {
      const zi = z[i];
      delta[i] *= zi * (1 - zi);
    }
  },
  value: (a) => logistic(a),
};

/** tanh(a); h' = 1 - z^2. */
const tanh: Activation = {
  name: 'tanh',
  apply(a, len) {
    for (let i = 0; i < len; i++) a[i] = fastTanh(a[i]);
  },
  backward(z, delta, len) {
    for (let i = 0; i < len; i++) {
      const zi = z[i];
      delta[i] *= 1 - zi * zi;
    }
  },
  value: (a) => fastTanh(a),
};

/** max(a, 0); h' = 1 where z > 0, else 0 (the seed's choice at a = 0). */
const relu: Activation = {
  name: 'relu',
  apply(a, len) {
    for (let i = 0; i < len; i++) if (!(a[i] > 0)) a[i] = 0;
  },
  backward(z, delta, len) {
    for (let i = 0; i < len; i++) if (!(z[i] > 0)) delta[i] = 0;
  },
  value: (a) => (a > 0 ? a : 0),
};

/**
 * The logistic sigmoid of one value, 1 / (1 + e^-a), without a branch on the sign of a (which
 * mispredicts on mixed-sign logits): within 3 ulp in both tails down to 1e-308; below that, where
 * e^-a overflows (a < -709.8), the result is 0 instead of a subnormal.
 */
export function logistic(a: number): number {
  return 1 / (1 + fastExp(-a));
}

const TABLE: Record<ActivationName, Activation> = { linear, sigmoid, tanh, relu };

/** True when `name` is one of the activation names. */
export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && (ACTIVATION_NAMES as readonly string[]).includes(name);
}

/** The activation called `name`; throws a message listing the valid names otherwise. */
export function activation(name: string): Activation {
  if (!isActivationName(name)) {
    throw new Error(`unknown activation "${name}": use one of ${ACTIVATION_NAMES.join(', ')}`);
  }
  return TABLE[name];
}
