/**
 * previewJson, the spec's way of quoting a bad value in a message: the same text as
 * JSON.stringify (the independent reference) cut to its length, for ordinary values; and for a
 * value nested far deeper than the stack, which JSON.parse accepts and JSON.stringify cannot
 * print, still a short preview, so a deeply nested spec gets a message naming its field instead
 * of "Maximum call stack size exceeded".
 */
import { describe, expect, it } from 'vitest';
import { previewJson } from '../../shared/json-preview';
import { parseSpec, SpecError } from '../../shared/spec';

/** The old rule, on JSON.stringify: the reference for values it can print. */
const reference = (v: unknown, max = 40) => {
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
};

describe('previewJson', () => {
  it('writes what JSON.stringify writes, cut to the length', () => {
    const values: unknown[] = [0, -1.5, 'text', '"quoted"\n', true, null, [], {}, [1, [2, [3]]], { a: 1, b: [true, null], c: { d: 'e' } },
      Array.from({ length: 100 }, (_, i) => i), { long: 'x'.repeat(500) }, 'y'.repeat(39), 'y'.repeat(38), [undefined, 1], { skip: undefined, keep: 1 }];
    for (const v of values) for (const max of [40, 10, 200]) expect(previewJson(v, max), JSON.stringify(v)).toBe(reference(v, max));
  });

  it('previews a value nested a million levels deep, which JSON.stringify cannot', () => {
    const depth = 1_000_000;
    const deep = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;
    // The negative control: this is the input that overflowed the stack.
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(previewJson(deep)).toBe(`${'['.repeat(37)}...`);
    const objects = JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) as unknown;
    expect(previewJson(objects, 20)).toBe('{"a":{"a":{"a":{"...');
  });

  it('a deeply nested spec is refused naming its field, not with a stack overflow', () => {
    const depth = 200_000;
    const units = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;
    const spec = { format: 'mlp-lab-spec', version: 1, data: { builtin: 'xor-quadrants' }, network: { hidden: [{ units }], output: { cost: 'sigmoid-cross-entropy' } } };
    expect(() => parseSpec(spec)).toThrow(SpecError);
    expect(() => parseSpec(spec)).toThrow(/^network\.hidden\[0\]\.units must be a whole number >= 1, got \[\[\[\[/);
    expect(() => parseSpec(units)).toThrow(/^must be a JSON object, got \[\[\[/);
  });
});
