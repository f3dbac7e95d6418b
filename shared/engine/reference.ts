/**
 * The textbook: forward propagation and error backpropagation of PRML §5.3 in plain loops, one
 * sample and one unit at a time, to be read beside the book. network.ts computes the same thing
 * over whole batches with blocked kernels (kernels.ts); the tests hold it to this file bit for
 * bit, because every sum here is taken in the order the kernels take it (from 0, term by term,
 * the bias last). The activations and the cost are the engine's own (activations.ts, costs.ts).
 */
import type { Activation } from './activations';
import type { Cost } from './cost-types';

/** One layer: w[i][j] connects input i to unit j (as the seed's `w`), b[j] is unit j's bias. */
export interface ReferenceLayer {
  w: number[][];
  b: number[];
  h: Activation;
}

/** E summed over the samples, and dE/dw, dE/db of every layer (shaped like the layers). */
export interface ReferenceGradient {
  E: number;
  dw: number[][][];
  db: number[][];
}

/** E (PRML (5.11)) and its gradient for samples x[n] with targets t[n]; the last layer's h is linear. */
export function referenceGradient(layers: ReferenceLayer[], cost: Cost, x: number[][], t: number[][]): ReferenceGradient {
  const L = layers.length;
  const dw = layers.map((l) => l.w.map((row) => row.map(() => 0)));
  const db = layers.map((l) => l.b.map(() => 0));
  const k = layers[L - 1].b.length;
  const logits = new Float64Array(x.length * k);
  for (let n = 0; n < x.length; n++) {
    // Forward, PRML (5.48)-(5.49): a_j = sum_i w_ji z_i + b_j, z_j = h(a_j); z of layer 0 is x.
    const z: number[][] = [x[n]];
    for (const { w, b, h } of layers) {
      const below = z[z.length - 1];
      z.push(b.map((bj, j) => {
        let a = 0;
        for (let i = 0; i < below.length; i++) a += below[i] * w[i][j];
        return h.value(a + bj);
      }));
    }
    // Output units: delta_k = dE_n/da_k = y_k - t_k for the cost's own output function (PRML (5.18), (5.54)).
    logits.set(z[L], n * k);
    const out = new Float64Array(k);
    cost.delta(Float64Array.from(z[L]), Float64Array.from(t[n]), out, 1, k);
    let delta = Array.from(out);
    for (let l = L - 1; l >= 0; l--) {
      const { w } = layers[l];
      const input = z[l];
      // dE_n/dw_ji = delta_j z_i, dE_n/db_j = delta_j, PRML (5.53); summed over n, (5.11).
      for (let i = 0; i < input.length; i++) for (let j = 0; j < delta.length; j++) dw[l][i][j] += input[i] * delta[j];
      for (let j = 0; j < delta.length; j++) db[l][j] += delta[j];
      if (l === 0) break;
      // delta_i = h'(a_i) sum_j w_ij delta_j, PRML (5.56), with h' written through z = h(a).
      delta = input.map((zi, i) => {
        let s = 0;
        for (let j = 0; j < delta.length; j++) s += delta[j] * w[i][j];
        return timesHPrime(layers[l - 1].h, zi, s);
      });
    }
  }
  // E = sum_n E_n, PRML (5.11), by the cost over every sample's output units.
  return { E: cost.value(logits, Float64Array.from(t.flat()), x.length, k), dw, db };
}

/** s h'(a) for a unit whose output is z = h(a), as the activation's `backward` computes it. */
function timesHPrime(h: Activation, z: number, s: number): number {
  const d = Float64Array.of(s);
  h.backward(Float64Array.of(z), d, 1);
  return d[0];
}
