/**
 * WebAssembly twins of the engine's elementwise math, in float64: fastExp, fastTanh and the
 * logistic sigmoid (shared/engine/fast-math.ts, activations.ts), the activations' forward and
 * backward passes over buffers, the canonical costs' output deltas, the bias gradient's column
 * sums, and the gradient-descent update.
 *
 * Each is the same formula as its TypeScript twin, operation for operation, with the same
 * constants (taken from fast-math.ts's FAST_MATH and written as exact hexadecimal floats) and the
 * same tables (copied into the module's memory by `set_tables`), so both give the same bits on
 * every input (test/engine/wasm-math.test.ts sweeps millions of points, with +-0, subnormals,
 * +-700, NaN and +-Infinity). Vectors (f64x2) only ever hold independent elements: no sum is
 * reordered (the column sums run down the rows in order, two columns per vector).
 *
 * tanh runs two lanes at a time: clamp, round to the table point, Taylor series of the rest, then
 * both table pairs (tanh, sech^2) are fetched with one 16-byte load per lane. exp runs two lanes
 * at a time when both lie in [-707, 709] (no overflow, no subnormal result), else lane by lane
 * through the scalar twin with fastExp's edge branches.
 */
import { FAST_MATH as M } from '../fast-math';
import { add, forLoop, get, i32, ifElse, set, shl } from './wat';
import { type Const, Hoisted, inline } from './wat-pool';

/** A double as an exact WebAssembly float literal: hexadecimal, or inf / -inf. */
export function hexFloat(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0x0p+0' : '0x0p+0';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isNaN(v)) throw new RangeError('no literal for NaN');
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const sign = hi >>> 31 ? '-' : '';
  const exp = (hi >>> 20) & 0x7ff;
  const mant = ((BigInt(hi & 0xfffff) << 32n) | BigInt(lo)).toString(16).padStart(13, '0');
  if (exp === 0) return `${sign}0x0.${mant}p-1022`;
  return `${sign}0x1.${mant}p${exp - 1023}`;
}

const f = (v: number): string => `(f64.const ${hexFloat(v)})`;
const v2 = (v: number): string => `(v128.const f64x2 ${hexFloat(v)} ${hexFloat(v)})`;
const F = (op: string, ...args: string[]): string => `(f64.${op} ${args.join(' ')})`;
const V = (op: string, ...args: string[]): string => `(f64x2.${op} ${args.join(' ')})`;

/** Activation ids, as the network descriptor stores them (ACTIVATION_NAMES order). */
export const ACT_ID = { linear: 0, sigmoid: 1, tanh: 2, relu: 3 } as const;
/** Cost ids the fused gradient supports (the mixture density cost stays in TypeScript). */
export const COST_ID = { 'sum-of-squares': 0, 'sigmoid-cross-entropy': 1, 'softmax-cross-entropy': 2 } as const;

/** fastExp, scalar: every branch of the TypeScript function, in its order. */
function expScalar(): string {
  return `
  (func $exp (param $x f64) (result f64)
    (local $k f64) (local $r f64) (local $ki i32) (local $m i32) (local $q f64) (local $T f64) (local $v f64)
    (if (i32.eqz (f64.le ${get('x')} ${f(709.782712893384)}))
      (then (return (select ${f(Infinity)} ${get('x')} (f64.gt ${get('x')} ${f(0)})))))
    (if (f64.lt ${get('x')} ${f(-745.1332191019412)}) (then (return ${f(0)})))
    ${set('k', F('sub', F('add', F('mul', get('x'), f(M.INV_LN2_256)), f(M.ROUND)), f(M.ROUND)))}
    ${set('r', F('sub', F('sub', get('x'), F('mul', get('k'), f(M.LN2_256_HI))), F('mul', get('k'), f(M.LN2_256_LO))))}
    ${set('ki', `(i32.trunc_f64_s ${get('k')})`)}
    ${set('m', `(i32.shr_s ${get('ki')} ${i32(8)})`)}
    ${set('q', F('mul', get('r'), F('add', f(1), F('mul', get('r'), F('add', f(0.5), F('mul', get('r'), F('add', f(M.EXP_C3), F('mul', get('r'), f(M.EXP_C4)))))))))}
    ${set('T', `(f64.load ${add('(global.get $pow2frac)', shl(`(i32.and ${get('ki')} ${i32(255)})`, 3))})`)}
    ${set('v', F('add', get('T'), F('mul', get('T'), get('q'))))}
    (if (i32.gt_s ${get('m')} ${i32(1023)})
      (then (return ${F('mul', F('mul', get('v'), `(f64.load ${add('(global.get $pow2int)', i32((1023 + 1074) * 8))})`), f(2))})))
    (if (i32.lt_s ${get('m')} ${i32(-1021)})
      (then (return ${F('mul', F('mul', get('v'), `(f64.load ${add('(global.get $pow2int)', shl(add(get('m'), i32(64 + 1074)), 3))})`), f(M.TWO_M64))})))
    ${F('mul', get('v'), `(f64.load ${add('(global.get $pow2int)', shl(add(get('m'), i32(1074)), 3))})`)})`;
}

