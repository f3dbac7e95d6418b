import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../shared/wire';

describe('wire encoding', () => {
  it('carries typed arrays bit for bit, with NaN, -0 and infinities, nested anywhere', () => {
    const f = Float64Array.of(1 / 3, -0, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE);
    const value = { a: f, nested: [{ b: Int32Array.of(1, -2, 3) }, Uint8Array.of(255, 0)], s: 'text', n: 4, empty: new Float64Array(0) };
    const back = decodeMessage(encodeMessage(value)) as typeof value;
    expect(back.a).toBeInstanceOf(Float64Array);
    const bits = (x: Float64Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length * 2));
    expect(bits(back.a)).toEqual(bits(f));
    expect(Object.is(back.a[1], -0)).toBe(true);
    expect(Array.from((back.nested[0] as { b: Int32Array }).b)).toEqual([1, -2, 3]);
    expect(back.nested[1]).toBeInstanceOf(Uint8Array);
    expect(back.s).toBe('text');
    expect(back.empty.length).toBe(0);
  });

  it('handles subarray views (only the view crosses)', () => {
    const big = Float64Array.from({ length: 10 }, (_, i) => i);
    const back = decodeMessage(encodeMessage({ v: big.subarray(3, 6) })) as { v: Float64Array };
    expect(Array.from(back.v)).toEqual([3, 4, 5]);
  });

  it('refuses truncated or lying frames instead of reading past them', () => {
    const frame = encodeMessage({ v: Float64Array.of(1, 2, 3) });
    expect(() => decodeMessage(frame.subarray(0, frame.length - 8))).toThrow(/exceed the frame/);
    expect(() => decodeMessage(Uint8Array.of(1, 2))).toThrow(/too short/);
    const lying = Uint8Array.from(frame);
    new DataView(lying.buffer).setUint32(0, 1e6, true);
    expect(() => decodeMessage(lying)).toThrow(/length field exceeds/);
  });

  it('negative control: plain JSON loses a Float64Array (which is why this encoding exists)', () => {
    const viaJson = JSON.parse(JSON.stringify({ v: Float64Array.of(1, 2) }));
    expect(viaJson.v).not.toBeInstanceOf(Float64Array);
  });
});
