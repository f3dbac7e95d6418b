/**
 * A small animated-GIF (GIF89a) encoder for the learning animation: RGBA frames in, file bytes
 * out. One global palette of up to 256 colours is chosen over all frames (colours bucketed to 5
 * bits per channel; median cut when more than 256 buckets are in use), every pixel takes its nearest
 * palette entry, and the indices are LZW-compressed as the GIF specification (1989) describes.
 * The views are flat colour fields, lines and dots, so 256 colours lose little.
 */

/** One frame: width x height RGBA pixels (alpha ignored) and how long it shows. */
export interface GifFrame {
  rgba: Uint8Array | Uint8ClampedArray;
  /** Display time in milliseconds (rounded to GIF's hundredths of a second, at least 20 ms). */
  delayMs: number;
}

/** Options of an encoding. */
export interface GifOptions {
  /** Times the animation plays: 0 = for ever (the default). */
  loop?: number;
}

/** The 15-bit bucket of a colour: 5 bits per channel. */
function bucket(r: number, g: number, b: number): number {
  return ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
}

/**
 * Up to 256 colours (RGB triples) covering the frames. With at most 256 colour buckets in use,
 * each bucket's mean colour, most frequent first; otherwise median cut (Heckbert 1982) over the
 * bucket histogram: the box holding the most pixels times its widest channel range is split at
 * its weighted median until there are 256 boxes, each giving its mean colour.
 */
export function choosePalette(frames: readonly GifFrame[]): Uint8Array {
  const count = new Float64Array(32768);
  const sum = new Float64Array(32768 * 3);
  for (const f of frames) {
    const px = f.rgba;
    for (let i = 0; i < px.length; i += 4) {
      const k = bucket(px[i], px[i + 1], px[i + 2]);
      count[k]++;
      sum[k * 3] += px[i];
      sum[k * 3 + 1] += px[i + 1];
      sum[k * 3 + 2] += px[i + 2];
    }
  }
  const used: number[] = [];
  for (let k = 0; k < 32768; k++) if (count[k] > 0) used.push(k);
  const meanOf = (keys: readonly number[]): [number, number, number] => {
    let n = 0;
    let r = 0;
    let g = 0;
    let b = 0;
    for (const k of keys) {
      n += count[k];
      r += sum[k * 3];
      g += sum[k * 3 + 1];
      b += sum[k * 3 + 2];
    }
    return [Math.round(r / n), Math.round(g / n), Math.round(b / n)];
  };
  let groups: number[][];
  if (used.length <= 256) {
    groups = used.sort((a, b) => count[b] - count[a]).map((k) => [k]);
  } else {
    const channel = (k: number, c: number) => (k >> (10 - 5 * c)) & 31;
    interface Box { keys: number[]; pixels: number; range: number; axis: number }
    const box = (keys: number[]): Box => {
      let pixels = 0;
      const lo = [31, 31, 31];
      const hi = [0, 0, 0];
      for (const k of keys) {
        pixels += count[k];
        for (let c = 0; c < 3; c++) {
          const v = channel(k, c);
          if (v < lo[c]) lo[c] = v;
          if (v > hi[c]) hi[c] = v;
        }
      }
      const ranges = hi.map((h, c) => h - lo[c]);
      const axis = ranges.indexOf(Math.max(...ranges));
      return { keys, pixels, range: ranges[axis], axis };
    };
    const boxes: Box[] = [box(used)];
    while (boxes.length < 256) {
      let pick = -1;
      let score = 0;
      boxes.forEach((b, i) => {
        const sc = b.keys.length > 1 ? b.pixels * (b.range + 1) : 0;
        if (sc > score) {
          score = sc;
          pick = i;
        }
      });
      if (pick < 0) break;
      const b = boxes[pick];
      const keys = [...b.keys].sort((x, y) => channel(x, b.axis) - channel(y, b.axis));
      let acc = 0;
      let cut = 1;
      for (let i = 0; i < keys.length - 1; i++) {
        acc += count[keys[i]];
        cut = i + 1;
        if (acc >= b.pixels / 2) break;
      }
      boxes.splice(pick, 1, box(keys.slice(0, cut)), box(keys.slice(cut)));
    }
    groups = boxes.sort((a, b) => b.pixels - a.pixels).map((b) => b.keys);
  }
  const palette = new Uint8Array(groups.length * 3);
  groups.forEach((keys, i) => palette.set(meanOf(keys), i * 3));
  return palette;
}