/** Locals the inline two-lane exp needs in its host function. */
export const EXP2_LOCALS = ['e_x', 'e_k', 'e_r', 'e_ki', 'e_m', 'e_j', 'e_q', 'e_T', 'e_v', 'e_P'].map((l) => `(local $${l} v128)`).join(' ');

/**
 * fastExp on two lanes, as an expression (written inline: V8 does not inline WebAssembly calls,
 * and a call per pair cost more than the arithmetic): the main path when both lanes are in
 * [-707, 709], else the scalar twin per lane. The host declares EXP2_LOCALS.
 */
export function exp2(x: string, konst: Const = inline): string {
  return `(block (result v128)
    ${set('e_x', x)}
    (if (result v128) (i32.and (i64x2.all_true ${V('ge', get('e_x'), konst(v2(-707)))}) (i64x2.all_true ${V('le', get('e_x'), konst(v2(709)))}))
      (then
        ${set('e_k', V('sub', V('add', V('mul', get('e_x'), konst(v2(M.INV_LN2_256))), konst(v2(M.ROUND))), konst(v2(M.ROUND))))}
        ${set('e_r', V('sub', V('sub', get('e_x'), V('mul', get('e_k'), konst(v2(M.LN2_256_HI)))), V('mul', get('e_k'), konst(v2(M.LN2_256_LO)))))}
        ${set('e_ki', `(i32x4.trunc_sat_f64x2_s_zero ${get('e_k')})`)}
        ${set('e_m', `(i32x4.add (i32x4.shr_s ${get('e_ki')} ${i32(8)}) ${konst('(v128.const i32x4 1074 1074 1074 1074)')})`)}
        ${set('e_j', `(v128.and ${get('e_ki')} ${konst('(v128.const i32x4 255 255 255 255)')})`)}
        ${set('e_q', V('mul', get('e_r'), V('add', konst(v2(1)), V('mul', get('e_r'), V('add', konst(v2(0.5)), V('mul', get('e_r'), V('add', konst(v2(M.EXP_C3)), V('mul', get('e_r'), konst(v2(M.EXP_C4))))))))))}
        ${set('e_T', `(f64x2.replace_lane 1 (f64x2.splat (f64.load ${add('(global.get $pow2frac)', shl(`(i32x4.extract_lane 0 ${get('e_j')})`, 3))})) (f64.load ${add('(global.get $pow2frac)', shl(`(i32x4.extract_lane 1 ${get('e_j')})`, 3))}))`)}
        ${set('e_v', V('add', get('e_T'), V('mul', get('e_T'), get('e_q'))))}
        ${set('e_P', `(f64x2.replace_lane 1 (f64x2.splat (f64.load ${add('(global.get $pow2int)', shl(`(i32x4.extract_lane 0 ${get('e_m')})`, 3))})) (f64.load ${add('(global.get $pow2int)', shl(`(i32x4.extract_lane 1 ${get('e_m')})`, 3))}))`)}
        ${V('mul', get('e_v'), get('e_P'))})
      (else (f64x2.replace_lane 1 (f64x2.splat (call $exp (f64x2.extract_lane 0 ${get('e_x')}))) (call $exp (f64x2.extract_lane 1 ${get('e_x')}))))))`;
}

