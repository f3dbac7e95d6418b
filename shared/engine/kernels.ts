/**
 * The dense matrix kernels every layer runs on, kept behind this one module so they can be
 * swapped for faster ones without touching the network code. All matrices are row-major
 * Float64Arrays; a batch is n rows of features.
 *
 * The three products (A.B, A^T.B, A.B^T) share one strided core: A(i, p) = A[i * aRow + p * aP]
 * and B(p, j) = B[p * bP + j * bCol], so a transpose is only a choice of strides. Paths, by shape
 * (speeds from bench/ on a 2.6 GHz Xeon; V8 does not vectorise, so ~5 GFLOP/s is the ceiling):
 *
 * - shared dimension 1 or 2 (1-D or 2-D inputs, 1 or 2 output units in the backward pass): B's
 *   k x 4 block sits in registers while the rows stream past (`shortShared`; 2-4x faster than
 *   tiles with a one- or two-step inner loop);
 * - otherwise 4 x 4 register tiles: 16 sums in local variables while the shared dimension streams
 *   past, each loaded value feeding four multiply-adds (`tiles`, ~4 GFLOP/s);
 * - from 32 x 32 up, the tiles read A and B from packed copies, contiguous 4-wide panels, so the
 *   loop reads two arrays at consecutive indices (`packed`, ~4.5-5 GFLOP/s);
 * - leftover columns as 4 x 1 strips, leftover rows in pairs as 2 x 4 strips, a last row as 1 x 4
 *   strips: on the thin products of small networks (a 1000-sample batch against 1-6 features)
 *   each pass over the long dimension still feeds 4-8 sums.
 *
 * Larger products run in WebAssembly SIMD (wasm/gemm.ts, selected by kernel-backend.ts) with the
 * same order of summation.
 *
 * Every entry of C is summed the same way on every path: c = 0 + A(i,0) B(0,j) + A(i,1) B(1,j)
 * + ... in order of p, then + bias, then + C when accumulating. So results are deterministic,
 * independent of the path a shape takes, and equal bit for bit to the textbook triple loop
 * (test/engine/kernels.test.ts checks exactly that).
 */

import { kernelBackend } from './kernel-backend';
import { wasmProduct } from './wasm/gemm';

/**
 * C[m x n] = A[m x k] . B[k x n] (+ bias[j] on every row when `bias` is given), added to C when
 * `accumulate`, else written over it. Forward pass: a = x . W + b (PRML (5.2) for all samples).
 */
export function gemmNN(
  m: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, accumulate: boolean, bias?: Float64Array,
): void {
  product(m, n, k, A, k, 1, B, n, 1, C, accumulate, bias ?? null);
}

/**
 * C[m x n] = A^T . B with A[k x m] and B[k x n], added to C when `accumulate`.
 * Weight gradient: dW = inputs^T . delta, summed over the k samples (PRML (5.53)).
 */
export function gemmTN(
  m: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, accumulate: boolean,
): void {
  product(m, n, k, A, 1, m, B, n, 1, C, accumulate, null);
}

/**
 * C[m x n] = A . B^T with A[m x k] and B[n x k], added to C when `accumulate`.
 * Backward pass: dE/dz = delta . W^T (PRML (5.55) before the h' factor).
 */
export function gemmNT(
  m: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, accumulate: boolean,
): void {
  product(m, n, k, A, k, 1, B, 1, k, C, accumulate, null);
}

/**
 * Packing pays once each packed panel is reused often enough: B's panels by m/4 row blocks, A's
 * by n/4 column blocks (measured, bench-style: 5-20% faster from 32 x 32 up, 10-35% slower on
 * products with fewer than 16 rows or columns, such as a 10-unit output layer).
 */
const PACK_MIN_M = 32;
const PACK_MIN_N = 32;
const PACK_MIN_K = 8;

/**
 * Scratch for packed panels, grown on demand and reused so training allocates nothing. Module
 * state is safe here: each worker has its own copy of the module, and no kernel yields.
 */
let panelA = new Float64Array(0);
let panelB = new Float64Array(0);

/**
 * Issue 17: products with enough work go to the WebAssembly SIMD kernel (wasm/gemm.ts), which
 * sums every entry in the same order, so the bits do not depend on the choice. Below these sizes
 * the plain paths here are as fast or faster (measured: k <= 2 and one-column products stay
 * plain; from ~2000 multiply-adds up the WebAssembly kernel wins, 2.5-3.5x at MNIST sizes).
 */
