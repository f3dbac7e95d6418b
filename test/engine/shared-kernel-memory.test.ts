/**
 * Kernel instances of several threads on one shared memory (shared/engine/wasm/runtime.ts), as a
 * data-parallel run uses them: blocks handed out by any instance on the memory, or reserved
 * before any exists, never overlap, also when two threads allocate at once; an instance on such a
 * memory computes the same bits as this thread's own; and ChunkGradients on it reads the weights
 * and sums into lanes in place with the bits of Network.gradientInto.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { cost } from '../../shared/engine/costs';
import { Network } from '../../shared/engine/network';
import { Rng } from '../../shared/engine/rng';
import { ChunkGradients } from '../../shared/engine/wasm/chunk-gradient';
import { kernelInstance, kernelInstanceOn, reserveIn, sharedKernelMemory, type WasmMemory } from '../../shared/engine/wasm/runtime';

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
    const view = (at: number) => new Float64Array(memory.buffer, at, size);
    const params = view(reserveIn(memory, size * 8));
    const net = new Network(inputs, [{ units: hidden, activation: 'tanh' }, { units: outputs, activation: 'linear' }], cost('softmax-cross-entropy'), params);
    const rng = Rng.derive(5, 'shared-memory');
    for (let i = 0; i < size; i++) params[i] = rng.normal() * 0.3;
    const x = Float64Array.from({ length: n * inputs }, () => rng.normal());
    const t = new Float64Array(n * outputs);
    for (let r = 0; r < n; r++) t[r * outputs + rng.int(outputs)] = 1;
    // The lanes are views on the same buffer object as the parameters (as a block's views are).
    const block = params.buffer;
    const lane = () => new Float64Array(block, reserveIn(memory, size * 8), size);
    const k = kernelInstanceOn(memory)!;
    return { net, x, t, lane, cg: new ChunkGradients(net, { k, params }), inputs, outputs, size };
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

  it('refuses a network that does not compute with the shared parameter vector', () => {
    const { net, cg } = setup();
    expect(cg.kernels).not.toBeNull();
    const copy = new Network(net.inputs, net.layers.map((l) => ({ units: l.units, activation: l.activation })), net.cost);
    expect(() => new ChunkGradients(copy, { k: cg.kernels!, params: net.params })).toThrow(/shared parameter vector/);
  });
});