/** fastTanh, scalar. */
function tanhScalar(): string {
  const L = M.TANH_LIMIT;
  const step = 1 / M.TANH_STEPS;
  const scalar = `
  (func $tanh (param $x f64) (result f64)
    (local $c f64) (local $k f64) (local $d f64) (local $u f64) (local $t f64) (local $p i32) (local $T f64)
    ${set('c', `(select ${f(L)} (select ${f(-L)} ${get('x')} (f64.lt ${get('x')} ${f(-L)})) (f64.gt ${get('x')} ${f(L)}))`)}
    ${set('k', F('sub', F('add', F('mul', get('c'), f(M.TANH_STEPS)), f(M.ROUND)), f(M.ROUND)))}
    ${set('d', F('sub', get('c'), F('mul', get('k'), f(step))))}
    ${set('u', F('mul', get('d'), get('d')))}
    ${set('t', F('mul', get('d'), F('add', f(1), F('mul', get('u'), F('add', f(M.C3), F('mul', get('u'), F('add', f(M.C5), F('mul', get('u'), f(M.C7)))))))))}
    ${set('p', add('(global.get $tanhtab)', shl(add(`(i32.trunc_sat_f64_s ${get('k')})`, i32(M.TANH_K)), 4)))}
    ${set('T', `(f64.load ${get('p')})`)}
    ${F('add', get('T'), F('div', F('mul', `(f64.load offset=8 ${get('p')})`, get('t')), F('add', f(1), F('mul', get('T'), get('t')))))})`;
  return scalar;
}

/** Locals the inline two-lane tanh needs in its host function. */
export const TANH2_LOCALS = ['t_x', 't_c', 't_kb', 't_k', 't_d', 't_u', 't_t', 't_i', 't_T', 't_S'].map((l) => `(local $${l} v128)`).join(' ');

/**
 * fastTanh on two lanes, as an expression: clamp, round to the table point, Taylor series of the
 * rest, both lanes' (tanh, sech^2) pairs fetched with one 16-byte load each. The host declares
 * TANH2_LOCALS.
 */
export function tanh2(x: string, konst: Const = inline): string {
  const L = M.TANH_LIMIT;
  // The rest, from the clamped value in t_c; `clampIndex` for lanes that may be NaN.
  const core = (clampIndex: boolean): string => {
    const idx = `(i32x4.add ${get('t_kb')} ${konst(`(v128.const i32x4 ${M.TANH_K} 0 ${M.TANH_K} 0)`)})`;
    return `
    ${set('t_kb', V('add', V('mul', get('t_c'), konst(v2(M.TANH_STEPS))), konst(v2(M.ROUND))))}
    ${set('t_k', V('sub', get('t_kb'), konst(v2(M.ROUND))))}
    ${set('t_d', V('sub', get('t_c'), V('mul', get('t_k'), konst(v2(1 / M.TANH_STEPS)))))}
    ${set('t_u', V('mul', get('t_d'), get('t_d')))}
    ${set('t_t', V('mul', get('t_d'), V('add', konst(v2(1)), V('mul', get('t_u'), V('add', konst(v2(M.C3)), V('mul', get('t_u'), V('add', konst(v2(M.C5)), V('mul', get('t_u'), konst(v2(M.C7))))))))))}
    ;; The table index k sits in the low 32 bits of k + 1.5 * 2^52 (i32 lanes 0 and 2), exactly
    ;; the integer JavaScript's k | 0 gives${clampIndex ? '; clamped to the table so a NaN\'s payload cannot point outside it (a NaN lane gives NaN whatever it reads)' : ''}.
    ${set('t_i', `(i32x4.shl ${clampIndex ? `(i32x4.min_s (i32x4.max_s ${idx} (v128.const i32x4 0 0 0 0)) ${konst(`(v128.const i32x4 ${2 * M.TANH_K} 0 ${2 * M.TANH_K} 0)`)})` : idx} ${i32(3)})`)}
    ${set('t_T', `(v128.load64_lane 1 ${add('(global.get $tanhT)', `(i32x4.extract_lane 2 ${get('t_i')})`)} (v128.load64_splat ${add('(global.get $tanhT)', `(i32x4.extract_lane 0 ${get('t_i')})`)}))`)}
    ${set('t_S', `(v128.load64_lane 1 ${add('(global.get $tanhS)', `(i32x4.extract_lane 2 ${get('t_i')})`)} (v128.load64_splat ${add('(global.get $tanhS)', `(i32x4.extract_lane 0 ${get('t_i')})`)}))`)}
    ${V('add', get('t_T'), V('div', V('mul', get('t_S'), get('t_t')), V('add', konst(v2(1)), V('mul', get('t_T'), get('t_t')))))}`;
  };
  // Both lanes within +-TANH_LIMIT (the usual case; NaN is not): no clamping to do.
  return `(block (result v128)
    ${set('t_x', x)}
    (if (result v128) (i64x2.all_true ${V('le', V('abs', get('t_x')), konst(v2(L)))})
      (then
        ${set('t_c', get('t_x'))}
        ${core(false)})
      (else
        ${set('t_c', `(v128.bitselect ${konst(v2(L))} (v128.bitselect ${konst(v2(-L))} ${get('t_x')} ${V('lt', get('t_x'), konst(v2(-L)))}) ${V('gt', get('t_x'), konst(v2(L)))})`)}
        ${core(true)})))`;
}

