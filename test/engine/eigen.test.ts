/**
 * The symmetric eigen-decomposition (shared/engine/eigen.ts) against numpy.linalg.eigh (LAPACK,
 * test/fixtures/generate_eigen.py): eigenvalues to 1e-12 of the matrix's norm, eigenvectors with
 * small residuals |A v - lambda v|, orthonormal, and equal to numpy's (up to sign) wherever an
 * eigenvalue is well separated; and the Hessians of test/fixtures/hessian-cases.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../shared/engine/eigen';

interface EigenCase {
  name: string;
  n: number;
  matrix: number[];
  values: number[];
  vectors: number[];
}

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/eigen-cases.json', import.meta.url), 'utf8')) as { cases: EigenCase[] };
const hessians = JSON.parse(readFileSync(new URL('../fixtures/hessian-cases.json', import.meta.url), 'utf8')) as { cases: { name: string; hessian: number[][]; eigenvalues: number[] }[] };

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i]));
  return s;
}

/** Largest |A v_j - lambda_j v_j| over j, and largest |V V^T - I|. */
function residuals(A: ArrayLike<number>, n: number, values: Float64Array, V: Float64Array): { residual: number; orthogonality: number } {
  let residual = 0;
  let orthogonality = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[i * n + k] * V[j * n + k];
      residual = Math.max(residual, Math.abs(s - values[j] * V[j * n + i]));
    }
    for (let k = 0; k < n; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += V[j * n + i] * V[k * n + i];
      orthogonality = Math.max(orthogonality, Math.abs(dot - (j === k ? 1 : 0)));
    }
  }
  return { residual, orthogonality };
}

describe('symmetric eigen-decomposition against numpy.linalg.eigh', () => {
  for (const c of fixtures.cases) {
    it(`${c.name}: eigenvalues, residuals, orthonormal eigenvectors`, () => {
      const { values, vectors } = symmetricEigen(c.matrix, c.n);
      const scale = Math.max(norm(c.matrix), 1e-300);
      for (let j = 0; j < c.n; j++) expect(Math.abs(values[j] - c.values[j]) / scale).toBeLessThan(1e-12);
      for (let j = 1; j < c.n; j++) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1]);
      const { residual, orthogonality } = residuals(c.matrix, c.n, values, vectors!);
      expect(residual / scale).toBeLessThan(1e-12);
      expect(orthogonality).toBeLessThan(1e-12);
      // Where an eigenvalue is separated from its neighbours, its eigenvector is numpy's up to sign.
      for (let j = 0; j < c.n; j++) {
        const gap = Math.min(j > 0 ? values[j] - values[j - 1] : Infinity, j < c.n - 1 ? values[j + 1] - values[j] : Infinity);
        if (!(gap > 1e-6 * scale)) continue;
        let dot = 0;
        for (let i = 0; i < c.n; i++) dot += vectors![j * c.n + i] * c.vectors[j * c.n + i];
        expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-9);
      }
    });
  }

  for (const h of hessians.cases) {
    it(`Hessian ${h.name}: eigenvalues agree with numpy's to 1e-12 of the largest`, () => {
      const P = h.hessian.length;
      const { values } = symmetricEigen(h.hessian.flat(), P, { vectors: false });
      const scale = norm(h.eigenvalues);
      for (let j = 0; j < P; j++) expect(Math.abs(values[j] - h.eigenvalues[j]) / scale).toBeLessThan(1e-12);
    });
  }

  it('reads only the lower triangle and leaves the matrix unchanged', () => {
    const c = fixtures.cases[0];
    const m = Float64Array.from(c.matrix);
    for (let i = 0; i < c.n; i++) for (let j = i + 1; j < c.n; j++) m[i * c.n + j] = 1e6; // garbage above
    const before = Array.from(m);
    const { values } = symmetricEigen(m, c.n);
    expect(Array.from(m)).toEqual(before);
    for (let j = 0; j < c.n; j++) expect(values[j]).toBeCloseTo(c.values[j], 12);
  });

  it('refuses a matrix with a non-finite entry, naming where', () => {
    expect(() => symmetricEigen([1, 0, NaN, 1], 2)).toThrow(/non-finite entry NaN at \(2, 1\)/);
  });

  it('negative control: a matrix with one entry changed by 1e-6 no longer matches numpy', () => {
    const c = fixtures.cases.find((k) => k.name === 'random 10 x 10')!;
    const m = Float64Array.from(c.matrix);
    m[3 * 10 + 2] += 1e-6;
    m[2 * 10 + 3] += 1e-6;
    const { values } = symmetricEigen(m, 10);
    const worst = Math.max(...Array.from(values, (v, j) => Math.abs(v - c.values[j])));
    expect(worst / norm(c.matrix)).toBeGreaterThan(1e-12);
  });
});
