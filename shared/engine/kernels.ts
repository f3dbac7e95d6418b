/**
 * The dense matrix kernels every layer runs on, kept behind this one module so they can be
 * swapped for faster ones without touching the network code. All matrices are row-major
 * Float64Arrays; a batch is n rows of features.
 *
 * Each product is register-blocked: a 4 x 4 tile of C lives in 16 local variables while the
 * shared dimension streams past, so every value loaded from A or B feeds four multiply-adds.
 * Tiles that do not fill 4 x 4 (the edges) take a plain loop. The order in which terms are
 * summed is fixed by the shapes alone, so results are deterministic.
 */

/**
 * C[m x n] = A[m x k] . B[k x n], added to C when `accumulate`, else written over it.
 * Forward pass: activations = inputs . W (PRML (5.2) for all samples at once).
 */
export function gemmNN(
  m: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, accumulate: boolean,
): void {
  if (small(m, n, k)) {
    // Thin product: the batch dimension m is the long one, so make it the innermost loop.
    if (!accumulate) C.fill(0, 0, m * n);
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) {
        const b = B[p * n + j];
        for (let i = 0, c = j, a = p; i < m; i++, c += n, a += k) C[c] += A[a] * b;
      }
    }
    return;
  }
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, b = j; p < k; p++, b += n) {
        const b0 = B[b], b1 = B[b + 1], b2 = B[b + 2], b3 = B[b + 3];
        const x0 = A[a0 + p], x1 = A[a1 + p], x2 = A[a2 + p], x3 = A[a3 + p];
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      store4(C, i * n + j, n, accumulate,
        c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
    if (n4 < n) edgeNN(i, i + 4, n4, n, n, k, A, B, C, accumulate);
  }
  if (m4 < m) edgeNN(m4, m, 0, n, n, k, A, B, C, accumulate);
}

function edgeNN(
  i0: number, i1: number, j0: number, j1: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, accumulate: boolean,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i * k + p] * B[p * n + j];
      C[i * n + j] = accumulate ? C[i * n + j] + s : s;
    }
  }
}

/**
 * C[m x n] = A^T . B with A[k x m] and B[k x n], added to C when `accumulate`.
 * Weight gradient: dW = inputs^T . delta, summed over the k samples (PRML (5.53)).
 */
export function gemmTN(
  m: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, accumulate: boolean,
): void {
  if (small(m, n, k)) {
    // Thin product: one dot product over the long shared dimension per entry of C, with two
    // accumulators so consecutive additions do not wait on each other.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s0 = 0, s1 = 0, p = 0, a = i, b = j;
        for (; p + 1 < k; p += 2, a += 2 * m, b += 2 * n) {
          s0 += A[a] * B[b];
          s1 += A[a + m] * B[b + n];
        }
        if (p < k) s0 += A[a] * B[b];
        C[i * n + j] = accumulate ? C[i * n + j] + (s0 + s1) : s0 + s1;
      }
    }
    return;
  }
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, a = i, b = j; p < k; p++, a += m, b += n) {
        const x0 = A[a], x1 = A[a + 1], x2 = A[a + 2], x3 = A[a + 3];
        const b0 = B[b], b1 = B[b + 1], b2 = B[b + 2], b3 = B[b + 3];
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      store4(C, i * n + j, n, accumulate,
        c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
    if (n4 < n) edgeTN(i, i + 4, n4, n, m, n, k, A, B, C, accumulate);
  }
  if (m4 < m) edgeTN(m4, m, 0, n, m, n, k, A, B, C, accumulate);
}

function edgeTN(
  i0: number, i1: number, j0: number, j1: number, m: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, accumulate: boolean,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[p * m + i] * B[p * n + j];
      C[i * n + j] = accumulate ? C[i * n + j] + s : s;
    }
  }
}

/**
 * C[m x n] = A . B^T with A[m x k] and B[n x k], added to C when `accumulate`.
 * Backward pass: dE/dz = delta . W^T (PRML (5.55) before the h' factor).
 */
