/**
 * Kernel instances of several threads on one shared memory (shared/engine/wasm/runtime.ts), as a
 * data-parallel run uses them: blocks handed out by any instance on the memory, or reserved
 * before any exists, never overlap, also when two threads allocate at once; an instance on such a
 * memory computes the same bits as this thread's own; ChunkGradients on it reads the weights and
 * sums into lanes in place with the bits of Network.gradientInto; and the fused engine works on
 * kernelViews of weights and fallback copies in place, with the bits of its copying path.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { cost } from '../../shared/engine/costs';
import { Network } from '../../shared/engine/network';
import { Rng } from '../../shared/engine/rng';
import { ChunkGradients } from '../../shared/engine/wasm/chunk-gradient';
import { FusedNetwork } from '../../shared/engine/wasm/fused-network';
import { addressIn, kernelInstance, kernelInstanceOn, KernelVectors, kernelView, reserveIn, sharedKernelMemory, type WasmMemory } from '../../shared/engine/wasm/runtime';
import { VectorMoves } from '../../shared/engine/wasm/working-copy';
import { FusedGradient } from '../../shared/training/fused-gradient';
import { chunkPlan, flopsPerSample } from '../../shared/training/gradient';

const memoryOrThrow = (): WasmMemory => {
  const m = sharedKernelMemory();
  if (m === null) throw new Error('no shared WebAssembly memory in this Node');
  return m;
};

/** True when [a, a + n) and [b, b + m) share a byte. */
const overlap = (a: number, n: number, b: number, m: number): boolean => a < b + m && b < a + n;

describe('kernel instances on one shared memory', () => {
  it('blocks from two instances and reserveIn never overlap; on separate memories the same addresses come out (negative control)', () => {
    const memory = memoryOrThrow();
    const reserved = reserveIn(memory, 1000);
    const a = kernelInstanceOn(memory)!, b = kernelInstanceOn(memory)!;
    const blocks: [number, number][] = [[reserved, 1000]];
    for (let i = 0; i < 20; i++) {
      const size = 64 * (1 + (i % 5)) + 8;
      blocks.push([(i % 2 === 0 ? a : b).arena.alloc(size), size]);
      if (i === 9) blocks.push([reserveIn(memory, 5000), 5000]);
    }
    for (let i = 0; i < blocks.length; i++) {
      for (let j = i + 1; j < blocks.length; j++) expect(overlap(...blocks[i], ...blocks[j]), `blocks ${i} and ${j}`).toBe(false);
    }
    expect(blocks.every(([at, n]) => at + n <= memory.buffer.byteLength)).toBe(true);
    // Each memory has its own top: the first block on two fresh memories is at the same address.
    const c = kernelInstanceOn(memoryOrThrow())!, d = kernelInstanceOn(memoryOrThrow())!;
    expect(c.arena.alloc(64)).toBe(d.arena.alloc(64));
  });

  it('a block released by one instance is reused by it, never handed to the other', () => {
    const memory = memoryOrThrow();
    const a = kernelInstanceOn(memory)!, b = kernelInstanceOn(memory)!;
    const x = a.arena.alloc(4096);
    a.arena.release(x);
    const y = b.arena.alloc(4096);
    expect(y).not.toBe(x);
    expect(a.arena.alloc(4096)).toBe(x);
  });

  it('two threads allocating on one memory at once get disjoint blocks', async () => {
    const memory = memoryOrThrow();
    const sizes = Array.from({ length: 20000 }, (_, i) => 64 + (i % 7) * 64);
    // Room for all of it up front: growing the memory mid-race would space the threads' allocations out.
    memory.grow(Math.ceil((2 * sizes.reduce((a, b) => a + b, 0)) / 65536) + 16);
    const go = new Int32Array(new SharedArrayBuffer(4));
    const ready: Promise<void>[] = [];
    const done = [0, 1].map(() => new Promise<number[]>((resolve, reject) => {
      const w = new Worker(new URL('../support/arena-worker.mjs', import.meta.url), { workerData: { memory, sizes, go } });
      ready.push(new Promise((r) => w.once('message', () => {
        r();
        w.once('message', (m: number[]) => { resolve(m); void w.terminate(); });
      })));
      w.once('error', reject);
    }));
    await Promise.all(ready);
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    const [one, two] = await Promise.all(done);
    const all = [...one.map((at, i) => [at, sizes[i]]), ...two.map((at, i) => [at, sizes[i]])].sort((p, q) => p[0] - q[0]);
    for (let i = 1; i < all.length; i++) expect(all[i][0], `block ${i}`).toBeGreaterThanOrEqual(all[i - 1][0] + all[i - 1][1]);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(all[all.length - 1][0] + all[all.length - 1][1]);
  });

  it('an instance on a shared memory computes the bits of this thread\'s own (its tables are written there too)', () => {
    const own = kernelInstance()!;
    const other = kernelInstanceOn(memoryOrThrow())!;
    const values = Float64Array.from({ length: 1001 }, (_, i) => (i - 500) / 37);
    const tanhOn = (k: typeof own): Float64Array => {
      const at = k.arena.alloc(values.byteLength);
      k.arena.f64().set(values, at / 8);
      k.exports.tanh_buf(at, at, values.length);
      const out = k.arena.f64().slice(at / 8, at / 8 + values.length);
      k.arena.release(at);
      return out;
    };
    const a = tanhOn(own), b = tanhOn(other);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(b)).not.toEqual(Array.from(values));
  });
});

