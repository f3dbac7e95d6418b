/**
 * The WebAssembly text of the matrix product kernel, in float64 (f64x2) and float32 (f32x4):
 *
 *   C[m x n] (+)= A(i, p) B(p, j) summed over p, + bias[j]
 *
 * with A(i, p) = A[i aRow + p aP] and B(p, j) = B[p bP + j bCol] (strides in elements), so one
 * kernel serves A.B, A^T.B and A.B^T exactly as the plain kernels' strided core does
 * (shared/engine/kernels.ts). Strides may be any non-negative numbers; C must not overlap A or B
 * (some paths read them in place while C is written).
 *
 * Design (measured in issue 17): B is packed into panels NR columns wide (two vectors), A into
 * panels of MR rows, each panel k long and zero-padded at the ragged edges; an MR x NR tile of C
 * lives in 2 MR vector accumulators while the shared index p runs, one p per loop iteration
 * (unrolling p makes V8 spill: it keeps about 15 vector registers). MR = 4, not the issue's 5:
 * Node 20's V8 hoists all of an iteration's A splat loads ahead of the arithmetic, so a 5-row tile
 * needs 17 registers and spills two sums every iteration (seen in --print-wasm-code); 4 rows need
 * 14 and run at 21-22 GFLOP/s on the MNIST-sized products here, 5 rows at 17-18. Products with
 * a dimension of a few (a small network's full batch) take the paths of wat-gemm-small.ts first,
 * where packing would cost as much as the arithmetic.
 *
 * The bits: each lane is one entry of C, and each entry is summed exactly as the textbook loop
 * sums it: c = 0, then c = c + A(i,p) B(p,j) for p = 0, 1, ..., k-1 with a separate multiply and
 * add (no FMA, no relaxed SIMD, never a sum across lanes), then c + bias[j], then C + c when
 * accumulating. Vectors only run across output columns and rows, never across p. So the result
 * equals the plain kernels bit for bit (test/engine/wasm-kernels.test.ts).
 *
 * Work area (`pWork`, laid out by `gemm_work_<t>`): packed B (nb panels of k x NR), packed A (mb
 * panels of k x MR), the bias padded to nb x NR, one tile for the ragged edges, and two tiles of
 * lanes for the descent variant.
 */
import { add, F32, F64, forLoop, get, i32, ifElse, type LaneType, mul, set, shl } from './wat';
import { smallLocals, smallPathsWat } from './wat-gemm-small';

/** Rows of A per panel and per register tile (see the file comment for why 4). */
export const MR = 4;
/**
 * Rows of A are taken in blocks of at most this many packed bytes, each block swept by every
 * panel of B in turn, so a large A (an evaluation's 1024 rows of 784 inputs: 6.4 MB) is read
 * from the L2 cache (2 MB a core here) rather than from memory once per panel of B: 18-19
 * GFLOP/s instead of 15-17 on 1024 x 256 x 784 (bench/kernels.ts shapes, scratch timing). One
 * block covers the training steps' A (128 rows: 0.8 MB), whose order is then unchanged. The
 * order of tiles never changes a bit: each entry is one tile's sum over all of p.
 */
export const A_BLOCK_BYTES = 1 << 20;
/** Columns of B per panel: two vectors. */
export const nrOf = (L: LaneType): number => 2 * L.lanes;

/** The export names of the product kernel and its work-size function for a lane type. */
export const gemmName = (L: LaneType): string => `gemm_${L.t}`;
export const gemmWorkName = (L: LaneType): string => `gemm_work_${L.t}`;