export function gemmNT(
  m: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, accumulate: boolean,
): void {
  if (small(m, n, k)) {
    // Thin product: the batch dimension m is the long one, so make it the innermost loop.
    if (!accumulate) C.fill(0, 0, m * n);
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) {
        const b = B[j * k + p];
        for (let i = 0, c = j, a = p; i < m; i++, c += n, a += k) C[c] += A[a] * b;
      }
    }
    return;
  }
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p], x1 = A[a1 + p], x2 = A[a2 + p], x3 = A[a3 + p];
        const y0 = B[b0 + p], y1 = B[b1 + p], y2 = B[b2 + p], y3 = B[b3 + p];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      store4(C, i * n + j, n, accumulate,
        c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
    if (n4 < n) edgeNT(i, i + 4, n4, n, n, k, A, B, C, accumulate);
  }
  if (m4 < m) edgeNT(m4, m, 0, n, n, k, A, B, C, accumulate);
}

function edgeNT(
  i0: number, i1: number, j0: number, j1: number, n: number, k: number,
  A: Float64Array, B: Float64Array, C: Float64Array, accumulate: boolean,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i * k + p] * B[j * k + p];
      C[i * n + j] = accumulate ? C[i * n + j] + s : s;
    }
  }
}

/**
 * True when a product is too thin for 4 x 4 tiles to pay (a dimension under 4, or a short shared
 * dimension). Thin products run as long strided loops instead: for the seed's 2 -> 4 -> 1
 * network on 1000 samples they are about twice as fast as tiles or short row loops.
 */
function small(m: number, n: number, k: number): boolean {
  return m < 4 || n < 4 || k < 8;
}

/** Writes (or adds) a 4 x 4 tile at C[at], rows `stride` apart. */
function store4(
  C: Float64Array, at: number, stride: number, accumulate: boolean,
  c00: number, c01: number, c02: number, c03: number,
  c10: number, c11: number, c12: number, c13: number,
  c20: number, c21: number, c22: number, c23: number,
  c30: number, c31: number, c32: number, c33: number,
): void {
  const r1 = at + stride, r2 = r1 + stride, r3 = r2 + stride;
  if (accumulate) {
    C[at] += c00; C[at + 1] += c01; C[at + 2] += c02; C[at + 3] += c03;
    C[r1] += c10; C[r1 + 1] += c11; C[r1 + 2] += c12; C[r1 + 3] += c13;
    C[r2] += c20; C[r2 + 1] += c21; C[r2 + 2] += c22; C[r2 + 3] += c23;
    C[r3] += c30; C[r3 + 1] += c31; C[r3 + 2] += c32; C[r3 + 3] += c33;
  } else {
    C[at] = c00; C[at + 1] = c01; C[at + 2] = c02; C[at + 3] = c03;
    C[r1] = c10; C[r1 + 1] = c11; C[r1 + 2] = c12; C[r1 + 3] = c13;
    C[r2] = c20; C[r2 + 1] = c21; C[r2 + 2] = c22; C[r2 + 3] = c23;
    C[r3] = c30; C[r3 + 1] = c31; C[r3 + 2] = c32; C[r3 + 3] = c33;
  }
}

/** Every row of C[m x n] set to `row` (length n): the bias before activations accumulate. */
export function fillRows(m: number, n: number, row: Float64Array, C: Float64Array): void {
  for (let i = 0, o = 0; i < m; i++, o += n) {
    for (let j = 0; j < n; j++) C[o + j] = row[j];
  }
}

/** out[j] = sum over rows i of A[i, j] (+ out[j] when `accumulate`): the bias gradient. */
export function sumRows(m: number, n: number, A: Float64Array, out: Float64Array, accumulate: boolean): void {
  if (!accumulate) out.fill(0, 0, n);
  for (let i = 0, o = 0; i < m; i++, o += n) {
    for (let j = 0; j < n; j++) out[j] += A[o + j];
  }
}
