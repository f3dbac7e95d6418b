/**
 * A cost curve in bounded memory: every point while short; past the bound, the min/max envelope
 * of equal buckets of raw points, with the first and last points exact, whatever the length.
 */
import { describe, expect, it } from 'vitest';
import { CostCurveLog } from '../../shared/cost-curve-log';
import { DecimatedSeries, type SeriesPoints } from '../../shared/decimated-series';
import { Rng } from '../../shared/engine/rng';

/** A noisy falling curve with rare spikes and dips, n points at x = 0, 1, 2, ... */
function curve(n: number, seed = 1): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const y = Float64Array.from({ length: n }, (_, i) => 1 / (1 + i / 100) + 0.01 * rng.normal() + (rng.uniform() < 0.001 ? (rng.uniform() < 0.5 ? 5 : -5) : 0));
  return { x, y };
}

/** Each aligned block of `w` raw points has its lowest and its highest y among the points kept. */
function envelopeHeld(raw: { x: Float64Array; y: Float64Array }, kept: SeriesPoints, w: number): string | null {
  const at = new Map<number, number>();
  kept.x.forEach((x, i) => at.set(x, kept.y[i]));
  for (let b = 0; b < raw.x.length; b += w) {
    let lo = b;
    let hi = b;
    for (let i = b; i < Math.min(raw.x.length, b + w); i++) {
      if (raw.y[i] < raw.y[lo]) lo = i;
      if (raw.y[i] > raw.y[hi]) hi = i;
    }
    if (at.get(raw.x[lo]) !== raw.y[lo]) return `the low of block ${b / w} (x = ${raw.x[lo]}) is missing`;
    if (at.get(raw.x[hi]) !== raw.y[hi]) return `the high of block ${b / w} (x = ${raw.x[hi]}) is missing`;
  }
  return null;
}

describe('a decimated series', () => {
  it('keeps every point while there are few, and ignores repeated x (a stored curve, then overlapping events)', () => {
    const s = new DecimatedSeries(64);
    const c = curve(50);
    s.append(c.x, c.y);
    s.append(c.x.subarray(40), c.y.subarray(40));
    const p = s.points();
    expect(Array.from(p.x)).toEqual(Array.from(c.x));
    expect(Array.from(p.y)).toEqual(Array.from(c.y));
    expect(s.count).toBe(50);
  });

  for (const n of [65, 1000, 100_000, 1_000_003]) {
    it(`${n} points in at most 64 + 2: x increasing, first and last exact, every bucket's min and max kept`, () => {
      const s = new DecimatedSeries(64);
      const c = curve(n, n);
      s.append(c.x, c.y);
      const p = s.points();
      expect(p.x.length).toBeLessThanOrEqual(66);
      for (let i = 1; i < p.x.length; i++) expect(p.x[i]).toBeGreaterThan(p.x[i - 1]);
      expect([p.x[0], p.y[0]]).toEqual([c.x[0], c.y[0]]);
      expect([p.x.at(-1), p.y.at(-1)]).toEqual([c.x[n - 1], c.y[n - 1]]);
      expect(envelopeHeld(c, p, s.bucketWidth)).toBeNull();
      expect(p.y.reduce((a, b) => Math.max(a, b))).toBe(c.y.reduce((a, b) => Math.max(a, b)));
      expect(p.y.reduce((a, b) => Math.min(a, b))).toBe(c.y.reduce((a, b) => Math.min(a, b)));
    });
  }

  it('gives the same points appended at once or in pieces of any size', () => {
    const c = curve(30_000, 5);
    const whole = new DecimatedSeries(128);
    whole.append(c.x, c.y);
    const pieces = new DecimatedSeries(128);
    for (let i = 0; i < c.x.length; i += 777) pieces.append(c.x.subarray(i, i + 777), c.y.subarray(i, i + 777));
    expect(pieces.points()).toEqual(whole.points());
  });

  it('negative control: keeping every k-th point instead loses a spike, and the check says so', () => {
    const c = curve(100_000, 7);
    const s = new DecimatedSeries(64);
    s.append(c.x, c.y);
    const k = Math.ceil(c.x.length / 64);
    const strided = { x: c.x.filter((_, i) => i % k === 0), y: c.y.filter((_, i) => i % k === 0) };
    expect(envelopeHeld(c, strided, s.bucketWidth)).not.toBeNull();
  });

  it("knows the lowest y appended (the cost chart's log scale needs every E/N above 0), and forgets it when cleared", () => {
    const c = curve(20_000, 9);
    const s = new DecimatedSeries(64);
    s.append(c.x, c.y);
    expect(s.minY).toBe(Math.min(...c.y));
    expect(Math.min(...s.points().y)).toBe(s.minY);
    s.clear();
    expect(s.minY).toBe(Number.POSITIVE_INFINITY);
    s.push(0, -0.5);
    expect(s.minY).toBe(-0.5);
  });
});

describe('a cost curve log', () => {
  it("keeps an evidence run's every re-estimation exactly beside the bounded E/N, and returns them with the curve", () => {
    const log = new CostCurveLog(16);
    const ev = (from: number) => {
      const steps = Float64Array.from({ length: 3 }, (_, i) => from + 100 * i);
      return { steps, alpha: steps.map((s) => 1 / (1 + s)), beta: steps.map(() => 1), gamma: steps.map((s) => s / 100), logEvidence: steps.map((s) => -s) };
    };
    const steps = Float64Array.from({ length: 300 }, (_, i) => i + 1);
    log.append({ steps, train: steps.map((s) => 1 / s), validationSteps: new Float64Array(0), validation: new Float64Array(0), evidence: ev(0) });
    log.append({ steps: new Float64Array(0), train: new Float64Array(0), validationSteps: new Float64Array(0), validation: new Float64Array(0), evidence: ev(300) });
    expect(Array.from(log.evidence!.steps)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(Array.from(log.curve().evidence!.gamma)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(log.curve().steps.length).toBeLessThanOrEqual(18);
    log.clear();
    expect(log.evidence).toBeNull();
    expect(log.curve().evidence).toBeUndefined();
  });
});
