/**
 * The product kernel's paths for small shapes, where packing costs as much as the product: the
 * full-batch steps of the seed's networks (1000 x 2-4-1, 100 x 1-6-1), whose products have one
 * or two dimensions of a few units and one of the whole batch. Tried in this order (each ends in
 * a return; a shape none takes goes on to the packed tiles of wat-gemm.ts):
 *
 * - One output column (n = 1, a network's single output unit): float64 four rows at a time in
 *   two vectors against B(p, 0) splatted, A's rows read in place (side by side when aRow = 1,
 *   gathered lane by lane otherwise), then the last rows alone; float32 row by row.
 * - float64, a shared dimension of at most four and two to four columns (a layer's forward pass
 *   from a few inputs, its deltas back from a few units): row by row with p unrolled, B's rows
 *   (packed, zero-padded to NR) and the bias held in registers through all the rows.
 * - float64, a few rows (m <= MR) or a few columns (n <= NR): register tiles as in the packed
 *   kernel, but A read in place through one pointer per row (rows past m repeat the last one, so
 *   nothing outside A is read; their sums go to the tile buffer, never to C), B in place when
 *   its panels are whole and contiguous, else packed. Tiles of two rows when m allows, so a
 *   weight gradient of two inputs does not carry two rows of waste through the whole batch.
 *
 * The bits are the packed kernel's: each lane is one entry of C, summed 0 + A(i,0) B(0,j) + ...
 * in order of p with a separate multiply and add, then + bias, then C + that
 * (test/engine/wasm-kernels.test.ts has shapes on every path, operands flush against the end of
 * memory, zero strides and views). Loops count rows and p (a stride may be 0). A and B are read
 * while C is written, so C must not overlap them (no caller does: wasmProduct copies, and the
 * fused network's buffers are distinct).
 */
import { add, get, i32, ifElse, type LaneType, mul, set, shl } from './wat';

/** What the small paths share with the packed kernel's text (wat-gemm.ts). */
export interface TileParts {
  /** Lane type. */
  L: LaneType;
  /** Rows of a register tile, and columns (two vectors). */
  MR: number;
  NR: number;
  /** The tile's accumulator locals, [row][half]. */
  accs: string[][];
  /** Packs B into panels at pPB, and the bias padded at pBP (wat-gemm.ts). */
  packB: string;
  packBias: string;
  /** Stores the tile's first `rows` rows, whole (rows x NR at C(i0, j0)). */
  storeRows: (rows: number) => string;
  /** Stores a ragged tile (rows x cols) through the tile buffer at pT. */
  storeRagged: string;
  /** Sets nb, mb, kbB and the work area's pointers (pPB, pPA, pBP, pT) from m, n, k. */
  layout: string;
}

/** The largest shared dimension the row-by-row path unrolls. */
const TINY_K = 4;

/** The locals the small paths use in gemm_<t>, besides the packed kernel's (byte strides end in B). */
export function smallLocals(L: LaneType): string {
  const i32s = ['aPB', 'bPB', 'aRowB', 'left', ...(L.t === 'f64' ? ['pa1', 'pa2', 'pa3', 'inPlace', 'pb0', 'cRowB'] : [])];
  const v128s = L.t === 'f64' ? [...Array.from({ length: 2 * TINY_K }, (_, i) => `kb${i}`), 'kbias0', 'kbias1'] : [];
  return [...i32s.map((l) => `(local $${l} i32)`), ...v128s.map((l) => `(local $${l} v128)`)].join(' ');
}