const WASM_MIN_WORK = 2048;

/** The shared core: C (+)= A(i, p) B(p, j) summed over p, + bias[j]; see the file comment. */
function product(
  m: number, n: number, k: number,
  A: Float64Array, aRow: number, aP: number,
  B: Float64Array, bP: number, bCol: number,
  C: Float64Array, accumulate: boolean, bias: Float64Array | null,
): void {
  if (k > 2 && n > 1 && m * n * k >= WASM_MIN_WORK && kernelBackend() === 'wasm' &&
    wasmProduct(m, n, k, A, aRow, aP, B, bP, bCol, C, accumulate, bias)) return;
  if (k <= 2) {
    shortShared(m, n, k, A, aRow, aP, B, bP, bCol, C, accumulate, bias);
    return;
  }
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  if (m4 >= PACK_MIN_M && n4 >= PACK_MIN_N && k >= PACK_MIN_K) {
    packed(m4, n, n4, k, A, aRow, aP, B, bP, bCol, C, accumulate, bias);
  } else if (m4 > 0 && n4 > 0) {
    tiles(m4, n, n4, k, A, aRow, aP, B, bP, bCol, C, accumulate, bias);
  }
  if (m4 > 0 && n4 < n) columnStrips(m4, n, n4, k, A, aRow, aP, B, bP, bCol, C, accumulate, bias);
  if (m4 < m) rowStrips(m4, m, n, n4, k, A, aRow, aP, B, bP, bCol, C, accumulate, bias);
}

/**
 * The 4 x 4 tiles of rows m4 (a multiple of 4) by columns n4, from packed panels: B's columns
 * j..j+3 become panelB[j k + 4 p + q], and for each 4-row block, rows i..i+3 of A become
 * panelA[4 p + r].
 */
function packed(
  m4: number, n: number, n4: number, k: number,
  A: Float64Array, aRow: number, aP: number,
  B: Float64Array, bP: number, bCol: number,
  C: Float64Array, accumulate: boolean, bias: Float64Array | null,
): void {
  if (panelB.length < n4 * k) panelB = new Float64Array(n4 * k);
  if (panelA.length < 4 * k) panelA = new Float64Array(4 * k);
  const PA = panelA, PB = panelB;
  for (let j = 0; j < n4; j += 4) {
    const b0 = j * bCol, b1 = b0 + bCol, b2 = b1 + bCol, b3 = b2 + bCol;
    for (let p = 0, o = j * k, pb = 0; p < k; p++, o += 4, pb += bP) {
      PB[o] = B[b0 + pb]; PB[o + 1] = B[b1 + pb]; PB[o + 2] = B[b2 + pb]; PB[o + 3] = B[b3 + pb];
    }
  }
  const k4 = 4 * k;
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
    for (let p = 0, o = 0, pa = 0; p < k; p++, o += 4, pa += aP) {
      PA[o] = A[a0 + pa]; PA[o + 1] = A[a1 + pa]; PA[o + 2] = A[a2 + pa]; PA[o + 3] = A[a3 + pa];
    }
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let pa = 0, pb = j * k, end = j * k + k4; pb < end; pa += 4, pb += 4) {
        const x0 = PA[pa], x1 = PA[pa + 1], x2 = PA[pa + 2], x3 = PA[pa + 3];
        const y0 = PB[pb], y1 = PB[pb + 1], y2 = PB[pb + 2], y3 = PB[pb + 3];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      if (bias !== null) {
        const d0 = bias[j], d1 = bias[j + 1], d2 = bias[j + 2], d3 = bias[j + 3];
        c00 += d0; c01 += d1; c02 += d2; c03 += d3;
        c10 += d0; c11 += d1; c12 += d2; c13 += d3;
        c20 += d0; c21 += d1; c22 += d2; c23 += d3;
        c30 += d0; c31 += d1; c32 += d2; c33 += d3;
      }
      const r0 = i * n + j, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      if (accumulate) {
        C[r0] += c00; C[r0 + 1] += c01; C[r0 + 2] += c02; C[r0 + 3] += c03;
        C[r1] += c10; C[r1 + 1] += c11; C[r1 + 2] += c12; C[r1 + 3] += c13;
        C[r2] += c20; C[r2 + 1] += c21; C[r2 + 2] += c22; C[r2 + 3] += c23;
        C[r3] += c30; C[r3 + 1] += c31; C[r3 + 2] += c32; C[r3 + 3] += c33;
      } else {
        C[r0] = c00; C[r0 + 1] = c01; C[r0 + 2] = c02; C[r0 + 3] = c03;
        C[r1] = c10; C[r1 + 1] = c11; C[r1 + 2] = c12; C[r1 + 3] = c13;
        C[r2] = c20; C[r2 + 1] = c21; C[r2 + 2] = c22; C[r2 + 3] = c23;
        C[r3] = c30; C[r3 + 1] = c31; C[r3 + 2] = c32; C[r3 + 3] = c33;
      }
    }
  }
}

