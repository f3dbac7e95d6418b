/**
 * Training in float32 (`training.precision: "float32"`): the WebAssembly float32 kernels and
 * engine (f32x4) against the TypeScript definition with Math.fround
 * (shared/engine/float32-reference.ts), bit for bit; the seed's runs against numpy's float64
 * fixtures to a float32 tolerance; and the spec field.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activation } from '../../shared/engine/activations';
import { cost } from '../../shared/engine/costs';
import { setKernelBackend } from '../../shared/engine/kernel-backend';
import { Network } from '../../shared/engine/network';
import { Rng } from '../../shared/engine/rng';
import { activate32, backward32, costDelta32, product32, sumRows32 } from '../../shared/engine/float32-reference';
import { Float32Gradient } from '../../shared/training/float32-gradient';
import { FusedGradient, gradientEngineFor } from '../../shared/training/fused-gradient';
import { chunkPlan, flopsPerSample } from '../../shared/training/gradient';
import { type KernelInstance, kernelInstance } from '../../shared/engine/wasm/runtime';
import { ACT_ID, COST_ID } from '../../shared/engine/wasm/wat-math';
import { parseSpec, SpecError } from '../../shared/spec';
import { type SeedRun, seedRuns } from '../support/seed-runs';

let k: KernelInstance;
beforeAll(() => {
  const inst = kernelInstance();
  if (inst === null) throw new Error('WebAssembly SIMD is missing: these tests need it');
  k = inst;
});

/** Float32 arrays in fresh blocks of the kernel memory: addresses, a read-back, a release. */
function place(...arrays: Float32Array[]): { at: number[]; read: (i: number, len: number) => Float32Array; release: () => void } {
  const at = arrays.map((a) => k.arena.alloc(Math.max(16, a.byteLength)));
  arrays.forEach((a, i) => k.arena.f32().set(a, at[i] >> 2));
  return {
    at,
    read: (i, len) => k.arena.f32().slice(at[i] >> 2, (at[i] >> 2) + len),
    release: () => at.forEach((p) => k.arena.release(p)),
  };
}

function same(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) throw new Error(`${what}[${i}]: WebAssembly ${a}, TypeScript ${e}`);
  }
}

const rand32 = (len: number, rng: Rng, lo = -1, hi = 1): Float32Array => Float32Array.from({ length: len }, () => rng.uniformIn(lo, hi));

type Layout = 'NN' | 'TN' | 'NT';
const strides = (l: Layout, m: number, n: number, kk: number): [number, number, number, number] =>
  l === 'NN' ? [kk, 1, n, 1] : l === 'TN' ? [1, m, n, 1] : [kk, 1, 1, kk];