/** Maps RGBA pixels to palette indices (nearest colour, memoised per 15-bit bucket). */
export function indexPixels(rgba: Uint8Array | Uint8ClampedArray, palette: Uint8Array, memo: Int16Array): Uint8Array {
  const n = rgba.length / 4;
  const out = new Uint8Array(n);
  const colours = palette.length / 3;
  for (let i = 0; i < n; i++) {
    const r = rgba[i * 4];
    const g = rgba[i * 4 + 1];
    const b = rgba[i * 4 + 2];
    const k = bucket(r, g, b);
    let best = memo[k];
    if (best < 0) {
      let bestD = Infinity;
      for (let c = 0; c < colours; c++) {
        const dr = palette[c * 3] - r;
        const dg = palette[c * 3 + 1] - g;
        const db = palette[c * 3 + 2] - b;
        const d = dr * dr + dg * dg + db * db;
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      memo[k] = best;
    }
    out[i] = best;
  }
  return out;
}

/** A growable byte buffer. */
class Bytes {
  private a = new Uint8Array(1 << 16);
  length = 0;
  byte(v: number): void {
    if (this.length === this.a.length) {
      const b = new Uint8Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
  u16(v: number): void {
    this.byte(v & 0xff);
    this.byte((v >> 8) & 0xff);
  }
  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }
  array(v: ArrayLike<number>): void {
    for (let i = 0; i < v.length; i++) this.byte(v[i]);
  }
  result(): Uint8Array {
    return this.a.slice(0, this.length);
  }
}

/**
 * Writes the LZW-compressed image data of `indices` (8-bit codes): the minimum code size, then
 * sub-blocks of at most 255 bytes, then a zero-length block.
 */
function writeLzw(out: Bytes, indices: Uint8Array, minCodeSize = 8): void {
  out.byte(minCodeSize);
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  let next = eoi + 1;
  let size = minCodeSize + 1;
  let table = new Map<number, number>();
  let bits = 0;
  let nbits = 0;
  let block: number[] = [];
  const flushBlock = () => {
    out.byte(block.length);
    out.array(block);
    block = [];
  };
  const emit = (code: number) => {
    bits |= code << nbits;
    nbits += size;
    while (nbits >= 8) {
      block.push(bits & 0xff);
      bits >>>= 8;
      nbits -= 8;
      if (block.length === 255) flushBlock();
    }
  };
  emit(clear);
  if (indices.length === 0) {
    emit(eoi);
  } else {
    let prefix = indices[0];
    for (let i = 1; i < indices.length; i++) {
      const k = indices[i];
      const key = prefix * 256 + k;
      const code = table.get(key);
      if (code !== undefined) {
        prefix = code;
        continue;
      }
      emit(prefix);
      if (next === 4096) {
        // The table is full: start over (the decoder does the same on the clear code).
        emit(clear);
        next = eoi + 1;
        size = minCodeSize + 1;
        table = new Map();
      } else {
        if (next >= 1 << size) size++;
        table.set(key, next++);
      }
      prefix = k;
    }
    emit(prefix);
    emit(eoi);
  }
  if (nbits > 0) block.push(bits & 0xff);
  if (block.length) flushBlock();
  out.byte(0);
}

/** Encodes frames of width x height pixels as an animated GIF89a file. */
export function encodeGif(width: number, height: number, frames: readonly GifFrame[], options: GifOptions = {}): Uint8Array {
  if (!(width > 0 && height > 0 && width < 65536 && height < 65536)) throw new RangeError(`a GIF is 1 to 65535 pixels wide and high, got ${width} x ${height}`);
  if (frames.length === 0) throw new RangeError('a GIF needs at least one frame');
  for (const f of frames) if (f.rgba.length !== width * height * 4) throw new RangeError(`every frame must have ${width * height * 4} RGBA bytes, got ${f.rgba.length}`);
  const colours = choosePalette(frames);
  // The colour table holds 2^(s+1) entries; pad with black to 256 (code size 8 throughout).
  const palette = new Uint8Array(256 * 3);
  palette.set(colours);
  const memo = new Int16Array(32768).fill(-1);
  const out = new Bytes();
  out.text('GIF89a');
  out.u16(width);
  out.u16(height);
  out.byte(0xf7); // global colour table, 8 bits colour resolution, 256 entries
  out.byte(0); // background colour index
  out.byte(0); // pixel aspect ratio: square
  out.array(palette);
  // NETSCAPE2.0 application extension: loop count.
  out.byte(0x21);
  out.byte(0xff);
  out.byte(11);
  out.text('NETSCAPE2.0');
  out.byte(3);
  out.byte(1);
  out.u16(options.loop ?? 0);
  out.byte(0);
  for (const f of frames) {
    // Graphic control extension: disposal "do not dispose", delay, no transparency.
    out.byte(0x21);
    out.byte(0xf9);
    out.byte(4);
    out.byte(0x04);
    out.u16(Math.max(2, Math.round(f.delayMs / 10)));
    out.byte(0);
    out.byte(0);
    // Image descriptor: the whole screen, no local colour table, not interlaced.
    out.byte(0x2c);
    out.u16(0);
    out.u16(0);
    out.u16(width);
    out.u16(height);
    out.byte(0);
    writeLzw(out, indexPixels(f.rgba, palette.subarray(0, Math.max(3, colours.length)), memo));
  }
  out.byte(0x3b);
  return out.result();
}