/**
 * Products whose shared dimension k is 0, 1 or 2: an input layer fed 1-D or 2-D data, the
 * backward pass through an output layer of one or two units. B's k x 4 block lives in registers
 * while the rows stream past, four columns at a time (a 1000 x 4 output with k = 1 takes 1 us
 * against 4 us as 4 x 4 tiles), then any last columns one at a time. c = 0 + x0 y0 (+ x1 y1) as on
 * the other paths; adding a zero bias then changes no bits, because a sum that starts from +0 is
 * never -0.
 */
function shortShared(
  m: number, n: number, k: number,
  A: Float64Array, aRow: number, aP: number,
  B: Float64Array, bP: number, bCol: number,
  C: Float64Array, accumulate: boolean, bias: Float64Array | null,
): void {
  const two = k === 2;
  const n4 = n - (n % 4);
  for (let j = 0; j < n4; j += 4) {
    const b0 = j * bCol, b1 = b0 + bCol, b2 = b1 + bCol, b3 = b2 + bCol;
    // B's rows (zeros where k is smaller; unused) and the bias (zeros when there is none).
    const y00 = k > 0 ? B[b0] : 0, y01 = k > 0 ? B[b1] : 0, y02 = k > 0 ? B[b2] : 0, y03 = k > 0 ? B[b3] : 0;
    const y10 = two ? B[b0 + bP] : 0, y11 = two ? B[b1 + bP] : 0, y12 = two ? B[b2 + bP] : 0, y13 = two ? B[b3 + bP] : 0;
    const d0 = bias !== null ? bias[j] : 0, d1 = bias !== null ? bias[j + 1] : 0;
    const d2 = bias !== null ? bias[j + 2] : 0, d3 = bias !== null ? bias[j + 3] : 0;
    for (let i = 0, a = 0, r = j; i < m; i++, a += aRow, r += n) {
      let c0: number, c1: number, c2: number, c3: number;
      if (two) {
        const x0 = A[a], x1 = A[a + aP];
        c0 = 0 + x0 * y00 + x1 * y10 + d0; c1 = 0 + x0 * y01 + x1 * y11 + d1;
        c2 = 0 + x0 * y02 + x1 * y12 + d2; c3 = 0 + x0 * y03 + x1 * y13 + d3;
      } else if (k === 1) {
        const x0 = A[a];
        c0 = 0 + x0 * y00 + d0; c1 = 0 + x0 * y01 + d1; c2 = 0 + x0 * y02 + d2; c3 = 0 + x0 * y03 + d3;
      } else {
        c0 = 0 + d0; c1 = 0 + d1; c2 = 0 + d2; c3 = 0 + d3;
      }
      if (accumulate) {
        C[r] += c0; C[r + 1] += c1; C[r + 2] += c2; C[r + 3] += c3;
      } else {
        C[r] = c0; C[r + 1] = c1; C[r + 2] = c2; C[r + 3] = c3;
      }
    }
  }
  for (let j = n4; j < n; j++) {
    const b0 = j * bCol;
    const y0 = k > 0 ? B[b0] : 0, y1 = two ? B[b0 + bP] : 0;
    const d = bias !== null ? bias[j] : 0;
    for (let i = 0, a = 0, r = j; i < m; i++, a += aRow, r += n) {
      const c = two ? 0 + A[a] * y0 + A[a + aP] * y1 + d : k === 1 ? 0 + A[a] * y0 + d : 0 + d;
      C[r] = accumulate ? C[r] + c : c;
    }
  }
}

