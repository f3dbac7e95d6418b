/**
 * The product kernels alone, for `npm run bench`: GFLOP/s on the three products of W3's first
 * layer in float64 and float32, operands already in the kernel memory (no copies), packing
 * included. The same shapes are timed in numpy (bench/numpy_seed.py, job "gemm": OpenBLAS, whose
 * AVX-512 FMA kernels are this machine's measured peak on one core) for comparison.
 */
import { kernelInstance } from '../shared/engine/wasm/runtime';

/** One product: C[m x n] = A(i,p) B(p,j) with the layout's strides, as the network calls it. */
export interface KernelShape {
  name: string;
  layout: 'NN' | 'TN' | 'NT';
  m: number;
  n: number;
  k: number;
}

/** W3's first-layer products: forward x.W, weight gradient x^T.delta, and delta.W^T. */
export const W3_SHAPES: KernelShape[] = [
  { name: 'forward x.W', layout: 'NN', m: 128, n: 256, k: 784 },
  { name: 'weight gradient x^T.delta', layout: 'TN', m: 784, n: 256, k: 128 },
  { name: 'backward delta.W^T', layout: 'NT', m: 128, n: 784, k: 256 },
];

/**
 * GFLOP/s (2 m n k per product) of the fastest of `repeat` calls after a warm-up, per shape, of
 * the float64 kernel or (`float32`) the float32 one.
 */
export function kernelRates(shapes: KernelShape[], float32 = false, repeat = 30): number[] | null {
  const k = kernelInstance();
  if (k === null) return null;
  const x = k.exports;
  const gemm = float32 ? x.gemm_f32 : x.gemm_f64;
  const bytes = float32 ? 4 : 8;
  return shapes.map(({ layout, m, n, k: kk }) => {
    const [aRow, aP, bP, bCol] = layout === 'NN' ? [kk, 1, n, 1] : layout === 'TN' ? [1, m, n, 1] : [kk, 1, 1, kk];
    const pA = k.arena.alloc(m * kk * bytes), pB = k.arena.alloc(kk * n * bytes), pC = k.arena.alloc(m * n * bytes);
    const pW = k.arena.alloc(float32 ? x.gemm_work_f32(m, n, kk) : x.gemm_work_f64(m, n, kk));
    const f = float32 ? k.arena.f32() : k.arena.f64();
    for (let i = 0; i < m * kk; i++) f[pA / bytes + i] = Math.sin(i);
    for (let i = 0; i < kk * n; i++) f[pB / bytes + i] = Math.cos(i);
    for (let r = 0; r < 10; r++) gemm(m, n, kk, pA, aRow, aP, pB, bP, bCol, pC, 0, 0, pW);
    let best = Infinity;
    for (let r = 0; r < repeat; r++) {
      const t = process.hrtime.bigint();
      gemm(m, n, kk, pA, aRow, aP, pB, bP, bCol, pC, 0, 0, pW);
      best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
    }
    for (const p of [pA, pB, pC, pW]) k.arena.release(p);
    return (2 * m * n * kk) / best / 1e9;
  });
}
