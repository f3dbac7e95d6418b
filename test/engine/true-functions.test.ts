/**
 * The generating functions of the one-input regression datasets (shared/data/true-functions.ts),
 * which the regression view draws as "true function": each agrees with numpy's evaluation of the
 * documented formula (test/fixtures/true-functions.json, from generate_true_functions.py), the
 * generators draw their noise-free targets with exactly these functions (one definition), and a
 * wrong formula is caught by the same comparison.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_NAMES, builtinInfo, generateBuiltin } from '../../shared/data/builtin';
import { heaviside, TRUE_FUNCTIONS, trueFunction, type TrueFunctionName } from '../../shared/data/true-functions';

interface Fixture {
  cases: Record<string, { x: number[]; f: number[] }>;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/true-functions.json', import.meta.url), 'utf8')) as Fixture;

/** Largest |f(x) - numpy's f(x)| over the fixture's points of `name`. */
function deviation(f: (x: number) => number, name: string): number {
  const { x, f: want } = fixture.cases[name];
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(f(x[i]) - want[i]));
  return worst;
}

/** numpy's sin and V8's may differ in the last bit; everything else is exact. */
const TOLERANCE = 4e-16;
const names = Object.keys(TRUE_FUNCTIONS) as TrueFunctionName[];

describe('the datasets\' generating functions', () => {
  it('has a numpy reference for every function, and no reference without a function', () => {
    expect(Object.keys(fixture.cases).sort()).toEqual([...names].sort());
  });

  it.each(names)('%s agrees with numpy\'s evaluation of its formula', (name) => {
    expect(deviation(TRUE_FUNCTIONS[name].f, name)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('pins the hand values: H(0) = 1 and H(-tiny) = 0 as figure 5.3 (d)\'s data has it, |x| and x² exact', () => {
    expect(heaviside(0)).toBe(1);
    expect(heaviside(-0)).toBe(1);
    expect(heaviside(-1e-300)).toBe(0);
    expect(TRUE_FUNCTIONS['prml-abs-x'].f(-0.75)).toBe(0.75);
    expect(TRUE_FUNCTIONS['prml-x-squared'].f(-0.5)).toBe(0.25);
    expect(TRUE_FUNCTIONS['sine-regression'].f(0.25)).toBeCloseTo(0.55, 15);
  });

  it('negative control: the comparison catches a wrong formula (the caption\'s sin(x), H(0) = 0, a missing 0.3)', () => {
    expect(deviation(Math.sin, 'prml-sin-pi-x')).toBeGreaterThan(0.1);
    expect(deviation((x) => (x > 0 ? 1 : 0), 'prml-heaviside')).toBe(1);
    expect(deviation((x) => x + Math.sin(2 * Math.PI * x), 'sine-regression')).toBeGreaterThan(0.5);
    expect(deviation((x) => x * x * (1 + 1e-12), 'prml-x-squared')).toBeGreaterThan(TOLERANCE);
  });

  it.each(names)('%s: the generator draws its noise-free targets with this very function', (name) => {
    const d = generateBuiltin(name, 200, 3, { noise: 0 });
    const f = TRUE_FUNCTIONS[name].f;
    for (let i = 0; i < d.n; i++) expect(d.targets[i]).toBe(f(d.inputs[i]));
  });

  it('is there for exactly the one-input regression datasets with a single-valued generator', () => {
    const withOne = BUILTIN_NAMES.filter((n) => trueFunction(n) !== null);
    expect(withOne.sort()).toEqual([...names].sort());
    for (const n of withOne) expect(builtinInfo(n)).toMatchObject({ task: 'regression', inputs: 1 });
    // The inverse problem of figure 5.19 has up to three t for one x: no function.
    expect(trueFunction('sine-regression-inverse')).toBeNull();
    expect(trueFunction('two-moons')).toBeNull();
    expect(trueFunction('toString')).toBeNull();
  });
});