describe('ChunkGradients on a shared memory', () => {
  /** A softmax net whose parameters are a view of a shared kernel memory, and two lanes there. */
  function setup() {
    const memory = memoryOrThrow();
    const inputs = 11, hidden = 17, outputs = 4, n = 300;
    const size = inputs * hidden + hidden + hidden * outputs + outputs;
    const params = kernelView(memory, reserveIn(memory, size * 8), size);
    const net = new Network(inputs, [{ units: hidden, activation: 'tanh' }, { units: outputs, activation: 'linear' }], cost('softmax-cross-entropy'), params);
    const rng = Rng.derive(5, 'shared-memory');
    for (let i = 0; i < size; i++) params[i] = rng.normal() * 0.3;
    const x = Float64Array.from({ length: n * inputs }, () => rng.normal());
    const t = new Float64Array(n * outputs);
    for (let r = 0; r < n; r++) t[r * outputs + rng.int(outputs)] = 1;
    const lane = () => kernelView(memory, reserveIn(memory, size * 8), size);
    const k = kernelInstanceOn(memory)!;
    return { net, x, t, lane, k, cg: new ChunkGradients(net, k), inputs, outputs, size };
  }

  it('a wave and single chunks sum straight into lanes of the block with the bits of gradientInto; a vector outside the block goes through the copy', () => {
    const { net, x, t, lane, cg, inputs: d, outputs: k, size } = setup();
    expect(cg.kernels).not.toBeNull();
    const grad = (r0: number, m: number, into: Float64Array, add: boolean) =>
      net.gradientInto(x.subarray(r0 * d, (r0 + m) * d), t.subarray(r0 * k, (r0 + m) * k), m, into, add);
    // A wave of three chunks, added to what the lane holds.
    const got = lane();
    got.set(Float64Array.from({ length: size }, (_, i) => Math.cos(i)));
    const want = Float64Array.from(got);
    const es: number[] = [];
    cg.wave({ x, t }, [0, 100, 200], [100, 100, 100], got, true, es);
    const wantE = [0, 100, 200].map((r0) => grad(r0, 100, want, true));
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(es).toEqual(wantE);
    // Chunk by chunk into two lanes, then into a plain vector (not in the block).
    const l0 = lane(), l1 = lane(), outside = new Float64Array(size);
    const w0 = new Float64Array(size), w1 = new Float64Array(size), wOut = new Float64Array(size);
    [[0, 60], [60, 90], [150, 60], [210, 90]].forEach(([r0, m], i) => {
      expect(cg.chunk({ x, t }, r0, m, i % 2 === 0 ? l0 : l1, i >= 2)).toBe(grad(r0, m, i % 2 === 0 ? w0 : w1, i >= 2));
    });
    expect(cg.chunk({ x, t }, 0, 300, outside, false)).toBe(grad(0, 300, wOut, false));
    cg.flush();
    expect(Array.from(l0)).toEqual(Array.from(w0));
    expect(Array.from(l1)).toEqual(Array.from(w1));
    expect(Array.from(outside)).toEqual(Array.from(wOut));
    // Negative control: other weights give another gradient.
    net.params[0] += 0.5;
    const moved = lane();
    cg.wave({ x, t }, [0, 100], [100, 100], moved, false, []);
    const before = new Float64Array(size);
    net.params[0] -= 0.5;
    grad(0, 100, before, false);
    grad(100, 100, before, true);
    expect(Array.from(moved)).not.toEqual(Array.from(before));
  });

  it('kernelViews are found only on their own memory, and not as subarrays (those are copied like any vector)', () => {
    const { net, k, lane } = setup();
    expect(addressIn(k, net.params)).toBe(net.params.byteOffset);
    expect(addressIn(k, net.params.subarray(1))).toBe(-1);
    expect(addressIn(k, new Float64Array(net.params.buffer, net.params.byteOffset, net.size))).toBe(-1);
    expect(addressIn(kernelInstance()!, lane())).toBe(-1);
    expect(addressIn(kernelInstanceOn(memoryOrThrow())!, lane())).toBe(-1);
  });

  it('a network whose weights are not in the memory gets the same bits, its weights copied in', () => {
    const { net, x, t, k, lane, size } = setup();
    const copy = new Network(net.inputs, net.layers.map((l) => ({ units: l.units, activation: l.activation })), net.cost, Float64Array.from(net.params));
    const a = lane(), b = lane();
    new ChunkGradients(net, k).wave({ x, t }, [0, 150], [150, 150], a, false, []);
    new ChunkGradients(copy, k).wave({ x, t }, [0, 150], [150, 150], b, false, []);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(a.some((g) => g !== 0)).toBe(true);
    expect(size).toBe(net.size);
  });
});

