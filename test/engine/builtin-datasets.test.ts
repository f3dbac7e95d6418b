/**
 * The built-in datasets (shared/data/builtin.ts): shapes, labels and statistics of every
 * generator, seeded reproducibility, exact curves at noise 0, the seed post's data unchanged,
 * and the spec's `noise` / `classes` fields.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_NAMES, BUILTINS, blobCentre, builtinInfo, generateBuiltin } from '../../shared/data/builtin';
import { Rng } from '../../shared/engine/rng';
import { createLab } from '../../shared/lab';
import { parseSpec, SpecError } from '../../shared/spec';

const row = (x: Float64Array, i: number): [number, number] => [x[2 * i], x[2 * i + 1]];
const radius = (x: Float64Array, i: number) => Math.hypot(...row(x, i));
const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

describe('every built-in dataset', () => {
  it.each(BUILTIN_NAMES)('%s has n rows of its inputs and one target column, and the same seed gives the same data', (name) => {
    const info = builtinInfo(name);
    const d = generateBuiltin(name, 101, 7);
    expect(d.n).toBe(101);
    expect(d.inputNames).toHaveLength(info.inputs);
    expect(d.inputs).toHaveLength(101 * info.inputs);
    expect(d.targets).toHaveLength(101);
    expect(d.inputs.every(Number.isFinite) && d.targets.every(Number.isFinite)).toBe(true);
    expect(generateBuiltin(name, 101, 7)).toEqual(d);
    const other = generateBuiltin(name, 101, 8);
    expect([other.inputs, other.targets]).not.toEqual([d.inputs, d.targets]);
  });

  it.each(BUILTIN_NAMES)('%s trains with the cost its gallery entry names (targets fit the cost)', (name) => {
    const info = builtinInfo(name);
    const spec = parseSpec({ format: 'mlp-lab-spec', version: 1, data: { builtin: name, n: 60 }, network: { hidden: [{ units: 3 }], output: { cost: info.cost } } });
    const lab = createLab(spec, generateBuiltin(name, 60, 1, spec.data as { noise: number }));
    expect(lab.net.outputs).toBe(info.task === 'multiclass' ? (info.classes?.default ?? 0) : 1);
  });

  it('lists a title, description, origin and noise meaning for each name, in the order of BUILTIN_NAMES', () => {
    expect(BUILTINS.map((b) => b.name)).toEqual([...BUILTIN_NAMES]);
    for (const b of BUILTINS) {
      expect(b.title && b.description && b.origin && b.noise.meaning).toBeTruthy();
      expect(b.noise.default).toBeLessThanOrEqual(b.noise.max);
    }
  });
});

describe('the seed post\'s datasets', () => {
  it('xor-quadrants at its default noise (0) is drawn exactly as before: uniform pairs, label x1 x2 > 0', () => {
    const d = generateBuiltin('xor-quadrants', 50, 3);
    const rng = Rng.derive(3, 'data');
    for (let i = 0; i < 50; i++) {
      const x1 = rng.uniformIn(-1, 1);
      const x2 = rng.uniformIn(-1, 1);
      expect(row(d.inputs, i)).toEqual([x1, x2]);
      expect(d.targets[i]).toBe(x1 * x2 > 0 ? 1 : 0);
    }
  });

  it('sine-regression at its default noise (0.1) is drawn exactly as before: all x first, then U(-0.1, 0.1)', () => {
    const d = generateBuiltin('sine-regression', 40, 2);
    const rng = Rng.derive(2, 'data');
    const xs = Array.from({ length: 40 }, () => rng.uniform());
    expect(Array.from(d.inputs)).toEqual(xs);
    for (let i = 0; i < 40; i++) expect(d.targets[i]).toBe(xs[i] + 0.3 * Math.sin(2 * Math.PI * xs[i]) + rng.uniformIn(-0.1, 0.1));
  });

  it('xor-quadrants with noise jitters the inputs after labelling: some points end across an axis', () => {
    const noisy = generateBuiltin('xor-quadrants', 400, 5, { noise: 0.2 });
    let flipped = 0;
    for (let i = 0; i < 400; i++) {
      const [a, b] = row(noisy.inputs, i);
      if ((a * b > 0 ? 1 : 0) !== noisy.targets[i]) flipped++;
    }
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(120);
    expect(generateBuiltin('sine-regression', 30, 1, { noise: 0 }).targets.every((t, i, all) => t === all[i])).toBe(true);
  });
});

describe('circle', () => {
  it('labels follow the radius rule r < 0.5 exactly at noise 0, with equal classes, inside r < 0.4 and on the ring 0.6..1', () => {
    const d = generateBuiltin('circle', 1000, 4, { noise: 0 });
    for (let i = 0; i < d.n; i++) {
      const r = radius(d.inputs, i);
      expect(d.targets[i]).toBe(r < 0.5 ? 1 : 0);
      if (d.targets[i] === 1) expect(r).toBeLessThan(0.4);
      else expect(r > 0.6 && r <= 1).toBe(true);
    }
    expect(mean(d.targets)).toBe(0.5);
  });

  it('noise is Gaussian jitter: some points cross the radius 0.5, and the cloud is centred on the origin', () => {
    const d = generateBuiltin('circle', 2000, 4, { noise: 0.15 });
    let crossed = 0;
    for (let i = 0; i < d.n; i++) if ((radius(d.inputs, i) < 0.5 ? 1 : 0) !== d.targets[i]) crossed++;
    expect(crossed).toBeGreaterThan(20);
    expect(Math.abs(mean(d.inputs.filter((_, j) => j % 2 === 0)))).toBeLessThan(0.05);
  });
});

describe('spiral', () => {
  it('at noise 0 every point lies on its arm: angle = 3 pi s + arm pi where r = 0.1 + 0.9 s', () => {
    const d = generateBuiltin('spiral', 600, 9, { noise: 0 });
    for (let i = 0; i < d.n; i++) {
      const [x, y] = row(d.inputs, i);
      const s = (Math.hypot(x, y) - 0.1) / 0.9;
      expect(s).toBeGreaterThanOrEqual(-1e-12);
      expect(s).toBeLessThanOrEqual(1 + 1e-12);
      const expected = 3 * Math.PI * s + d.targets[i] * Math.PI;
      const diff = Math.atan2(y, x) - expected;
      // Equal angles modulo 2 pi.
      expect(Math.abs(Math.atan2(Math.sin(diff), Math.cos(diff)))).toBeLessThan(1e-9);
    }
    expect(mean(d.targets)).toBe(0.5);
  });
});

describe('Gaussian blobs', () => {
  it('k balanced classes 0..k-1; each class mean is near its centre on the unit circle and its std near the noise', () => {
    const k = 4;
    const d = generateBuiltin('blobs', 4000, 11, { classes: k, noise: 0.3 });
    expect(d.targetNames).toEqual(['class']);
    for (let c = 0; c < k; c++) {
      const idx = Array.from({ length: d.n }, (_, i) => i).filter((i) => d.targets[i] === c);
      expect(idx).toHaveLength(1000);
      const [cx, cy] = blobCentre(c, k);
      const xs = idx.map((i) => d.inputs[2 * i]);
      const ys = idx.map((i) => d.inputs[2 * i + 1]);
      expect(Math.abs(mean(xs) - cx)).toBeLessThan(0.05);
      expect(Math.abs(mean(ys) - cy)).toBeLessThan(0.05);
      const std = Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
      expect(Math.abs(std - 0.3)).toBeLessThan(0.03);
    }
  });

  it('at noise 0 every point is its class centre; the default is 3 classes', () => {
    const d = generateBuiltin('blobs', 30, 1, { noise: 0 });
    expect(new Set(d.targets)).toEqual(new Set([0, 1, 2]));
    for (let i = 0; i < d.n; i++) expect(row(d.inputs, i)).toEqual(blobCentre(d.targets[i], 3));
  });
});

describe('two moons', () => {
  it('at noise 0 the upper moon (label 0) is the unit half circle and the lower (label 1) the half circle about (1, 0.5)', () => {
    const d = generateBuiltin('two-moons', 500, 6, { noise: 0 });
    for (let i = 0; i < d.n; i++) {
      const [x, y] = row(d.inputs, i);
      if (d.targets[i] === 0) {
        expect(Math.hypot(x, y)).toBeCloseTo(1, 12);
        expect(y).toBeGreaterThanOrEqual(0);
      } else {
        expect(Math.hypot(x - 1, y - 0.5)).toBeCloseTo(1, 12);
        expect(y).toBeLessThanOrEqual(0.5);
      }
    }
    expect(mean(d.targets)).toBe(0.5);
  });
});

describe('sine curve (PRML figure 1.2)', () => {
  it('x is spaced evenly over [0, 1]; at noise 0, t = sin(2 pi x) exactly', () => {
    const d = generateBuiltin('sine-curve', 10, 1, { noise: 0 });
    expect(Array.from(d.inputs)).toEqual(Array.from({ length: 10 }, (_, i) => i / 9));
    expect(Array.from(d.targets)).toEqual(Array.from(d.inputs, (x) => Math.sin(2 * Math.PI * x)));
  });

  it('the residuals t - sin(2 pi x) have mean near 0 and std near the noise', () => {
    const d = generateBuiltin('sine-curve', 5000, 3, { noise: 0.3 });
    const res = Array.from(d.targets, (t, i) => t - Math.sin(2 * Math.PI * d.inputs[i]));
    expect(Math.abs(mean(res))).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(mean(res.map((r) => r * r))) - 0.3)).toBeLessThan(0.02);
  });
});

describe('the spec\'s built-in data section', () => {
  const spec = (data: object) => parseSpec({ format: 'mlp-lab-spec', version: 1, data, network: { output: { cost: 'sigmoid-cross-entropy' } } });

  it('fills n and noise from the dataset\'s defaults, and classes for blobs only', () => {
    expect(spec({ builtin: 'xor-quadrants' }).data).toEqual({ builtin: 'xor-quadrants', n: 1000, noise: 0, split: { validation: 0, test: 0 } });
    expect(spec({ builtin: 'sine-curve' }).data).toMatchObject({ n: 10, noise: 0.3 });
    expect(spec({ builtin: 'blobs', noise: 0.5 }).data).toMatchObject({ n: 600, noise: 0.5, classes: 3 });
  });

  it('refuses a negative noise, classes outside 2..10, and classes on a dataset without them, naming the field', () => {
    expect(() => spec({ builtin: 'circle', noise: -0.1 })).toThrow(/data\.noise must be 0 or more, got -0\.1/);
    expect(() => spec({ builtin: 'blobs', classes: 1 })).toThrow(/data\.classes must be a whole number >= 2/);
    expect(() => spec({ builtin: 'blobs', classes: 11 })).toThrow(/data\.classes must be at most 10/);
    expect(() => spec({ builtin: 'spiral', classes: 3 })).toThrow(SpecError);
    expect(() => spec({ builtin: 'moons' })).toThrow(/data\.builtin must be one of .*two-moons/);
  });
});
