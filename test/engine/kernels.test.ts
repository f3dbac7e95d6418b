import { describe, expect, it } from 'vitest';
import { fillRows, gemmNN, gemmNT, gemmTN, sumRows } from '../../shared/engine/kernels';
import { Rng } from '../../shared/engine/rng';

/** Textbook triple loop: the independent reference for every blocked kernel. */
function naive(m: number, n: number, k: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
    c[i * n + j] = s;
  }
  return c;
}

function random(len: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: len }, () => rng.uniformIn(-1, 1));
}

// Shapes chosen to hit full 4x4 tiles, ragged edges in each dimension, and degenerate sizes.
const SHAPES: [number, number, number][] = [[1, 1, 1], [4, 4, 4], [5, 3, 7], [7, 9, 2], [8, 13, 16], [13, 4, 1], [3, 17, 5]];

describe('matrix kernels', () => {
  const rng = new Rng(7);
  for (const [m, n, k] of SHAPES) {
    it(`gemmNN matches the naive product for ${m}x${k} . ${k}x${n}, overwriting and accumulating`, () => {
      const A = random(m * k, rng), B = random(k * n, rng);
      const ref = naive(m, n, k, (i, p) => A[i * k + p], (p, j) => B[p * n + j]);
      const C = random(m * n, rng);
      gemmNN(m, n, k, A, B, C, false);
      for (let i = 0; i < ref.length; i++) expect(C[i]).toBeCloseTo(ref[i], 12);
      const C0 = random(m * n, rng), C1 = Float64Array.from(C0);
      gemmNN(m, n, k, A, B, C1, true);
      for (let i = 0; i < ref.length; i++) expect(C1[i]).toBeCloseTo(C0[i] + ref[i], 12);
    });
    it(`gemmTN matches the naive A^T B for ${k}x${m} and ${k}x${n}`, () => {
      const A = random(k * m, rng), B = random(k * n, rng);
      const ref = naive(m, n, k, (i, p) => A[p * m + i], (p, j) => B[p * n + j]);
      const C = new Float64Array(m * n);
      gemmTN(m, n, k, A, B, C, false);
      for (let i = 0; i < ref.length; i++) expect(C[i]).toBeCloseTo(ref[i], 12);
    });
    it(`gemmNT matches the naive A B^T for ${m}x${k} and ${n}x${k}`, () => {
      const A = random(m * k, rng), B = random(n * k, rng);
      const ref = naive(m, n, k, (i, p) => A[i * k + p], (p, j) => B[j * k + p]);
      const C = new Float64Array(m * n);
      gemmNT(m, n, k, A, B, C, false);
      for (let i = 0; i < ref.length; i++) expect(C[i]).toBeCloseTo(ref[i], 12);
    });
  }
  it('fillRows copies the row into every row and sumRows sums the columns', () => {
    const C = new Float64Array(6);
    fillRows(3, 2, Float64Array.of(1, 2), C);
    expect(Array.from(C)).toEqual([1, 2, 1, 2, 1, 2]);
    const out = Float64Array.of(9, 9);
    sumRows(3, 2, C, out, false);
    expect(Array.from(out)).toEqual([3, 6]);
    sumRows(3, 2, C, out, true);
    expect(Array.from(out)).toEqual([6, 12]);
  });
});
