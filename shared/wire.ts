/**
 * The browser transport's message encoding: JSON for structure, typed arrays as raw bytes.
 *
 * A message is one binary frame:
 *
 *     [u32 JSON byte length][JSON (UTF-8)][padding to 8][array 0 bytes][pad][array 1 bytes]...
 *
 * Each typed array in the value is replaced in the JSON by {"$ta": kind, "i": index, "n": length};
 * its bytes follow the JSON, each array starting on an 8-byte boundary, in index order. So
 * Float64Arrays cross exactly (bit for bit, NaN and -0 included) and without a text round trip.
 * Plain JSON has no typed arrays, which is why this exists beside Electron's structured clone.
 */

const KINDS = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int8Array,
} as const;
type Kind = keyof typeof KINDS;
type Typed = InstanceType<(typeof KINDS)[Kind]>;

interface Ref {
  $ta: Kind;
  i: number;
  n: number;
}

function kindOf(v: unknown): Kind | null {
  if (!ArrayBuffer.isView(v)) return null;
  for (const k of Object.keys(KINDS) as Kind[]) if (v instanceof KINDS[k]) return k;
  return null;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Encodes a JSON-like value that may hold typed arrays. */
export function encodeMessage(value: unknown): Uint8Array<ArrayBuffer> {
  const arrays: Typed[] = [];
  const json = JSON.stringify(value, (_key, v: unknown) => {
    const kind = kindOf(v);
    if (!kind) return v;
    const a = v as Typed;
    arrays.push(a);
    const ref: Ref = { $ta: kind, i: arrays.length - 1, n: a.length };
    return ref;
  });
  const text = new TextEncoder().encode(json ?? 'null');
  let size = align8(4 + text.length);
  const offsets = arrays.map((a) => {
    const at = size;
    size = align8(size + a.byteLength);
    return at;
  });
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 4);
  arrays.forEach((a, i) => out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offsets[i]));
  return out;
}

/** Decodes a frame made by `encodeMessage`; throws on a malformed frame. */
export function decodeMessage(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new Error('message too short');
  const length = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  if (4 + length > frame.byteLength) throw new Error('message length field exceeds the frame');
  const json = new TextDecoder().decode(frame.subarray(4, 4 + length));
  // First pass: collect the references so each array's offset can be computed in index order.
  const refs: Ref[] = [];
  JSON.parse(json, (_key, v: unknown) => {
    if (isRef(v)) refs[v.i] = v;
    return v;
  });
  const offsets: number[] = [];
  let at = align8(4 + length);
  for (let i = 0; i < refs.length; i++) {
    const r = refs[i];
    if (!r) throw new Error(`typed array ${i} is missing`);
    offsets[i] = at;
    at = align8(at + r.n * KINDS[r.$ta].BYTES_PER_ELEMENT);
  }
  if (at > frame.byteLength) throw new Error('typed arrays exceed the frame');
  return JSON.parse(json, (_key, v: unknown) => {
    if (!isRef(v)) return v;
    const Ctor = KINDS[v.$ta];
    const bytes = v.n * Ctor.BYTES_PER_ELEMENT;
    // Copy into a fresh buffer: the frame's may be unaligned and is reused by the socket.
    const copy = new Uint8Array(bytes);
    copy.set(frame.subarray(offsets[v.i], offsets[v.i] + bytes));
    return new Ctor(copy.buffer);
  });
}

function isRef(v: unknown): v is Ref {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<Ref>;
  return typeof r.$ta === 'string' && Object.hasOwn(KINDS, r.$ta) && Number.isInteger(r.i) && (r.i as number) >= 0 && Number.isInteger(r.n) && (r.n as number) >= 0;
}
