/**
 * The gradient of a batch in two WebAssembly calls: forward propagation (PRML (5.2)-(5.3)) of
 * all its rows, then per chunk of rows the output deltas y - t (5.18) and backpropagation
 * (5.53)-(5.56) into a gradient vector, written over it or added to it (a row's forward pass does
 * not depend on the others, so one forward over the batch gives each chunk the bits its own
 * forward pass would), for a network described by a table in memory (laid out by
 * shared/engine/wasm/fused-network.ts). It runs the same steps in the same order as
 * Network.gradientInto (shared/engine/network.ts) with the twins of its kernels, activations and
 * costs (wat-gemm.ts, wat-math.ts), so the gradient is the same bits. A gradient-descent step
 * can go back in mlp_step_lanes instead, which updates the weights where their gradient is formed
 * (the bits of backpropagating into lanes and then descending).
 *
 * Descriptor, 32-bit words at pDesc: [0] layers L, [1] cost id (COST_ID), [2] outputs k,
 * [3] address of the parameter vector, [4] address of the product kernel's work area, [5]
 * (float64) where the sigmoid cross-entropy's delta keeps fastExp(-a) per logit, row by row as
 * the logits, or 0; then per
 * layer l at word 8 + 8 l: inputs, units, activation id (ACT_ID), offset of its weights in the
 * parameter vector (in elements; the bias follows them), address of its outputs z (rows x units,
 * for every row of the forward pass), address of its deltas (chunk rows x units).
 */
import { F32, F64, type LaneType } from './wat';
import { gemmName } from './wat-gemm';

/** Words before the first layer's entry, and words per layer, in the descriptor. */
export const DESC_HEAD = 8;
export const DESC_LAYER = 8;

/** The orchestrating functions for both precisions. */
export function allMlpWat(): string {
  return mlpWat(F64) + mlpWat(F32);
}

/**
 * The orchestrating functions for lane type L: forward over rows, backward over a chunk of them,
 * backward over all rows into lanes, and a descent step over all rows. float32 names end in _f32
 * and call the float32 twins.
 */