describe('float32 WebAssembly kernels against the Math.fround definition', () => {
  const rng = new Rng(32);
  const SHAPES: [number, number, number][] = [[1, 1, 1], [7, 13, 5], [129, 257, 3], [5, 9, 0], [3, 1, 17], [2, 7, 33], [37, 41, 64], [128, 256, 200], [1101, 6, 250]]; // the last: packed A over A_BLOCK_BYTES, two blocks
  for (const [m, n, kk] of SHAPES) {
    it(`product ${m}x${n}x${kk} in NN, TN and NT: the same bits, overwriting and accumulating, with and without bias`, () => {
      for (const layout of ['NN', 'TN', 'NT'] as Layout[]) {
        const [aRow, aP, bP, bCol] = strides(layout, m, n, kk);
        const A = rand32(m * kk, rng), B = rand32(kk * n, rng), bias = rand32(n, rng);
        for (const acc of [false, true]) {
          for (const b of layout === 'NN' ? [null, bias] : [null]) {
            const C0 = rand32(m * n, rng);
            const want = Float32Array.from(C0);
            product32(m, n, kk, A, aRow, aP, B, bP, bCol, want, acc, b);
            const mem = place(A, B, Float32Array.from(C0), b ?? new Float32Array(1), new Float32Array(k.exports.gemm_work_f32(m, n, kk) / 4 + 4));
            k.exports.gemm_f32(m, n, kk, mem.at[0], aRow, aP, mem.at[1], bP, bCol, mem.at[2], acc ? 1 : 0, b ? mem.at[3] : 0, mem.at[4]);
            same(mem.read(2, m * n), want, `${layout} acc=${acc} bias=${b !== null}`);
            mem.release();
          }
        }
      }
    });
  }

  it('a float32 product differs from the float64 product rounded once (negative control: the test sees float32 rounding)', () => {
    const [m, n, kk] = [17, 19, 64];
    const A = rand32(m * kk, rng), B = rand32(kk * n, rng);
    const want = new Float32Array(m * n);
    product32(m, n, kk, A, kk, 1, B, n, 1, want, false, null);
    const once = new Float32Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < kk; p++) s += A[i * kk + p] * B[p * n + j];
      once[i * n + j] = s;
    }
    expect(() => same(once, want, 'rounded once')).toThrow(/WebAssembly/);
  });

  it('tanh and the logistic sigmoid: float64 of the float32 value rounded once, the same bits on a million points', () => {
    const xs = new Float32Array(1_000_003);
    const bits = new Uint32Array(xs.buffer);
    const specials = [0, -0, 1e-45, -1e-45, 1e-38, 0.5, -0.5, 19.5, -19.5, 88, -88, 700, -700, Infinity, -Infinity, NaN];
    specials.forEach((v, i) => { xs[i] = v; });
    for (let i = specials.length; i < xs.length; i++) {
      if (i % 3 === 0) bits[i] = rng.int(2 ** 32);
      else xs[i] = rng.uniformIn(-30, 30) * (i % 3 === 1 ? 1 : 10 ** rng.uniformIn(-10, 1.5));
    }
    for (const [fn, act] of [['tanh_buf_f32', 'tanh'], ['logistic_buf_f32', 'sigmoid']] as const) {
      const want = Float32Array.from(xs);
      activate32(act, want, want.length);
      const mem = place(xs, new Float32Array(xs.length));
      k.exports[fn](mem.at[0], mem.at[1], xs.length);
      same(mem.read(1, xs.length), want, fn);
      mem.release();
    }
  });

  it('activations forward and backward, cost deltas, column sums and the step: the same bits', () => {
    for (const name of ['sigmoid', 'tanh', 'relu', 'linear'] as const) {
      const a = rand32(10_001, rng, -30, 30), d = rand32(10_001, rng, -3, 3);
      const z = Float32Array.from(a);
      activate32(name, z, z.length);
      const dd = Float32Array.from(d);
      backward32(name, z, dd, z.length);
      const mem = place(a, d, z);
      k.exports.act_apply_f32(mem.at[0], a.length, ACT_ID[name]);
      same(mem.read(0, a.length), z, `${name} apply`);
      k.exports.act_backward_f32(mem.at[2], mem.at[1], a.length, ACT_ID[name]);
      same(mem.read(1, a.length), dd, `${name} backward`);
      mem.release();
      expect(activation(name).name).toBe(name);
    }
    for (const name of ['sum-of-squares', 'sigmoid-cross-entropy', 'softmax-cross-entropy'] as const) {
      for (const [n, kk] of [[1000, 1], [333, 3], [128, 10], [7, 2]]) {
        const a = rand32(n * kk, rng, -40, 40);
        const t = Float32Array.from({ length: n * kk }, () => (rng.uniform() < 0.5 ? 0 : 1));
        const want = new Float32Array(n * kk);
        costDelta32(name, a, t, want, n, kk);
        const mem = place(a, t, new Float32Array(n * kk));
        k.exports.cost_delta_f32(mem.at[0], mem.at[1], mem.at[2], n, kk, COST_ID[name]);
        same(mem.read(2, n * kk), want, `${name} ${n}x${kk}`);
        mem.release();
      }
    }
    for (const [rows, cols] of [[1000, 1], [128, 256], [7, 5], [1, 3]]) {
      const A = rand32(rows * cols, rng), out0 = rand32(cols, rng);
      for (const acc of [false, true]) {
        const want = Float32Array.from(out0);
        sumRows32(rows, cols, A, want, acc);
        const mem = place(A, out0);
        k.exports.sum_rows_f32(rows, cols, mem.at[0], mem.at[1], acc ? 1 : 0);
        same(mem.read(1, cols), want, `sumRows ${rows}x${cols}`);
        mem.release();
      }
    }
    const w = rand32(1001, rng), a = rand32(1001, rng), b = rand32(1001, rng);
    const eta = Math.fround(0.01);
    const want = Float32Array.from(w, (v, i) => Math.fround(v - Math.fround(eta * Math.fround(a[i] + b[i]))));
    const mem = place(w, a, b, new Float32Array(1001));
    k.exports.descend_f32(mem.at[0], mem.at[1], mem.at[2], 0.01, 1001, mem.at[3]);
    same(mem.read(0, 1001), want, 'step');
    same(mem.read(3, 1001), w, 'kept weights');
    mem.release();
  });
});

