/**
 * The WebAssembly matrix product behind shared/engine/kernels.ts: the same strided core
 * (A(i, p) = A[i aRow + p aP], B(p, j) = B[p bP + j bCol]) on any Float64Arrays. The operands are
 * copied into this thread's kernel memory (a memcpy: ~0.1 ms for the 1.6 MB weight matrix of an
 * MNIST-sized layer, against ~2 ms for the product), the kernel packs and multiplies there, and C
 * is copied back (with `accumulate`, C goes in first and the kernel adds, so C + c is formed in
 * the same order as by the plain kernels).
 *
 * Every entry is summed as the plain kernels sum it (0 + A(i,0) B(0,j) + ... + bias, then + C),
 * so the two give the same bits (test/engine/wasm-kernels.test.ts).
 */
import { type KernelInstance, kernelInstance, Scratch } from './runtime';

let scratch: Scratch | null = null;
let scratchOf: KernelInstance | null = null;

/** This thread's kernels and scratch, or null when WebAssembly SIMD is not available. */
function kernels(): KernelInstance | null {
  const k = kernelInstance();
  if (k !== null && scratchOf !== k) {
    scratch = new Scratch(k.arena);
    scratchOf = k;
  }
  return k;
}

/** True when the WebAssembly product can run on this thread. */
export function wasmGemmAvailable(): boolean {
  return kernels() !== null;
}

const up16 = (bytes: number): number => (bytes + 15) & ~15;

/** Elements of a strided operand that a product reads: rows x cols with the given strides. */
function extent(rows: number, cols: number, rowStride: number, colStride: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * rowStride + (cols - 1) * colStride + 1;
}

/**
 * C[m x n] (+)= A(i, p) B(p, j) summed over p (+ bias[j]), in WebAssembly; see the file comment.
 * Returns false (and does nothing) when the kernels cannot run on this thread.
 */
export function wasmProduct(
  m: number, n: number, k: number,
  A: Float64Array, aRow: number, aP: number,
  B: Float64Array, bP: number, bCol: number,
  C: Float64Array, accumulate: boolean, bias: Float64Array | null,
): boolean {
  const inst = kernels();
  if (inst === null || scratch === null) return false;
  if (m === 0 || n === 0) return true;
  const x = inst.exports;
  const lenA = extent(m, k, aRow, aP);
  const lenB = extent(k, n, bP, bCol);
  const lenC = m * n;
  // One block: A, B, C, the bias, the kernel's work area (each 16-byte aligned).
  const oB = up16(lenA * 8), oC = oB + up16(lenB * 8), oBias = oC + up16(lenC * 8), oWork = oBias + up16(bias !== null ? n * 8 : 0);
  const base = scratch.reserve(oWork + x.gemm_work_f64(m, n, k));
  const pA = base, pB = base + oB, pC = base + oC, pWork = base + oWork;
  const pBias = bias !== null ? base + oBias : 0;
  const v = inst.arena.f64();
  v.set(lenA === A.length ? A : A.subarray(0, lenA), pA >> 3);
  v.set(lenB === B.length ? B : B.subarray(0, lenB), pB >> 3);
  if (accumulate) v.set(C.subarray(0, lenC), pC >> 3);
  if (bias !== null) v.set(bias.subarray(0, n), pBias >> 3);
  x.gemm_f64(m, n, k, pA, aRow, aP, pB, bP, bCol, pC, accumulate ? 1 : 0, pBias, pWork);
  C.set(v.subarray(pC >> 3, (pC >> 3) + lenC));
  return true;
}
