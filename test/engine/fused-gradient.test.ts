/**
 * The fused WebAssembly gradient engine (shared/training/fused-gradient.ts) against
 * LocalGradient, the TypeScript engine it replaces: the same gradient, E, weights after a step
 * and fallback copy, bit for bit, for every supported activation and cost, whole batches and
 * batches cut into chunks and lanes; the seed's two runs still match numpy to 8 digits on it; and
 * the trainer picks it by default (MLP_LAB_KERNELS=js picks LocalGradient).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cost } from '../../shared/engine/costs';
import { setKernelBackend } from '../../shared/engine/kernel-backend';
import { Network } from '../../shared/engine/network';
import { Rng } from '../../shared/engine/rng';
import { ChunkGradients } from '../../shared/engine/wasm/chunk-gradient';
import { FusedGradient, gradientEngineFor } from '../../shared/training/fused-gradient';
import { fusable, FusedNetwork } from '../../shared/engine/wasm/fused-network';
import { kernelInstance } from '../../shared/engine/wasm/runtime';
import { evaluate } from '../../shared/training/evaluation';
import { chunkPlan, flopsPerSample, LocalGradient } from '../../shared/training/gradient';
import { seedRuns } from '../support/seed-runs';

/** Throws at the first entry whose bits differ (any NaN equals any NaN). */
function expectSameBits(actual: Float64Array, expected: Float64Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) throw new Error(`${what}[${i}]: fused ${a}, LocalGradient ${e}`);
  }
}

interface Case {
  name: string;
  inputs: number;
  layers: { units: number; activation: string }[];
  costName: 'sum-of-squares' | 'sigmoid-cross-entropy' | 'softmax-cross-entropy';
  n: number;
}

const CASES: Case[] = [
  { name: 'the seed XOR net (2-4 tanh-1, sigmoid CE, 1000 rows)', inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'linear' }], costName: 'sigmoid-cross-entropy', n: 1000 },
  { name: 'the seed sine net (1-6 tanh-1, sum of squares, 100 rows)', inputs: 1, layers: [{ units: 6, activation: 'tanh' }, { units: 1, activation: 'linear' }], costName: 'sum-of-squares', n: 100 },
  { name: 'relu and sigmoid layers, softmax over 3 classes (7-9-5-3, 37 rows)', inputs: 7, layers: [{ units: 9, activation: 'relu' }, { units: 5, activation: 'sigmoid' }, { units: 3, activation: 'linear' }], costName: 'softmax-cross-entropy', n: 37 },
  { name: 'a linear hidden layer, two sigmoid outputs (3-2-2, 1 row)', inputs: 3, layers: [{ units: 2, activation: 'linear' }, { units: 2, activation: 'linear' }], costName: 'sigmoid-cross-entropy', n: 1 },
  { name: 'a batch cut into four chunks on two lanes (200-64 tanh-10 softmax, 800 rows)', inputs: 200, layers: [{ units: 64, activation: 'tanh' }, { units: 10, activation: 'linear' }], costName: 'softmax-cross-entropy', n: 800 },
  { name: 'a batch cut into three chunks (200-64 relu-10 sum of squares, 601 rows)', inputs: 200, layers: [{ units: 64, activation: 'relu' }, { units: 10, activation: 'linear' }], costName: 'sum-of-squares', n: 601 },
  { name: 'ragged tiles in the step kernel: rows and columns no multiple of its tile (203-66 tanh-3 softmax, 700 rows in three chunks)', inputs: 203, layers: [{ units: 66, activation: 'tanh' }, { units: 3, activation: 'linear' }], costName: 'softmax-cross-entropy', n: 700 },
  { name: 'a middle layer in the step kernel: its deltas below come from its weights before they move (61-37 tanh-19 relu-2 sigmoid CE, 2701 rows in three chunks)', inputs: 61, layers: [{ units: 37, activation: 'tanh' }, { units: 19, activation: 'relu' }, { units: 2, activation: 'linear' }], costName: 'sigmoid-cross-entropy', n: 2701 },
];

function problem(c: Case, seed: number): { net: Network; x: Float64Array; t: Float64Array; w: Float64Array } {
  const rng = new Rng(seed);
  const net = new Network(c.inputs, c.layers, cost(c.costName));
  const w = Float64Array.from({ length: net.size }, () => rng.uniformIn(-0.5, 0.5));
  const x = Float64Array.from({ length: c.n * c.inputs }, () => rng.uniformIn(-2, 2));
  const k = net.outputs;
  const t = new Float64Array(c.n * k);
  for (let r = 0; r < c.n; r++) {
    if (c.costName === 'softmax-cross-entropy') t[r * k + rng.int(k)] = 1;
    else for (let j = 0; j < k; j++) t[r * k + j] = c.costName === 'sum-of-squares' ? rng.uniformIn(-1, 1) : rng.int(2);
  }
  return { net, x, t, w };
}