export function mlpWat(L: LaneType): string {
  const gemm = `$${gemmName(L)}`;
  const sfx = L.t === 'f64' ? '' : '_f32';
  const word = (i: number): string => `(i32.load offset=${i * 4} (local.get $d))`;
  const layer = (l: string): string => `(local.set $d (i32.add (local.get $pDesc) (i32.shl (i32.add (i32.const ${DESC_HEAD}) (i32.mul ${l} (i32.const ${DESC_LAYER}))) (i32.const 2))))`;
  // The passes back over all n rows (mlp_backward_lanes, mlp_step_lanes) share their locals, their
  // start (the output deltas of every row, the top layer first) and, per layer, where its weights,
  // gradient offset, deltas and inputs are, and the deltas below it.
  const allRowsLocals = `(local $L i32) (local $l i32) (local $d i32) (local $inputs i32) (local $units i32) (local $pW i32) (local $pIn i32)
    (local $pParams i32) (local $pWork i32) (local $off i32) (local $pDelta i32) (local $pBelow i32) (local $pZBelow i32) (local $actBelow i32)`;
  const allRowsStart = `
    (local.set $d (local.get $pDesc))
    (local.set $L ${word(0)})
    (local.set $pParams ${word(3)})
    (local.set $pWork ${word(4)})
    ${layer('(i32.sub (local.get $L) (i32.const 1))')}
    (local.set $pBelow (local.get $d))
    (local.set $d (local.get $pDesc))
    (call $cost_delta${sfx} (i32.load offset=16 (local.get $pBelow)) (local.get $pT) (i32.load offset=20 (local.get $pBelow)) (local.get $n) ${word(2)} ${word(1)}${L.t === 'f64' ? ` ${word(5)}` : ''})
    (local.set $l (i32.sub (local.get $L) (i32.const 1)))`;
  const allRowsLayer = `
      ${layer('(local.get $l)')}
      (local.set $inputs ${word(0)})
      (local.set $units ${word(1)})
      (local.set $pW (i32.add (local.get $pParams) (i32.shl ${word(3)} (i32.const ${L.shift}))))
      (local.set $off (i32.shl ${word(3)} (i32.const ${L.shift})))
      (local.set $pDelta ${word(5)})
      (local.set $pIn (local.get $pX))
      (if (i32.gt_s (local.get $l) (i32.const 0))
        (then
          (local.set $pBelow (i32.sub (local.get $d) (i32.const ${DESC_LAYER * 4})))
          (local.set $pZBelow (i32.load offset=16 (local.get $pBelow)))
          (local.set $actBelow (i32.load offset=8 (local.get $pBelow)))
          (local.set $pIn (local.get $pZBelow))))`;
  // delta below = h'(a) (delta . W^T), PRML (5.56), from the layer's weights as they are.
  const deltasBelow = `
          (call ${gemm} (local.get $n) (local.get $inputs) (local.get $units)
            (local.get $pDelta) (local.get $units) (i32.const 1)
            (local.get $pW) (i32.const 1) (local.get $units)
            (i32.load offset=20 (local.get $pBelow)) (i32.const 0) (i32.const 0) (local.get $pWork))
          (call $act_backward${sfx} (local.get $pZBelow) (i32.load offset=20 (local.get $pBelow))
            (i32.mul (local.get $n) (local.get $inputs)) (local.get $actBelow))`;
  return `
  ;; Forward propagation of n rows at pX: z = h(x . W + b) layer by layer into the layers' output
  ;; buffers (row i of layer l at its pZ + i units 8); the last layer's z are the logits.
  (func $mlp_forward${sfx} (export "mlp_forward${sfx}") (param $pDesc i32) (param $n i32) (param $pX i32)
    (local $L i32) (local $l i32) (local $d i32) (local $inputs i32) (local $units i32) (local $pW i32) (local $pIn i32)
    (local $pParams i32) (local $pWork i32)
    (local.set $d (local.get $pDesc))
    (local.set $L ${word(0)})
    (local.set $pParams ${word(3)})
    (local.set $pWork ${word(4)})
    (local.set $pIn (local.get $pX))
    (local.set $l (i32.const 0))
    (block $fwd_done (loop $fwd
      (br_if $fwd_done (i32.ge_s (local.get $l) (local.get $L)))
      ${layer('(local.get $l)')}
      (local.set $inputs ${word(0)})
      (local.set $units ${word(1)})
      (local.set $pW (i32.add (local.get $pParams) (i32.shl ${word(3)} (i32.const ${L.shift}))))
      (call ${gemm} (local.get $n) (local.get $units) (local.get $inputs)
        (local.get $pIn) (local.get $inputs) (i32.const 1)
        (local.get $pW) (local.get $units) (i32.const 1)
        ${word(4)} (i32.const 0)
        (i32.add (local.get $pW) (i32.shl (i32.mul (local.get $inputs) (local.get $units)) (i32.const ${L.shift})))
        (local.get $pWork))
      (call $act_apply${sfx} ${word(4)} (i32.mul (local.get $n) (local.get $units)) ${word(2)})
      (local.set $pIn ${word(4)})
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br $fwd))))

  ;; Backpropagation of rows [r0, r0 + m) after mlp_forward: output deltas y - t for those rows
  ;; (targets at pT, row r0 first), then layer by layer down, the gradient into pInto (added
  ;; when add = 1). pX is the batch's first row, as given to mlp_forward.
  (func $mlp_backward${sfx} (export "mlp_backward${sfx}") (param $pDesc i32) (param $r0 i32) (param $m i32) (param $pX i32) (param $pT i32) (param $pInto i32) (param $add i32)
    (local $L i32) (local $l i32) (local $d i32) (local $inputs i32) (local $units i32) (local $pW i32) (local $pIn i32)
    (local $pParams i32) (local $pWork i32) (local $pG i32) (local $pDelta i32) (local $pBelow i32) (local $pZBelow i32) (local $actBelow i32)
    (local.set $d (local.get $pDesc))
    (local.set $L ${word(0)})
    (local.set $pParams ${word(3)})
    (local.set $pWork ${word(4)})
    ;; Output deltas y - t from this chunk's logits.
    ${layer('(i32.sub (local.get $L) (i32.const 1))')}
    (local.set $pBelow (local.get $d))
    (local.set $d (local.get $pDesc))
    (call $cost_delta${sfx}
      (i32.add (i32.load offset=16 (local.get $pBelow)) (i32.shl (i32.mul (local.get $r0) ${word(2)}) (i32.const ${L.shift})))
      (local.get $pT) (i32.load offset=20 (local.get $pBelow)) (local.get $m) ${word(2)} ${word(1)}${L.t === 'f64' ? `
      (select (i32.add ${word(5)} (i32.shl (i32.mul (local.get $r0) ${word(2)}) (i32.const 3))) (i32.const 0) ${word(5)})` : ''})
    (local.set $l (i32.sub (local.get $L) (i32.const 1)))
    (block $bwd_done (loop $bwd
      (br_if $bwd_done (i32.lt_s (local.get $l) (i32.const 0)))
      ${layer('(local.get $l)')}
      (local.set $inputs ${word(0)})
      (local.set $units ${word(1)})
      (local.set $pW (i32.add (local.get $pParams) (i32.shl ${word(3)} (i32.const ${L.shift}))))
      (local.set $pG (i32.add (local.get $pInto) (i32.shl ${word(3)} (i32.const ${L.shift}))))
      (local.set $pDelta ${word(5)})
      ;; This chunk's inputs to the layer: its rows of x, or of the outputs below.
      (local.set $pIn (i32.add (local.get $pX) (i32.shl (i32.mul (local.get $r0) (local.get $inputs)) (i32.const ${L.shift}))))
      (if (i32.gt_s (local.get $l) (i32.const 0))
        (then
          (local.set $pBelow (i32.sub (local.get $d) (i32.const ${DESC_LAYER * 4})))
          (local.set $pZBelow (i32.add (i32.load offset=16 (local.get $pBelow)) (i32.shl (i32.mul (local.get $r0) (local.get $inputs)) (i32.const ${L.shift}))))
          (local.set $actBelow (i32.load offset=8 (local.get $pBelow)))
          (local.set $pIn (local.get $pZBelow))))
      ;; dE/dW = inputs^T . delta summed over the rows, PRML (5.53); dE/db = column sums of delta.
      (call ${gemm} (local.get $inputs) (local.get $units) (local.get $m)
        (local.get $pIn) (i32.const 1) (local.get $inputs)
        (local.get $pDelta) (local.get $units) (i32.const 1)
        (local.get $pG) (local.get $add) (i32.const 0) (local.get $pWork))
      (call $sum_rows${sfx} (local.get $m) (local.get $units) (local.get $pDelta)
        (i32.add (local.get $pG) (i32.shl (i32.mul (local.get $inputs) (local.get $units)) (i32.const ${L.shift}))) (local.get $add))
      (if (i32.gt_s (local.get $l) (i32.const 0))
        (then
          ;; delta below = h'(a) (delta . W^T), PRML (5.56).
          (call ${gemm} (local.get $m) (local.get $inputs) (local.get $units)
            (local.get $pDelta) (local.get $units) (i32.const 1)
            (local.get $pW) (i32.const 1) (local.get $units)
            (i32.load offset=20 (local.get $pBelow)) (i32.const 0) (i32.const 0) (local.get $pWork))
          (call $act_backward${sfx} (local.get $pZBelow) (i32.load offset=20 (local.get $pBelow))
            (i32.mul (local.get $m) (local.get $inputs)) (local.get $actBelow))))
      (local.set $l (i32.sub (local.get $l) (i32.const 1)))
      (br $bwd)))
    )

  ;; Backpropagation of all n rows after mlp_forward, the weight and bias gradients summed per
  ;; chunk of segRows rows into two lanes (gemm_f64_lanes, sum_rows_lanes): the bits of calling
  ;; mlp_backward chunk by chunk (deltas do not depend on other rows; only the sums do, and they
  ;; keep their order), with the weights packed once per layer instead of once per chunk. The
  ;; layers' delta buffers hold n rows.
  (func $mlp_backward_lanes${sfx} (export "mlp_backward_lanes${sfx}") (param $pDesc i32) (param $n i32) (param $pX i32) (param $pT i32)
    (param $pLane0 i32) (param $pLane1 i32) (param $segRows i32) (param $lanes i32) (param $add0 i32)
    ${allRowsLocals}
    ${allRowsStart}
    (block $bwd_done (loop $bwd
      (br_if $bwd_done (i32.lt_s (local.get $l) (i32.const 0)))
      ${allRowsLayer}
      (call ${gemm}_lanes (local.get $inputs) (local.get $units) (local.get $n)
        (local.get $pIn) (i32.const 1) (local.get $inputs)
        (local.get $pDelta) (local.get $units) (i32.const 1)
        (i32.add (local.get $pLane0) (local.get $off)) (i32.add (local.get $pLane1) (local.get $off))
        (local.get $segRows) (local.get $lanes) (local.get $add0) (local.get $pWork))
      (local.set $off (i32.add (local.get $off) (i32.shl (i32.mul (local.get $inputs) (local.get $units)) (i32.const ${L.shift}))))
      (call $sum_rows_lanes${sfx} (local.get $n) (local.get $units) (local.get $pDelta)
        (i32.add (local.get $pLane0) (local.get $off)) (i32.add (local.get $pLane1) (local.get $off))
        (local.get $segRows) (local.get $lanes) (local.get $add0))
      (if (i32.gt_s (local.get $l) (i32.const 0)) (then ${deltasBelow}))
      (local.set $l (i32.sub (local.get $l) (i32.const 1)))
      (br $bwd)))
    )

  ;; One gradient-descent step after mlp_forward of n rows, w = w - eta g with g the gradient as
  ;; mlp_backward_lanes forms it in two lanes (lanes 2, add0 0) and descend takes it: the same
  ;; bits as those two calls. A layer's deltas below are formed first, from its weights before
  ;; they move; its weights then descend tile by tile (gemm_descend, no gradient-sized lanes);
  ;; its bias gradient goes through the lanes and descend as before. With pKeep (unless 0), the
  ;; old parameters are kept there.
  (func $mlp_step_lanes${sfx} (export "mlp_step_lanes${sfx}") (param $pDesc i32) (param $n i32) (param $pX i32) (param $pT i32)
    (param $pLane0 i32) (param $pLane1 i32) (param $segRows i32) (param $eta ${L.t}) (param $pKeep i32)
    ${allRowsLocals}
    (local $twoLanes i32)
    (local.set $twoLanes (i32.gt_s (local.get $n) (local.get $segRows)))
    ${allRowsStart}
    (block $step_done (loop $step
      (br_if $step_done (i32.lt_s (local.get $l) (i32.const 0)))
      ${allRowsLayer}
      (if (i32.gt_s (local.get $l) (i32.const 0)) (then ${deltasBelow}))
      (call ${gemm}_descend (local.get $inputs) (local.get $units) (local.get $n)
        (local.get $pIn) (i32.const 1) (local.get $inputs)
        (local.get $pDelta) (local.get $units) (i32.const 1)
        (local.get $pW) (local.get $segRows) (local.get $eta)
        (select (i32.add (local.get $pKeep) (local.get $off)) (i32.const 0) (local.get $pKeep)) (local.get $pWork))
      (local.set $off (i32.add (local.get $off) (i32.shl (i32.mul (local.get $inputs) (local.get $units)) (i32.const ${L.shift}))))
      (call $sum_rows_lanes${sfx} (local.get $n) (local.get $units) (local.get $pDelta)
        (i32.add (local.get $pLane0) (local.get $off)) (i32.add (local.get $pLane1) (local.get $off))
        (local.get $segRows) (i32.const 2) (i32.const 0))
      (call $descend${sfx} (i32.add (local.get $pParams) (local.get $off)) (i32.add (local.get $pLane0) (local.get $off))
        (select (i32.add (local.get $pLane1) (local.get $off)) (i32.const 0) (local.get $twoLanes))
        (local.get $eta) (local.get $units)
        (select (i32.add (local.get $pKeep) (local.get $off)) (i32.const 0) (local.get $pKeep)))
      (local.set $l (i32.sub (local.get $l) (i32.const 1)))
      (br $step)))
    )`;
}
