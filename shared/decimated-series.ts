/**
 * A series of (x, y) points with x increasing (a cost curve: step, E/N) kept in bounded memory
 * for any length. While it is short every point is kept. Past `maxPoints`, consecutive points are
 * grouped into buckets of equal count (a power of two that doubles as the series grows) and each
 * bucket keeps its lowest and its highest point: the min/max envelope, so no spike and no dip is
 * ever lost, at the resolution of a bucket. The first and the last point are always kept exactly.
 *
 * What `points()` returns is itself a valid series (x increasing), at most `maxPoints` + 2 long,
 * so it can be stored, sent, drawn, or appended to another series.
 */

/** The points of a series: x and y, same length, x increasing. */
export interface SeriesPoints {
  x: Float64Array;
  y: Float64Array;
}

/** A bounded series; see the file comment. */
export class DecimatedSeries {
  /** Closed buckets, 4 numbers each: x and y of the lower point, then of the higher point. */
  private buckets: Float64Array;
  private closed = 0;
  /** Raw points per bucket (1 while every point is kept). */
  private width = 1;
  /** The open bucket: its raw point count and its lowest and highest point. */
  private openCount = 0;
  private openLo = [0, 0];
  private openHi = [0, 0];
  private first: [number, number] | null = null;
  private lastPoint: [number, number] | null = null;
  /** Raw points appended, and the lowest y among them. */
  private total = 0;
  private lowest = Number.POSITIVE_INFINITY;
  private readonly maxBuckets: number;

  /** `maxPoints`: the most points `points()` returns besides the first and the last (at least 8). */
  constructor(readonly maxPoints = 4096) {
    if (!(Number.isInteger(maxPoints) && maxPoints >= 8)) throw new RangeError(`a decimated series keeps at least 8 points, got ${maxPoints}`);
    this.maxBuckets = Math.floor(maxPoints / 2) - 1;
    this.buckets = new Float64Array(4 * (this.maxBuckets + 1));
  }

  /** Raw points appended so far (not the points kept). */
  get count(): number {
    return this.total;
  }

  /** Raw points per bucket now: the envelope's resolution (1 while every point is kept). */
  get bucketWidth(): number {
    return this.width;
  }

  /** The last point's x, or NaN when empty. */
  get lastX(): number {
    return this.lastPoint ? this.lastPoint[0] : Number.NaN;
  }

  /** The last point's y, or NaN when empty. */
  get lastY(): number {
    return this.lastPoint ? this.lastPoint[1] : Number.NaN;
  }

  /** The lowest y appended (+Infinity when empty): kept by the envelope, so also the lowest of `points()`. */
  get minY(): number {
    return this.lowest;
  }

  /** Appends one point; a point whose x is not beyond the last one's is ignored (a repeat). */
  push(x: number, y: number): void {
    if (this.lastPoint && !(x > this.lastPoint[0])) return;
    this.total++;
    if (!(y >= this.lowest)) this.lowest = y;
    if (!this.first) this.first = [x, y];
    this.lastPoint = [x, y];
    if (this.openCount === 0) {
      this.openLo = [x, y];
      this.openHi = [x, y];
    } else {
      if (y < this.openLo[1]) this.openLo = [x, y];
      if (y > this.openHi[1]) this.openHi = [x, y];
    }
    if (++this.openCount === this.width) this.closeBucket();
  }

  /** Appends points (x[i], y[i]) in order; those not beyond the last x are ignored. */
  append(x: ArrayLike<number>, y: ArrayLike<number>): void {
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) this.push(x[i], y[i]);
  }

  private closeBucket(): void {
    const b = this.buckets;
    const o = 4 * this.closed++;
    b[o] = this.openLo[0];
    b[o + 1] = this.openLo[1];
    b[o + 2] = this.openHi[0];
    b[o + 3] = this.openHi[1];
    this.openCount = 0;
    if (this.closed > this.maxBuckets) this.mergePairs();
  }

  /** Halves the buckets: each pair becomes one, twice as wide, with the pair's lowest and highest point. */
  private mergePairs(): void {
    const b = this.buckets;
    const pairs = Math.floor(this.closed / 2);
    for (let p = 0; p < pairs; p++) {
      const a = 8 * p;
      const c = a + 4;
      const lo = b[c + 1] < b[a + 1] ? c : a;
      const hi = b[c + 3] > b[a + 3] ? c + 2 : a + 2;
      const out = 4 * p;
      const lx = b[lo];
      const ly = b[lo + 1];
      const hx = b[hi];
      const hy = b[hi + 1];
      b[out] = lx;
      b[out + 1] = ly;
      b[out + 2] = hx;
      b[out + 3] = hy;
    }
    if (this.closed % 2 === 1) {
      // An odd bucket out becomes the open bucket's start (it holds half a wide bucket's points).
      const o = 4 * (this.closed - 1);
      const lo: [number, number] = [b[o], b[o + 1]];
      const hi: [number, number] = [b[o + 2], b[o + 3]];
      if (this.openCount === 0 || lo[1] <= this.openLo[1]) this.openLo = lo;
      if (this.openCount === 0 || hi[1] >= this.openHi[1]) this.openHi = hi;
      this.openCount += this.width;
    }
    this.closed = pairs;
    this.width *= 2;
  }

  /** The points kept, x increasing: every point while few, else the envelope plus first and last. */
  points(): SeriesPoints {
    const xs: number[] = [];
    const ys: number[] = [];
    const add = (x: number, y: number) => {
      if (xs.length && x <= xs[xs.length - 1]) return;
      xs.push(x);
      ys.push(y);
    };
    const pair = (ax: number, ay: number, bx: number, by: number) => {
      if (ax <= bx) {
        add(ax, ay);
        add(bx, by);
      } else {
        add(bx, by);
        add(ax, ay);
      }
    };
    if (this.first) add(this.first[0], this.first[1]);
    const b = this.buckets;
    for (let k = 0; k < this.closed; k++) pair(b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3]);
    if (this.openCount > 0) pair(this.openLo[0], this.openLo[1], this.openHi[0], this.openHi[1]);
    if (this.lastPoint) add(this.lastPoint[0], this.lastPoint[1]);
    return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
  }

  /** Forgets every point. */
  clear(): void {
    this.closed = 0;
    this.width = 1;
    this.openCount = 0;
    this.first = null;
    this.lastPoint = null;
    this.total = 0;
    this.lowest = Number.POSITIVE_INFINITY;
  }
}
