/**
 * Electron IPC serialises with the structured clone algorithm between processes, which cannot
 * carry SharedArrayBuffers, while main keeps some arrays in shared memory: datasets (which the
 * trainer workers read in place) and whatever is derived from them without a copy. Before a
 * value crosses to the renderer, typed arrays on shared memory are replaced by copies on their
 * own memory; everything else is passed through as it is.
 */
export function withoutSharedMemory<T>(value: T): T {
  return own(value, 0) as T;
}

/** Deeper than any event or call result; guards against a cycle. */
const MAX_DEPTH = 32;

function own(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (ArrayBuffer.isView(value)) {
    if (!(value.buffer instanceof SharedArrayBuffer)) return value;
    // slice() of a typed array allocates an ordinary ArrayBuffer of the same type.
    if (value instanceof DataView) return new DataView(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    return (value as unknown as Float64Array).slice();
  }
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    value.forEach((v, i) => {
      const o = own(v, depth + 1);
      if (o !== v) (out ??= value.slice())[i] = o;
    });
    return out ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(value)) {
    const o = own(v, depth + 1);
    if (o !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = o;
  }
  return out ?? value;
}
