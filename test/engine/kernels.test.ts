import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KERNEL_BACKENDS, setKernelBackend } from '../../shared/engine/kernel-backend';
import { gemmNN, gemmNT, gemmTN, sumRows } from '../../shared/engine/kernels';
import { Rng } from '../../shared/engine/rng';

/**
 * Textbook triple loop: the independent reference for every blocked kernel. Each entry is summed
 * in order of p from 0, then the bias is added, then the old C when accumulating: the order the
 * kernels promise on every path, so they must agree with it bit for bit, not just closely.
 */
function naive(
  m: number, n: number, k: number,
  a: (i: number, p: number) => number, b: (p: number, j: number) => number,
  C0: Float64Array | null, bias: Float64Array | null,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
    if (bias) s += bias[j];
    c[i * n + j] = C0 ? C0[i * n + j] + s : s;
  }
  return c;
}

function random(len: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: len }, () => rng.uniformIn(-1, 1));
}

/** Fails with the first index whose bits differ. */
function expectSameBits(actual: Float64Array, expected: Float64Array, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${what}[${i}]: ${actual[i]} but the triple loop gives ${expected[i]}`);
  }
}

/**
 * Shapes that reach every path: full 4 x 4 tiles; ragged edges in each dimension (4 x 1 column
 * strips, 2-row and 1-row strips); degenerate sizes; the seed's thin products (a 1000-sample
 * batch against 1, 2 or 4 features); and products big enough to be packed (m, n >= 32, k >= 8),
 * with ragged edges around the packed block.
 */
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [4, 4, 4], [5, 3, 7], [7, 9, 2], [8, 13, 16], [13, 4, 1], [3, 17, 5], [2, 4, 1000], [6, 1, 9],
  [1000, 4, 2], [1000, 1, 4], [4, 1, 1000], [1000, 4, 1], [100, 6, 1],
  [32, 32, 8], [37, 34, 19], [64, 40, 7], [35, 33, 40],
];

// Each backend (plain TypeScript, WebAssembly SIMD) must equal the triple loop on every shape.
describe.each(KERNEL_BACKENDS)('matrix kernels on the %s backend', (backend) => {
  beforeAll(() => {
    expect(setKernelBackend(backend)).toBe(backend);
  });
  afterAll(() => {
    setKernelBackend('wasm');
  });
  const rng = new Rng(7);
  for (const [m, n, k] of SHAPES) {
    it(`gemmNN equals the triple loop bit for bit for ${m}x${k} . ${k}x${n}: overwriting, accumulating, with bias`, () => {
      const A = random(m * k, rng), B = random(k * n, rng), bias = random(n, rng);
      const at = (i: number, p: number): number => A[i * k + p], bt = (p: number, j: number): number => B[p * n + j];
      const C = random(m * n, rng);
      gemmNN(m, n, k, A, B, C, false);
      expectSameBits(C, naive(m, n, k, at, bt, null, null), 'A.B');
      const C0 = random(m * n, rng), C1 = Float64Array.from(C0);
      gemmNN(m, n, k, A, B, C1, true);
      expectSameBits(C1, naive(m, n, k, at, bt, C0, null), 'C + A.B');
      gemmNN(m, n, k, A, B, C, false, bias);
      expectSameBits(C, naive(m, n, k, at, bt, null, bias), 'A.B + bias');
      const C2 = Float64Array.from(C0);
      gemmNN(m, n, k, A, B, C2, true, bias);
      expectSameBits(C2, naive(m, n, k, at, bt, C0, bias), 'C + (A.B + bias)');
    });
    it(`gemmTN equals the triple loop bit for bit for A^T B with A ${k}x${m} and B ${k}x${n}`, () => {
      const A = random(k * m, rng), B = random(k * n, rng);
      const at = (i: number, p: number): number => A[p * m + i], bt = (p: number, j: number): number => B[p * n + j];
      const C = random(m * n, rng);
      gemmTN(m, n, k, A, B, C, false);
      expectSameBits(C, naive(m, n, k, at, bt, null, null), 'A^T B');
      const C0 = random(m * n, rng), C1 = Float64Array.from(C0);
      gemmTN(m, n, k, A, B, C1, true);
      expectSameBits(C1, naive(m, n, k, at, bt, C0, null), 'C + A^T B');
    });
    it(`gemmNT equals the triple loop bit for bit for A B^T with A ${m}x${k} and B ${n}x${k}`, () => {
      const A = random(m * k, rng), B = random(n * k, rng);
      const at = (i: number, p: number): number => A[i * k + p], bt = (p: number, j: number): number => B[j * k + p];
      const C = random(m * n, rng);
      gemmNT(m, n, k, A, B, C, false);
      expectSameBits(C, naive(m, n, k, at, bt, null, null), 'A B^T');
      const C0 = random(m * n, rng), C1 = Float64Array.from(C0);
      gemmNT(m, n, k, A, B, C1, true);
      expectSameBits(C1, naive(m, n, k, at, bt, C0, null), 'C + A B^T');
    });
  }

  it('leaves C outside the m x n result untouched, and works on subarray views', () => {
    const A = random(40 * 12, rng), B = random(12 * 36, rng);
    const big = random(40 * 36 + 10, rng);
    const before = Float64Array.from(big);
    const view = big.subarray(5, 5 + 40 * 36);
    gemmNN(40, 36, 12, A.subarray(0, 40 * 12), B, view, false);
    expectSameBits(view, naive(40, 36, 12, (i, p) => A[i * 12 + p], (p, j) => B[p * 36 + j], null, null), 'view');
    expectSameBits(big.subarray(0, 5), before.subarray(0, 5), 'before the view');
    expectSameBits(big.subarray(5 + 40 * 36), before.subarray(5 + 40 * 36), 'after the view');
  });

  it('gives the same bits when a small product follows a big (packed) one', () => {
    const A = random(64 * 64, rng), B = random(64 * 64, rng), C = new Float64Array(64 * 64);
    gemmNN(64, 64, 64, A, B, C, false);
    const a = random(8 * 3, rng), b = random(3 * 8, rng), c = new Float64Array(64);
    gemmNN(8, 8, 3, a, b, c, false);
    expectSameBits(c, naive(8, 8, 3, (i, p) => a[i * 3 + p], (p, j) => b[p * 8 + j], null, null), 'small after big');
  });

  it('sumRows sums the columns, or adds their sums when accumulating', () => {
    const C = Float64Array.of(1, 2, 1, 2, 1, 2);
    const out = Float64Array.of(9, 9);
    sumRows(3, 2, C, out, false);
    expect(Array.from(out)).toEqual([3, 6]);
    sumRows(3, 2, C, out, true);
    expect(Array.from(out)).toEqual([6, 12]);
  });

  it('sumRows sums each column in row order, four columns at a time and the rest singly', () => {
    for (const [m, n] of [[1000, 1], [1000, 4], [7, 6], [3, 9]]) {
      const A = random(m * n, rng);
      const ref = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += A[i * n + j];
        ref[j] = s;
      }
      const out = random(n, rng);
      sumRows(m, n, A, out, false);
      expectSameBits(out, ref, `sumRows ${m}x${n}`);
      const acc = Float64Array.from(out);
      sumRows(m, n, A, acc, true);
      expectSameBits(acc, Float64Array.from(ref, (r, j) => out[j] + r), `sumRows ${m}x${n} accumulating`);
    }
  });
});
