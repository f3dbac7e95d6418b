import { describe, expect, it } from 'vitest';
import { Rng } from '../../shared/engine/rng';
import { kernelInstance } from '../../shared/engine/wasm/runtime';

/**
 * The fused gradient step's kernel, gemm_<t>_descend (shared/engine/wasm/wat-gemm.ts), against
 * an independent reference written out here: each segment of segRows rows summed on its own from
 * 0 in textbook order (separate multiply and add), segment s into lane s mod 2 (the first two
 * written, later ones added), then w - eta (lane 0 + lane 1), the old w kept; float32 rounds
 * every operation (Math.fround). Also against the two-pass kernels it replaces (gemm_<t>_lanes,
 * then descend). Shapes reach what the network tests cannot: one segment, k not a multiple of
 * segRows, one or two rows, ragged tiles on both sides.
 */

const k = kernelInstance();

/** The step by the definition, in float64 or (f32) float32 arithmetic. Layout TN: A(i,p) = A[p m + i]. */
function reference(f32: boolean, m: number, n: number, kk: number, A: Float64Array, B: Float64Array, w: Float64Array, segRows: number, eta: number): Float64Array {
  const r = f32 ? Math.fround : (x: number): number => x;
  const e = r(eta);
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const lanes = [0, 0];
      let segs = 0;
      for (let p0 = 0; p0 < kk; p0 += segRows) {
        let s = 0;
        for (let p = p0; p < Math.min(kk, p0 + segRows); p++) s = r(s + r(A[p * m + i] * B[p * n + j]));
        lanes[segs % 2] = segs < 2 ? s : r(lanes[segs % 2] + s);
        segs++;
      }
      const g = segs >= 2 ? r(lanes[0] + lanes[1]) : lanes[0];
      out[i * n + j] = r(w[i * n + j] - r(e * g));
    }
  }
  return out;
}

/** Throws at the first entry whose bits differ. */
function same(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${what}[${i}]: ${actual[i]} but the reference gives ${expected[i]}`);
  }
}

interface Shape { m: number; n: number; k: number; segRows: number }

const SHAPES: Shape[] = [
  { m: 1, n: 1, k: 1, segRows: 1 },
  { m: 2, n: 3, k: 7, segRows: 7 }, // one segment
  { m: 2, n: 9, k: 20, segRows: 6 }, // four segments, the last shorter
  { m: 5, n: 4, k: 9, segRows: 3 }, // three segments: the third added to lane 0
  { m: 7, n: 13, k: 17, segRows: 5 }, // ragged rows and columns in both precisions
  { m: 12, n: 16, k: 32, segRows: 8 }, // whole tiles only
  { m: 9, n: 11, k: 12, segRows: 12 }, // one segment, ragged
];

/** Runs gemm_<t>_descend and the two-pass kernels on one shape; returns their weights and kept weights. */
function runKernels(f32: boolean, s: Shape, A: Float64Array, B: Float64Array, w: Float64Array, eta: number, keep: boolean): { fused: Float64Array; kept: Float64Array; twoPass: Float64Array } {
  if (k === null) throw new Error('WebAssembly kernels unavailable');
  const x = k.exports;
  const bytes = f32 ? 4 : 8;
  const { m, n, k: kk, segRows } = s;
  const work = f32 ? x.gemm_work_f32(m, n, kk) : x.gemm_work_f64(m, n, kk);
  const at = (count: number): number => k.arena.alloc(count * bytes + 64);
  const pA = at(m * kk), pB = at(kk * n), pW = at(m * n), pW2 = at(m * n), pKeep = at(m * n), pL0 = at(m * n), pL1 = at(m * n), pWork = k.arena.alloc(work + 64);
  const view = (): Float64Array | Float32Array => (f32 ? k.arena.f32() : k.arena.f64());
  try {
    const v = view();
    v.set(A, pA / bytes);
    v.set(B, pB / bytes);
    v.set(w, pW / bytes);
    v.set(w, pW2 / bytes);
    // Whatever the work area and lanes held before must not matter.
    v.fill(Number.NaN, pWork / bytes, (pWork + work) / bytes);
    v.fill(Number.NaN, pL0 / bytes, pL0 / bytes + m * n);
    v.fill(Number.NaN, pL1 / bytes, pL1 / bytes + m * n);
    v.fill(Number.NaN, pKeep / bytes, pKeep / bytes + m * n);
    const descend = f32 ? x.gemm_f32_descend : x.gemm_f64_descend;
    descend(m, n, kk, pA, 1, m, pB, n, 1, pW, segRows, eta, keep ? pKeep : 0, pWork);
    const lanes = f32 ? x.gemm_f32_lanes : x.gemm_f64_lanes;
    lanes(m, n, kk, pA, 1, m, pB, n, 1, pL0, pL1, segRows, 2, 0, pWork);
    const two = kk > segRows;
    (f32 ? x.descend_f32 : x.descend)(pW2, pL0, two ? pL1 : 0, eta, m * n, 0);
    const after = view();
    return {
      fused: Float64Array.from(after.subarray(pW / bytes, pW / bytes + m * n)),
      kept: Float64Array.from(after.subarray(pKeep / bytes, pKeep / bytes + m * n)),
      twoPass: Float64Array.from(after.subarray(pW2 / bytes, pW2 / bytes + m * n)),
    };
  } finally {
    for (const p of [pA, pB, pW, pW2, pKeep, pL0, pL1, pWork]) k.arena.release(p);
  }
}

describe('the fused gradient step kernel (gemm_<t>_descend)', () => {
  for (const f32 of [false, true]) {
    for (const s of SHAPES) {
      it(`${f32 ? 'float32' : 'float64'} ${s.m}x${s.n}, k ${s.k} in segments of ${s.segRows}: the definition's weights and kept weights, and the two-pass kernels' weights`, () => {
        const rng = new Rng(s.m * 1000 + s.n * 10 + s.k);
        const r = f32 ? Math.fround : (v: number): number => v;
        const A = Float64Array.from({ length: s.m * s.k }, () => r(rng.uniformIn(-2, 2)));
        const B = Float64Array.from({ length: s.k * s.n }, () => r(rng.uniformIn(-1, 1)));
        const w = Float64Array.from({ length: s.m * s.n }, () => r(rng.uniformIn(-0.5, 0.5)));
        const eta = 0.037;
        for (const keep of [true, false]) {
          const { fused, kept, twoPass } = runKernels(f32, s, A, B, w, eta, keep);
          same(fused, reference(f32, s.m, s.n, s.k, A, B, w, s.segRows, eta), 'weights');
          same(fused, twoPass, 'weights against lanes + descend');
          if (keep) same(kept, w, 'kept weights');
          else expect(kept.every(Number.isNaN), 'no keep pointer: nothing written there').toBe(true);
        }
      });
    }
  }

  it('summing all rows in one go instead of in segments gives other bits: the reference can fail (negative control)', () => {
    const s = SHAPES[4];
    const rng = new Rng(3);
    const A = Float64Array.from({ length: s.m * s.k }, () => rng.uniformIn(-2, 2));
    const B = Float64Array.from({ length: s.k * s.n }, () => rng.uniformIn(-1, 1));
    const w = Float64Array.from({ length: s.m * s.n }, () => rng.uniformIn(-0.5, 0.5));
    const { fused } = runKernels(false, s, A, B, w, 0.037, false);
    const whole = reference(false, s.m, s.n, s.k, A, B, w, s.k, 0.037);
    expect(() => same(fused, whole, 'weights')).toThrow();
  });
});