/** The 4 x 4 tiles of rows 0..m4 by columns 0..n4, read in place through the strides. */
function tiles(
  m4: number, n: number, n4: number, k: number,
  A: Float64Array, aRow: number, aP: number,
  B: Float64Array, bP: number, bCol: number,
  C: Float64Array, accumulate: boolean, bias: Float64Array | null,
): void {
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * bCol, b1 = b0 + bCol, b2 = b1 + bCol, b3 = b2 + bCol;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, pa = 0, pb = 0; p < k; p++, pa += aP, pb += bP) {
        const x0 = A[a0 + pa], x1 = A[a1 + pa], x2 = A[a2 + pa], x3 = A[a3 + pa];
        const y0 = B[b0 + pb], y1 = B[b1 + pb], y2 = B[b2 + pb], y3 = B[b3 + pb];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      if (bias !== null) {
        const d0 = bias[j], d1 = bias[j + 1], d2 = bias[j + 2], d3 = bias[j + 3];
        c00 += d0; c01 += d1; c02 += d2; c03 += d3;
        c10 += d0; c11 += d1; c12 += d2; c13 += d3;
        c20 += d0; c21 += d1; c22 += d2; c23 += d3;
        c30 += d0; c31 += d1; c32 += d2; c33 += d3;
      }
      const r0 = i * n + j, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      if (accumulate) {
        C[r0] += c00; C[r0 + 1] += c01; C[r0 + 2] += c02; C[r0 + 3] += c03;
        C[r1] += c10; C[r1 + 1] += c11; C[r1 + 2] += c12; C[r1 + 3] += c13;
        C[r2] += c20; C[r2 + 1] += c21; C[r2 + 2] += c22; C[r2 + 3] += c23;
        C[r3] += c30; C[r3 + 1] += c31; C[r3 + 2] += c32; C[r3 + 3] += c33;
      } else {
        C[r0] = c00; C[r0 + 1] = c01; C[r0 + 2] = c02; C[r0 + 3] = c03;
        C[r1] = c10; C[r1 + 1] = c11; C[r1 + 2] = c12; C[r1 + 3] = c13;
        C[r2] = c20; C[r2 + 1] = c21; C[r2 + 2] = c22; C[r2 + 3] = c23;
        C[r3] = c30; C[r3 + 1] = c31; C[r3 + 2] = c32; C[r3 + 3] = c33;
      }
    }
  }
}

/** Columns n4..n of rows 0..m4: one 4 x 1 strip per column and 4-row block. */
function columnStrips(
  m4: number, n: number, n4: number, k: number,
  A: Float64Array, aRow: number, aP: number,
  B: Float64Array, bP: number, bCol: number,
  C: Float64Array, accumulate: boolean, bias: Float64Array | null,
): void {
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
    for (let j = n4; j < n; j++) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let p = 0, pa = 0, pb = j * bCol; p < k; p++, pa += aP, pb += bP) {
        const y = B[pb];
        c0 += A[a0 + pa] * y; c1 += A[a1 + pa] * y; c2 += A[a2 + pa] * y; c3 += A[a3 + pa] * y;
      }
      if (bias !== null) {
        const d = bias[j];
        c0 += d; c1 += d; c2 += d; c3 += d;
      }
      const r0 = i * n + j, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      if (accumulate) {
        C[r0] += c0; C[r1] += c1; C[r2] += c2; C[r3] += c3;
      } else {
        C[r0] = c0; C[r1] = c1; C[r2] = c2; C[r3] = c3;
      }
    }
  }
}

/**
 * The 1-3 rows m4..m left below the 4-row blocks: two rows at a time as 2 x 4 and 2 x 1 strips
 * (one pass over the shared dimension feeds both rows: the seed's 2-input networks have
 * exactly two such rows in their weight gradient), then a last single row as 1 x 4 strips and
 * single entries.
 */