describe('FusedNetwork and FusedGradient on kernelViews', () => {
  /**
   * A tanh net and data on this thread's kernels, its weights a kernelView or a plain vector:
   * 3-6-1 on 40 rows (one chunk), or (`wide`) 50-200-1 on 600 rows, which the chunk plan cuts in
   * two, so a step goes through the lanes and mlp_step_lanes as the trainer's do.
   */
  function netOn(inPlace: boolean, vectors: KernelVectors, wide = false) {
    const d = wide ? 50 : 3, h = wide ? 200 : 6, n = wide ? 600 : 40;
    const size = d * h + h + h + 1;
    const net = new Network(d, [{ units: h, activation: 'tanh' }, { units: 1, activation: 'linear' }], cost('sum-of-squares'), inPlace ? vectors.vector(size) : undefined);
    const rng = Rng.derive(9, 'kernel-views');
    for (let i = 0; i < size; i++) net.params[i] = (rng.normal() * 0.5) / Math.sqrt(d);
    const x = Float64Array.from({ length: n * d }, () => rng.normal());
    const t = Float64Array.from({ length: n }, () => rng.normal());
    return { net, x, t, n };
  }

  it('the kernels read a kernelView of weights where it is (a change after loadParams shows), a plain vector as copied (negative control)', () => {
    const k = kernelInstance()!;
    const vectors = new KernelVectors(k);
    try {
      const outputs = (inPlace: boolean): [number, number] => {
        const { net, x, t, n } = netOn(inPlace, vectors);
        const fn = new FusedNetwork(net, k);
        fn.reserve(n, n, n);
        fn.loadParams(net.params);
        fn.loadBatch(x, t, n);
        fn.forward(0, n);
        const before = fn.backward(0, 0, n, 0, false, true);
        net.params[net.size - 1] += 1; // the output bias, after loadParams
        fn.forward(0, n);
        const after = fn.backward(0, 0, n, 0, false, true);
        fn.dispose();
        return [before, after];
      };
      const [a, b] = outputs(true);
      expect(b).not.toBe(a);
      const [c, d] = outputs(false);
      expect(c).toBe(a);
      expect(d).toBe(c);
    } finally {
      vectors.release();
    }
  });

  it.each([
    [false, 'float64'],
    [true, 'float64'],
    [false, 'float32'],
    [true, 'float32'],
  ] as const)('a gradient step on kernelViews (weights and the kept copy in place; float32: rounded and widened there) gives the bits of the copying path, and keeps the old weights (batch in chunks: %s, %s)', (wide, precision) => {
    const k = kernelInstance()!;
    const vectors = new KernelVectors(k);
    try {
      const run = (inPlace: boolean) => {
        const { net, x, t, n } = netOn(inPlace, vectors, wide);
        expect(chunkPlan(n, flopsPerSample(net)).chunks > 1).toBe(wide);
        const keep = inPlace ? vectors.vector(net.size) : new Float64Array(net.size);
        if (precision === 'float32') for (let i = 0; i < net.size; i++) net.params[i] = Math.fround(net.params[i]);
        const start = Float64Array.from(net.params);
        const g = new FusedGradient(net, undefined, k, precision);
        const es: number[] = [];
        let beforeLast: number[] = [];
        for (let s = 0; s < 5; s++) {
          beforeLast = Array.from(net.params);
          es.push(g.gradient(net.params, x, t, n, new Float64Array(net.size), 0.05, keep));
        }
        return { w: Array.from(net.params), keep: Array.from(keep), beforeLast, es, start: Array.from(start), moved: net.params.some((v, i) => v !== start[i]) };
      };
      const a = run(true), b = run(false);
      expect(a.moved).toBe(true);
      expect(a.w).toEqual(b.w);
      expect(a.keep).toEqual(b.keep);
      expect(a.es).toEqual(b.es);
      expect(a.keep).not.toEqual(a.w);
      // The last step kept the weights it started from; float32 weights stay float32 values.
      expect(a.keep).toEqual(a.beforeLast);
      expect(a.w.every((v) => precision === 'float64' || v === Math.fround(v))).toBe(true);
    } finally {
      vectors.release();
    }
  });

  it('float32 moves round and widen a kernelView where it is, a plain vector through the staging area (negative control), and refuse a vector too short', () => {
    const k = kernelInstance()!;
    const vectors = new KernelVectors(k);
    const at = k.arena.alloc(64 * 4);
    const staged = { count: 0 };
    const stage = k.arena.alloc(64 * 8);
    const moves = new VectorMoves(k, 4, () => {
      staged.count++;
      return stage;
    });
    try {
      const values = Float64Array.from({ length: 64 }, (_, i) => Math.fround(Math.sin(i)));
      const view = vectors.vector(64);
      view.set(values);
      moves.load(view, at);
      const back = vectors.vector(64);
      moves.store(at, 64, back);
      expect(staged.count).toBe(0);
      expect(Array.from(back)).toEqual(Array.from(values));
      const plain = new Float64Array(64);
      moves.load(Float64Array.from(values), at);
      moves.store(at, 64, plain);
      expect(staged.count).toBe(2);
      expect(Array.from(plain)).toEqual(Array.from(values));
      expect(() => moves.store(at, 64, vectors.vector(3))).toThrow(/64 values into a vector of 3/);
      expect(() => moves.load(vectors.vector(3), at, 64)).toThrow(/64 values asked of a vector of 3/);
    } finally {
      k.arena.release(at);
      k.arena.release(stage);
      vectors.release();
    }
  });

  it('a working copy whose vectors all live in the memory takes no vectors of its own; one given a plain vector does (negative control)', () => {
    const memory = memoryOrThrow();
    const k = kernelInstanceOn(memory)!;
    const vectors = new KernelVectors(k);
    const { net, x, t, n } = netOn(true, vectors, true);
    const lane = vectors.vector(net.size);
    const fn = new FusedNetwork(net, k);
    fn.reserve(n, n, 300);
    const laidOut = k.arena.used;
    fn.loadParams(net.params);
    fn.loadRows(x, t, 0, n, 0);
    fn.forward(0, n);
    fn.backwardLanes(n, 300, 1, false, lane);
    expect(k.arena.used).toBe(laidOut);
    expect(lane.some((g) => g !== 0)).toBe(true);
    fn.loadParams(Float64Array.from(net.params));
    expect(k.arena.used - laidOut).toBeGreaterThanOrEqual(4 * net.size * 8);
    fn.dispose();
  });
});

describe('the memory\'s 4 GiB', () => {
  it('blocks of 2 GiB and more are reserved whole, and one past 4 GiB is refused without moving the top', () => {
    const memory = memoryOrThrow();
    const big = 2.5e9;
    const at = reserveIn(memory, big);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(at + big);
    const tail = kernelView(memory, at + big - 64, 8);
    tail.fill(7);
    expect(tail[7]).toBe(7);
    expect(() => reserveIn(memory, 2e9)).toThrow(/more than its 4 GiB/);
    expect(() => kernelInstanceOn(memory)!.arena.alloc(4.5e9)).toThrow(/more than its 4 GiB/);
    expect(reserveIn(memory, 64)).toBeGreaterThanOrEqual(at + big);
  });
});
