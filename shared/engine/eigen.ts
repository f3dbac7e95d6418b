/**
 * Eigenvalues and eigenvectors of a real symmetric matrix: what the Laplace approximation and
 * the evidence framework need of the Hessian (PRML (5.177)-(5.179)), and what the curvature
 * panel draws.
 *
 * Two classical stages (Golub & Van Loan §8.3; Wilkinson & Reinsch's tred2 / tql2):
 *
 * 1. Householder tridiagonalisation: for k = 0 .. n-3 a reflection H_k = I - tau v v^T on rows and
 *    columns k+1 .. n-1 zeroes column k below its subdiagonal, so T = Q^T A Q is tridiagonal with
 *    Q = H_0 H_1 ... H_{n-3}. With p = tau B v and w = p - (tau/2)(v^T p) v, the trailing block
 *    becomes H B H = B - v w^T - w v^T. About 4n^3/3 operations.
 * 2. Implicit QL with Wilkinson's shift on T: each sweep chases a bulge up from the bottom of the
 *    unreduced block with plane rotations, and the last subdiagonal entry converges
 *    cubically; an entry below eps (|d_m| + |d_m+1|) splits the matrix. The rotations are
 *    accumulated into Z (T's eigenvectors), and Q Z are A's.
 *
 * Both stages are backward stable: the eigenvalues are those of a matrix within a few eps ||A||
 * of A (test/engine/eigen.test.ts compares with numpy.linalg.eigh, LAPACK's).
 */

/** The eigen-decomposition of a symmetric n x n matrix. */
export interface SymmetricEigen {
  n: number;
  /** The eigenvalues, ascending. */
  values: Float64Array;
  /** n x n, row-major: row j is the unit eigenvector of values[j]. Null when not asked for. */
  vectors: Float64Array | null;
}

/** Thrown when the QL iteration does not converge (it does within a few sweeps per eigenvalue on finite input). */
export class EigenError extends Error {
  override name = 'EigenError';
}

/** The most QL sweeps spent on one eigenvalue before giving up (typically 1-3 are needed). */
const MAX_SWEEPS = 60;
const EPS = 2 ** -52;

/**
 * Eigenvalues (ascending) and, unless `vectors` is false, unit eigenvectors of the symmetric
 * n x n matrix A (row-major; only its lower triangle is read, A is not changed). Non-finite
 * entries are refused with a RangeError.
 */
export function symmetricEigen(A: ArrayLike<number>, n: number, options: { vectors?: boolean } = {}): SymmetricEigen {
  const wantVectors = options.vectors ?? true;
  if (!(Number.isInteger(n) && n >= 0) || A.length < n * n) throw new RangeError(`symmetricEigen needs an n x n matrix, got ${A.length} values for n = ${n}`);
  // Work on a full symmetric copy built from the lower triangle.
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = A[i * n + j];
      if (!Number.isFinite(v)) throw new RangeError(`the matrix has a non-finite entry ${v} at (${i + 1}, ${j + 1})`);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n); // e[i] = T[i][i+1]; e[n-1] = 0
  const tau = new Float64Array(Math.max(0, n - 2));
  tridiagonalize(a, n, d, e, tau);
  // zt: row i holds column i of Z (so each eigenvector is contiguous while rotations update it).
  const zt = wantVectors ? identity(n) : null;
  implicitQL(d, e, n, zt);
  if (zt) applyReflections(a, n, tau, zt);
  // Ascending order.
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  const values = Float64Array.from(order, (i) => d[i]);
  let vectors: Float64Array | null = null;
  if (zt) {
    vectors = new Float64Array(n * n);
    order.forEach((src, dst) => vectors!.set(zt.subarray(src * n, src * n + n), dst * n));
  }
  return { n, values, vectors };
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

/**
 * Householder reduction of the symmetric `a` (n x n, overwritten) to tridiagonal (d, e); the
 * vector v of reflection k is left in column k below the subdiagonal's row (a[i][k], i > k) and
 * its tau in tau[k] (tau = 0: no reflection was needed).
 */