describe('fused WebAssembly gradient engine', () => {
  afterEach(() => {
    setKernelBackend('wasm');
  });

  it('the chunked cases really are cut into chunks (so the lanes are exercised)', () => {
    const big = problem(CASES[4], 1).net;
    expect(chunkPlan(800, flopsPerSample(big)).chunks).toBe(4);
    expect(chunkPlan(601, flopsPerSample(problem(CASES[5], 1).net)).chunks).toBe(3);
    expect(chunkPlan(700, flopsPerSample(problem(CASES[6], 1).net)).chunks).toBe(3);
    expect(chunkPlan(2701, flopsPerSample(problem(CASES[7], 1).net)).chunks).toBe(3);
  });

  it('a step on a batch cut into chunks goes through the fused step kernel; a gradient alone does not', () => {
    const c = CASES[4];
    const { net, x, t, w } = problem(c, 2);
    const fused = new FusedGradient(net);
    const spy = vi.spyOn(FusedNetwork.prototype, 'stepLanes');
    try {
      fused.gradient(Float64Array.from(w), x, t, c.n, new Float64Array(net.size));
      expect(spy).not.toHaveBeenCalled();
      fused.gradient(Float64Array.from(w), x, t, c.n, new Float64Array(net.size), 0.01, new Float64Array(net.size));
      fused.step(Float64Array.from(w), x, t, c.n, 0.01, false);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  for (const c of CASES) {
    it(`${c.name}: the same gradient, E, step and fallback weights as LocalGradient`, () => {
      const { net, x, t, w } = problem(c, 11);
      const local = new LocalGradient(net);
      const fused = new FusedGradient(net);
      const g1 = new Float64Array(net.size), g2 = new Float64Array(net.size);
      const e1 = local.gradient(w, x, t, c.n, g1);
      const e2 = fused.gradient(w, x, t, c.n, g2);
      expectSameBits(g2, g1, 'gradient');
      expect(Object.is(e2, e1), `E ${e2} vs ${e1}`).toBe(true);
      // Five fused steps in a row, keeping the weights before each.
      const w1 = Float64Array.from(w), w2 = Float64Array.from(w);
      const k1 = new Float64Array(net.size), k2 = new Float64Array(net.size);
      for (let s = 0; s < 5; s++) {
        const a = local.gradient(w1, x, t, c.n, g1, 0.01, k1);
        const b = fused.gradient(w2, x, t, c.n, g2, 0.01, k2);
        expect(Object.is(b, a), `E at step ${s}`).toBe(true);
        expectSameBits(w2, w1, `weights after step ${s + 1}`);
        expectSameBits(k2, k1, `fallback weights at step ${s + 1}`);
      }
      // The no-E step (the seed's fit) moves the weights the same way.
      const w3 = Float64Array.from(w1);
      expect(Number.isNaN(fused.step(w3, x, t, c.n, 0.01, false))).toBe(true);
      local.gradient(w1, x, t, c.n, g1, 0.01);
      expectSameBits(w3, w1, 'weights after a step without E');
    });
  }

  // Softmax, and the sigmoid cross-entropy (whose E reuses what its delta keeps).
  it.each([4, 7])('chunk gradients for a data-parallel thread: the same bits as Network.gradientInto, chunk by chunk into two vectors, across a re-layout (case %i)', (which) => {
    const c = CASES[which];
    const { net, x, t, w } = problem(c, 13);
    net.params.set(w);
    const cg = new ChunkGradients(net);
    const a1 = new Float64Array(net.size), b1 = new Float64Array(net.size);
    const a2 = new Float64Array(net.size), b2 = new Float64Array(net.size);
    const d = net.inputs, k = net.outputs;
    // Chunks of 100, 150 (a larger one: the working copy is laid out again mid-sum), 100, 150 rows.
    const cuts: [number, number][] = [[0, 100], [100, 150], [250, 100], [350, 150]];
    cuts.forEach(([r0, m], i) => {
      const into1 = i % 2 === 0 ? a1 : b1, into2 = i % 2 === 0 ? a2 : b2;
      const e1 = net.gradientInto(x.subarray(r0 * d, (r0 + m) * d), t.subarray(r0 * k, (r0 + m) * k), m, into1, i >= 2);
      const e2 = cg.chunk({ x, t }, r0, m, into2, i >= 2);
      expect(Object.is(e2, e1), `E of chunk ${i}`).toBe(true);
    });
    cg.flush();
    expectSameBits(a2, a1, 'lane 0');
    expectSameBits(b2, b1, 'lane 1');
  });

  it.each([4, 7])('a data-parallel thread\'s wave of chunks into one vector: the same bits as gradientInto chunk by chunk (case %i)', (which) => {
    const c = CASES[which];
    const { net, x, t, w } = problem(c, 14);
    net.params.set(w);
    const cg = new ChunkGradients(net);
    const d = net.inputs, k = net.outputs;
    for (const [r0s, ms, add0] of [[[0, 200], [100, 100], false], [[100, 300], [100, 57], true], [[0, 200, 400], [150, 150, 150], false]] as [number[], number[], boolean][]) {
      const start = Float64Array.from({ length: net.size }, (_, i) => Math.sin(i));
      const want = Float64Array.from(start), got = Float64Array.from(start);
      const e1 = ms.map((m, j) => net.gradientInto(x.subarray(r0s[j] * d, (r0s[j] + m) * d), t.subarray(r0s[j] * k, (r0s[j] + m) * k), m, want, add0 || j > 0));
      const e2: number[] = [];
      cg.wave({ x, t }, r0s, ms, got, add0, e2);
      expectSameBits(got, want, `wave ${r0s.join(',')} add0=${add0}`);
      expect(e2.every((e, j) => Object.is(e, e1[j]))).toBe(true);
    }
  });

  it('E of chunks inside one forward pass (rows from c0 > 0: the kept e^-a read at their offset), and E asked before the pass back is refused', () => {
    const c = CASES[7];
    const { net, x, t, w } = problem(c, 21);
    net.params.set(w);
    const d = net.inputs, k = net.outputs, n = 300;
    const fn = new FusedNetwork(net, kernelInstance()!);
    fn.reserve(n, n, n);
    fn.loadParams(net.params);
    fn.loadBatch(x, t, n);
    fn.forward(0, n);
    expect(() => fn.errorAfter(0, 10)).toThrow(/before their output deltas were formed/);
    for (const [c0, m] of [[0, 100], [100, 101], [201, 99]]) {
      const e = fn.backward(0, c0, m, 0, false, true);
      const want = net.cost.value(net.forward(x.subarray(c0 * d, (c0 + m) * d), m), t.subarray(c0 * k, (c0 + m) * k), m, k);
      expect(Object.is(e, want), `rows ${c0}-${c0 + m}: ${e} vs ${want}`).toBe(true);
    }
    expect(() => fn.errorAfter(0, 100)).toThrow(/before their output deltas were formed/);
    fn.dispose();
  });

  it('a change of one input in its 7th digit changes the weights: the comparison can fail (negative control)', () => {
    const c = CASES[0];
    const { net, x, t, w } = problem(c, 12);
    const fused = new FusedGradient(net);
    const w1 = Float64Array.from(w), w2 = Float64Array.from(w);
    const x2 = Float64Array.from(x);
    x2[17] = x2[17] * (1 + 1e-7);
    const g = new Float64Array(net.size);
    fused.gradient(w1, x, t, c.n, g, 0.01);
    fused.gradient(w2, x2, t, c.n, g, 0.01);
    expect(() => expectSameBits(w2, w1, 'perturbed')).toThrow(/fused/);
  });

  it('replays the seed\'s runs on the fused engine to numpy\'s 8 digits (XOR 10 000 steps, sine 100 000)', () => {
    const runs = seedRuns();
    const sig8 = (a: number, e: number): boolean => Math.abs(a - e) <= 5e-9 * Math.max(Math.abs(e), 1e-3);
    for (const run of [runs.xor, runs.sine]) {
      const net = new Network(run.inputs, run.layers, cost(run.costName));
      const fused = new FusedGradient(net);
      const w = Float64Array.from(run.params0);
      const x = Float64Array.from(run.x), t = Float64Array.from(run.t);
      const want = new Map(run.checkpoints.map((p) => [p.step, p.E]));
      for (let s = 0; s < run.steps; s++) {
        const expected = want.get(s);
        const e = fused.step(w, x, t, run.n, run.lr, expected !== undefined);
        if (expected !== undefined) expect(sig8(e, expected), `E at step ${s}: ${e} vs numpy ${expected}`).toBe(true);
      }
      w.forEach((p, i) => expect(sig8(p, run.paramsFinal[i]), `weight ${i}: ${p} vs numpy ${run.paramsFinal[i]}`).toBe(true));
    }
  });

  it('an evaluation\'s logits on the fused path are Network.forward\'s bits, for every case, and so are the figures evaluate() makes of them', () => {
    for (const c of CASES) {
      const { net, x, t, w } = problem(c, 31);
      net.params.set(w);
      const splits = { train: { inputs: x, targets: t, n: c.n, inputNames: [], targetNames: [] }, validation: { inputs: x.subarray(0, 0), targets: t.subarray(0, 0), n: 0, inputNames: [], targetNames: [] } };
      const engine = new FusedGradient(net, undefined, kernelInstance(), 'float64', splits);
      const d = net.inputs;
      const r1 = Math.min(1, c.n - 1);
      for (const [r0, m] of [[0, c.n], [r1, c.n - r1], [c.n - 1, 1]]) {
        const want = Float64Array.from(net.forward(x.subarray(r0 * d, (r0 + m) * d), m));
        expectSameBits(Float64Array.from(engine.logits!('train', r0, m)), want, `${c.name}: logits of rows ${r0}-${r0 + m}`);
      }
      // A training step in between leaves the next evaluation on the new weights.
      engine.gradient(net.params, x, t, c.n, new Float64Array(net.size), 0.1);
      expectSameBits(Float64Array.from(engine.logits!('train', 0, c.n)), Float64Array.from(net.forward(x, c.n)), `${c.name}: logits after a step`);
      const data = { ...splits.train, targetNames: Array.from({ length: net.outputs }, (_, i) => `t${i}`) };
      expect(evaluate(net, data, c.n, (r0, m) => engine.logits!('train', r0, m)), c.name).toEqual(evaluate(net, data));
    }
    // Negative control: other weights give other logits.
    const { net, x, t, w } = problem(CASES[2], 31);
    net.params.set(w);
    const engine = new FusedGradient(net, undefined, kernelInstance(), 'float64', { train: { inputs: x, targets: t, n: CASES[2].n, inputNames: [], targetNames: [] }, validation: { inputs: x, targets: t, n: 0, inputNames: [], targetNames: [] } });
    const before = Float64Array.from(engine.logits!('train', 0, 5));
    net.params[0] += 1e-6;
    expect(Array.from(engine.logits!('train', 0, 5))).not.toEqual(Array.from(before));
    // float32 evaluates through Network.forward: no fused logits.
    expect(new FusedGradient(net, undefined, kernelInstance(), 'float32', { train: { inputs: x, targets: t, n: 1, inputNames: [], targetNames: [] }, validation: { inputs: x, targets: t, n: 0, inputNames: [], targetNames: [] } }).logits).toBeUndefined();
  });

  it('a mini-batch of listed rows, gathered straight into the kernel memory: the bits of gradient on the gathered batch, E, gradient and step', () => {
    for (const c of [CASES[2], CASES[4], CASES[7]]) {
      const { net, x, t, w } = problem(c, 41);
      const k = net.outputs;
      const train = { inputs: x, targets: t, n: c.n, inputNames: Array.from({ length: net.inputs }, (_, i) => `x${i}`), targetNames: Array.from({ length: k }, (_, i) => `t${i}`) };
      const engine = new FusedGradient(net, undefined, kernelInstance(), 'float64', { train, validation: { ...train, n: 0 } });
      const rng = new Rng(5);
      const m = Math.max(1, Math.floor(c.n * 0.7));
      const rows = Int32Array.from({ length: m }, () => rng.int(c.n));
      const xb = new Float64Array(m * net.inputs), tb = new Float64Array(m * k);
      rows.forEach((r, i) => {
        xb.set(x.subarray(r * net.inputs, (r + 1) * net.inputs), i * net.inputs);
        tb.set(t.subarray(r * k, (r + 1) * k), i * k);
      });
      const g1 = new Float64Array(net.size), g2 = new Float64Array(net.size);
      const w1 = Float64Array.from(w), w2 = Float64Array.from(w);
      expect(engine.gradientOfRows!(w1, rows, m, g1)).toBe(engine.gradient(w2, xb, tb, m, g2));
      expectSameBits(g1, g2, `${c.name}: gradient of listed rows`);
      const k1 = new Float64Array(net.size), k2 = new Float64Array(net.size);
      engine.gradientOfRows!(w1, rows, m, g1, 0.05, k1);
      engine.gradient(w2, xb, tb, m, g2, 0.05, k2);
      expectSameBits(w1, w2, `${c.name}: weights after a step`);
      expectSameBits(k1, k2, `${c.name}: kept weights`);
      // Negative control: another row in place of the first gives another gradient.
      engine.gradientOfRows!(w1, rows, m, g1);
      rows[0] = (rows[0] + 1) % c.n;
      engine.gradientOfRows!(w1, rows, m, g2);
      expect(Array.from(g2)).not.toEqual(Array.from(g1));
    }
  });

  it('the trainer\'s engine is the fused one on the wasm backend, LocalGradient on js or for the mixture density cost', () => {
    const net = problem(CASES[0], 1).net;
    expect(gradientEngineFor(net)).toBeInstanceOf(FusedGradient);
    const mdn = new Network(1, [{ units: 5, activation: 'tanh' }, { units: 3, activation: 'linear' }], cost('mixture-density'));
    expect(fusable(mdn)).toBe(false);
    expect(gradientEngineFor(mdn)).toBeInstanceOf(LocalGradient);
    setKernelBackend('js');
    expect(gradientEngineFor(net)).toBeInstanceOf(LocalGradient);
  });
});
