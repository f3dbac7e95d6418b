/**
 * The WebAssembly twins of the engine's elementwise math (shared/engine/wasm/wat-math.ts) give
 * the same bits as the TypeScript functions they mirror, on millions of points: fastExp,
 * fastTanh, the logistic sigmoid, the activations' forward and backward passes, the canonical
 * costs' output deltas, the bias gradient's column sums and the gradient-descent update. How
 * accurate the TypeScript functions are (<= 1-2 ulp of exactly rounded values) is pinned in
 * fast-math.test.ts; equal bits carry that over to the twins.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activation } from '../../shared/engine/activations';
import { cost, sigmoidCrossEntropyFromQ } from '../../shared/engine/costs';
import { fastExp, fastTanh } from '../../shared/engine/fast-math';
import { logistic } from '../../shared/engine/activations';
import { descend, descendSum } from '../../shared/engine/optimizers/gradient-descent';
import { sumRows } from '../../shared/engine/kernels';
import { Rng } from '../../shared/engine/rng';
import { ACT_ID, COST_ID } from '../../shared/engine/wasm/wat-math';
import { type KernelInstance, kernelInstance } from '../../shared/engine/wasm/runtime';

let k: KernelInstance;
beforeAll(() => {
  const inst = kernelInstance();
  if (inst === null) throw new Error('WebAssembly SIMD is missing: these tests need it');
  k = inst;
});

/** Copies arrays into fresh blocks of the kernel memory; returns their addresses and a release. */
function place(...arrays: Float64Array[]): { at: number[]; view: (i: number, len: number) => Float64Array; release: () => void } {
  const at = arrays.map((a) => k.arena.alloc(Math.max(8, a.byteLength)));
  const f = k.arena.f64();
  arrays.forEach((a, i) => f.set(a, at[i] >> 3));
  return {
    at,
    view: (i, len) => k.arena.f64().slice(at[i] >> 3, (at[i] >> 3) + len),
    release: () => at.forEach((p) => k.arena.release(p)),
  };
}

/** Throws at the first entry whose bits differ (any NaN equals any NaN). */
function expectSameBits(actual: Float64Array, expected: Float64Array, inputs: Float64Array | null, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) {
      throw new Error(`${what}[${i}]${inputs ? ` at x = ${inputs[i]}` : ''}: WebAssembly ${a}, TypeScript ${e}`);
    }
  }
}

const SPECIALS = [
  0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 1e-300, -1e-300, 1e-20, -1e-20,
  0.5, -0.5, 1, -1, 19.06, -19.06, 19.5, -19.5, 19.6, -19.6, 700, -700, 707, -707, 708, -708, 709, -709,
  709.782712893384, 709.7827128933841, -745.1332191019411, -745.1332191019412, -745.2, -746, 800, -800,
  1e308, -1e308, Infinity, -Infinity, NaN, 1 / 64, -1 / 64, 1 / 128, -1 / 128, 3 / 128, -3 / 128,
];

/** A few million points: the specials and their neighbours, uniform sweeps, and random bit patterns. */
function points(count: number, lo: number, hi: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const xs = new Float64Array(count);
  const bits = new Uint32Array(xs.buffer);
  let i = 0;
  for (const s of SPECIALS) {
    xs[i++] = s;
    xs[i++] = s * (1 + 2 ** -52);
    xs[i++] = s * (1 - 2 ** -53);
  }
  const third = Math.floor(count / 3);
  for (; i < third; i++) xs[i] = rng.uniformIn(lo, hi);
  for (; i < 2 * third; i++) xs[i] = rng.uniformIn(-1, 1) * 10 ** rng.uniformIn(-320, 3);
  for (; i < count; i++) {
    bits[2 * i] = rng.int(2 ** 32);
    bits[2 * i + 1] = rng.int(2 ** 32);
  }
  // Odd length: the last element takes the scalar path after the two-lane loop.
  return xs;
}

function viaWasm(fn: 'exp_buf' | 'tanh_buf' | 'logistic_buf', xs: Float64Array): Float64Array {
  const m = place(xs, new Float64Array(xs.length));
  k.exports[fn](m.at[0], m.at[1], xs.length);
  const out = m.view(1, xs.length);
  m.release();
  return out;
}

