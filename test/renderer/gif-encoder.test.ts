/**
 * The learning animation's GIF (gifenc behind encodeGif), checked by decoding its output with an
 * independent GIF reader written here from the specification: header, loop extension, one image
 * per frame with its delay, and the pixels back exactly (few colours) or to a near colour.
 */
import { describe, expect, it } from 'vitest';
import { encodeGif, type GifFrame } from '../../src-renderer/src/lib/gif-encoder';

interface Decoded {
  width: number;
  height: number;
  loop: number | null;
  frames: { delayCs: number; rgb: Uint8Array }[];
}

/** LZW decoding of one image's code stream (GIF89a appendix F). */
function lzwDecode(data: Uint8Array, minCodeSize: number, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  let size = minCodeSize + 1;
  let dict: number[][] = [];
  const reset = () => {
    dict = [];
    for (let i = 0; i < clear; i++) dict.push([i]);
    dict.push([], []);
    size = minCodeSize + 1;
  };
  reset();
  let pos = 0;
  let bit = 0;
  const read = () => {
    let code = 0;
    for (let i = 0; i < size; i++) {
      const byte = data[(bit + i) >> 3];
      code |= ((byte >> ((bit + i) & 7)) & 1) << i;
    }
    bit += size;
    return code;
  };
  let prev: number[] | null = null;
  for (;;) {
    if (bit + size > data.length * 8) throw new Error('the code stream ended without an end code');
    const code = read();
    if (code === clear) {
      reset();
      prev = null;
      continue;
    }
    if (code === eoi) break;
    let entry: number[];
    if (code < dict.length) entry = dict[code];
    else if (code === dict.length && prev) entry = [...prev, prev[0]];
    else throw new Error(`bad code ${code} (table has ${dict.length})`);
    for (const v of entry) out[pos++] = v;
    if (prev) {
      dict.push([...prev, entry[0]]);
      if (dict.length === 1 << size && size < 12) size++;
    }
    prev = entry;
  }
  expect(pos).toBe(pixels);
  return out;
}

function decodeGif(bytes: Uint8Array): Decoded {
  const text = (a: number, n: number) => String.fromCharCode(...bytes.subarray(a, a + n));
  const u16 = (a: number) => bytes[a] | (bytes[a + 1] << 8);
  expect(text(0, 6)).toBe('GIF89a');
  const width = u16(6);
  const height = u16(8);
  const packed = bytes[10];
  expect(packed & 0x80).toBe(0x80);
  const tableSize = 2 << (packed & 7);
  const palette = bytes.subarray(13, 13 + tableSize * 3);
  let p = 13 + tableSize * 3;
  const result: Decoded = { width, height, loop: null, frames: [] };
  let delay = 0;
  const subBlocks = (): Uint8Array => {
    const parts: number[] = [];
    for (;;) {
      const n = bytes[p++];
      if (n === 0) break;
      parts.push(...bytes.subarray(p, p + n));
      p += n;
    }
    return Uint8Array.from(parts);
  };
  for (;;) {
    const b = bytes[p++];
    if (b === 0x3b) break;
    if (b === 0x21) {
      const label = bytes[p++];
      if (label === 0xff) {
        const id = text(p + 1, 11);
        p += 12;
        const body = subBlocks();
        if (id === 'NETSCAPE2.0') result.loop = body[1] | (body[2] << 8);
      } else if (label === 0xf9) {
        delay = u16(p + 2);
        p += 1 + bytes[p];
        subBlocks();
      } else subBlocks();
      continue;
    }
    expect(b).toBe(0x2c);
    const w = u16(p + 4);
    const h = u16(p + 6);
    expect([w, h]).toEqual([width, height]);
    expect(bytes[p + 8] & 0x80).toBe(0); // no local colour table
    p += 9;
    const min = bytes[p++];
    const idx = lzwDecode(subBlocks(), min, w * h);
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < idx.length; i++) rgb.set(palette.subarray(idx[i] * 3, idx[i] * 3 + 3), i * 3);
    result.frames.push({ delayCs: delay, rgb });
  }
  return result;
}

function frame(w: number, h: number, colour: (x: number, y: number) => [number, number, number], delayMs = 100): GifFrame {
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const [r, g, b] = colour(x, y);
    rgba.set([r, g, b, 255], (y * w + x) * 4);
  }
  return { rgba, delayMs };
}

const rgbOf = (f: GifFrame) => Uint8Array.from(Array.from({ length: f.rgba.length / 4 }, (_, i) => [f.rgba[i * 4], f.rgba[i * 4 + 1], f.rgba[i * 4 + 2]]).flat());

describe('GIF encoder', () => {
  it('writes GIF89a with a loop-for-ever extension and one image per frame, each with its delay', () => {
    const frames = [0, 1, 2].map((t) => frame(7, 5, (x, y) => ((x + y + t) % 2 ? [8, 119, 189] : [245, 147, 34]), 250 + t * 100));
    const bytes = encodeGif(7, 5, frames);
    const gif = decodeGif(bytes);
    expect(gif).toMatchObject({ width: 7, height: 5, loop: 0 });
    expect(gif.frames.map((f) => f.delayCs)).toEqual([25, 35, 45]);
    gif.frames.forEach((f, i) => expect(Array.from(f.rgb)).toEqual(Array.from(rgbOf(frames[i]))));
    expect(bytes[bytes.length - 1]).toBe(0x3b);
  });

  it('round-trips an image of up to 256 colours exactly, through many LZW table resets', () => {
    // 256 distinct colours in a noisy pattern: the code table fills (4096) and is cleared often.
    let s = 12345;
    const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 255;
    const colours = Array.from({ length: 256 }, (_, i) => [(i * 37) & 0xf8, (i * 91) & 0xf8, (i * 53) & 0xf8 | 4] as [number, number, number]);
    const f = frame(300, 200, () => colours[rand()]);
    const gif = decodeGif(encodeGif(300, 200, [f]));
    expect(Array.from(gif.frames[0].rgb)).toEqual(Array.from(rgbOf(f)));
  });

  it('maps a smooth gradient with more than 256 colours to nearby palette colours', () => {
    const f = frame(256, 64, (x, y) => [x, 255 - x, y * 4]);
    const gif = decodeGif(encodeGif(256, 64, [f]));
    const want = rgbOf(f);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - gif.frames[0].rgb[i]));
    expect(worst).toBeLessThan(48);
  });

  it('keeps each colour at one palette index across frames (one global palette) and refuses frames of the wrong size', () => {
    const a = frame(10, 10, (x) => (x < 8 ? [0, 0, 0] : [255, 255, 255]));
    const b = frame(10, 10, (x) => (x < 2 ? [0, 0, 0] : [200, 30, 40]));
    const gif = decodeGif(encodeGif(10, 10, [a, b]));
    expect(Array.from(gif.frames[0].rgb)).toEqual(Array.from(rgbOf(a)));
    expect(Array.from(gif.frames[1].rgb)).toEqual(Array.from(rgbOf(b)));
    expect(() => encodeGif(10, 11, [a])).toThrow(/RGBA bytes/);
    expect(() => encodeGif(10, 10, [])).toThrow(/at least one frame/);
  });
});
