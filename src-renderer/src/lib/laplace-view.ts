/**
 * What the Laplace approximation adds to the views, computed with the shared engine from the
 * shown weights and the posterior covariance A^-1 (stores/curvature.ts): a regression's
 * predictive standard deviation sqrt(1/beta + g^T A^-1 g) along a curve (PRML (5.173)), and a
 * sigmoid output's MAP and moderated probabilities sigma(a), sigma(kappa(g^T A^-1 g) a) over a
 * plane (PRML (5.188)-(5.190)).
 */
import { moderatedProbability } from '@shared/engine/evidence';
import { logitVariances } from '@shared/engine/laplace';
import type { Network } from '@shared/engine/network';

/** The predictive standard deviation of output `output` at the n inputs x (n x inputs). */
export function predictiveStd(net: Network, covariance: Float64Array, beta: number, x: Float64Array, n: number, output: number): Float64Array {
  const v = logitVariances(net, covariance, x, n);
  const k = net.outputs;
  return Float64Array.from({ length: n }, (_, i) => Math.sqrt(1 / beta + v[i * k + output]));
}

/** MAP and moderated probabilities of output `output` at the n inputs x. */
export function moderatedField(net: Network, covariance: Float64Array, x: Float64Array, n: number, output: number): { map: Float64Array; moderated: Float64Array } {
  const v = logitVariances(net, covariance, x, n);
  const a = net.forward(x, n);
  const k = net.outputs;
  const map = new Float64Array(n);
  const moderated = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ai = a[i * k + output];
    map[i] = moderatedProbability(ai, 0);
    moderated[i] = moderatedProbability(ai, v[i * k + output]);
  }
  return { map, moderated };
}

/** The largest network (parameters) whose moderated plane the window computes: R^2 P^2 work per frame. */
export const MAX_MODERATED_PARAMETERS = 400;
