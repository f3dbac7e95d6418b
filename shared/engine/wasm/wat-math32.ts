/**
 * The float32 twins of wat-math.ts's elementwise functions, for networks trained with
 * `precision: "float32"`. Each is defined by one TypeScript formula with Math.fround
 * (shared/engine/float32-reference.ts) and computed here with the same roundings:
 *
 * - tanh and the logistic sigmoid: the float64 function (fastTanh, 1 / (1 + fastExp(-a))) of the
 *   float32 value, rounded once to float32: four lanes are widened to two f64x2 pairs, run
 *   through the float64 twins, and narrowed;
 * - relu, the activations' derivatives, the sum of squares' delta, the column sums and the
 *   gradient step: float32 arithmetic, one rounding per operation (f32x4);
 * - the sigmoid and softmax cross-entropy deltas: y - t in float64 from the float32 logits, rounded
 *   once (softmax: row maximum, exponentials and their sum in float64, as the float64 cost does).
 *
 * Float32 results of +, -, * computed in float64 and rounded once equal float32 arithmetic
 * (a double has more than twice float32's precision), which is why the TypeScript twin with
 * Math.fround gives the same bits.
 */
import { add, forLoop, get, i32, ifElse, set, shl } from './wat';
import { ACT_ID, COST_ID, EXP2_LOCALS, hexFloat, logistic1, logistic2, TANH2_LOCALS, tanh2 } from './wat-math';
import { type Const, Hoisted } from './wat-pool';

const V = (op: string, ...args: string[]): string => `(f32x4.${op} ${args.join(' ')})`;
const S = (op: string, ...args: string[]): string => `(f32.${op} ${args.join(' ')})`;
const v4 = (v: number): string => `(v128.const f32x4 ${v} ${v} ${v} ${v})`;
const f32 = (v: number): string => `(f32.const ${v})`;
const f64 = (v: number): string => `(f64.const ${hexFloat(v)})`;
const at = (base: string, i: string): string => add(get(base), shl(get(i), 2));

const HIGH_HALF = (v: string): string => `(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${v} ${v})`;

/**
 * Four float32 lanes through a float64 two-lane function and back, as an expression: `fn` gets
 * the widened pair of x (and of y, when given) for lanes 0-1, then for lanes 2-3.
 */
function viaF64(x: string, fn: (pair: string, other: string) => string, y = '(local.get $w_x)'): string {
  return `(block (result v128)
    (local.set $w_x ${x})
    (local.set $w_t ${y})
    (local.set $w_lo (f32x4.demote_f64x2_zero ${fn('(f64x2.promote_low_f32x4 (local.get $w_x))', '(f64x2.promote_low_f32x4 (local.get $w_t))')}))
    (local.set $w_hi (f32x4.demote_f64x2_zero ${fn(`(f64x2.promote_low_f32x4 ${HIGH_HALF('(local.get $w_x)')})`, `(f64x2.promote_low_f32x4 ${HIGH_HALF('(local.get $w_t)')})`)}))
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $w_lo) (local.get $w_hi)))`;
}
const VIA_LOCALS = '(local $w_x v128) (local $w_t v128) (local $w_lo v128) (local $w_hi v128)';

/**
 * out[i] = fn(in[i]) over len float32 values: four lanes at a time, the last one to three alone;
 * four's constants loaded from the pool before the loop (wat-pool.ts).
 */
function map32(name: string, four: (x: string, konst: Const) => string, one: (x: string) => string, exportIt = true): string {
  const h = new Hoisted();
  const fourText = four(`(v128.load ${at('pIn', 'i')})`, h.konst);
  return `
  (func $${name} ${exportIt ? `(export "${name}")` : ''} (param $pIn i32) (param $pOut i32) (param $len i32)
    (local $i i32) (local $end i32) ${EXP2_LOCALS} ${TANH2_LOCALS} ${VIA_LOCALS} ${h.prologue()}
    ${set('end', `(i32.and ${get('len')} ${i32(-4)})`)}
    (block $done (loop $next
      (br_if $done (i32.ge_s ${get('i')} ${get('end')}))
      (v128.store ${at('pOut', 'i')} ${fourText})
      ${set('i', add(get('i'), i32(4)))}
      (br $next)))
    (block $tail_done (loop $tail
      (br_if $tail_done (i32.ge_s ${get('i')} ${get('len')}))
      (f32.store ${at('pOut', 'i')} ${one(`(f32.load ${at('pIn', 'i')})`)})
      ${set('i', add(get('i'), i32(1)))}
      (br $tail))))`;
}

