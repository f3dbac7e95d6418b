/**
 * exp and tanh written out in TypeScript so the JIT can inline them into the activation loops.
 * V8's Math.tanh costs ~11 ns and Math.exp ~7 ns a call (out-of-line C calls); these cost
 * ~4-5 ns (fastExp) and ~3-4 ns (fastTanh) and stay within 2 units in the last place of the
 * exact values (test/engine/fast-math.test.ts sweeps them against Math.exp and Math.tanh, which
 * are themselves up to ~2 ulp off). The hidden layers of a small network spend much of a step
 * here, so this is part of what makes the seed's runs faster than numpy's vectorised ones.
 *
 * Inlining matters more than the arithmetic: called out of line, either function costs ~10 ns,
 * because the call itself and the boxing of its double result into a heap number dominate. V8
 * inlines a function only while the caller's total inlined bytecode stays under a budget (~920
 * bytes), so keep loops that call these small, one call site per loop where possible.
 */

/** 256 / ln 2: x * INV_LN2_256 is x in units of ln2 / 256. */
const INV_LN2_256 = 369.3299304675746;
/**
 * ln 2 / 256 split as fdlibm splits ln 2: a high part whose low 21 bits are zero (so k * LN2_256_HI
 * is exact for |k| < 2^21, and |k| < 2^19 here) and the rest.
 */
const LN2_256_HI = 6.93147180369123816490e-1 / 256;
const LN2_256_LO = 1.90821492927058770002e-10 / 256;
/** Adding then subtracting 1.5 * 2^52 rounds a double to the nearest integer. */
const ROUND = 6755399441055744.0;
/** 2^(j/256) for j = 0 ... 255 (2 KB: stays in L1 cache). */
const POW2_FRAC = new Float64Array(256);
for (let j = 0; j < 256; j++) POW2_FRAC[j] = 2 ** (j / 256);
/** 2^m for m = -1074 ... 1023 at POW2_INT[m + 1074]. */
const POW2_INT = new Float64Array(1074 + 1024);
for (let m = -1074; m <= 1023; m++) POW2_INT[m + 1074] = 2 ** m;

/** 2^-64: scales a normal number into the subnormal range with a single rounding. */
const TWO_M64 = 2 ** -64;

/**
 * e^x: x = (256 m + j) ln2/256 + r with |r| <= ln2/512, so e^x = 2^m 2^(j/256) e^r, with
 * e^r - 1 by its Taylor series to r^4 (truncation below 4e-17 relative). Within 1.5 ulp of the
 * exact value for normal results, within 1 unit of 2^-1074 for subnormal ones
 * (test/engine/fast-math.test.ts). The two rare branches (results above 2^1023 or below
 * 2^-1021) are taken only for |x| > 708.
 */
export function fastExp(x: number): number {
  if (!(x <= 709.782712893384)) return x > 0 ? Infinity : x; // overflow; NaN passes through
  if (x < -745.1332191019412) return 0; // e^x < 2^-1075 rounds to 0
  const k = x * INV_LN2_256 + ROUND - ROUND;
  const r = x - k * LN2_256_HI - k * LN2_256_LO;
  const ki = k | 0;
  const m = ki >> 8;
  // e^r - 1, so that 2^(j/256) e^r = T + T q adds a small correction to the tabulated T.
  const q = r * (1 + r * (0.5 + r * (1.6666666666666666e-1 + r * 4.1666666666666664e-2)));
  const T = POW2_FRAC[ki & 255];
  const v = T + T * q;
  if (m > 1023) return v * POW2_INT[1023 + 1074] * 2;
  // Subnormal results: scale by 2^(m + 64), still normal, then by 2^-64 (2^m itself may be below
  // the smallest subnormal, 2^-1074, for m = -1075).
  if (m < -1021) return v * POW2_INT[m + 64 + 1074] * TWO_M64;
  return v * POW2_INT[m + 1074];
}

/** tanh is tabulated at the multiples of 1 / TANH_STEPS ... */
const TANH_STEPS = 64;
/** ... up to TANH_LIMIT, past which tanh(x) rounds to +-1 (it does from x = 19.06). */
const TANH_LIMIT = 19.5;
/** Table entries on each side of zero: TANH_LIMIT * TANH_STEPS. */
const TANH_K = 1248;
/**
 * TANH_TABLE[2 (K + k)] = tanh(k / 64) and TANH_TABLE[2 (K + k) + 1] = 1 - tanh^2(k / 64) (the
 * derivative, sech^2), both correctly rounded, for k = -K ... K; the entry for k = 0 is -0 so that
 * tanh(-0) = -0 (adding -0 leaves every value unchanged, +0 included). Pairs sit side by side, so
 * a lookup usually touches one cache line; the 40 KB table is read only near the inputs seen.
 */
