/**
 * A growable list of doubles in one Float64Array: the cost curve as a trainer gathers it, as main
 * keeps it for a run, as the window keeps it for its chart. Appending is amortised O(1) (the
 * array doubles when full) and never allocates per value.
 */
export class FloatList {
  private a: Float64Array;
  /** Values held. */
  length = 0;

  constructor(capacity = 256) {
    this.a = new Float64Array(Math.max(1, capacity));
  }

  private reserve(size: number): void {
    if (size <= this.a.length) return;
    let cap = this.a.length;
    while (cap < size) cap *= 2;
    const b = new Float64Array(cap);
    b.set(this.a.subarray(0, this.length));
    this.a = b;
  }

  /** Appends one value. */
  push(v: number): void {
    if (this.length === this.a.length) this.reserve(this.length + 1);
    this.a[this.length++] = v;
  }

  /** Appends values[from ... values.length). */
  append(values: Float64Array, from = 0): void {
    const m = values.length - from;
    if (m <= 0) return;
    this.reserve(this.length + m);
    this.a.set(from === 0 ? values : values.subarray(from), this.length);
    this.length += m;
  }

  /** The values held, as a view valid until the next append. */
  get view(): Float64Array {
    return this.a.subarray(0, this.length);
  }

  /** The last value, or NaN when empty. */
  get last(): number {
    return this.length ? this.a[this.length - 1] : Number.NaN;
  }

  /** A copy of the values held. */
  copy(): Float64Array {
    return this.a.slice(0, this.length);
  }

  /** A copy of the values held, and the list emptied. */
  drain(): Float64Array {
    const out = this.copy();
    this.length = 0;
    return out;
  }

  /** Forgets every value (the memory is kept for reuse). */
  clear(): void {
    this.length = 0;
  }
}