describe('WebAssembly twins of the engine math', () => {
  const N = 2_000_001;

  it('fastExp: the same bits on 2 million points (-750 ... 750, every magnitude, random bit patterns, specials)', () => {
    const xs = points(N, -750, 750, 1);
    expectSameBits(viaWasm('exp_buf', xs), xs.map(fastExp), xs, 'exp');
  });

  it('fastTanh: the same bits on 2 million points (-25 ... 25, every magnitude, random bit patterns, specials)', () => {
    const xs = points(N, -25, 25, 2);
    expectSameBits(viaWasm('tanh_buf', xs), xs.map(fastTanh), xs, 'tanh');
  });

  it('logistic sigmoid: the same bits on 2 million points (-750 ... 750, every magnitude, random bit patterns, specials)', () => {
    const xs = points(N, -750, 750, 3);
    expectSameBits(viaWasm('logistic_buf', xs), xs.map(logistic), xs, 'logistic');
  });

  it('and the twins stay within 2 ulp of Math.exp (-708 ... 709) and 3 of Math.tanh, which is itself up to 2 ulp off', () => {
    const f64 = new Float64Array(1);
    const i64 = new BigInt64Array(f64.buffer);
    const ord = (x: number): bigint => {
      f64[0] = x;
      return i64[0] < 0n ? -(i64[0] & 0x7fffffffffffffffn) : i64[0];
    };
    const ulps = (a: number, b: number): number => Math.abs(Number(ord(a) - ord(b)));
    const rng = new Rng(4);
    const xs = Float64Array.from({ length: 200_001 }, () => rng.uniformIn(-708, 709));
    const e = viaWasm('exp_buf', xs);
    let worst = 0;
    xs.forEach((x, i) => { worst = Math.max(worst, ulps(e[i], Math.exp(x))); });
    expect(worst).toBeLessThanOrEqual(2);
    const ts = Float64Array.from({ length: 200_001 }, () => rng.uniformIn(-20, 20));
    const t = viaWasm('tanh_buf', ts);
    worst = 0;
    ts.forEach((x, i) => { worst = Math.max(worst, ulps(t[i], Math.tanh(x))); });
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('a different formula is caught: Math.tanh differs from the twin in some bits (negative control)', () => {
    const xs = points(100_001, -25, 25, 5);
    expect(() => expectSameBits(viaWasm('tanh_buf', xs), xs.map(Math.tanh), xs, 'tanh vs Math.tanh')).toThrow(/WebAssembly/);
  });

  it('activations forward and backward: the same bits as activations.ts for sigmoid, tanh, relu, linear', () => {
    const rng = new Rng(6);
    for (const name of ['sigmoid', 'tanh', 'relu', 'linear'] as const) {
      const a = points(100_001, -30, 30, 7);
      const d = Float64Array.from({ length: a.length }, () => rng.uniformIn(-3, 3));
      const act = activation(name);
      const z = Float64Array.from(a);
      act.apply(z, z.length);
      const dd = Float64Array.from(d);
      act.backward(z, dd, z.length);
      const m = place(a, d, z);
      k.exports.act_apply(m.at[0], a.length, ACT_ID[name]);
      expectSameBits(m.view(0, a.length), z, a, `${name} apply`);
      k.exports.act_backward(m.at[2], m.at[1], a.length, ACT_ID[name]);
      expectSameBits(m.view(1, a.length), dd, null, `${name} backward`);
      m.release();
    }
  });

  it('activations backward on short and even lengths (0, 1, 2, 3, 64): every element, nothing past the end', () => {
    const rng = new Rng(61);
    for (const name of ['sigmoid', 'tanh', 'relu'] as const) {
      for (const len of [0, 1, 2, 3, 64]) {
        const z = Float64Array.from({ length: len + 1 }, () => rng.uniformIn(-1, 1));
        const d = Float64Array.from({ length: len + 1 }, () => rng.uniformIn(-3, 3));
        const want = Float64Array.from(d);
        activation(name).backward(z, want, len);
        const m = place(z, d);
        k.exports.act_backward(m.at[0], m.at[1], len, ACT_ID[name]);
        expectSameBits(m.view(1, len + 1), want, null, `${name} backward, ${len} values`);
        m.release();
      }
    }
  });

  it('cost deltas y - t: the same bits as costs.ts for sum of squares, sigmoid and softmax cross-entropy', () => {
    const rng = new Rng(8);
    for (const name of ['sum-of-squares', 'sigmoid-cross-entropy', 'softmax-cross-entropy'] as const) {
      for (const [n, kk] of [[1000, 1], [333, 3], [128, 10], [7, 2]]) {
        const a = Float64Array.from({ length: n * kk }, (_, i) => (i % 97 === 0 ? SPECIALS[i % SPECIALS.length] : rng.uniformIn(-40, 40)));
        const t = Float64Array.from({ length: n * kk }, () => (rng.uniform() < 0.5 ? 0 : 1));
        const want = new Float64Array(n * kk);
        cost(name).delta(a, t, want, n, kk);
        const m = place(a, t, new Float64Array(n * kk), new Float64Array(n * kk).fill(7));
        // The sigmoid cross-entropy keeps q = fastExp(-a) where asked; the others never write there.
        k.exports.cost_delta(m.at[0], m.at[1], m.at[2], n, kk, COST_ID[name], m.at[3]);
        expectSameBits(m.view(2, n * kk), want, null, `${name} ${n}x${kk}`);
        const q = name === 'sigmoid-cross-entropy' ? a.map((x) => fastExp(-x)) : new Float64Array(n * kk).fill(7);
        expectSameBits(m.view(3, n * kk), q, a, `${name} ${n}x${kk}: q`);
        m.release();
      }
    }
  });

  it('the sigmoid cross-entropy\'s E from the kept q is the bits of its value(), and q is kept only where asked', () => {
    const rng = new Rng(81);
    const c = cost('sigmoid-cross-entropy');
    for (const len of [1, 2, 7, 1000]) {
      const a = Float64Array.from({ length: len }, (_, i) => (i % 13 === 0 ? SPECIALS[i % SPECIALS.length] : rng.uniformIn(-40, 40)));
      const t = Float64Array.from({ length: len }, () => (rng.uniform() < 0.5 ? 0 : 1));
      const m = place(a, t, new Float64Array(len), new Float64Array(len));
      k.exports.cost_delta(m.at[0], m.at[1], m.at[2], len, 1, COST_ID['sigmoid-cross-entropy'], m.at[3]);
      const fromQ = sigmoidCrossEntropyFromQ(a, t, m.view(3, len), len);
      const value = c.value(a, t, len, 1);
      expect(Object.is(fromQ, value) || (Number.isNaN(fromQ) && Number.isNaN(value)), `${len}: ${fromQ} vs ${value}`).toBe(true);
      m.release();
      // pQ = 0: nothing written; the delta is the same.
      const before = new Float64Array(len).fill(5);
      const m2 = place(a, t, new Float64Array(len), before);
      k.exports.cost_delta(m2.at[0], m2.at[1], m2.at[2], len, 1, COST_ID['sigmoid-cross-entropy'], 0);
      expectSameBits(m2.view(3, len), before, null, `${len}: untouched`);
      m2.release();
    }
    // Negative control, on finite logits: E from the q of other logits is other bits.
    const a = Float64Array.from({ length: 50 }, () => rng.uniformIn(-5, 5));
    const t = Float64Array.from({ length: 50 }, () => (rng.uniform() < 0.5 ? 0 : 1));
    const q = a.map((x) => fastExp(-x));
    expect(sigmoidCrossEntropyFromQ(a, t, q, 50)).toBe(c.value(a, t, 50, 1));
    expect(sigmoidCrossEntropyFromQ(a, t, q.reverse(), 50)).not.toBe(c.value(a, t, 50, 1));
  });

  it('column sums and the gradient step: the same bits as sumRows, descend and descendSum', () => {
    const rng = new Rng(9);
    for (const [rows, cols] of [[1000, 1], [128, 256], [7, 5], [1, 3], [1000, 4], [5, 6], [3, 11], [0, 5]]) {
      const A = Float64Array.from({ length: rows * cols }, () => rng.uniformIn(-1, 1));
      const out0 = Float64Array.from({ length: cols }, () => rng.uniformIn(-1, 1));
      for (const acc of [false, true]) {
        const want = Float64Array.from(out0);
        sumRows(rows, cols, A, want, acc);
        const m = place(A, out0);
        k.exports.sum_rows(rows, cols, m.at[0], m.at[1], acc ? 1 : 0);
        expectSameBits(m.view(1, cols), want, null, `sumRows ${rows}x${cols} acc=${acc}`);
        m.release();
      }
    }
    for (const len of [1, 2, 17, 1000]) {
      const w = Float64Array.from({ length: len }, () => rng.uniformIn(-1, 1));
      const a = Float64Array.from({ length: len }, () => rng.uniformIn(-1, 1));
      const b = Float64Array.from({ length: len }, () => rng.uniformIn(-1, 1));
      const w1 = Float64Array.from(w), keep1 = new Float64Array(len);
      descend(w1, a, 0.01, 0, len, keep1);
      const w2 = Float64Array.from(w);
      descendSum(w2, a, b, 0.01, 0, len);
      const m = place(w, a, b, new Float64Array(len), Float64Array.from(w));
      k.exports.descend(m.at[0], m.at[1], 0, 0.01, len, m.at[3]);
      expectSameBits(m.view(0, len), w1, null, 'descend');
      expectSameBits(m.view(3, len), keep1, null, 'descend keep');
      k.exports.descend(m.at[4], m.at[1], m.at[2], 0.01, len, 0);
      expectSameBits(m.view(4, len), w2, null, 'descendSum');
      m.release();
    }
  });
});