/**
 * out[i] = fn(in[i]) for i < len over a buffer, two lanes at a time and the last one alone; the
 * loop every elementwise function below shares. `pair` and `one` map a v128 / f64 value; pair's
 * constants are loaded from the pool before the loop (wat-pool.ts).
 */
function mapBuffer(name: string, pair: (x: string, konst: Const) => string, one: (x: string) => string, exportIt = true): string {
  const h = new Hoisted();
  const pairText = pair(`(v128.load ${add(get('pIn'), shl(get('i'), 3))})`, h.konst);
  return `
  (func $${name} ${exportIt ? `(export "${name}")` : ''} (param $pIn i32) (param $pOut i32) (param $len i32)
    (local $i i32) (local $end i32) ${EXP2_LOCALS} ${TANH2_LOCALS} ${h.prologue()}
    ${set('end', `(i32.and ${get('len')} ${i32(-2)})`)}
    (block $done (loop $next
      (br_if $done (i32.ge_s ${get('i')} ${get('end')}))
      (v128.store ${add(get('pOut'), shl(get('i'), 3))} ${pairText})
      ${set('i', add(get('i'), i32(2)))}
      (br $next)))
    ${ifElse(`(i32.lt_s ${get('end')} ${get('len')})`,
      `(f64.store ${add(get('pOut'), shl(get('end'), 3))} ${one(`(f64.load ${add(get('pIn'), shl(get('end'), 3))})`)})`)})`;
}

/** 1 / (1 + q) on two lanes and on one: the logistic sigmoid of a, given q = fastExp(-a). */
const logisticOfQ2 = (q: string, konst: Const): string => V('div', konst(v2(1)), V('add', konst(v2(1)), q));
const logisticOfQ1 = (q: string): string => F('div', f(1), F('add', f(1), q));
/** The logistic sigmoid 1 / (1 + fastExp(-x)) on two lanes (constants through `konst`, as exp2's). */
export const logistic2 = (x: string, konst: Const = inline): string => logisticOfQ2(exp2(V('neg', x), konst), konst);
/** The same on one value. */
export const logistic1 = (x: string): string => logisticOfQ1(`(call $exp ${F('neg', x)})`);

/** delta h'(a) from z = h(a) for the activations with a derivative to apply, on two lanes and on one. */
const derivatives: { act: 'tanh' | 'sigmoid' | 'relu'; pair: (z: string, d: string) => string; one: (z: string, d: string) => string }[] = [
  { act: 'tanh', pair: (z, d) => V('mul', d, V('sub', v2(1), V('mul', z, z))), one: (z, d) => F('mul', d, F('sub', f(1), F('mul', z, z))) },
  { act: 'sigmoid', pair: (z, d) => V('mul', d, V('mul', z, V('sub', v2(1), z))), one: (z, d) => F('mul', d, F('mul', z, F('sub', f(1), z))) },
  { act: 'relu', pair: (z, d) => `(v128.bitselect ${d} ${v2(0)} ${V('gt', z, v2(0))})`, one: (z, d) => `(select ${d} ${f(0)} (f64.gt ${z} ${f(0)}))` },
];

/**
 * sum_rows's sums of columns j .. j + width - 1 down the m rows, each from 0 in row order (two
 * vectors, one, or a scalar), written or added to out, then on to the next columns.
 */
