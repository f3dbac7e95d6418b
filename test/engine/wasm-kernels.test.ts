import { afterEach, describe, expect, it, vi } from 'vitest';
import { kernelBackend, setKernelBackend } from '../../shared/engine/kernel-backend';
import { gemmNN, gemmNT, gemmTN } from '../../shared/engine/kernels';
import { Rng } from '../../shared/engine/rng';
import { wasmGemmAvailable, wasmProduct } from '../../shared/engine/wasm/gemm';
import { F32, F64, type LaneType } from '../../shared/engine/wasm/wat';
import { MR, nrOf } from '../../shared/engine/wasm/wat-gemm';
import { freshKernels } from '../support/fresh-kernels';

/**
 * The WebAssembly SIMD product (shared/engine/wasm/) against two independent references: the
 * textbook triple loop and the plain TypeScript kernels. Equal bits, not closeness: every entry
 * must be summed in the textbook order with separate multiply and add.
 */

type Layout = 'NN' | 'TN' | 'NT';

/** The strides of A and B for a layout (A(i,p) = A[i aRow + p aP], B(p,j) = B[p bP + j bCol]). */
function strides(layout: Layout, m: number, n: number, k: number): [number, number, number, number] {
  if (layout === 'NN') return [k, 1, n, 1];
  if (layout === 'TN') return [1, m, n, 1];
  return [k, 1, 1, k];
}

/** The textbook loop: 0 + A(i,0)B(0,j) + ... in order of p, then + bias, then C + that. */
function textbook(layout: Layout, m: number, n: number, k: number, A: Float64Array, B: Float64Array, C0: Float64Array | null, bias: Float64Array | null, reverse = false): Float64Array {
  const [aRow, aP, bP, bCol] = strides(layout, m, n, k);
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    if (reverse) for (let p = k - 1; p >= 0; p--) s += A[i * aRow + p * aP] * B[p * bP + j * bCol];
    else for (let p = 0; p < k; p++) s += A[i * aRow + p * aP] * B[p * bP + j * bCol];
    if (bias) s += bias[j];
    C[i * n + j] = C0 ? C0[i * n + j] + s : s;
  }
  return C;
}

/** The same product on the plain TypeScript kernels. */
function plain(layout: Layout, m: number, n: number, k: number, A: Float64Array, B: Float64Array, C: Float64Array, acc: boolean, bias: Float64Array | null): void {
  setKernelBackend('js');
  try {
    if (layout === 'NN') gemmNN(m, n, k, A, B, C, acc, bias ?? undefined);
    else if (layout === 'TN') gemmTN(m, n, k, A, B, C, acc);
    else gemmNT(m, n, k, A, B, C, acc);
  } finally {
    setKernelBackend('wasm');
  }
}

function wasm(layout: Layout, m: number, n: number, k: number, A: Float64Array, B: Float64Array, C: Float64Array, acc: boolean, bias: Float64Array | null): void {
  const [aRow, aP, bP, bCol] = strides(layout, m, n, k);
  expect(wasmProduct(m, n, k, A, aRow, aP, B, bP, bCol, C, acc, bias)).toBe(true);
}

/** Throws at the first entry whose bits differ (any NaN equals any NaN: payloads are not pinned). */
function expectSameBits(actual: Float64Array, expected: Float64Array, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) throw new Error(`${what}[${i}]: ${a} but the reference gives ${e}`);
  }
}

function random(len: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: len }, () => rng.uniformIn(-1, 1));
}

