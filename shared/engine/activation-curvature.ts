/**
 * First and second derivatives of the hidden-layer activations, written through the unit's
 * output z = h(a) as activations.ts writes the first: what the R-operator (PRML §5.4.6) and the
 * diagonal approximation (PRML (5.81)) need besides backprop's h'.
 *
 *     linear   h' = 1           h'' = 0
 *     sigmoid  h' = z (1 - z)   h'' = h' (1 - 2z)
 *     tanh     h' = 1 - z^2     h'' = -2 z h'          (from PRML (5.60))
 *     relu     h' = [z > 0]     h'' = 0                (almost everywhere: the kink has none)
 *
 * Looked up by the activation's name, so a test can hand the Hessian code a deliberately wrong
 * entry and watch the check against finite differences fail.
 */

/** h'(a) and h''(a) of one activation, each from the unit's output z = h(a). */
export interface ActivationCurvature {
  /** dh/da at the point whose output is z. */
  slope(z: number): number;
  /** d^2h/da^2 at the point whose output is z. */
  bend(z: number): number;
}

/** The table by activation name; pass a modified copy to the Hessian code to test its checks. */
export type ActivationCurvatures = Readonly<Record<string, ActivationCurvature>>;

/** The derivatives of the four activations of activations.ts. */
export const ACTIVATION_CURVATURES: ActivationCurvatures = {
  linear: { slope: () => 1, bend: () => 0 },
  sigmoid: {
    slope: (z) => z * (1 - z),
    bend: (z) => z * (1 - z) * (1 - 2 * z),
  },
  tanh: {
    slope: (z) => 1 - z * z,
    bend: (z) => -2 * z * (1 - z * z),
  },
  relu: { slope: (z) => (z > 0 ? 1 : 0), bend: () => 0 },
};

/** The entry for `name`; throws naming the activations that have one. */
export function curvatureOf(table: ActivationCurvatures, name: string): ActivationCurvature {
  const c = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!c) throw new RangeError(`no second derivative is known for the activation "${name}": use one of ${Object.keys(table).join(', ')}`);
  return c;
}
