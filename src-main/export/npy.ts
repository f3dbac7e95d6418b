/**
 * numpy's `.npy` file (format version 1.0, numpy's NEP 1): what `numpy.load` reads back exactly.
 * A 10-byte preamble (magic "\x93NUMPY", version 1.0, header length), a Python-literal header
 * naming the element type, order and shape, padded with spaces to a multiple of 64 bytes and
 * ended by a newline, then the raw little-endian float64 values in row-major order.
 */

/** The bytes of a float64 `.npy` file holding `values` (row-major) with `shape`. */
export function npyFloat64(values: Float64Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new RangeError(`shape ${shape.join(' x ')} holds ${count} values, got ${values.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * 8);
  out.set([0x93, ...'NUMPY'.split('').map((c) => c.charCodeAt(0)), 1, 0]);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const data = 10 + header.length;
  for (let i = 0; i < values.length; i++) view.setFloat64(data + i * 8, values[i], true);
  return out;
}