function sumColumns(width: 1 | 2 | 4): string {
  const vec = width > 1;
  const parts = width === 4 ? [{ s: 's', off: 0 }, { s: 't', off: 16 }] : [{ s: vec ? 's' : 's1', off: 0 }];
  const load = (addr: string, off: number): string => `(${vec ? 'v128' : 'f64'}.load offset=${off} ${addr})`;
  const store = (addr: string, value: string, off: number): string => `(${vec ? 'v128' : 'f64'}.store offset=${off} ${addr} ${value})`;
  const plus = (x: string, y: string): string => (vec ? V('add', x, y) : F('add', x, y));
  return `
      ${parts.map(({ s }) => set(s, vec ? v2(0) : f(0))).join(' ')}
      ${set('p', add(get('pA'), shl(get('j'), 3)))}
      ${forLoop('i', i32(0), get('m'), `
        ${parts.map(({ s, off }) => set(s, plus(get(s), load(get('p'), off)))).join(' ')}
        ${set('p', add(get('p'), get('rowBytes')))}`)}
      ${set('p', add(get('pOut'), shl(get('j'), 3)))}
      ${ifElse(get('acc'),
        parts.map(({ s, off }) => store(get('p'), plus(load(get('p'), off), get(s)), off)).join(' '),
        parts.map(({ s, off }) => store(get('p'), get(s), off)).join(' '))}
      ${set('j', add(get('j'), i32(width)))}
      (br $cols)`;
}

/**
 * The sigmoid cross-entropy's delta over len values: q = fastExp(-a) (to pQ unless 0), then
 * d = 1 / (1 + q) - t, two lanes at a time and the last one alone: logistic2 / logistic1 and the
 * subtraction, operation for operation, with q kept on the way. (It has its own loop rather than
 * mapBuffer's: two inputs and two outputs.)
 */
function sigmoidCeDelta(): string {
  const h = new Hoisted();
  const at = (p: string, i: string): string => add(get(p), shl(get(i), 3));
  const pair = `
      ${set('q', exp2(V('neg', `(v128.load ${at('pA', 'i')})`), h.konst))}
      (if ${get('pQ')} (then (v128.store ${at('pQ', 'i')} ${get('q')})))
      (v128.store ${at('pD', 'i')} ${V('sub', logisticOfQ2(get('q'), h.konst), `(v128.load ${at('pT', 'i')})`)})`;
  return `
  (func $sigmoid_ce_delta (param $pA i32) (param $pT i32) (param $pD i32) (param $pQ i32) (param $len i32)
    (local $i i32) (local $end i32) (local $q v128) (local $q1 f64) ${EXP2_LOCALS} ${h.prologue()}
    ${set('end', `(i32.and ${get('len')} ${i32(-2)})`)}
    (block $done (loop $next
      (br_if $done (i32.ge_s ${get('i')} ${get('end')}))
      ${pair}
      ${set('i', add(get('i'), i32(2)))}
      (br $next)))
    ${ifElse(`(i32.lt_s ${get('end')} ${get('len')})`, `
      ${set('q1', `(call $exp ${F('neg', `(f64.load ${at('pA', 'end')})`)})`)}
      (if ${get('pQ')} (then (f64.store ${at('pQ', 'end')} ${get('q1')})))
      (f64.store ${at('pD', 'end')} ${F('sub', logisticOfQ1(get('q1')), `(f64.load ${at('pT', 'end')})`)})`)})`;
}