/** Odd shapes: 1 x 1, ragged in every dimension around the 4 x 4 tile, one column, one or two rows, k = 0, long k, a big one. */
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [7, 13, 5], [129, 257, 3], [5, 4, 0], [3, 2, 1], [1, 9, 1000], [13, 1, 7], [11, 17, 19],
  [6, 5, 2], [4, 3, 64], [10, 8, 33], [2, 7, 33], [2, 4, 1000], [5, 1, 1], [4, 1, 1000], [128, 256, 784],
  // Packed A over A_BLOCK_BYTES (1.1 MB): rows in two blocks, the last ragged.
  [701, 6, 200],
  // The small-shape paths (wat-gemm-small.ts): one column in groups of four rows and a ragged
  // rest; k <= 4 with 2 to 4 columns row by row (each k, each n); tiles of A read in place, two
  // or four rows, B in place (whole panels) or packed (ragged or strided), the last tile of one,
  // two or three rows.
  [9, 1, 6], [1002, 1, 4], [1001, 4, 2], [1003, 3, 2], [7, 2, 1], [6, 4, 3], [11, 3, 4], [6, 2, 4],
  [2, 4, 1], [4, 4, 1], [1002, 2, 5], [2, 4, 6], [1003, 4, 6], [3, 8, 50], [1, 12, 5], [1, 1, 64],
  [7, 1, 3], [3, 1, 5], [2, 1, 4], [1, 3, 2], [1001, 3, 5], [3, 8, 0],
];
const LAYOUTS: Layout[] = ['NN', 'TN', 'NT'];

