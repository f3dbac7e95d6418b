/**
 * The data as the window receives it (shared/data/plot-sample.ts): small parts whole, large
 * parts as an even sample of the right rows, and every column's min, max and mean over all rows
 * of all parts, against plain array reductions.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../shared/data/dataset';
import { finish } from '../../shared/data/dataset';
import { columnStatsSliced, samplePart, sampleRows } from '../../shared/data/plot-sample';
import { Rng } from '../../shared/engine/rng';

function data(n: number, d: number, seed: number): Dataset {
  const rng = new Rng(seed);
  return {
    n, inputNames: Array.from({ length: d }, (_, j) => `x${j}`), targetNames: ['a', 'b'],
    inputs: Float64Array.from({ length: n * d }, () => rng.normal() * 3 + 1),
    targets: Float64Array.from({ length: n * 2 }, (_, i) => (i % 2 === (Math.floor(i / 2) % 3 === 0 ? 0 : 1) ? 1 : 0)),
  };
}

describe('the window’s sample of the data', () => {
  it('sends a small part as it is, without a copy', () => {
    const d = data(300, 3, 1);
    const s = samplePart(d, 2000);
    expect(s).toMatchObject({ n: 300, total: 300 });
    expect(s.inputs).toBe(d.inputs);
  });

  it('samples a large part evenly: row floor(i * total / max), inputs and targets together', () => {
    const d = data(10_000, 4, 2);
    const s = samplePart(d, 2000);
    expect(s).toMatchObject({ n: 2000, total: 10_000 });
    const rows = sampleRows(10_000, 2000);
    expect(rows[1]).toBe(5);
    for (const i of [0, 1, 777, 1999]) {
      const r = rows[i];
      expect(Array.from(s.inputs.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(d.inputs.subarray(r * 4, r * 4 + 4)));
      expect(Array.from(s.targets.subarray(i * 2, i * 2 + 2))).toEqual(Array.from(d.targets.subarray(r * 2, r * 2 + 2)));
    }
    // Negative control: a sample of the first 2,000 rows would not reach the end of the part.
    expect(rows[1999]).toBeGreaterThan(9_990);
  });

  it('computes each column’s min, max and mean over every row of every part', () => {
    const parts = [data(3000, 3, 3), data(500, 3, 4), data(0, 3, 5)];
    const st = finish(columnStatsSliced(parts, 'inputs'));
    for (let j = 0; j < 3; j++) {
      const col = parts.flatMap((p) => Array.from({ length: p.n }, (_, r) => p.inputs[r * 3 + j]));
      expect(st.min[j]).toBe(Math.min(...col));
      expect(st.max[j]).toBe(Math.max(...col));
      expect(st.mean[j]).toBeCloseTo(col.reduce((a, b) => a + b, 0) / col.length, 12);
    }
    // One-hot targets: mean times rows is the class count.
    const t = finish(columnStatsSliced(parts, 'targets'));
    const ones = parts.reduce((s, p) => s + Array.from({ length: p.n }, (_, r) => p.targets[r * 2]).filter((v) => v === 1).length, 0);
    expect(Math.round(t.mean[0] * 3500)).toBe(ones);
  });

  it('negative control: statistics over the sample alone miss the extremes of the whole part', () => {
    const d = data(10_000, 2, 6);
    const whole = finish(columnStatsSliced([d], 'inputs'));
    const s = samplePart(d, 200);
    const sampled = finish(columnStatsSliced([{ ...d, n: s.n, inputs: s.inputs, targets: s.targets }], 'inputs'));
    expect(sampled.max[0]).toBeLessThan(whole.max[0]);
  });
});