const TANH_TABLE = buildTanhTable();

/**
 * The table, exactly: with E = e^(k/32) = e^(2a) in 128-bit fixed point (BigInt),
 * tanh a = (E - 1) / (E + 1) and sech^2 a = 4E / (E + 1)^2, each rounded once to a double by the
 * BigInt-to-Number conversion (round to nearest). Takes ~2 ms, once per thread.
 */
function buildTanhTable(): Float64Array {
  const table = new Float64Array(2 * (2 * TANH_K + 1));
  const F = 128n;
  const one = 1n << F;
  const scale = 2 ** -128;
  // e^(1/32) = sum over n of (1/32)^n / n!, each term truncated to 128 fractional bits.
  let e1 = one;
  for (let n = 1n, term = one; term > 0n; n++) {
    term /= 32n * n;
    e1 += term;
  }
  table[2 * TANH_K] = -0;
  table[2 * TANH_K + 1] = 1;
  let E = one;
  for (let k = 1; k <= TANH_K; k++) {
    E = (E * e1) >> F;
    const den = E + one;
    const t = Number(((E - one) << F) / den) * scale;
    const s = Number((E << (2n * F + 2n)) / (den * den)) * scale;
    table[2 * (TANH_K + k)] = t;
    table[2 * (TANH_K + k) + 1] = s;
    table[2 * (TANH_K - k)] = -t;
    table[2 * (TANH_K - k) + 1] = s;
  }
  return table;
}

/** Taylor coefficients of tanh d = d + d^3 C3 + d^5 C5 + d^7 C7 (+ O(d^9), below 2^-60 here). */
const C3 = -1 / 3;
const C5 = 2 / 15;
const C7 = -17 / 315;

/**
 * tanh(x) by table and addition theorem: x = a + d with a = k/64 the nearest table point and
 * |d| <= 1/128, then tanh(a + d) = T + S t / (1 + T t) with T = tanh a, S = 1 - T^2 from the
 * table and t = tanh d from its Taylor series. The correction is small next to T, so its
 * rounding barely shows: within 2 ulp of the exact value (test/engine/fast-math.test.ts). No
 * exp and no data-dependent branches: 1.5-2x faster than the Cephes split it replaces (a rational
 * function for |x| <= 0.625, 1 - 2 / (e^2|x| + 1) beyond), whose branches mispredict on
 * mixed-sign activations.
 */
export function fastTanh(x: number): number {
  const c = x > TANH_LIMIT ? TANH_LIMIT : x < -TANH_LIMIT ? -TANH_LIMIT : x; // NaN stays NaN
  const k = c * TANH_STEPS + ROUND - ROUND; // nearest integer; NaN -> NaN, read as 0 below
  const d = c - k * (1 / TANH_STEPS); // exact
  const u = d * d;
  const t = d * (1 + u * (C3 + u * (C5 + u * C7))); // d * (...) keeps the sign of -0
  const i = 2 * ((k | 0) + TANH_K);
  const T = TANH_TABLE[i];
  return T + (TANH_TABLE[i + 1] * t) / (1 + T * t);
}

/**
 * The constants and tables of fastExp and fastTanh, for their WebAssembly twins
 * (shared/engine/wasm/wat-math.ts), which copy the tables into their memory and must compute with
 * exactly these values to give the same bits.
 */
export const FAST_MATH = {
  INV_LN2_256, LN2_256_HI, LN2_256_LO, ROUND, TWO_M64,
  EXP_C3: 1.6666666666666666e-1, EXP_C4: 4.1666666666666664e-2,
  TANH_STEPS, TANH_LIMIT, TANH_K, C3, C5, C7,
  /** 2^(j/256), j = 0 ... 255. */
  POW2_FRAC,
  /** 2^m at [m + 1074], m = -1074 ... 1023. */
  POW2_INT,
  /** tanh and sech^2 of k/64 side by side, k = -TANH_K ... TANH_K. */
  TANH_TABLE,
} as const;