describe('WebAssembly SIMD matrix product', () => {
  it('runs here (Node has WebAssembly SIMD), so the tests below exercise it and not a fallback', () => {
    expect(wasmGemmAvailable()).toBe(true);
    expect(kernelBackend()).toBe('wasm');
  });

  const rng = new Rng(17);
  for (const [m, n, k] of SHAPES) {
    for (const layout of LAYOUTS) {
      it(`${layout} ${m}x${n}x${k}: same bits as the triple loop and the plain kernels, overwriting and accumulating, with and without bias`, () => {
        const A = random(m * k, rng), B = random(k * n, rng);
        const bias = layout === 'NN' ? random(n, rng) : null;
        for (const acc of [false, true]) {
          for (const b of bias ? [null, bias] : [null]) {
            const C0 = random(m * n, rng);
            const want = textbook(layout, m, n, k, A, B, acc ? C0 : null, b);
            const viaWasm = Float64Array.from(C0);
            wasm(layout, m, n, k, A, B, viaWasm, acc, b);
            expectSameBits(viaWasm, want, `wasm ${layout} acc=${acc} bias=${b !== null}`);
            const viaJs = Float64Array.from(C0);
            plain(layout, m, n, k, A, B, viaJs, acc, b);
            expectSameBits(viaJs, viaWasm, `plain vs wasm ${layout} acc=${acc} bias=${b !== null}`);
          }
        }
      });
    }
  }

  it('agrees on special values: +-0, subnormals, +-Infinity, NaN, overflow to Infinity', () => {
    const specials = [0, -0, 5e-324, -5e-324, 2.2e-308, Infinity, -Infinity, NaN, 1e308, -1e308, 1, -1, 0.5];
    const pick = (len: number): Float64Array => Float64Array.from({ length: len }, (_, i) => (rng.uniform() < 0.5 ? specials[(i * 7 + rng.int(specials.length)) % specials.length] : rng.uniformIn(-2, 2)));
    for (const [m, n, k] of [[9, 7, 6], [23, 18, 11], [5, 4, 3], [9, 1, 6], [10, 4, 3], [2, 4, 9], [3, 8, 5], [6, 3, 2]] as [number, number, number][]) {
      for (const layout of LAYOUTS) {
        const A = pick(m * k), B = pick(k * n), C0 = pick(m * n), bias = pick(n);
        for (const acc of [false, true]) {
          const b = layout === 'NN' ? bias : null;
          const C = Float64Array.from(C0);
          wasm(layout, m, n, k, A, B, C, acc, b);
          expectSameBits(C, textbook(layout, m, n, k, A, B, acc ? C0 : null, b), `specials ${layout} ${m}x${n}x${k} acc=${acc}`);
        }
      }
    }
  });

  it('starts every sum at +0 on every path: products that are all -0 sum to +0, as 0 + -0 does', () => {
    // A = +0, B < 0: every product is -0; 0 + (-0) + ... is +0, while a sum begun at the first
    // product would stay -0. One shape per path: one column (groups of four rows, the rest),
    // k <= 4 row by row, tiles of two and four rows read in place, packed tiles.
    for (const [m, n, k] of [[5, 1, 3], [5, 3, 2], [2, 4, 6], [8, 4, 6], [3, 6, 2], [9, 9, 3]] as [number, number, number][]) {
      for (const layout of LAYOUTS) {
        const A = new Float64Array(m * k), B = new Float64Array(k * n).fill(-0.5);
        const C = new Float64Array(m * n).fill(7);
        wasm(layout, m, n, k, A, B, C, false, null);
        const want = textbook(layout, m, n, k, A, B, null, null);
        expect(Object.is(want[0], 0)).toBe(true);
        expectSameBits(C, want, `-0 products ${layout} ${m}x${n}x${k}`);
        // Accumulating into -0 (-0 + +0 is +0; -0 + -0 would stay -0), and a -0 bias after the sum.
        const C0 = new Float64Array(m * n).fill(-0);
        const acc = Float64Array.from(C0);
        wasm(layout, m, n, k, A, B, acc, true, null);
        expectSameBits(acc, textbook(layout, m, n, k, A, B, C0, null), `-0 products into -0 ${layout} ${m}x${n}x${k}`);
        if (layout === 'NN') {
          const bias = new Float64Array(n).fill(-0);
          const withBias = new Float64Array(m * n);
          wasm(layout, m, n, k, A, B, withBias, false, bias);
          expectSameBits(withBias, textbook(layout, m, n, k, A, B, null, bias), `-0 products, -0 bias ${m}x${n}x${k}`);
        }
      }
    }
  });

  it('reads nothing outside its operands and writes nothing outside C, on views, zero strides and every path', () => {
    // A fresh instance on a memory of its own; each operand in turn ends exactly where the memory
    // does (a read past it traps), the others sit between guard bytes, and every byte of the
    // memory but C's must be the same afterwards.
    const { exports, memory } = freshKernels('plain', 8);
    const x = exports as unknown as { gemm_f64: (...a: number[]) => void; gemm_work_f64: (m: number, n: number, k: number) => number };
    const top = memory.buffer.byteLength;
    const ext = (rows: number, cols: number, rs: number, cs: number): number => (rows === 0 || cols === 0 ? 0 : (rows - 1) * rs + (cols - 1) * cs + 1);
    // [m, n, k, aRow, aP, bP, bCol]: views with padded rows, transposed views, zero strides.
    const cases: [number, number, number, number, number, number, number][] = [
      [7, 1, 3, 5, 1, 2, 1], [9, 1, 4, 1, 11, 1, 1], [5, 1, 3, 0, 1, 0, 1], [6, 3, 2, 3, 1, 5, 1], [5, 4, 3, 1, 8, 4, 1],
      [3, 2, 2, 0, 1, 2, 1], [6, 4, 4, 4, 1, 0, 1], [2, 4, 6, 6, 1, 0, 1], [3, 6, 7, 1, 5, 9, 1], [4, 8, 9, 9, 1, 8, 1],
      [10, 3, 6, 7, 1, 1, 6], [3, 10, 5, 1, 4, 12, 1], [2, 9, 6, 0, 0, 9, 1], [12, 10, 9, 9, 1, 10, 1], [1, 4, 1000, 1, 1, 4, 1],
    ];
    const rng = new Rng(23);
    for (const [m, n, k, aRow, aP, bP, bCol] of cases) {
      for (const last of ['A', 'B', 'bias', 'work'] as const) {
        for (const acc of [false, true]) {
          const lenA = ext(m, k, aRow, aP), lenB = ext(k, n, bP, bCol);
          const work = x.gemm_work_f64(m, n, k);
          const sizes: Record<string, number> = { A: lenA * 8, B: lenB * 8, C: m * n * 8, bias: n * 8, work };
          const at: Record<string, number> = {};
          let next = 2048;
          for (const name of ['A', 'B', 'C', 'bias', 'work']) {
            if (name === last) continue;
            at[name] = next;
            next += Math.ceil((sizes[name] + 64) / 64) * 64;
          }
          at[last] = top - Math.ceil(sizes[last] / 8) * 8;
          expect(next).toBeLessThan(at[last]);
          const bytes = new Uint8Array(memory.buffer);
          for (let i = 1024; i < top; i++) bytes[i] = (i * 31) & 255;
          const f = new Float64Array(memory.buffer);
          const A = Float64Array.from({ length: lenA }, () => rng.uniformIn(-1, 1));
          const B = Float64Array.from({ length: lenB }, () => rng.uniformIn(-1, 1));
          const bias = Float64Array.from({ length: n }, () => rng.uniformIn(-1, 1));
          const C0 = Float64Array.from({ length: m * n }, () => rng.uniformIn(-1, 1));
          f.set(A, at.A / 8); f.set(B, at.B / 8); f.set(bias, at.bias / 8); f.set(C0, at.C / 8);
          const before = Uint8Array.from(bytes);
          x.gemm_f64(m, n, k, at.A, aRow, aP, at.B, bP, bCol, at.C, acc ? 1 : 0, at.bias, at.work);
          const want = new Float64Array(m * n);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += A[i * aRow + p * aP] * B[p * bP + j * bCol];
            s += bias[j];
            want[i * n + j] = acc ? C0[i * n + j] + s : s;
          }
          const what = `${m}x${n}x${k} strides ${aRow},${aP},${bP},${bCol} ${last} last acc=${acc}`;
          expectSameBits(new Float64Array(memory.buffer, at.C, m * n), want, what);
          // Everything outside C and the work area is as it was (the work area is the kernel's).
          for (let i = 0; i < top; i++) {
            const inC = i >= at.C && i < at.C + sizes.C, inWork = i >= at.work && i < at.work + work;
            if (!inC && !inWork && bytes[i] !== before[i]) throw new Error(`${what}: byte ${i} changed`);
          }
        }
      }
    }
  });

  it('each shape takes the path meant for it: seen in which parts of the work area it packs', () => {
    // The packed tiles (wat-gemm.ts) pack B and then A into the work area; the small-shape paths
    // (wat-gemm-small.ts) read A in place, and B too where its panels are whole and contiguous.
    // The same bits come out of every path, so only the work area tells which one ran.
    const { exports, memory } = freshKernels('plain', 400);
    const x = exports as unknown as Record<string, (...a: number[]) => number>;
    const packed = (L: LaneType, m: number, n: number, k: number, aRow: number, aP: number, bP: number, bCol: number): { a: boolean; b: boolean } => {
      const [pA, pB, pC, pW] = [1 << 16, 8 << 20, 16 << 20, 18 << 20];
      const w = x[`gemm_work_${L.t}`](m, n, k);
      const bytes = new Uint8Array(memory.buffer);
      bytes.fill(0x5a, pW, pW + w);
      const v = L.t === 'f64' ? new Float64Array(memory.buffer) : new Float32Array(memory.buffer);
      for (let i = 0; i < m * k; i++) v[pA / L.bytes + i] = 1 + (i % 7);
      for (let i = 0; i < k * n; i++) v[pB / L.bytes + i] = 1 + (i % 5);
      x[`gemm_${L.t}`](m, n, k, pA, aRow, aP, pB, bP, bCol, pC, 0, 0, pW);
      const NR = nrOf(L), bBytes = Math.ceil(n / NR) * NR * k * L.bytes, aBytes = Math.ceil(m / MR) * MR * k * L.bytes;
      const touched = (from: number, len: number) => bytes.subarray(from, from + len).some((b) => b !== 0x5a);
      return { b: touched(pW, bBytes), a: touched(pW + bBytes, aBytes) };
    };
    // float64: one output column (nothing packed), a shared dimension of at most 4 with 2-4
    // columns (B packed, A in place), a few rows with B's panels in place (nothing packed) or
    // strided (B packed), and the MNIST-sized forward product on the packed tiles (negative
    // control: both packed).
    expect(packed(F64, 1000, 1, 4, 4, 1, 1, 1)).toEqual({ a: false, b: false });
    expect(packed(F64, 1000, 4, 2, 2, 1, 4, 1)).toEqual({ a: false, b: true });
    expect(packed(F64, 3, 200, 50, 50, 1, 200, 1)).toEqual({ a: false, b: false });
    expect(packed(F64, 3, 6, 50, 50, 1, 1, 50)).toEqual({ a: false, b: true });
    expect(packed(F64, 128, 256, 784, 784, 1, 256, 1)).toEqual({ a: true, b: true });
    // float32 shares only the one-column path; its other small shapes take the packed tiles.
    expect(packed(F32, 1000, 1, 4, 4, 1, 1, 1)).toEqual({ a: false, b: false });
    expect(packed(F32, 1000, 4, 2, 2, 1, 4, 1)).toEqual({ a: true, b: true });
    expect(packed(F32, 128, 256, 784, 784, 1, 256, 1)).toEqual({ a: true, b: true });
  });

  it('a sum in another order (p reversed) gives other bits: the comparison can fail (negative control)', () => {
    const [m, n, k] = [129, 257, 3];
    const A = random(m * k, rng), B = random(k * n, rng);
    const C = new Float64Array(m * n);
    wasm('NN', m, n, k, A, B, C, false, null);
    expect(() => expectSameBits(C, textbook('NN', m, n, k, A, B, null, null, true), 'reversed')).toThrow(/reference gives/);
  });

  it('leaves the rest of C alone, reads only the operands\' extents of longer views, and gives the same bits after growing its memory', () => {
    const big = random(40 * 36 + 10, rng);
    const before = Float64Array.from(big);
    const A = random(40 * 12 + 99, rng), B = random(12 * 36 + 5, rng);
    const view = big.subarray(5, 5 + 40 * 36);
    wasm('NN', 40, 36, 12, A.subarray(0, 40 * 12 + 99), B, view, false, null);
    expectSameBits(view, textbook('NN', 40, 36, 12, A, B, null, null), 'view');
    expectSameBits(big.subarray(0, 5), before.subarray(0, 5), 'before the view');
    expectSameBits(big.subarray(5 + 40 * 36), before.subarray(5 + 40 * 36), 'after the view');
    // A product that needs far more scratch (the memory grows), then a small one again.
    const [m, n, k] = [300, 300, 300];
    const A2 = random(m * k, rng), B2 = random(k * n, rng), C2 = new Float64Array(m * n);
    wasm('TN', m, n, k, A2, B2, C2, false, null);
    expectSameBits(C2, textbook('TN', m, n, k, A2, B2, null, null), 'after growth');
    const c = new Float64Array(7 * 13);
    const a = random(7 * 5, rng), b = random(5 * 13, rng);
    wasm('NN', 7, 13, 5, a, b, c, false, null);
    expectSameBits(c, textbook('NN', 7, 13, 5, a, b, null, null), 'small after growth');
  });
});

describe('kernel backend selection', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('MLP_LAB_KERNELS=js selects the plain kernels, wasm (or unset) the WebAssembly ones', async () => {
    vi.stubEnv('MLP_LAB_KERNELS', 'js');
    vi.resetModules();
    expect((await import('../../shared/engine/kernel-backend')).kernelBackend()).toBe('js');
    vi.stubEnv('MLP_LAB_KERNELS', 'WASM');
    vi.resetModules();
    expect((await import('../../shared/engine/kernel-backend')).kernelBackend()).toBe('wasm');
    vi.stubEnv('MLP_LAB_KERNELS', '');
    vi.resetModules();
    expect((await import('../../shared/engine/kernel-backend')).kernelBackend()).toBe('wasm');
  });

  it('an unknown MLP_LAB_KERNELS value is refused with the values that work', async () => {
    vi.stubEnv('MLP_LAB_KERNELS', 'gpu');
    vi.resetModules();
    const mod = await import('../../shared/engine/kernel-backend');
    expect(() => mod.kernelBackend()).toThrow(/MLP_LAB_KERNELS is "gpu": set it to js .* or wasm/);
  });
});