function rowStrips(
  m4: number, m: number, n: number, n4: number, k: number,
  A: Float64Array, aRow: number, aP: number,
  B: Float64Array, bP: number, bCol: number,
  C: Float64Array, accumulate: boolean, bias: Float64Array | null,
): void {
  let i = m4;
  for (; i + 1 < m; i += 2) {
    const a0 = i * aRow, a1 = a0 + aRow;
    const r0 = i * n, r1 = r0 + n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * bCol, b1 = b0 + bCol, b2 = b1 + bCol, b3 = b2 + bCol;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      for (let p = 0, pa = 0, pb = 0; p < k; p++, pa += aP, pb += bP) {
        const x0 = A[a0 + pa], x1 = A[a1 + pa];
        const y0 = B[b0 + pb], y1 = B[b1 + pb], y2 = B[b2 + pb], y3 = B[b3 + pb];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
      }
      if (bias !== null) {
        const d0 = bias[j], d1 = bias[j + 1], d2 = bias[j + 2], d3 = bias[j + 3];
        c00 += d0; c01 += d1; c02 += d2; c03 += d3;
        c10 += d0; c11 += d1; c12 += d2; c13 += d3;
      }
      if (accumulate) {
        C[r0 + j] += c00; C[r0 + j + 1] += c01; C[r0 + j + 2] += c02; C[r0 + j + 3] += c03;
        C[r1 + j] += c10; C[r1 + j + 1] += c11; C[r1 + j + 2] += c12; C[r1 + j + 3] += c13;
      } else {
        C[r0 + j] = c00; C[r0 + j + 1] = c01; C[r0 + j + 2] = c02; C[r0 + j + 3] = c03;
        C[r1 + j] = c10; C[r1 + j + 1] = c11; C[r1 + j + 2] = c12; C[r1 + j + 3] = c13;
      }
    }
    for (let j = n4; j < n; j++) {
      let c0 = 0, c1 = 0;
      for (let p = 0, pa = 0, pb = j * bCol; p < k; p++, pa += aP, pb += bP) {
        const y = B[pb];
        c0 += A[a0 + pa] * y; c1 += A[a1 + pa] * y;
      }
      if (bias !== null) {
        c0 += bias[j]; c1 += bias[j];
      }
      C[r0 + j] = accumulate ? C[r0 + j] + c0 : c0;
      C[r1 + j] = accumulate ? C[r1 + j] + c1 : c1;
    }
  }
  if (i < m) {
    const a0 = i * aRow;
    const r = i * n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * bCol, b1 = b0 + bCol, b2 = b1 + bCol, b3 = b2 + bCol;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let p = 0, pa = a0, pb = 0; p < k; p++, pa += aP, pb += bP) {
        const x = A[pa];
        c0 += x * B[b0 + pb]; c1 += x * B[b1 + pb]; c2 += x * B[b2 + pb]; c3 += x * B[b3 + pb];
      }
      if (bias !== null) {
        c0 += bias[j]; c1 += bias[j + 1]; c2 += bias[j + 2]; c3 += bias[j + 3];
      }
      if (accumulate) {
        C[r + j] += c0; C[r + j + 1] += c1; C[r + j + 2] += c2; C[r + j + 3] += c3;
      } else {
        C[r + j] = c0; C[r + j + 1] = c1; C[r + j + 2] = c2; C[r + j + 3] = c3;
      }
    }
    for (let j = n4; j < n; j++) {
      let c = 0;
      for (let p = 0, pa = a0, pb = j * bCol; p < k; p++, pa += aP, pb += bP) c += A[pa] * B[pb];
      if (bias !== null) c += bias[j];
      C[r + j] = accumulate ? C[r + j] + c : c;
    }
  }
}

/**
 * out[j] = sum over rows i of A[i, j] (+ out[j] when `accumulate`): the bias gradient. Each
 * column is summed in row order from 0, four columns at a time in registers.
 */
export function sumRows(m: number, n: number, A: Float64Array, out: Float64Array, accumulate: boolean): void {
  const n4 = n - (n % 4);
  for (let j = 0; j < n4; j += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0, o = j; i < m; i++, o += n) {
      s0 += A[o]; s1 += A[o + 1]; s2 += A[o + 2]; s3 += A[o + 3];
    }
    if (accumulate) {
      out[j] += s0; out[j + 1] += s1; out[j + 2] += s2; out[j + 3] += s3;
    } else {
      out[j] = s0; out[j + 1] = s1; out[j + 2] = s2; out[j + 3] = s3;
    }
  }
  for (let j = n4; j < n; j++) {
    let s = 0;
    for (let i = 0, o = j; i < m; i++, o += n) s += A[o];
    out[j] = accumulate ? out[j] + s : s;
  }
}
