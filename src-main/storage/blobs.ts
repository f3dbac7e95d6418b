/**
 * Typed arrays to and from SQLite blobs: little-endian IEEE 754 doubles (and int32 for line
 * numbers), the byte order of every machine MLP Lab runs on (x64 and arm64).
 *
 * Writing shares the array's memory (no copy). Reading always copies: a Buffer better-sqlite3
 * returns may start at any byte offset, and a Float64Array must start at a multiple of 8.
 */
import { UserError } from '../../shared/errors';

/** The bytes of a Float64Array (or Int32Array), without copying. */
export function toBlob(a: Float64Array | Int32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** A blob that is not what it should be; `what` names it ("run 3 final weights"). */
export class BlobError extends UserError {
  override name = 'BlobError';
}

/** A copy of a blob as doubles; `expected` (a count) is checked when given. */
export function float64FromBlob(blob: unknown, what: string, expected?: number): Float64Array {
  if (!(blob instanceof Uint8Array)) throw new BlobError(`${what} is not binary data`);
  if (blob.byteLength % 8 !== 0) throw new BlobError(`${what} has ${blob.byteLength} bytes, not a whole number of 8-byte values`);
  const out = new Float64Array(blob.byteLength / 8);
  new Uint8Array(out.buffer).set(blob);
  if (expected !== undefined && out.length !== expected) throw new BlobError(`${what} has ${out.length} values, expected ${expected}`);
  return out;
}

/** A copy of a blob as int32s; `expected` (a count) is checked when given. */
export function int32FromBlob(blob: unknown, what: string, expected?: number): Int32Array {
  if (!(blob instanceof Uint8Array)) throw new BlobError(`${what} is not binary data`);
  if (blob.byteLength % 4 !== 0) throw new BlobError(`${what} has ${blob.byteLength} bytes, not a whole number of 4-byte values`);
  const out = new Int32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  if (expected !== undefined && out.length !== expected) throw new BlobError(`${what} has ${out.length} values, expected ${expected}`);
  return out;
}
