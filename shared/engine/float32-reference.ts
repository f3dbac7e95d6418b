/**
 * Training in float32 (`training.precision: "float32"`), defined in plain TypeScript with
 * Math.fround: the reference the WebAssembly float32 engine (shared/engine/wasm/, f32x4) is
 * tested against bit for bit; shared/training/float32-gradient.ts runs it as a gradient engine
 * where WebAssembly SIMD is missing or MLP_LAB_KERNELS=js.
 *
 * What float32 means here, operation by operation (each rounds to float32 once):
 * - weights, inputs and targets are rounded to float32 when a step starts;
 * - products: each entry 0 + A(i,0)B(0,j) + ... in textbook order, every multiply and add
 *   rounded, then + bias, then C + that (the float64 kernels' order, in float32);
 * - tanh and the logistic sigmoid: the float64 function of the float32 value, rounded; relu as is;
 * - derivatives d (1 - z^2), d (z (1 - z)), and the sum of squares' delta a - t: float32;
 * - sigmoid and softmax cross-entropy deltas y - t: computed in float64 from the float32 logits
 *   (softmax with the row maximum subtracted, as the float64 cost), rounded once;
 * - bias gradients: column sums in row order; the chunk plan and two lanes of shared/training/gradient.ts;
 * - the step w - eta g with eta rounded to float32.
 * E is computed in float64 from the float32 logits by the cost's own code. Rounding in float64
 * and then to float32 gives the float32 result for +, - and * (a double carries more than twice
 * float32's precision), so this is also what f32x4 arithmetic computes.
 */
import { logistic } from './activations';
import { fastExp, fastTanh } from './fast-math';

const fr = Math.fround;

/** C[m x n] (+)= A(i,p) B(p,j) over p (+ bias[j]) in float32, textbook order; strides as kernels.ts. */
export function product32(
  m: number, n: number, k: number,
  A: Float32Array, aRow: number, aP: number,
  B: Float32Array, bP: number, bCol: number,
  C: Float32Array, accumulate: boolean, bias: Float32Array | null,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s = fr(s + fr(A[i * aRow + p * aP] * B[p * bP + j * bCol]));
      if (bias !== null) s = fr(s + bias[j]);
      C[i * n + j] = accumulate ? fr(C[i * n + j] + s) : s;
    }
  }
}

/** z = h(a) in place over len float32 values (activation by name). */
export function activate32(name: string, a: Float32Array, len: number): void {
  if (name === 'tanh') for (let i = 0; i < len; i++) a[i] = fastTanh(a[i]);
  else if (name === 'sigmoid') for (let i = 0; i < len; i++) a[i] = logistic(a[i]);
  else if (name === 'relu') for (let i = 0; i < len; i++) if (!(a[i] > 0)) a[i] = 0;
}

/** delta[i] *= h'(a[i]) through z = h(a), in float32 (PRML (5.56)). */
export function backward32(name: string, z: Float32Array, d: Float32Array, len: number): void {
  if (name === 'tanh') for (let i = 0; i < len; i++) d[i] = fr(d[i] * fr(1 - fr(z[i] * z[i])));
  else if (name === 'sigmoid') for (let i = 0; i < len; i++) d[i] = fr(d[i] * fr(z[i] * fr(1 - z[i])));
  else if (name === 'relu') for (let i = 0; i < len; i++) if (!(z[i] > 0)) d[i] = 0;
}

/** The output deltas y - t for n rows of k float32 logits (cost by name). */
export function costDelta32(name: string, a: Float32Array, t: Float32Array, d: Float32Array, n: number, k: number): void {
  const len = n * k;
  if (name === 'sum-of-squares') for (let i = 0; i < len; i++) d[i] = a[i] - t[i];
  else if (name === 'sigmoid-cross-entropy') for (let i = 0; i < len; i++) d[i] = logistic(a[i]) - t[i];
  else {
    for (let r = 0; r < n; r++) {
      const o = r * k;
      let max = -Infinity;
      for (let j = 0; j < k; j++) if (a[o + j] > max) max = a[o + j];
      let sum = 0;
      for (let j = 0; j < k; j++) sum += fastExp(a[o + j] - max);
      const inv = 1 / sum;
      for (let j = 0; j < k; j++) d[o + j] = fastExp(a[o + j] - max) * inv - t[o + j];
    }
  }
}

/** out[j] (+)= column sums of A (m x n) in float32, down the rows in order. */
export function sumRows32(m: number, n: number, A: Float32Array, out: Float32Array, accumulate: boolean): void {
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s = fr(s + A[i * n + j]);
    out[j] = accumulate ? fr(out[j] + s) : s;
  }
}
