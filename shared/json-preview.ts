/**
 * A short preview of a JSON value for messages ("got [[[[[[[[[[[[..."), safe for any input: it
 * writes at most `max` characters and descends only as deep as those characters reach, so a
 * value nested a million levels deep (which JSON.parse accepts) cannot overflow the stack the way
 * JSON.stringify does ("Maximum call stack size exceeded").
 */

/** The JSON text of `value`, cut to `max` characters with "..." when longer. */
export function previewJson(value: unknown, max = 40): string {
  let out = '';
  /** Appends `s`; false once the preview is full (then callers stop descending). */
  const put = (s: string): boolean => {
    out += s.length > max ? s.slice(0, max + 1) : s;
    return out.length <= max;
  };
  const walk = (v: unknown): boolean => {
    if (Array.isArray(v)) {
      if (!put('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !put(',')) || !walk(v[i])) return false;
      return put(']');
    }
    if (v !== null && typeof v === 'object') {
      if (!put('{')) return false;
      let first = true;
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        if ((!first && !put(',')) || !put(`${JSON.stringify(k)}:`) || !walk(x)) return false;
        first = false;
      }
      return put('}');
    }
    const s = typeof v === 'bigint' ? String(v) : JSON.stringify(v);
    return put(s ?? 'null');
  };
  walk(value);
  return out.length > max ? `${out.slice(0, max - 3)}...` : out;
}
