import { describe, expect, it } from 'vitest';
import { handOver } from '../../../shared/worker-protocol';
import { withoutSharedMemory } from '../../../src-main/ipc/own-memory';

/** Every typed array reachable from `v` with the kind of memory it sits on. */
function arrays(v: unknown, out: { path: string; shared: boolean }[] = [], path = ''): { path: string; shared: boolean }[] {
  if (ArrayBuffer.isView(v)) out.push({ path, shared: v.buffer instanceof SharedArrayBuffer });
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) arrays(x, out, `${path}.${k}`);
  return out;
}

describe('handOver', () => {
  it('copies into shared memory, bit for bit', () => {
    const src = new Float64Array([1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 5e-324]);
    const out = handOver(src);
    expect(out.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(out).not.toBe(src);
    expect(Array.from(new Uint8Array(out.buffer))).toEqual(Array.from(new Uint8Array(src.buffer)));
    src[0] = 99; // the copy does not follow the sender's array
    expect(out[0]).toBe(1.5);
  });
});

describe('withoutSharedMemory', () => {
  it('copies typed arrays on shared memory to own memory, keeping their values and type', () => {
    const event = {
      type: 'run-progress',
      runId: 'r1',
      points: { steps: handOver([0, 1, 2]), train: handOver([0.5, 0.25, 0.125]), validationSteps: handOver([]), validation: handOver([]) },
      metrics: { step: 3, train: { E: 1, EPerSample: 0.1 } },
      list: [handOver([1, 2]), 'x'],
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