interface Case { name: string; inputs: number; layers: { units: number; activation: string }[]; costName: 'sum-of-squares' | 'sigmoid-cross-entropy' | 'softmax-cross-entropy'; n: number }
const CASES: Case[] = [
  { name: 'XOR net 2-4 tanh-1, sigmoid CE, 1000 rows', inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'linear' }], costName: 'sigmoid-cross-entropy', n: 1000 },
  { name: 'sine net 1-6 tanh-1, sum of squares, 100 rows', inputs: 1, layers: [{ units: 6, activation: 'tanh' }, { units: 1, activation: 'linear' }], costName: 'sum-of-squares', n: 100 },
  { name: '7-9 relu-5 sigmoid-3 softmax, 37 rows', inputs: 7, layers: [{ units: 9, activation: 'relu' }, { units: 5, activation: 'sigmoid' }, { units: 3, activation: 'linear' }], costName: 'softmax-cross-entropy', n: 37 },
  { name: '200-64 tanh-10 softmax, 800 rows in four chunks', inputs: 200, layers: [{ units: 64, activation: 'tanh' }, { units: 10, activation: 'linear' }], costName: 'softmax-cross-entropy', n: 800 },
  { name: '203-66 tanh-3 softmax, 700 rows in three chunks (ragged tiles in the step kernel)', inputs: 203, layers: [{ units: 66, activation: 'tanh' }, { units: 3, activation: 'linear' }], costName: 'softmax-cross-entropy', n: 700 },
  { name: '61-37 tanh-19 relu-2 softmax, 4003 rows in four chunks (a middle layer in the step kernel)', inputs: 61, layers: [{ units: 37, activation: 'tanh' }, { units: 19, activation: 'relu' }, { units: 2, activation: 'linear' }], costName: 'softmax-cross-entropy', n: 4003 },
];

function problem(c: Case, seed: number): { net: Network; x: Float64Array; t: Float64Array; w: Float64Array } {
  const rng = new Rng(seed);
  const net = new Network(c.inputs, c.layers, cost(c.costName));
  const w = Float64Array.from({ length: net.size }, () => rng.uniformIn(-0.5, 0.5));
  const x = Float64Array.from({ length: c.n * c.inputs }, () => rng.uniformIn(-2, 2));
  const kk = net.outputs;
  const t = new Float64Array(c.n * kk);
  for (let r = 0; r < c.n; r++) {
    if (c.costName === 'softmax-cross-entropy') t[r * kk + rng.int(kk)] = 1;
    else for (let j = 0; j < kk; j++) t[r * kk + j] = c.costName === 'sum-of-squares' ? rng.uniformIn(-1, 1) : rng.int(2);
  }
  return { net, x, t, w };
}