/** WAT functions: the product kernel and its work size, for lane type L. */
export function gemmWat(L: LaneType): string {
  const NR = nrOf(L);
  const b = L.bytes;
  const sh = L.shift;
  const V = L.v;
  const accs: string[][] = Array.from({ length: MR }, (_, r) => [`c${r}0`, `c${r}1`]);
  const zero = `(v128.const ${V} ${Array(L.lanes).fill('0').join(' ')})`;
  const vload = (addr: string, off = 0): string => `(v128.load offset=${off} ${addr})`;
  const vstore = (addr: string, value: string, off = 0): string => `(v128.store offset=${off} ${addr} ${value})`;
  const load = (addr: string, off = 0): string => `(${L.t}.load offset=${off} ${addr})`;
  const store = (addr: string, value: string, off = 0): string => `(${L.t}.store offset=${off} ${addr} ${value})`;
  const vadd = (a: string, c: string): string => `(${V}.add ${a} ${c})`;
  const vmul = (a: string, c: string): string => `(${V}.mul ${a} ${c})`;

  // Bytes of one packed B panel per p, one packed A panel per p.
  const pbStep = NR * b;
  const paStep = MR * b;

  // Pack B: panel jb holds B(p, j0 + q) at PB + (jb k + p) NR + q, zeros past column n.
  const packB = forLoop('jb', i32(0), get('nb'), `
    ${set('j0', mul(get('jb'), i32(NR)))}
    ${set('dst', add(get('pPB'), shl(mul(mul(get('jb'), get('k')), i32(NR)), sh)))}
    ${forLoop('p', i32(0), get('k'), `
      ${set('src', add(get('pB'), shl(add(mul(get('p'), get('bP')), mul(get('j0'), get('bCol'))), sh)))}
      ${ifElse(`(i32.and (i32.le_s ${add(get('j0'), i32(NR))} ${get('n')}) (i32.eq ${get('bCol')} ${i32(1)}))`,
        // A full panel of contiguous columns: two vector copies.
        `${vstore(get('dst'), vload(get('src')))} ${vstore(get('dst'), vload(get('src'), 16), 16)}`,
        forLoop('q', i32(0), i32(NR), `
          ${store(add(get('dst'), shl(get('q'), sh)),
            `(if (result ${L.t}) (i32.lt_s ${add(get('j0'), get('q'))} ${get('n')})
               (then ${load(add(get('src'), shl(mul(get('q'), get('bCol')), sh)))})
               (else (${L.t}.const 0)))`)}`))}
      ${set('dst', add(get('dst'), i32(pbStep)))}`)}`);

  // Pack A: panel ib holds A(i0 + r, p) at PA + (ib k + p) MR + r, zeros past row m.
  const packA = forLoop('ib', i32(0), get('mb'), `
    ${set('i0', mul(get('ib'), i32(MR)))}
    ${set('dst', add(get('pPA'), shl(mul(mul(get('ib'), get('k')), i32(MR)), sh)))}
    ${set('rows', `(select ${i32(MR)} (i32.sub ${get('m')} ${get('i0')}) (i32.le_s ${add(get('i0'), i32(MR))} ${get('m')}))`)}
    ${forLoop('p', i32(0), get('k'), `
      ${set('src', add(get('pA'), shl(add(mul(get('i0'), get('aRow')), mul(get('p'), get('aP'))), sh)))}
      ${ifElse(`(i32.eq ${get('rows')} ${i32(MR)})`,
        Array.from({ length: MR }, (_, r) =>
          store(get('dst'), load(add(get('src'), shl(mul(i32(r), get('aRow')), sh))), r * b)).join('\n'),
        forLoop('r', i32(0), i32(MR), `
          ${store(add(get('dst'), shl(get('r'), sh)),
            `(if (result ${L.t}) (i32.lt_s ${get('r')} ${get('rows')})
               (then ${load(add(get('src'), shl(mul(get('r'), get('aRow')), sh)))})
               (else (${L.t}.const 0)))`)}`))}
      ${set('dst', add(get('dst'), i32(paStep)))}`)}`);

  // The bias padded with zeros to nb x NR (only read when there is a bias).
  const packBias = ifElse(get('pBias'), forLoop('q', i32(0), mul(get('nb'), i32(NR)), `
    ${store(add(get('pBP'), shl(get('q'), sh)),
      `(if (result ${L.t}) (i32.lt_s ${get('q')} ${get('n')})
         (then ${load(add(get('pBias'), shl(get('q'), sh)))})
         (else (${L.t}.const 0)))`)}`));

  // The register tile's loop: every sum one p further per iteration, from pa and pb to pbEnd.
  const pLoop = (label: string): string => `
      (loop $${label}
        ${set('b0', vload(get('pb')))}
        ${set('b1', vload(get('pb'), 16))}
        ${accs.map(([c0, c1], r) => `
        ${set('a', `(${L.splat} offset=${r * b} ${get('pa')})`)}
        ${set(c0, vadd(get(c0), vmul(get('a'), get('b0'))))}
        ${set(c1, vadd(get(c1), vmul(get('a'), get('b1'))))}`).join('')}
        ${set('pa', add(get('pa'), i32(paStep)))}
        ${set('pb', add(get('pb'), i32(pbStep)))}
        (br_if $${label} (i32.lt_u ${get('pb')} ${get('pbEnd')})))`;

  // The register tile: the sums over p, one p per iteration.
  const micro = `
    ${accs.flat().map((c) => set(c, zero)).join(' ')}
    ${set('pa', get('pa0'))}
    ${set('pb', add(get('pPB'), shl(mul(mul(get('jb'), get('k')), i32(NR)), sh)))}
    ${set('pbEnd', add(get('pb'), get('kbB')))}
    ${ifElse(`(i32.gt_s ${get('k')} ${i32(0)})`, `
      ${pLoop('p_tile')}`)}
    ${ifElse(get('pBias'), `
      ${set('b0', vload(add(get('pBP'), shl(mul(get('jb'), i32(NR)), sh))))}
      ${set('b1', vload(add(get('pBP'), shl(mul(get('jb'), i32(NR)), sh)), 16))}
      ${accs.map(([c0, c1]) => `${set(c0, vadd(get(c0), get('b0')))} ${set(c1, vadd(get(c1), get('b1')))}`).join('\n')}`)}`;

  // Storing the tile: whole tiles straight into C; ragged ones through the tile buffer.
  const rowAddr = (r: number): string => add(get('pC'), shl(add(mul(add(get('i0'), i32(r)), get('n')), get('j0')), sh));
  const storeRows = (rows: number): string => accs.slice(0, rows).map(([c0, c1], r) => `
    ${set('dst', rowAddr(r))}
    ${ifElse(get('acc'),
      `${vstore(get('dst'), vadd(vload(get('dst')), get(c0)))} ${vstore(get('dst'), vadd(vload(get('dst'), 16), get(c1)), 16)}`,
      `${vstore(get('dst'), get(c0))} ${vstore(get('dst'), get(c1), 16)}`)}`).join('');
  const storeFull = storeRows(MR);
  const storeRagged = `
    ${accs.map(([c0, c1], r) => `${vstore(get('pT'), get(c0), r * NR * b)} ${vstore(get('pT'), get(c1), r * NR * b + 16)}`).join('\n')}
    ${forLoop('r', i32(0), get('rows'), `
      ${forLoop('q', i32(0), get('cols'), `
        ${set('dst', add(get('pC'), shl(add(mul(add(get('i0'), get('r')), get('n')), add(get('j0'), get('q'))), sh)))}
        ${set('src', add(get('pT'), shl(add(mul(get('r'), i32(NR)), get('q')), sh)))}
        ${store(get('dst'), `(select (${L.t}.add ${load(get('dst'))} ${load(get('src'))}) ${load(get('src'))} ${get('acc')})`)}`)}`)}`;

  const layout = `
    ${set('nb', `(i32.div_u ${add(get('n'), i32(NR - 1))} ${i32(NR)})`)}
    ${set('mb', `(i32.div_u ${add(get('m'), i32(MR - 1))} ${i32(MR)})`)}
    ${set('kbB', shl(mul(get('k'), i32(NR)), sh))}
    ${set('pPB', get('pWork'))}
    ${set('pPA', add(get('pPB'), mul(get('nb'), get('kbB'))))}
    ${set('pBP', add(get('pPA'), shl(mul(mul(get('mb'), get('k')), i32(MR)), sh)))}
    ${set('pT', add(get('pBP'), shl(mul(get('nb'), i32(NR)), sh)))}`;

  const body = `
    ${smallPathsWat({ L, MR, NR, accs, packB, packBias, storeRows, storeRagged, layout })}
    ${layout}
    ${packB}
    ${packA}
    ${packBias}
    ;; Panels of A per block: A_BLOCK_BYTES over a panel's bytes (+ 1, so that k = 0 divides too).
    ${set('mbBlock', `(select ${i32(1)} (i32.div_u ${i32(A_BLOCK_BYTES)} ${add(shl(mul(get('k'), i32(MR)), sh), i32(1))}) (i32.gt_u ${shl(mul(get('k'), i32(MR)), sh)} ${i32(A_BLOCK_BYTES)}))`)}
    ${set('ib0', i32(0))}
    (block $blocks_done (loop $blocks_next
      (br_if $blocks_done (i32.ge_s ${get('ib0')} ${get('mb')}))
      ${set('ibEnd', `(select ${get('mb')} ${add(get('ib0'), get('mbBlock'))} (i32.lt_s ${get('mb')} ${add(get('ib0'), get('mbBlock'))}))`)}
      ${forLoop('jb', i32(0), get('nb'), `
        ${set('j0', mul(get('jb'), i32(NR)))}
        ${set('cols', `(select ${i32(NR)} (i32.sub ${get('n')} ${get('j0')}) (i32.le_s ${add(get('j0'), i32(NR))} ${get('n')}))`)}
        ${forLoop('ib', get('ib0'), get('ibEnd'), `
          ${set('i0', mul(get('ib'), i32(MR)))}
          ${set('rows', `(select ${i32(MR)} (i32.sub ${get('m')} ${get('i0')}) (i32.le_s ${add(get('i0'), i32(MR))} ${get('m')}))`)}
          ${set('pa0', add(get('pPA'), shl(mul(mul(get('ib'), get('k')), i32(MR)), sh)))}
          ${micro}
          ${ifElse(`(i32.and (i32.eq ${get('rows')} ${i32(MR)}) (i32.eq ${get('cols')} ${i32(NR)}))`, storeFull, storeRagged)}`)}`)}
      ${set('ib0', get('ibEnd'))}
      (br $blocks_next)))`;

  // The lanes variant: per tile, one register sum per segment of p, stored into its lane.
  // Tiles go along the rows of C (panels of A outer, of B inner), so each 64-byte line of C (a
  // weight gradient's lanes, or the weights and their kept copy) is read and written in one
  // visit: with panels of B outer a line was visited twice, a whole column strip apart. On the
  // 784 x 256 x 128 weight gradient of W3 (descend, 32-row segments, old weights kept): 14.3 ->
  // 15.8 GFLOP/s, interleaved in one process, and keeping the old weights now costs nothing
  // measurable. (The plain product keeps panels of B outer: swapped, the forward x.W of W3 ran
  // 17.0 -> 16.6.)
  const segmentSum = `
    ${set('p0', mul(get('seg'), get('segRows')))}
    ${set('len', `(select ${get('segRows')} (i32.sub ${get('k')} ${get('p0')}) (i32.le_s ${add(get('p0'), get('segRows'))} ${get('k')}))`)}
    ${accs.flat().map((c) => set(c, zero)).join(' ')}
    ${set('pa', add(get('pa0'), mul(get('p0'), i32(paStep))))}
    ${set('pb', add(add(get('pPB'), shl(mul(mul(get('jb'), get('k')), i32(NR)), sh)), mul(get('p0'), i32(pbStep))))}
    ${set('pbEnd', add(get('pb'), mul(get('len'), i32(pbStep))))}
    ${ifElse(`(i32.gt_s ${get('len')} ${i32(0)})`, `
      ${pLoop('p_seg')}`)}`;
  const segment = `
    ${segmentSum}
    ${set('pC', `(select ${get('pLane1')} ${get('pLane0')} (i32.and (i32.eq ${get('lanes')} ${i32(2)}) (i32.and ${get('seg')} ${i32(1)})))`)}
    ${set('acc', `(i32.or ${get('add0')} (i32.ge_s ${get('seg')} ${get('lanes')}))`)}
    ${ifElse(`(i32.and (i32.eq ${get('rows')} ${i32(MR)}) (i32.eq ${get('cols')} ${i32(NR)}))`, storeFull, storeRagged)}`;

  // The descent variant: a segment's sum goes into the tile's own two lanes in the work area
  // (T0, T1: whole tiles, lane seg mod 2, written by segments 0 and 1 and added to after), and
  // once the tile's segments are done, w = w - eta (T0 + T1) on its weights at pC (T0 alone
  // when there was one segment), the old weights kept at pKeep unless 0: per entry the
  // arithmetic of the lanes, then descend (wat-math.ts), without the round trip of two
  // gradient-sized lanes through memory. (eta is splatted per tile: a vector held across the
  // p loop would take a register the tile needs.)
  const tileOff = (r: number, h: number): number => r * NR * b + h * 16;
  const segmentToTile = `
    ${segmentSum}
    ${set('dst', `(select ${get('pT1')} ${get('pT0')} (i32.and ${get('seg')} ${i32(1)}))`)}
    ${ifElse(`(i32.ge_s ${get('seg')} ${i32(2)})`,
      accs.map(([c0, c1], r) => `${vstore(get('dst'), vadd(vload(get('dst'), tileOff(r, 0)), get(c0)), tileOff(r, 0))} ${vstore(get('dst'), vadd(vload(get('dst'), tileOff(r, 1)), get(c1)), tileOff(r, 1))}`).join('\n'),
      accs.map(([c0, c1], r) => `${vstore(get('dst'), get(c0), tileOff(r, 0))} ${vstore(get('dst'), get(c1), tileOff(r, 1))}`).join('\n'))}`;
  const twoSegs = `(i32.ge_s ${get('nseg')} ${i32(2)})`;
  const descendFull = accs.map((_, r) => [0, 1].map((h) => `
    ${set('a', vload(get('pT0'), tileOff(r, h)))}
    ${ifElse(twoSegs, set('a', vadd(get('a'), vload(get('pT1'), tileOff(r, h)))))}
    ${set('dst', rowAddr(r))}
    ${set('b0', vload(get('dst'), h * 16))}
    ${ifElse(get('pKeep'), vstore(add(get('pKeep'), `(i32.sub ${get('dst')} ${get('pC')})`), get('b0'), h * 16))}
    ${vstore(get('dst'), `(${V}.sub ${get('b0')} ${vmul(get('e'), get('a'))})`, h * 16)}`).join('')).join('');
  const descendRagged = forLoop('r', i32(0), get('rows'), forLoop('q', i32(0), get('cols'), `
    ${set('src', add(get('pT0'), shl(add(mul(get('r'), i32(NR)), get('q')), sh)))}
    ${set('s', load(get('src')))}
    ${ifElse(twoSegs, set('s', `(${L.t}.add ${get('s')} ${load(add(get('src'), i32(MR * NR * b)))})`))}
    ${set('dst', add(get('pC'), shl(add(mul(add(get('i0'), get('r')), get('n')), add(get('j0'), get('q'))), sh)))}
    ${set('w', load(get('dst')))}
    ${ifElse(get('pKeep'), store(add(get('pKeep'), `(i32.sub ${get('dst')} ${get('pC')})`), get('w')))}
    ${store(get('dst'), `(${L.t}.sub ${get('w')} (${L.t}.mul ${get('eta')} ${get('s')}))`)}`));

  const lanesBody = (toTile: boolean): string => `
    ${set('pBias', i32(0))}
    ${set('nb', `(i32.div_u ${add(get('n'), i32(NR - 1))} ${i32(NR)})`)}
    ${set('mb', `(i32.div_u ${add(get('m'), i32(MR - 1))} ${i32(MR)})`)}
    ${set('nseg', `(i32.div_u ${add(get('k'), `(i32.sub ${get('segRows')} ${i32(1)})`)} ${get('segRows')})`)}
    ${set('kbB', shl(mul(get('k'), i32(NR)), sh))}
    ${set('pPB', get('pWork'))}
    ${set('pPA', add(get('pPB'), mul(get('nb'), get('kbB'))))}
    ${set('pBP', add(get('pPA'), shl(mul(mul(get('mb'), get('k')), i32(MR)), sh)))}
    ${set('pT', add(get('pBP'), shl(mul(get('nb'), i32(NR)), sh)))}
    ${toTile ? `${set('pT0', add(get('pT'), i32(MR * NR * b)))} ${set('pT1', add(get('pT0'), i32(MR * NR * b)))}` : ''}
    ${packB}
    ${packA}
    ${forLoop('ib', i32(0), get('mb'), `
      ${set('i0', mul(get('ib'), i32(MR)))}
      ${set('rows', `(select ${i32(MR)} (i32.sub ${get('m')} ${get('i0')}) (i32.le_s ${add(get('i0'), i32(MR))} ${get('m')}))`)}
      ${set('pa0', add(get('pPA'), shl(mul(mul(get('ib'), get('k')), i32(MR)), sh)))}
      ${forLoop('jb', i32(0), get('nb'), `
        ${set('j0', mul(get('jb'), i32(NR)))}
        ${set('cols', `(select ${i32(NR)} (i32.sub ${get('n')} ${get('j0')}) (i32.le_s ${add(get('j0'), i32(NR))} ${get('n')}))`)}
        ${toTile ? `
        ${forLoop('seg', i32(0), get('nseg'), segmentToTile)}
        ${ifElse(`(i32.and (i32.eq ${get('rows')} ${i32(MR)}) (i32.eq ${get('cols')} ${i32(NR)}))`, `${set('e', `(${V}.splat ${get('eta')})`)} ${descendFull}`, descendRagged)}`
        : forLoop('seg', i32(0), get('nseg'), segment)}`)}`)}`;

  const i32Locals = ['nb', 'mb', 'kbB', 'pPB', 'pPA', 'pBP', 'pT', 'jb', 'ib', 'j0', 'i0', 'p', 'q', 'r', 'rows', 'cols', 'src', 'dst', 'pa', 'pa0', 'pb', 'pbEnd'];
  const vLocals = ['a', 'b0', 'b1', ...accs.flat()];
  return `
  (func $${gemmName(L)} (export "${gemmName(L)}")
    (param $m i32) (param $n i32) (param $k i32)
    (param $pA i32) (param $aRow i32) (param $aP i32)
    (param $pB i32) (param $bP i32) (param $bCol i32)
    (param $pC i32) (param $acc i32) (param $pBias i32) (param $pWork i32)
    (local $ib0 i32) (local $ibEnd i32) (local $mbBlock i32) ${smallLocals(L)}
    ${i32Locals.map((l) => `(local $${l} i32)`).join(' ')}
    ${vLocals.map((l) => `(local $${l} v128)`).join(' ')}
    (local $s ${L.t})
    ${body})

  ;; The same product with the shared index p cut into segments of segRows (a batch's chunks):
  ;; each segment's sum is formed on its own, from 0, exactly as a product over those rows alone,
  ;; and goes into lane (s mod lanes), written over it for the first segment of each lane (unless
  ;; add0) and added after: the chunk-and-lane order of shared/training/gradient.ts, in one pass over C.
  (func $${gemmName(L)}_lanes (export "${gemmName(L)}_lanes")
    (param $m i32) (param $n i32) (param $k i32)
    (param $pA i32) (param $aRow i32) (param $aP i32)
    (param $pB i32) (param $bP i32) (param $bCol i32)
    (param $pLane0 i32) (param $pLane1 i32) (param $segRows i32) (param $lanes i32) (param $add0 i32) (param $pWork i32)
    ${i32Locals.map((l) => `(local $${l} i32)`).join(' ')}
    ${vLocals.map((l) => `(local $${l} v128)`).join(' ')}
    (local $pC i32) (local $acc i32) (local $pBias i32) (local $seg i32) (local $nseg i32) (local $p0 i32) (local $len i32)
    ${lanesBody(false)})

  ;; One gradient-descent step on a layer's weights at pC, w = w - eta g, with g the product
  ;; summed per segment of segRows into two lanes as gemm_${L.t}_lanes forms it (lanes 2, add0 0)
  ;; and the lanes added, as descend adds them; the old weights kept at pKeep unless 0. The
  ;; lanes live per tile in the work area (gemm_work_${L.t}(m, n, k) bytes), never as
  ;; gradient-sized vectors. k >= 1 (with no segment there is no gradient to step along).
  (func $${gemmName(L)}_descend (export "${gemmName(L)}_descend")
    (param $m i32) (param $n i32) (param $k i32)
    (param $pA i32) (param $aRow i32) (param $aP i32)
    (param $pB i32) (param $bP i32) (param $bCol i32)
    (param $pC i32) (param $segRows i32) (param $eta ${L.t}) (param $pKeep i32) (param $pWork i32)
    ${i32Locals.map((l) => `(local $${l} i32)`).join(' ')}
    ${vLocals.map((l) => `(local $${l} v128)`).join(' ')}
    (local $s ${L.t}) (local $w ${L.t})
    (local $pBias i32) (local $seg i32) (local $nseg i32) (local $p0 i32) (local $len i32)
    (local $pT0 i32) (local $pT1 i32) (local $e v128)
    ${lanesBody(true)})

  (func $${gemmWorkName(L)} (export "${gemmWorkName(L)}") (param $m i32) (param $n i32) (param $k i32) (result i32)
    (local $nb i32) (local $mb i32)
    ${set('nb', `(i32.div_u ${add(get('n'), i32(NR - 1))} ${i32(NR)})`)}
    ${set('mb', `(i32.div_u ${add(get('m'), i32(MR - 1))} ${i32(MR)})`)}
    ${shl(add(add(mul(mul(get('nb'), get('k')), i32(NR)), mul(mul(get('mb'), get('k')), i32(MR))), add(mul(get('nb'), i32(NR)), i32(3 * MR * NR))), sh)})`;
}

/** Both lane types' product kernels. */
export function allGemmWat(): string {
  return gemmWat(F64) + gemmWat(F32);
}