/** The float32 functions. */
export function math32Wat(): string {
  const tanh4 = (x: string, konst: Const): string => viaF64(x, (p) => tanh2(p, konst));
  const tanh1 = (x: string): string => `(f32.demote_f64 (call $tanh (f64.promote_f32 ${x})))`;
  const logistic4 = (x: string, konst: Const): string => viaF64(x, (p) => logistic2(p, konst));
  const logistic1f = (x: string): string => `(f32.demote_f64 ${logistic1(`(f64.promote_f32 ${x})`)})`;
  const relu4 = (x: string): string => `(v128.bitselect ${x} ${v4(0)} ${V('gt', x, v4(0))})`;
  const relu1 = (x: string): string => `(select ${x} ${f32(0)} (f32.gt ${x} ${f32(0)}))`;
  const laneOf = (k: string): string => `(select ${get('pLane1')} ${get('pLane0')} (i32.and (i32.eq ${get('lanes')} ${i32(2)}) (i32.and ${k} ${i32(1)})))`;
  return [
    map32('tanh_buf_f32', tanh4, tanh1),
    map32('logistic_buf_f32', logistic4, logistic1f),
    map32('relu_buf_f32', relu4, relu1, false),
  ].join('\n') + `
  ;; The activation called act (ACT_ID) over a float32 buffer, in place.
  (func $act_apply_f32 (export "act_apply_f32") (param $p i32) (param $len i32) (param $act i32)
    (if (i32.eq ${get('act')} ${i32(ACT_ID.sigmoid)}) (then (call $logistic_buf_f32 ${get('p')} ${get('p')} ${get('len')})))
    (if (i32.eq ${get('act')} ${i32(ACT_ID.tanh)}) (then (call $tanh_buf_f32 ${get('p')} ${get('p')} ${get('len')})))
    (if (i32.eq ${get('act')} ${i32(ACT_ID.relu)}) (then (call $relu_buf_f32 ${get('p')} ${get('p')} ${get('len')}))))

  ;; delta[i] *= h'(a[i]) through z[i], in float32: z (1 - z), 1 - z^2, or 0 where z <= 0.
  (func $act_backward_f32 (export "act_backward_f32") (param $pZ i32) (param $pD i32) (param $len i32) (param $act i32)
    (local $i i32) (local $z v128) (local $d v128) (local $zs f32) (local $a i32) (local $b i32)
    (if (i32.eq ${get('act')} ${i32(ACT_ID.linear)}) (then (return)))
    ${forLoop('i', i32(0), get('len'), `
      ${set('a', at('pZ', 'i'))}
      ${set('b', at('pD', 'i'))}
      (if (i32.le_s ${add(get('i'), i32(4))} ${get('len')})
        (then
          ${set('z', `(v128.load ${get('a')})`)}
          ${set('d', `(v128.load ${get('b')})`)}
          (if (i32.eq ${get('act')} ${i32(ACT_ID.tanh)}) (then (v128.store ${get('b')} ${V('mul', get('d'), V('sub', v4(1), V('mul', get('z'), get('z'))))})))
          (if (i32.eq ${get('act')} ${i32(ACT_ID.sigmoid)}) (then (v128.store ${get('b')} ${V('mul', get('d'), V('mul', get('z'), V('sub', v4(1), get('z'))))})))
          (if (i32.eq ${get('act')} ${i32(ACT_ID.relu)}) (then (v128.store ${get('b')} (v128.bitselect ${get('d')} ${v4(0)} ${V('gt', get('z'), v4(0))}))))
          ${set('i', add(get('i'), i32(3)))})
        (else
          ${set('zs', `(f32.load ${get('a')})`)}
          (if (i32.eq ${get('act')} ${i32(ACT_ID.tanh)}) (then (f32.store ${get('b')} ${S('mul', `(f32.load ${get('b')})`, S('sub', f32(1), S('mul', get('zs'), get('zs'))))})))
          (if (i32.eq ${get('act')} ${i32(ACT_ID.sigmoid)}) (then (f32.store ${get('b')} ${S('mul', `(f32.load ${get('b')})`, S('mul', get('zs'), S('sub', f32(1), get('zs'))))})))
          (if (i32.eq ${get('act')} ${i32(ACT_ID.relu)}) (then (f32.store ${get('b')} (select (f32.load ${get('b')}) ${f32(0)} (f32.gt ${get('zs')} ${f32(0)})))))))`)})

  ;; The output deltas y - t (COST_ID) for n rows of k float32 logits, into float32.
  (func $cost_delta_f32 (export "cost_delta_f32") (param $pA i32) (param $pT i32) (param $pD i32) (param $n i32) (param $k i32) (param $cost i32)
    (local $len i32) (local $i i32) (local $r i32) (local $j i32) (local $o i32) (local $max f64) (local $x f64) (local $sum f64) (local $inv f64)
    ${EXP2_LOCALS} ${TANH2_LOCALS} ${VIA_LOCALS}
    ${set('len', `(i32.mul ${get('n')} ${get('k')})`)}
    (if (i32.eq ${get('cost')} ${i32(COST_ID['sum-of-squares'])}) (then
      ${forLoop('i', i32(0), get('len'), `
        (if (i32.le_s ${add(get('i'), i32(4))} ${get('len')})
          (then
            (v128.store ${at('pD', 'i')} ${V('sub', `(v128.load ${at('pA', 'i')})`, `(v128.load ${at('pT', 'i')})`)})
            ${set('i', add(get('i'), i32(3)))})
          (else (f32.store ${at('pD', 'i')} ${S('sub', `(f32.load ${at('pA', 'i')})`, `(f32.load ${at('pT', 'i')})`)})))`)}
      (return)))
    (if (i32.eq ${get('cost')} ${i32(COST_ID['sigmoid-cross-entropy'])}) (then
      ${forLoop('i', i32(0), get('len'), `
        (if (i32.le_s ${add(get('i'), i32(4))} ${get('len')})
          (then
            (v128.store ${at('pD', 'i')} ${viaF64(`(v128.load ${at('pA', 'i')})`, (a, t) => `(f64x2.sub ${logistic2(a)} ${t})`, `(v128.load ${at('pT', 'i')})`)})
            ${set('i', add(get('i'), i32(3)))})
          (else (f32.store ${at('pD', 'i')} (f32.demote_f64 (f64.sub ${logistic1(`(f64.promote_f32 (f32.load ${at('pA', 'i')}))`)} (f64.promote_f32 (f32.load ${at('pT', 'i')})))))))`)}
      (return)))
    ;; Softmax: per row, the maximum, the exponentials' sum in column order, then each delta.
    ${forLoop('r', i32(0), get('n'), `
      ${set('o', shl(`(i32.mul ${get('r')} ${get('k')})`, 2))}
      ${set('max', f64(-Infinity))}
      ${forLoop('j', i32(0), get('k'), `
        ${set('x', `(f64.promote_f32 (f32.load ${add(add(get('pA'), get('o')), shl(get('j'), 2))}))`)}
        (if (f64.gt ${get('x')} ${get('max')}) (then ${set('max', get('x'))}))`)}
      ${set('sum', f64(0))}
      ${forLoop('j', i32(0), get('k'), `
        ${set('sum', `(f64.add ${get('sum')} (call $exp (f64.sub (f64.promote_f32 (f32.load ${add(add(get('pA'), get('o')), shl(get('j'), 2))})) ${get('max')})))`)}`)}
      ${set('inv', `(f64.div ${f64(1)} ${get('sum')})`)}
      ${forLoop('j', i32(0), get('k'), `
        (f32.store ${add(add(get('pD'), get('o')), shl(get('j'), 2))}
          (f32.demote_f64 (f64.sub
            (f64.mul (call $exp (f64.sub (f64.promote_f32 (f32.load ${add(add(get('pA'), get('o')), shl(get('j'), 2))})) ${get('max')})) ${get('inv')})
            (f64.promote_f32 (f32.load ${add(add(get('pT'), get('o')), shl(get('j'), 2))})))))`)}`)})

  ;; out[j] (+)= float32 column sums of A (m x n), down the rows in order, four columns a vector.
  (func $sum_rows_f32 (export "sum_rows_f32") (param $m i32) (param $n i32) (param $pA i32) (param $pOut i32) (param $acc i32)
    (local $i i32) (local $j i32) (local $s v128) (local $s1 f32) (local $p i32) (local $rowBytes i32)
    ${set('rowBytes', shl(get('n'), 2))}
    ${forLoop('j', i32(0), get('n'), `
      (if (i32.le_s ${add(get('j'), i32(4))} ${get('n')})
        (then
          ${set('s', v4(0))}
          ${set('p', at('pA', 'j'))}
          ${forLoop('i', i32(0), get('m'), `
            ${set('s', V('add', get('s'), `(v128.load ${get('p')})`))}
            ${set('p', add(get('p'), get('rowBytes')))}`)}
          ${ifElse(get('acc'), `(v128.store ${at('pOut', 'j')} ${V('add', `(v128.load ${at('pOut', 'j')})`, get('s'))})`, `(v128.store ${at('pOut', 'j')} ${get('s')})`)}
          ${set('j', add(get('j'), i32(3)))})
        (else
          ${set('s1', f32(0))}
          ${set('p', at('pA', 'j'))}
          ${forLoop('i', i32(0), get('m'), `
            ${set('s1', S('add', get('s1'), `(f32.load ${get('p')})`))}
            ${set('p', add(get('p'), get('rowBytes')))}`)}
          ${ifElse(get('acc'), `(f32.store ${at('pOut', 'j')} ${S('add', `(f32.load ${at('pOut', 'j')})`, get('s1'))})`, `(f32.store ${at('pOut', 'j')} ${get('s1')})`)}))`)})

  ;; sum_rows_f32 per segment of segRows rows into lane (s mod lanes), as sum_rows_lanes.
  (func $sum_rows_lanes_f32 (export "sum_rows_lanes_f32") (param $m i32) (param $n i32) (param $pA i32) (param $pLane0 i32) (param $pLane1 i32) (param $segRows i32) (param $lanes i32) (param $add0 i32)
    (local $seg i32) (local $p0 i32)
    (block $done (loop $next
      ${set('p0', `(i32.mul ${get('seg')} ${get('segRows')})`)}
      (br_if $done (i32.ge_s ${get('p0')} ${get('m')}))
      (call $sum_rows_f32
        (select ${get('segRows')} (i32.sub ${get('m')} ${get('p0')}) (i32.le_s ${add(get('p0'), get('segRows'))} ${get('m')}))
        ${get('n')} ${add(get('pA'), shl(`(i32.mul ${get('p0')} ${get('n')})`, 2))}
        ${laneOf(get('seg'))}
        (i32.or ${get('add0')} (i32.ge_s ${get('seg')} ${get('lanes')})))
      ${set('seg', add(get('seg'), i32(1)))}
      (br $next))))

  ;; The float32 gradient step w = w - eta (a + b) (b = 0: a alone), keeping w first at pKeep.
  (func $descend_f32 (export "descend_f32") (param $pW i32) (param $pA i32) (param $pB i32) (param $eta f32) (param $len i32) (param $pKeep i32)
    (local $i i32) (local $w v128) (local $g v128) (local $e v128) (local $ws f32) (local $gs f32)
    ${set('e', `(f32x4.splat ${get('eta')})`)}
    ${forLoop('i', i32(0), get('len'), `
      (if (i32.le_s ${add(get('i'), i32(4))} ${get('len')})
        (then
          ${set('w', `(v128.load ${at('pW', 'i')})`)}
          ${set('g', `(v128.load ${at('pA', 'i')})`)}
          (if ${get('pB')} (then ${set('g', V('add', get('g'), `(v128.load ${at('pB', 'i')})`))}))
          (if ${get('pKeep')} (then (v128.store ${at('pKeep', 'i')} ${get('w')})))
          (v128.store ${at('pW', 'i')} ${V('sub', get('w'), V('mul', get('e'), get('g')))})
          ${set('i', add(get('i'), i32(3)))})
        (else
          ${set('ws', `(f32.load ${at('pW', 'i')})`)}
          ${set('gs', `(f32.load ${at('pA', 'i')})`)}
          (if ${get('pB')} (then ${set('gs', S('add', get('gs'), `(f32.load ${at('pB', 'i')})`))}))
          (if ${get('pKeep')} (then (f32.store ${at('pKeep', 'i')} ${get('ws')})))
          (f32.store ${at('pW', 'i')} ${S('sub', get('ws'), S('mul', get('eta'), get('gs')))})))`)})

  ;; float64 values to float32 (rounded to nearest) and back (exactly), four at a time: moving
  ;; weights and batches between JavaScript's Float64Arrays and a float32 working copy (a memcpy
  ;; plus these is several times faster than a converting TypedArray.set).
  (func $demote_buf (export "demote_buf") (param $p64 i32) (param $p32 i32) (param $len i32)
    (local $i i32)
    ${forLoop('i', i32(0), get('len'), `
      (if (i32.le_s ${add(get('i'), i32(4))} ${get('len')})
        (then
          (v128.store ${at('p32', 'i')} (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (v128.load ${add(get('p64'), shl(get('i'), 3))}))
            (f32x4.demote_f64x2_zero (v128.load offset=16 ${add(get('p64'), shl(get('i'), 3))}))))
          ${set('i', add(get('i'), i32(3)))})
        (else (f32.store ${at('p32', 'i')} (f32.demote_f64 (f64.load ${add(get('p64'), shl(get('i'), 3))})))))`)})
  (func $promote_buf (export "promote_buf") (param $p32 i32) (param $p64 i32) (param $len i32)
    (local $i i32) (local $v v128)
    ${forLoop('i', i32(0), get('len'), `
      (if (i32.le_s ${add(get('i'), i32(4))} ${get('len')})
        (then
          ${set('v', `(v128.load ${at('p32', 'i')})`)}
          (v128.store ${add(get('p64'), shl(get('i'), 3))} (f64x2.promote_low_f32x4 ${get('v')}))
          (v128.store offset=16 ${add(get('p64'), shl(get('i'), 3))} (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${get('v')} ${get('v')})))
          ${set('i', add(get('i'), i32(3)))})
        (else (f64.store ${add(get('p64'), shl(get('i'), 3))} (f64.promote_f32 (f32.load ${at('p32', 'i')})))))`)})

  ;; out = a + b over len float32 values.
  (func $add_buf_f32 (export "add_buf_f32") (param $pA i32) (param $pB i32) (param $pOut i32) (param $len i32)
    (local $i i32)
    ${forLoop('i', i32(0), get('len'), `
      (if (i32.le_s ${add(get('i'), i32(4))} ${get('len')})
        (then
          (v128.store ${at('pOut', 'i')} ${V('add', `(v128.load ${at('pA', 'i')})`, `(v128.load ${at('pB', 'i')})`)})
          ${set('i', add(get('i'), i32(3)))})
        (else (f32.store ${at('pOut', 'i')} ${S('add', `(f32.load ${at('pA', 'i')})`, `(f32.load ${at('pB', 'i')})`)})))`)})`;
}