describe('float32 training engine', () => {
  afterEach(() => {
    setKernelBackend('wasm');
  });

  it('the last two cases really are cut into chunks (so the fused step kernel runs)', () => {
    expect(chunkPlan(700, flopsPerSample(problem(CASES[4], 1).net)).chunks).toBe(3);
    expect(chunkPlan(4003, flopsPerSample(problem(CASES[5], 1).net)).chunks).toBe(4);
  });

  for (const c of CASES) {
    it(`${c.name}: the WebAssembly engine gives the Math.fround engine's gradient, E, steps and kept weights`, () => {
      const { net, x, t, w } = problem(c, 5);
      const ref = new Float32Gradient(net);
      const fused = new FusedGradient(net, undefined, kernelInstance(), 'float32');
      const g1 = new Float64Array(net.size), g2 = new Float64Array(net.size);
      const e1 = ref.gradient(w, x, t, c.n, g1);
      const e2 = fused.gradient(w, x, t, c.n, g2);
      same(g2, g1, 'gradient');
      expect(Object.is(e2, e1), `E ${e2} vs ${e1}`).toBe(true);
      const w1 = Float64Array.from(w), w2 = Float64Array.from(w);
      const k1 = new Float64Array(net.size), k2 = new Float64Array(net.size);
      for (let s = 0; s < 4; s++) {
        expect(Object.is(fused.gradient(w2, x, t, c.n, g2, 0.01, k2), ref.gradient(w1, x, t, c.n, g1, 0.01, k1))).toBe(true);
        same(w2, w1, `weights after step ${s + 1}`);
        same(k2, k1, `kept weights at step ${s + 1}`);
      }
      // Every weight is a float32 value now.
      expect(w2.every((v) => Math.fround(v) === v)).toBe(true);
      // A step without E and without kept weights (the seed's fit) moves them the same way.
      const w3 = Float64Array.from(w1);
      expect(Number.isNaN(fused.step(w3, x, t, c.n, 0.01, false))).toBe(true);
      ref.gradient(w1, x, t, c.n, g1, 0.01);
      same(w3, w1, 'weights after a step without E');
    });
  }

  it('float32 and float64 training give different weights (negative control)', () => {
    const c = CASES[0];
    const { net, x, t, w } = problem(c, 6);
    const w32 = Float64Array.from(w), w64 = Float64Array.from(w);
    const g = new Float64Array(net.size);
    new FusedGradient(net, undefined, kernelInstance(), 'float32').gradient(w32, x, t, c.n, g, 0.01);
    new FusedGradient(net).gradient(w64, x, t, c.n, g, 0.01);
    expect(() => same(w32, w64, 'float32 vs float64')).toThrow(/WebAssembly/);
  });

  it('the trainer\'s engine for float32: the WebAssembly one, or the Math.fround one on MLP_LAB_KERNELS=js', () => {
    const net = problem(CASES[0], 1).net;
    const e = gradientEngineFor(net, undefined, 'float32');
    expect(e).toBeInstanceOf(FusedGradient);
    expect((e as FusedGradient).precision).toBe('float32');
    setKernelBackend('js');
    expect(gradientEngineFor(net, undefined, 'float32')).toBeInstanceOf(Float32Gradient);
  });

  // A float32 weight is rounded to 24 bits (6e-8 relative) at every step; over 10 000 and
  // 100 000 steps the runs drift from numpy's float64 by 7e-4 and 6e-4 relative (E at every
  // checkpoint and every final weight; measured): a float32 tolerance of 2e-3.
  it('replays the seed\'s runs in float32 within 2e-3 relative of numpy\'s float64 (XOR 10 000 steps, sine 100 000)', () => {
    const runs = seedRuns();
    for (const [run, tol] of [[runs.sine, 2e-3], [runs.xor, 2e-3]] as [SeedRun, number][]) {
      const net = new Network(run.inputs, run.layers, cost(run.costName));
      const fused = new FusedGradient(net, undefined, kernelInstance(), 'float32');
      const w = Float64Array.from(run.params0);
      const x = Float64Array.from(run.x), t = Float64Array.from(run.t);
      const want = new Map(run.checkpoints.map((p) => [p.step, p.E]));
      let worst = 0;
      const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-3);
      for (let s = 0; s < run.steps; s++) {
        const expected = want.get(s);
        const e = fused.step(w, x, t, run.n, run.lr, expected !== undefined);
        if (expected !== undefined) worst = Math.max(worst, rel(e, expected));
      }
      w.forEach((p, i) => { worst = Math.max(worst, rel(p, run.paramsFinal[i])); });
      expect(worst, `${run.costName}: worst relative difference ${worst}`).toBeLessThanOrEqual(tol);
      // ...and float32 really is coarser than float64, whose replay matches to 5e-9.
      expect(worst).toBeGreaterThan(5e-9);
    }
  });
});

describe('training.precision in the spec', () => {
  const base = { format: 'mlp-lab-spec', version: 1, data: { builtin: 'xor-quadrants' }, network: { hidden: [{ units: 4, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } } };

  it('is float64 when left out, and takes "float32"', () => {
    expect(parseSpec({ ...base, training: {} }).training.precision).toBeUndefined();
    expect(parseSpec({ ...base, training: { precision: 'float32' } }).training.precision).toBe('float32');
    expect(parseSpec({ ...base, training: { precision: 'float64' } }).training.precision).toBe('float64');
  });

  it('refuses other values, and float32 for the mixture density cost, naming the field', () => {
    expect(() => parseSpec({ ...base, training: { precision: 'half' } })).toThrow(SpecError);
    expect(() => parseSpec({ ...base, training: { precision: 'half' } })).toThrow(/training\.precision.*"float64".*"float32"/);
    const mdn = { ...base, data: { builtin: 'sine-regression-inverse' }, network: { hidden: [{ units: 5, activation: 'tanh' }], output: { cost: 'mixture-density', components: 3 } } };
    expect(() => parseSpec({ ...mdn, training: { precision: 'float32' } })).toThrow(/training\.precision.*mixture density/);
  });
});