/** The elementwise functions, the activations' passes and the costs' deltas. */
function buffers(): string {
  const relu2 = (x: string): string => `(v128.bitselect ${x} ${v2(0)} ${V('gt', x, v2(0))})`;
  const relu1 = (x: string): string => `(select ${x} ${f(0)} (f64.gt ${x} ${f(0)}))`;
  return [
    mapBuffer('exp_buf', exp2, (x) => `(call $exp ${x})`),
    mapBuffer('tanh_buf', tanh2, (x) => `(call $tanh ${x})`),
    mapBuffer('logistic_buf', logistic2, logistic1),
    mapBuffer('relu_buf', relu2, relu1, false),
  ].join('\n') + `
  ;; The activation called act (ACT_ID) over a buffer, in place: z = h(a).
  (func $act_apply (export "act_apply") (param $p i32) (param $len i32) (param $act i32)
    (if (i32.eq ${get('act')} ${i32(ACT_ID.sigmoid)}) (then (call $logistic_buf ${get('p')} ${get('p')} ${get('len')})))
    (if (i32.eq ${get('act')} ${i32(ACT_ID.tanh)}) (then (call $tanh_buf ${get('p')} ${get('p')} ${get('len')})))
    (if (i32.eq ${get('act')} ${i32(ACT_ID.relu)}) (then (call $relu_buf ${get('p')} ${get('p')} ${get('len')}))))

  ;; delta[i] *= h'(a[i]) through z[i] = h(a[i]), PRML (5.56): z (1 - z), 1 - z^2, or 0 where z <= 0.
  (func $act_backward (export "act_backward") (param $pZ i32) (param $pD i32) (param $len i32) (param $act i32)
    (local $i i32) (local $end i32) (local $zs f64) (local $a i32) (local $b i32)
    ${set('end', `(i32.and ${get('len')} ${i32(-2)})`)}
    ${derivatives.map(({ act, pair, one }) => `
    ;; One loop per activation: the test is made once, not per pair.
    (if (i32.eq ${get('act')} ${i32(ACT_ID[act])}) (then
      (block $${act}_done (loop $${act}_next
        (br_if $${act}_done (i32.ge_s ${get('i')} ${get('end')}))
        ${set('a', add(get('pZ'), shl(get('i'), 3)))}
        ${set('b', add(get('pD'), shl(get('i'), 3)))}
        (v128.store ${get('b')} ${pair(`(v128.load ${get('a')})`, `(v128.load ${get('b')})`)})
        ${set('i', add(get('i'), i32(2)))}
        (br $${act}_next)))
      ${ifElse(`(i32.lt_s ${get('end')} ${get('len')})`, `
        ${set('b', add(get('pD'), shl(get('end'), 3)))}
        ${set('zs', `(f64.load ${add(get('pZ'), shl(get('end'), 3))})`)}
        (f64.store ${get('b')} ${one(get('zs'), `(f64.load ${get('b')})`)})`)}))`).join('')})

  ;; dE/da = y - t for n rows of k logits (COST_ID): a - t; logistic(a) - t; softmax(a) - t with
  ;; the row maximum subtracted, the exponentials summed in column order, times 1 / sum. For the
  ;; sigmoid cross-entropy, q = fastExp(-a) also goes to pQ unless it is 0: the cost's E is
  ;; formed from the same q (costs.ts sigmoidCrossEntropyFromQ), which spares computing it again.
  (func $cost_delta (export "cost_delta") (param $pA i32) (param $pT i32) (param $pD i32) (param $n i32) (param $k i32) (param $cost i32) (param $pQ i32)
    (local $len i32) (local $i i32) (local $r i32) (local $j i32) (local $o i32) (local $max f64) (local $x f64) (local $sum f64) (local $inv f64) (local $end i32) ${EXP2_LOCALS}
    ${set('len', `(i32.mul ${get('n')} ${get('k')})`)}
    (if (i32.eq ${get('cost')} ${i32(COST_ID['sigmoid-cross-entropy'])}) (then (call $sigmoid_ce_delta ${get('pA')} ${get('pT')} ${get('pD')} ${get('pQ')} ${get('len')}) (return)))
    (if (i32.eq ${get('cost')} ${i32(COST_ID['softmax-cross-entropy'])}) (then
      ${forLoop('r', i32(0), get('n'), `
        ${set('o', shl(`(i32.mul ${get('r')} ${get('k')})`, 3))}
        ${set('max', f(-Infinity))}
        ${forLoop('j', i32(0), get('k'), `
          ${set('x', `(f64.load ${add(add(get('pA'), get('o')), shl(get('j'), 3))})`)}
          (if (f64.gt ${get('x')} ${get('max')}) (then ${set('max', get('x'))}))`)}
        ${set('end', `(i32.and ${get('k')} ${i32(-2)})`)}
        ${forLoop('j', i32(0), get('k'), `
          (if (i32.lt_s ${get('j')} ${get('end')})
            (then
              (v128.store ${add(add(get('pD'), get('o')), shl(get('j'), 3))} ${exp2(V('sub', `(v128.load ${add(add(get('pA'), get('o')), shl(get('j'), 3))})`, `(f64x2.splat ${get('max')})`))})
              ${set('j', add(get('j'), i32(1)))})
            (else
              (f64.store ${add(add(get('pD'), get('o')), shl(get('j'), 3))} (call $exp ${F('sub', `(f64.load ${add(add(get('pA'), get('o')), shl(get('j'), 3))})`, get('max'))}))))`)}
        ${set('sum', f(0))}
        ${forLoop('j', i32(0), get('k'), `${set('sum', F('add', get('sum'), `(f64.load ${add(add(get('pD'), get('o')), shl(get('j'), 3))})`))}`)}
        ${set('inv', F('div', f(1), get('sum')))}
        ${forLoop('j', i32(0), get('k'), `
          (f64.store ${add(add(get('pD'), get('o')), shl(get('j'), 3))} ${F('mul', `(f64.load ${add(add(get('pD'), get('o')), shl(get('j'), 3))})`, get('inv'))})`)}`)}))
    (if (i32.eq ${get('cost')} ${i32(COST_ID['sum-of-squares'])}) (then (call $sub_buf ${get('pA')} ${get('pT')} ${get('pD')} ${get('len')}) (return)))
    (call $sub_buf ${get('pD')} ${get('pT')} ${get('pD')} ${get('len')}))
${sigmoidCeDelta()}

  ;; out = a - b elementwise.
  (func $sub_buf (param $pA i32) (param $pB i32) (param $pOut i32) (param $len i32)
    (local $i i32)
    ${forLoop('i', i32(0), get('len'), `
      (if (i32.lt_s ${add(get('i'), i32(1))} ${get('len')})
        (then
          (v128.store ${add(get('pOut'), shl(get('i'), 3))} ${V('sub', `(v128.load ${add(get('pA'), shl(get('i'), 3))})`, `(v128.load ${add(get('pB'), shl(get('i'), 3))})`)})
          ${set('i', add(get('i'), i32(1)))})
        (else (f64.store ${add(get('pOut'), shl(get('i'), 3))} ${F('sub', `(f64.load ${add(get('pA'), shl(get('i'), 3))})`, `(f64.load ${add(get('pB'), shl(get('i'), 3))})`)})))`)})

  ;; out[j] (+)= sum over rows i of A[i n + j], each column summed down the rows in order from 0.
  (func $sum_rows (export "sum_rows") (param $m i32) (param $n i32) (param $pA i32) (param $pOut i32) (param $acc i32)
    (local $i i32) (local $j i32) (local $s v128) (local $t v128) (local $s1 f64) (local $p i32) (local $rowBytes i32)
    ${set('rowBytes', shl(get('n'), 3))}
    ;; Four columns at a time (two independent sums down the rows), then two, then one.
    (block $cols_done (loop $cols
      (br_if $cols_done (i32.ge_s ${get('j')} ${get('n')}))
      (if (i32.lt_s ${add(get('j'), i32(3))} ${get('n')}) (then ${sumColumns(4)}))
      (if (i32.lt_s ${add(get('j'), i32(1))} ${get('n')}) (then ${sumColumns(2)}))
      ${sumColumns(1)})))

  ;; The column sums of rows [s segRows, (s + 1) segRows) of A for each segment s, into lane
  ;; (s mod lanes): written over it for each lane's first segment (unless add0), added after (the
  ;; bias gradient's chunk-and-lane order, as gemm_f64_lanes for the weights).
  (func $sum_rows_lanes (export "sum_rows_lanes") (param $m i32) (param $n i32) (param $pA i32) (param $pLane0 i32) (param $pLane1 i32) (param $segRows i32) (param $lanes i32) (param $add0 i32)
    (local $seg i32) (local $p0 i32)
    (block $done (loop $next
      ${set('p0', `(i32.mul ${get('seg')} ${get('segRows')})`)}
      (br_if $done (i32.ge_s ${get('p0')} ${get('m')}))
      (call $sum_rows
        (select ${get('segRows')} (i32.sub ${get('m')} ${get('p0')}) (i32.le_s ${add(get('p0'), get('segRows'))} ${get('m')}))
        ${get('n')} ${add(get('pA'), shl(`(i32.mul ${get('p0')} ${get('n')})`, 3))}
        (select ${get('pLane1')} ${get('pLane0')} (i32.and (i32.eq ${get('lanes')} ${i32(2)}) (i32.and ${get('seg')} ${i32(1)})))
        (i32.or ${get('add0')} (i32.ge_s ${get('seg')} ${get('lanes')})))
      ${set('seg', add(get('seg'), i32(1)))}
      (br $next))))

  ;; Gradient descent, PRML (5.41): w = w - eta (a + b) over len values, b optional (pB = 0: the
  ;; gradient is a alone); with pKeep, each weight is first copied there (the trainer's fallback).
  (func $descend (export "descend") (param $pW i32) (param $pA i32) (param $pB i32) (param $eta f64) (param $len i32) (param $pKeep i32)
    (local $i i32) (local $o i32) (local $w v128) (local $g v128) (local $e v128) (local $ws f64) (local $gs f64)
    ${set('e', `(f64x2.splat ${get('eta')})`)}
    ${forLoop('i', i32(0), get('len'), `
      ${set('o', shl(get('i'), 3))}
      (if (i32.lt_s ${add(get('i'), i32(1))} ${get('len')})
        (then
          ${set('w', `(v128.load ${add(get('pW'), get('o'))})`)}
          ${set('g', `(v128.load ${add(get('pA'), get('o'))})`)}
          (if ${get('pB')} (then ${set('g', V('add', get('g'), `(v128.load ${add(get('pB'), get('o'))})`))}))
          (if ${get('pKeep')} (then (v128.store ${add(get('pKeep'), get('o'))} ${get('w')})))
          (v128.store ${add(get('pW'), get('o'))} ${V('sub', get('w'), V('mul', get('e'), get('g')))})
          ${set('i', add(get('i'), i32(1)))})
        (else
          ${set('ws', `(f64.load ${add(get('pW'), get('o'))})`)}
          ${set('gs', `(f64.load ${add(get('pA'), get('o'))})`)}
          (if ${get('pB')} (then ${set('gs', F('add', get('gs'), `(f64.load ${add(get('pB'), get('o'))})`))}))
          (if ${get('pKeep')} (then (f64.store ${add(get('pKeep'), get('o'))} ${get('ws')})))
          (f64.store ${add(get('pW'), get('o'))} ${F('sub', get('ws'), F('mul', get('eta'), get('gs')))})))`)})

  ;; out = a + b elementwise (joining the two lanes of a chunked gradient).
  (func $add_buf (export "add_buf") (param $pA i32) (param $pB i32) (param $pOut i32) (param $len i32)
    (local $i i32)
    ${forLoop('i', i32(0), get('len'), `
      (if (i32.lt_s ${add(get('i'), i32(1))} ${get('len')})
        (then
          (v128.store ${add(get('pOut'), shl(get('i'), 3))} ${V('add', `(v128.load ${add(get('pA'), shl(get('i'), 3))})`, `(v128.load ${add(get('pB'), shl(get('i'), 3))})`)})
          ${set('i', add(get('i'), i32(1)))})
        (else (f64.store ${add(get('pOut'), shl(get('i'), 3))} ${F('add', `(f64.load ${add(get('pA'), shl(get('i'), 3))})`, `(f64.load ${add(get('pB'), shl(get('i'), 3))})`)})))`)})`;
}

/** Globals holding the tables' addresses, and the export that sets them. */
function tables(): string {
  return `
  (global $tanhtab (mut i32) (i32.const 0))
  (global $tanhT (mut i32) (i32.const 0))
  (global $tanhS (mut i32) (i32.const 0))
  (global $pow2frac (mut i32) (i32.const 0))
  (global $pow2int (mut i32) (i32.const 0))
  ;; Where this instance finds fastTanh's and fastExp's tables in memory (copied there by JS).
  ;; tanh's values and sech^2 values also apart (T at tanhT, S at tanhS), for the two-lane tanh.
  (func (export "set_tables") (param $tanh i32) (param $frac i32) (param $int i32) (param $tT i32) (param $tS i32)
    (global.set $tanhtab ${get('tanh')}) (global.set $pow2frac ${get('frac')}) (global.set $pow2int ${get('int')})
    (global.set $tanhT ${get('tT')}) (global.set $tanhS ${get('tS')}))`;
}

/** All of the math above. */
export function mathWat(): string {
  return tables() + expScalar() + tanhScalar() + buffers();
}