function tridiagonalize(a: Float64Array, n: number, d: Float64Array, e: Float64Array, tau: Float64Array): void {
  const p = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    // x = a[k+1 .. n-1][k]; scaled by its largest entry so the norm neither overflows nor underflows.
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale = Math.max(scale, Math.abs(a[i * n + k]));
    let tail = 0;
    for (let i = k + 2; i < n; i++) {
      const v = a[i * n + k] / (scale || 1);
      tail += v * v;
    }
    const x0 = a[(k + 1) * n + k];
    if (tail === 0) {
      // Already zero below the subdiagonal: no reflection.
      e[k] = x0;
      tau[k] = 0;
      for (let i = k + 1; i < n; i++) a[i * n + k] = 0;
      continue;
    }
    const s0 = x0 / scale;
    const norm = scale * Math.sqrt(s0 * s0 + tail);
    const alpha = x0 > 0 ? -norm : norm; // the sign opposite to x0 avoids cancellation in v0
    // v = x - alpha e_1, v^T v = 2 alpha (alpha - x0), tau = 2 / v^T v.
    a[(k + 1) * n + k] = x0 - alpha;
    const t = 1 / (alpha * (alpha - x0));
    tau[k] = t;
    e[k] = alpha;
    // p = tau B v over the trailing block B = a[k+1 .., k+1 ..].
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = k + 1; j < n; j++) s += a[row + j] * a[j * n + k];
      p[i] = t * s;
      vp += a[i * n + k] * p[i];
    }
    // w = p - (tau/2)(v^T p) v, into p; then B <- B - v w^T - w v^T.
    const half = 0.5 * t * vp;
    for (let i = k + 1; i < n; i++) p[i] -= half * a[i * n + k];
    for (let i = k + 1; i < n; i++) {
      const vi = a[i * n + k];
      const wi = p[i];
      const row = i * n;
      for (let j = k + 1; j < n; j++) a[row + j] -= vi * p[j] + wi * a[j * n + k];
    }
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  if (n >= 2) e[n - 2] = a[(n - 1) * n + (n - 2)];
  e[n - 1] = 0;
}

/**
 * Eigenvalues of the tridiagonal (d, e) by implicit QL with shifts, into d (unsorted); the
 * rotations are applied to the rows of zt (row i = column i of Z) when given.
 */
function implicitQL(d: Float64Array, e: Float64Array, n: number, zt: Float64Array | null): void {
  for (let l = 0; l < n; l++) {
    let sweeps = 0;
    for (;;) {
      // The first negligible subdiagonal entry at or below l splits off the block l .. m.
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= EPS * dd) break;
      }
      if (m === l) break; // d[l] is an eigenvalue
      if (++sweeps > MAX_SWEEPS) throw new EigenError(`the eigenvalue iteration did not converge (eigenvalue ${l + 1} of ${n})`);
      // Wilkinson's shift: the eigenvalue of the leading 2 x 2 block nearer d[l].
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let split = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // An exact zero appeared: the block splits here; deflate and start over.
          d[i + 1] -= p;
          e[m] = 0;
          split = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (zt) {
          // Columns i and i+1 of Z, rows i and i+1 of zt.
          const ri = i * n;
          const rj = ri + n;
          for (let k = 0; k < n; k++) {
            const zk1 = zt[rj + k];
            const zk0 = zt[ri + k];
            zt[rj + k] = s * zk0 + c * zk1;
            zt[ri + k] = c * zk0 - s * zk1;
          }
        }
      }
      if (split) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** Eigenvectors of A from T's: each row z of zt becomes Q z = H_0 (H_1 (... H_{n-3} z)). */
function applyReflections(a: Float64Array, n: number, tau: Float64Array, zt: Float64Array): void {
  for (let k = n - 3; k >= 0; k--) {
    const t = tau[k];
    if (t === 0) continue;
    for (let j = 0; j < n; j++) {
      const row = j * n;
      let s = 0;
      for (let i = k + 1; i < n; i++) s += a[i * n + k] * zt[row + i];
      s *= t;
      for (let i = k + 1; i < n; i++) zt[row + i] -= s * a[i * n + k];
    }
  }
}