/** The small-shape paths, each ending in a return; the kernel's packed path follows them. */
export function smallPathsWat(P: TileParts): string {
  const { L, MR, NR, accs } = P;
  const sh = L.shift;
  const T = L.t;
  // The vector paths are float64's (f64x2 below); float32 only shares the row-by-row column loop.
  const zero = '(v128.const f64x2 0 0)';
  const vload = (addr: string, off = 0): string => `(v128.load offset=${off} ${addr})`;
  const vstore = (addr: string, value: string, off = 0): string => `(v128.store offset=${off} ${addr} ${value})`;
  const vadd = (a: string, c: string): string => `(f64x2.add ${a} ${c})`;
  const vmul = (a: string, c: string): string => `(f64x2.mul ${a} ${c})`;
  const splat = (addr: string): string => `(v128.load64_splat ${addr})`;
  const minRow = (r: number): string => `(select ${i32(r)} (i32.sub ${get('rows')} ${i32(1)}) (i32.lt_s ${i32(r)} ${get('rows')}))`;
  const rowPtrs = ['pa', 'pa1', 'pa2', 'pa3'];

  // n = 1: rows ib .. ib+3 as two vectors, against B(p, 0) splatted.
  const quadLoop = (contiguous: boolean): string => `
        (loop $quad_p
          ${set('b0', splat(get('pb')))}
          ${set('a', contiguous ? vload(get('pa')) : `(v128.load64_lane 1 ${get('pa1')} ${splat(get('pa'))})`)}
          ${set('c00', vadd(get('c00'), vmul(get('a'), get('b0'))))}
          ${set('a', contiguous ? vload(get('pa'), 16) : `(v128.load64_lane 1 ${get('pa3')} ${splat(get('pa2'))})`)}
          ${set('c10', vadd(get('c10'), vmul(get('a'), get('b0'))))}
          ${rowPtrs.slice(0, contiguous ? 1 : 4).map((r) => set(r, add(get(r), get('aPB')))).join(' ')}
          ${set('pb', add(get('pb'), get('bPB')))}
          ${set('left', `(i32.sub ${get('left')} ${i32(1)})`)}
          (br_if $quad_p ${get('left')}))`;
  const quads = `
    (block $quads_done (loop $quads_next
      (br_if $quads_done (i32.gt_s ${add(get('ib'), i32(4))} ${get('m')}))
      ${set('c00', zero)} ${set('c10', zero)}
      ${set('pa', add(get('pA'), mul(get('ib'), get('aRowB'))))}
      ${set('pa1', add(get('pa'), get('aRowB')))}
      ${set('pa2', add(get('pa1'), get('aRowB')))}
      ${set('pa3', add(get('pa2'), get('aRowB')))}
      ${set('pb', get('pB'))}
      ${set('left', get('k'))}
      ${ifElse(`(i32.gt_s ${get('k')} ${i32(0)})`, ifElse(`(i32.eq ${get('aRow')} ${i32(1)})`, quadLoop(true), quadLoop(false)))}
      ${ifElse(get('pBias'), `${set('b0', splat(get('pBias')))} ${set('c00', vadd(get('c00'), get('b0')))} ${set('c10', vadd(get('c10'), get('b0')))}`)}
      ${set('dst', add(get('pC'), shl(get('ib'), sh)))}
      ${ifElse(get('acc'),
        `${vstore(get('dst'), vadd(vload(get('dst')), get('c00')))} ${vstore(get('dst'), vadd(vload(get('dst'), 16), get('c10')), 16)}`,
        `${vstore(get('dst'), get('c00'))} ${vstore(get('dst'), get('c10'), 16)}`)}
      ${set('ib', add(get('ib'), i32(4)))}
      (br $quads_next)))`;
  // n = 1 (both lane types; float32 row by row).
  const column = `
  (if (i32.eq ${get('n')} ${i32(1)}) (then
    ${set('ib', i32(0))}
    ${set('aPB', shl(get('aP'), sh))}
    ${set('bPB', shl(get('bP'), sh))}
    ${set('aRowB', shl(get('aRow'), sh))}
    ${T === 'f64' ? quads : ''}
    (loop $col_rows (if (i32.lt_s ${get('ib')} ${get('m')}) (then
      ${set('s', `(${T}.const 0)`)}
      ${set('pa', add(get('pA'), mul(get('ib'), get('aRowB'))))}
      ${set('pb', get('pB'))}
      ${set('p', i32(0))}
      (block $col_p_done (loop $col_p
        (br_if $col_p_done (i32.ge_s ${get('p')} ${get('k')}))
        ${set('s', `(${T}.add ${get('s')} (${T}.mul (${T}.load ${get('pa')}) (${T}.load ${get('pb')})))`)}
        ${set('pa', add(get('pa'), get('aPB')))}
        ${set('pb', add(get('pb'), get('bPB')))}
        ${set('p', add(get('p'), i32(1)))}
        (br $col_p)))
      ${ifElse(get('pBias'), set('s', `(${T}.add ${get('s')} (${T}.load ${get('pBias')}))`))}
      ${set('dst', add(get('pC'), shl(get('ib'), sh)))}
      (${T}.store ${get('dst')} (select (${T}.add (${T}.load ${get('dst')}) ${get('s')}) ${get('s')} ${get('acc')}))
      ${set('ib', add(get('ib'), i32(1)))}
      (br $col_rows))))
    (return)))`;

  // A tile of R rows (R of the accumulators' rows), A in place through R row pointers.
  const tileLoop = (R: number): string => `
          (loop $tile${R}_p
            ${set('b0', vload(get('pb')))}
            ${set('b1', vload(get('pb'), 16))}
            ${accs.slice(0, R).map(([c0, c1], r) => `
            ${set('a', splat(get(rowPtrs[r])))}
            ${set(c0, vadd(get(c0), vmul(get('a'), get('b0'))))}
            ${set(c1, vadd(get(c1), vmul(get('a'), get('b1'))))}
            ${set(rowPtrs[r], add(get(rowPtrs[r]), get('aPB')))}`).join('')}
            ${set('pb', add(get('pb'), get('bPB')))}
            ${set('left', `(i32.sub ${get('left')} ${i32(1)})`)}
            (br_if $tile${R}_p ${get('left')}))`;
  const tile = (R: number): string => `
        ${accs.slice(0, R).flat().map((c) => set(c, zero)).join(' ')}
        ${set('pb', get('pb0'))}
        ${set('left', get('k'))}
        ${ifElse(`(i32.gt_s ${get('k')} ${i32(0)})`, tileLoop(R))}
        ${ifElse(get('pBias'), `
          ${set('b0', vload(add(get('pBP'), shl(get('j0'), sh))))}
          ${set('b1', vload(add(get('pBP'), shl(get('j0'), sh)), 16))}
          ${accs.slice(0, R).map(([c0, c1]) => `${set(c0, vadd(get(c0), get('b0')))} ${set(c1, vadd(get(c1), get('b1')))}`).join(' ')}`)}
        ${ifElse(`(i32.and (i32.eq ${get('rows')} ${i32(R)}) (i32.eq ${get('cols')} ${i32(NR)}))`, P.storeRows(R), P.storeRagged)}`;
  const unpacked = `
  (if (i32.or (i32.le_s ${get('m')} ${i32(MR)}) (i32.le_s ${get('n')} ${i32(NR)})) (then
    ${P.layout}
    ${set('inPlace', `(i32.and (i32.eq ${get('bCol')} ${i32(1)}) (i32.eqz (i32.and ${get('n')} ${i32(NR - 1)})))`)}
    ${ifElse(`(i32.eqz ${get('inPlace')})`, P.packB)}
    ${P.packBias}
    ${set('aPB', shl(get('aP'), sh))}
    ${set('aRowB', shl(get('aRow'), sh))}
    ${set('bPB', `(select ${shl(get('bP'), sh)} ${i32(NR * L.bytes)} ${get('inPlace')})`)}
    ${set('jb', i32(0))}
    (loop $ujb (if (i32.lt_s ${get('jb')} ${get('nb')}) (then
      ${set('j0', mul(get('jb'), i32(NR)))}
      ${set('cols', `(select ${i32(NR)} (i32.sub ${get('n')} ${get('j0')}) (i32.le_s ${add(get('j0'), i32(NR))} ${get('n')}))`)}
      ${set('pb0', `(select ${add(get('pB'), shl(get('j0'), sh))} ${add(get('pPB'), mul(get('jb'), get('kbB')))} ${get('inPlace')})`)}
      ${set('ib', i32(0))}
      (loop $uib (if (i32.lt_s ${get('ib')} ${get('mb')}) (then
        ${set('i0', mul(get('ib'), i32(MR)))}
        ${set('rows', `(select ${i32(MR)} (i32.sub ${get('m')} ${get('i0')}) (i32.le_s ${add(get('i0'), i32(MR))} ${get('m')}))`)}
        ${set('pa', add(get('pA'), mul(get('i0'), get('aRowB'))))}
        ${ifElse(`(i32.eq ${get('rows')} ${i32(MR)})`,
          rowPtrs.slice(1).map((r, q) => set(r, add(get(rowPtrs[q]), get('aRowB')))).join(' '),
          rowPtrs.slice(1).map((r, q) => set(r, add(get('pa'), mul(minRow(q + 1), get('aRowB'))))).join(' '))}
        ${ifElse(`(i32.le_s ${get('rows')} ${i32(2)})`, tile(2), tile(MR))}
        ${set('ib', add(get('ib'), i32(1)))}
        (br $uib))))
      ${set('jb', add(get('jb'), i32(1)))}
      (br $ujb))))
    (return)))`;
  // k <= TINY_K and 2 <= n <= NR, row by row (see the file comment); emitted before `unpacked`,
  // whose condition covers these shapes too.
  const storeRow = (withC: boolean): string => {
    const v = (c: string, off: number): string => (withC ? vadd(vload(get('dst'), off), get(c)) : get(c));
    const s1 = (c: string, off: number): string => (withC ? `(f64.add (f64.load offset=${off} ${get('dst')}) (f64x2.extract_lane 0 ${get(c)}))` : `(f64x2.extract_lane 0 ${get(c)})`);
    // n is 2, 3 or 4: columns 0-1 whole, then 2-3 or column 2 alone.
    return `
          ${vstore(get('dst'), v('c00', 0))}
          ${ifElse(`(i32.eq ${get('n')} ${i32(4)})`, vstore(get('dst'), v('c01', 16), 16))}
          ${ifElse(`(i32.eq ${get('n')} ${i32(3)})`, `(f64.store offset=16 ${get('dst')} ${s1('c01', 16)})`)}`;
  };
  const tinyRows = (k: number): string => `
      ${Array.from({ length: k }, (_, p) => `${set(`kb${2 * p}`, vload(get('pPB'), p * NR * L.bytes))} ${set(`kb${2 * p + 1}`, vload(get('pPB'), p * NR * L.bytes + 16))}`).join('\n      ')}
      (loop $tiny${k}_rows
        ${Array.from({ length: k }, (_, p) => `
        ${set('a', splat(p === 0 ? get('pa') : add(get('pa'), p === 1 ? get('aPB') : mul(get('aPB'), i32(p)))))}
        ${set('c00', vadd(p === 0 ? zero : get('c00'), vmul(get('a'), get(`kb${2 * p}`))))}
        ${set('c01', vadd(p === 0 ? zero : get('c01'), vmul(get('a'), get(`kb${2 * p + 1}`))))}`).join('')}
        ${ifElse(get('pBias'), `${set('c00', vadd(get('c00'), get('kbias0')))} ${set('c01', vadd(get('c01'), get('kbias1')))}`)}
        ${ifElse(get('acc'), storeRow(true), storeRow(false))}
        ${set('dst', add(get('dst'), get('cRowB')))}
        ${set('pa', add(get('pa'), get('aRowB')))}
        ${set('left', `(i32.sub ${get('left')} ${i32(1)})`)}
        (br_if $tiny${k}_rows ${get('left')}))`;
  const tiny = `
  (if (i32.and (i32.and (i32.ge_s ${get('n')} ${i32(2)}) (i32.le_s ${get('n')} ${i32(NR)}))
               (i32.and (i32.ge_s ${get('k')} ${i32(1)}) (i32.le_s ${get('k')} ${i32(TINY_K)}))) (then
    ${P.layout}
    ${P.packB}
    ${P.packBias}
    ${ifElse(get('pBias'), `${set('kbias0', vload(get('pBP')))} ${set('kbias1', vload(get('pBP'), 16))}`)}
    ${set('aPB', shl(get('aP'), sh))}
    ${set('aRowB', shl(get('aRow'), sh))}
    ${set('cRowB', shl(get('n'), sh))}
    ${set('pa', get('pA'))}
    ${set('left', get('m'))}
    ${set('dst', get('pC'))}
    ${ifElse(`(i32.gt_s ${get('m')} ${i32(0)})`,
      Array.from({ length: TINY_K }, (_, i) => i + 1).reduceRight((other, k) => ifElse(`(i32.eq ${get('k')} ${i32(k)})`, tinyRows(k), other), ''))}
    (return)))`;

  return T === 'f64' ? column + tiny + unpacked : column;
}
