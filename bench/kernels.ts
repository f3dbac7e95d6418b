/**
 * The product kernels alone, for `npm run bench`: GFLOP/s on the three products of W3's first
 * layer in float64 and float32, operands already in the kernel memory (no copies), packing
 * included. The same shapes are timed in numpy (bench/numpy_seed.py, job "gemm": OpenBLAS, whose
 * AVX-512 FMA kernels are this machine's measured peak on one core) for comparison.
 * `simdCeiling` measures the other bound: what 128-bit WebAssembly SIMD allows here at all.
 */
import wabtInit from 'wabt';
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

/**
 * This machine's ceiling for the product kernels' kind of arithmetic: GFLOP/s of 128-bit
 * WebAssembly SIMD multiplies and adds, kept separate as the kernels keep them (no FMA), with
 * nothing else in the way: ten independent sums c = c + x b per loop iteration, x loaded from
 * memory (as the kernels load their operands) and b in a register, so the processor's vector
 * units are the only limit. No product kernel of ours can run faster than this; numpy's BLAS
 * (256/512-bit vectors with FMA) is not bound by it.
 */
export async function simdCeiling(float32 = false): Promise<number> {
  const wabt = await wabtInit();
  const V = float32 ? 'f32x4' : 'f64x2';
  const sums = Array.from({ length: 10 }, (_, i) => `c${i}`);
  const wat = `(module (memory 1)
    (func (export "run") (param $n i32) (result f64)
      (local $i i32) (local $b v128) ${sums.map((c) => `(local $${c} v128)`).join(' ')}
      (local.set $b (${V}.splat (${float32 ? 'f32' : 'f64'}.const 0.9999999)))
      (loop $next
        ${sums.map((c, i) => `(local.set $${c} (${V}.add (local.get $${c}) (${V}.mul (v128.load offset=${16 * i} (i32.const 0)) (local.get $b))))`).join('\n')}
        (br_if $next (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (f64x2.extract_lane 0 ${sums.map((c) => `(local.get $${c})`).reduce((x, y) => `(f64x2.add ${x} ${y})`)})))`;
  const { buffer } = wabt.parseWat('simd-ceiling.wat', wat, { simd: true }).toBinary({});
  // The WebAssembly global, declared here: bench/ is type-checked without DOM types.
  const WA = (globalThis as unknown as { WebAssembly: { instantiate(b: Uint8Array): Promise<{ instance: { exports: { run(n: number): number } } }> } }).WebAssembly;
  const { instance } = await WA.instantiate(buffer);
  const run = instance.exports.run;
  const n = 5e6;
  run(n);
  let best = Infinity;
  for (let r = 0; r < 10; r++) {
    const t = process.hrtime.bigint();
    run(n);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return (n * sums.length * 2 * (float32 ? 4 : 2)) / best / 1e9;
}
