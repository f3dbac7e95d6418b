/**
 * fastExp, fastTanh and the logistic sigmoid built on fastExp, against (1) exact values computed
 * here in BigInt fixed point and rounded once to a double, (2) V8's Math.exp and Math.tanh over
 * wide sweeps, and (3) the special values: NaN, +-Infinity, -0, and the edges where exp overflows
 * or underflows into subnormals and tanh saturates to +-1. Errors are counted in units in the
 * last place: the number of doubles between two values.
 */
import { describe, expect, it } from 'vitest';
import { logistic } from '../../shared/engine/activations';
import { fastExp, fastTanh } from '../../shared/engine/fast-math';
import { Rng } from '../../shared/engine/rng';

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The double's bits as an integer that orders like the doubles do (-0 and +0 both map to 0). */
function ordinal(x: number): bigint {
  f64[0] = x;
  const b = i64[0];
  return b < 0n ? -(b & 0x7fffffffffffffffn) : b;
}

/** How many doubles apart a and b are (0 when equal, including -0 and +0). */
function ulps(a: number, b: number): number {
  const d = ordinal(a) - ordinal(b);
  return Number(d < 0n ? -d : d);
}

/** The next double above x. */
function nextUp(x: number): number {
  if (x === 0) return 5e-324;
  f64[0] = x;
  i64[0] += x > 0 ? 1n : -1n;
  return f64[0];
}

// ---- exact reference: e^x for x a multiple of 2^-40, in fixed point with 1200 fraction bits ----

const FRAC = 1200n;
const ONE = 1n << FRAC;
const X_BITS = 40;
/** BASE[b] = e^(2^(b - 40)) in fixed point: e^(2^-40) by its series, then by squaring. */
const BASE: bigint[] = (() => {
  let term = ONE, sum = ONE;
  for (let n = 1n; term > 0n; n++) {
    term = (term >> BigInt(X_BITS)) / n;
    sum += term;
  }
  const base = [sum];
  for (let b = 1; b < 53; b++) base.push((base[b - 1] * base[b - 1]) >> FRAC);
  return base;
})();

/** x rounded to a multiple of 2^-40 (exact for |x| < 2^12), so the reference can use it. */
function onGrid(x: number): number {
  return Math.round(x * 2 ** X_BITS) / 2 ** X_BITS;
}

/** e^|x| in fixed point, x on the grid. */
function expFixed(x: number): bigint {
  let nBits = BigInt(Math.abs(x) * 2 ** X_BITS);
  let e = ONE;
  for (let b = 0; nBits > 0n; b++, nBits >>= 1n) if (nBits & 1n) e = (e * BASE[b]) >> FRAC;
  return e;
}

/** A positive fixed-point value rounded once to the nearest double (normal range only). */
function toDouble(v: bigint): number {
  const bits = v.toString(2).length;
  const shift = bits - 64;
  let top = shift > 0 ? v >> BigInt(shift) : v << BigInt(-shift);
  if (shift > 0 && (v & ((1n << BigInt(shift)) - 1n)) !== 0n) top |= 1n; // sticky bit: ties stay honest
  const e = bits - Number(FRAC);
  const h = Math.trunc(e / 2);
  return Number(top) * 2 ** -64 * 2 ** h * 2 ** (e - h); // exact scaling by 2^e in two halves
}

const exactExp = (x: number): number => (x >= 0 ? toDouble(expFixed(x)) : toDouble((ONE * ONE) / expFixed(x)));
const exactTanh = (x: number): number => {
  const e = expFixed(2 * x); // e^(2|x|)
  const t = toDouble(((e - ONE) << FRAC) / (e + ONE));
  return x < 0 ? -t : t;
};
const exactLogistic = (x: number): number => {
  const e = expFixed(x); // e^|x|
  return toDouble(x >= 0 ? (e << FRAC) / (e + ONE) : (ONE << FRAC) / (e + ONE));
};

/** The largest distance in ulps between f and the reference over xs, and where. */
function worst(xs: readonly number[], f: (x: number) => number, ref: (x: number) => number): { ulps: number; at: number } {
  let w = { ulps: 0, at: NaN };
  for (const x of xs) {
    const d = ulps(f(x), ref(x));
    if (d > w.ulps) w = { ulps: d, at: x };
  }
  return w;
}

function uniform(rng: Rng, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => rng.uniformIn(lo, hi));
}

describe('fast math against exact values', () => {
  const rng = new Rng(2024);
  it('the exact reference itself agrees with Math.exp and Math.tanh to 1 ulp', () => {
    const xs = [...uniform(rng, 200, -700, 700), ...uniform(rng, 200, -2, 2)].map(onGrid);
    expect(worst(xs, Math.exp, exactExp).ulps).toBeLessThanOrEqual(1);
    expect(worst(xs.filter((x) => Math.abs(x) < 19), Math.tanh, exactTanh).ulps).toBeLessThanOrEqual(2);
  });

  it('fastExp is within 1 ulp of the correctly rounded e^x on normal results', () => {
    const xs = [...uniform(rng, 1500, -708, 709), ...uniform(rng, 1500, -1, 1), ...uniform(rng, 500, -0.02, 0.02)].map(onGrid);
    expect(worst(xs, fastExp, exactExp).ulps).toBeLessThanOrEqual(1);
  });

  it('fastTanh is within 2 ulp of the correctly rounded tanh x', () => {
    const around = Array.from({ length: 400 }, (_, i) => (i - 200) / 64 + rng.uniformIn(-1 / 100, 1 / 100)); // near table points
    const xs = [...uniform(rng, 1500, -20, 20), ...uniform(rng, 1500, -1, 1), ...uniform(rng, 500, -0.03, 0.03), ...around]
      .map(onGrid).filter((x) => x !== 0);
    expect(worst(xs, fastTanh, exactTanh).ulps).toBeLessThanOrEqual(2);
  });

  it('logistic (1 / (1 + fastExp(-a))) is within 3 ulp of the correctly rounded sigmoid in both tails', () => {
    const xs = [...uniform(rng, 1000, -700, 700), ...uniform(rng, 1500, -40, 40)].map(onGrid);
    expect(worst(xs, logistic, exactLogistic).ulps).toBeLessThanOrEqual(3);
  });
});

