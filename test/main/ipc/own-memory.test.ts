import { describe, expect, it } from 'vitest';
import { receiveSnapshot, SnapshotRing } from '../../../shared/worker-protocol';
import { withoutSharedMemory } from '../../../src-main/ipc/own-memory';

/** Every typed array reachable from `v` with the kind of memory it sits on. */
function arrays(v: unknown, out: { path: string; shared: boolean }[] = [], path = ''): { path: string; shared: boolean }[] {
  if (ArrayBuffer.isView(v)) out.push({ path, shared: v.buffer instanceof SharedArrayBuffer });
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) arrays(x, out, `${path}.${k}`);
  return out;
}

/** A copy of `a` on shared memory. */
function shared(a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(a.length * 8));
  out.set(a);
  return out;
}

describe('SnapshotRing', () => {
  it('lends copies in shared buffers; receiving copies them out and frees the buffer', () => {
    const ring = new SnapshotRing(3, 2);
    const w = new Float64Array([1, 2, 3]);
    const a = ring.lend(w, 10)!;
    expect(a.step).toBe(10);
    expect(a.weights.buffer).toBeInstanceOf(SharedArrayBuffer);
    w[0] = 9; // the lent copy does not follow the live weights
    const b = ring.lend(w, 11)!;
    expect(Array.from(a.weights)).toEqual([1, 2, 3]);
    expect(Array.from(b.weights)).toEqual([9, 2, 3]);
    // Both buffers lent: the next snapshot is skipped, not allocated.
    expect(ring.lend(w, 12)).toBeNull();
    const own = receiveSnapshot(a);
    expect(own.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(own)).toEqual([1, 2, 3]);
    const c = ring.lend(new Float64Array([4, 5, 6]), 13)!;
    expect(c.weights.buffer).toBe(a.weights.buffer); // the freed buffer is reused
    expect(Array.from(own)).toEqual([1, 2, 3]); // and the received copy is unaffected
  });
});

describe('withoutSharedMemory', () => {
  it('copies typed arrays on shared memory to own memory, keeping their values and type', () => {
    const event = {
      type: 'run-progress',
      runId: 'r1',
      points: { steps: shared([0, 1, 2]), train: shared([0.5, 0.25, 0.125]), validationSteps: shared([]), validation: shared([]) },
      metrics: { step: 3, train: { E: 1, EPerSample: 0.1 } },
      list: [shared([1, 2]), 'x'],
      bytes: new Uint8Array(new SharedArrayBuffer(3)).fill(7),
    };
    // Negative control: the event really carries shared memory before the call.
    expect(arrays(event).filter((a) => a.shared)).toHaveLength(6);
    const out = withoutSharedMemory(event);
    expect(arrays(out).filter((a) => a.shared)).toEqual([]);
    expect(Array.from(out.points.train)).toEqual([0.5, 0.25, 0.125]);
    expect(out.points.train).toBeInstanceOf(Float64Array);
    expect(out.bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(out.bytes)).toEqual([7, 7, 7]);
    expect(out.list[1]).toBe('x');
    expect(out.metrics).toBe(event.metrics); // untouched parts are passed through, not rebuilt
    // The input is left as it was.
    expect(event.points.train.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('returns values without shared memory as they are', () => {
    const plain = { a: new Float64Array([1]), b: [1, 2, { c: 'd' }], e: null, f: 3 };
    expect(withoutSharedMemory(plain)).toBe(plain);
    expect(withoutSharedMemory('text')).toBe('text');
    expect(withoutSharedMemory(undefined)).toBe(undefined);
  });
});