describe('fast math against V8 over wide sweeps', () => {
  const rng = new Rng(7);
  it('fastExp is within 2 ulp of Math.exp from -708 to 709, and near 0', () => {
    const xs = [...uniform(rng, 200000, -708, 709), ...uniform(rng, 100000, -1, 1), ...uniform(rng, 50000, -1e-6, 1e-6)];
    expect(worst(xs, fastExp, Math.exp).ulps).toBeLessThanOrEqual(2);
  });

  it('fastExp is within one subnormal step (2^-1074) of Math.exp where e^x is subnormal', () => {
    for (const x of uniform(rng, 50000, -745.13, -708.4)) {
      expect(Math.abs(fastExp(x) - Math.exp(x))).toBeLessThanOrEqual(Math.max(5e-324, 2 * Math.exp(x) * 2 ** -52));
    }
  });

  it('fastTanh is within 3 ulp of Math.tanh (itself up to ~2 ulp off) and exactly odd', () => {
    const xs = [...uniform(rng, 200000, -25, 25), ...uniform(rng, 100000, -1, 1), ...uniform(rng, 50000, -1e-3, 1e-3)];
    expect(worst(xs, fastTanh, Math.tanh).ulps).toBeLessThanOrEqual(3);
    for (const x of xs) if (!Object.is(fastTanh(-x), -fastTanh(x))) throw new Error(`fastTanh(-${x}) != -fastTanh(${x})`);
  });
});

describe('fast math special values', () => {
  it('fastExp: NaN, +-Infinity, +-0', () => {
    expect(fastExp(NaN)).toBeNaN();
    expect(fastExp(Infinity)).toBe(Infinity);
    expect(fastExp(-Infinity)).toBe(0);
    expect(fastExp(0)).toBe(1);
    expect(fastExp(-0)).toBe(1);
    expect(fastExp(1e-300)).toBe(1);
  });

  it('fastExp overflows exactly where Math.exp does', () => {
    const last = 709.782712893384; // the largest x with a finite e^x
    expect(fastExp(last)).toBe(Math.exp(last));
    expect(Number.isFinite(fastExp(last))).toBe(true);
    expect(fastExp(nextUp(last))).toBe(Infinity);
    expect(Math.exp(nextUp(last))).toBe(Infinity);
    expect(fastExp(710)).toBe(Infinity);
    expect(fastExp(1e308)).toBe(Infinity);
  });

  it('fastExp underflows through the subnormals to 0 where Math.exp does', () => {
    for (const x of [-708.3964185322641, -708.4, -720, -740, -744.44, -745, -745.1332191019411, -745.1332191019412, -746, -1e308]) {
      expect(fastExp(x), `fastExp(${x})`).toBe(Math.exp(x));
    }
    expect(fastExp(-745.1332191019411)).toBe(5e-324); // the smallest subnormal
    expect(fastExp(-745.1332191019412)).toBe(0);
  });

  it('fastTanh: NaN, +-Infinity, +-0 (sign kept), subnormals, saturation to +-1', () => {
    expect(fastTanh(NaN)).toBeNaN();
    expect(fastTanh(Infinity)).toBe(1);
    expect(fastTanh(-Infinity)).toBe(-1);
    expect(Object.is(fastTanh(0), 0)).toBe(true);
    expect(Object.is(fastTanh(-0), -0)).toBe(true);
    for (const x of [5e-324, -5e-324, 1e-310, 1e-300, -1e-200, 1e-20, 2 ** -28]) expect(fastTanh(x)).toBe(x); // tanh x rounds to x
    for (const x of [19.0625, 19.5, 20, 22, 1e3, Number.MAX_VALUE]) {
      expect(fastTanh(x)).toBe(1);
      expect(fastTanh(-x)).toBe(-1);
    }
    for (const x of uniform(new Rng(3), 1000, -1e3, 1e3)) expect(Math.abs(fastTanh(x))).toBeLessThanOrEqual(1);
  });

  it('logistic: NaN, +-Infinity, 1/2 at 0, exact 0 and 1 far out in the tails', () => {
    expect(logistic(NaN)).toBeNaN();
    expect(logistic(Infinity)).toBe(1);
    expect(logistic(-Infinity)).toBe(0);
    expect(logistic(0)).toBe(0.5);
    expect(logistic(-0)).toBe(0.5);
    expect(logistic(40)).toBe(1);
    expect(logistic(-800)).toBe(0);
    expect(ulps(logistic(-700), Math.exp(-700))).toBeLessThanOrEqual(2); // sigma(a) ~ e^a in the left tail
  });
});
