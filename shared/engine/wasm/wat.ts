/**
 * Small helpers for writing WebAssembly text (WAT) from TypeScript: the kernel generators
 * (wat-gemm.ts, ...) build their functions from these, and bin/build-wasm.ts assembles the text
 * with the `wabt` package at install and build time. Nothing here runs in the app; it only
 * produces strings.
 */

/** `(local.get $name)`. */
export const get = (name: string): string => `(local.get $${name})`;
/** `(local.set $name value)`. */
export const set = (name: string, value: string): string => `(local.set $${name} ${value})`;
/** An i32 constant. */
export const i32 = (v: number): string => `(i32.const ${v | 0})`;
/** a + b on i32. */
export const add = (a: string, b: string): string => `(i32.add ${a} ${b})`;
/** a * b on i32. */
export const mul = (a: string, b: string): string => `(i32.mul ${a} ${b})`;
/** a << s on i32 (s a constant): a byte offset from an element index. */
export const shl = (a: string, s: number): string => (s === 0 ? a : `(i32.shl ${a} (i32.const ${s}))`);

/**
 * `for (name = from; name < to; name++) body` on i32, with `to` evaluated each time (so pass a
 * local or a constant). Labels are derived from the variable's name, so loops over distinct
 * variables nest.
 */
export function forLoop(name: string, from: string, to: string, body: string): string {
  return `${set(name, from)}
(block $${name}_done (loop $${name}_next
  (br_if $${name}_done (i32.ge_s ${get(name)} ${to}))
  ${body}
  ${set(name, add(get(name), i32(1)))}
  (br $${name}_next)))`;
}

/** `if (cond) then else other`, as a statement. */
export function ifElse(cond: string, then: string, other = ''): string {
  return other ? `(if ${cond} (then ${then}) (else ${other}))` : `(if ${cond} (then ${then}))`;
}

/** The lane type of a kernel: float64 (two lanes in a 128-bit vector) or float32 (four). */
export interface LaneType {
  /** 'f64' or 'f32'. */
  readonly t: 'f64' | 'f32';
  /** The vector shape, 'f64x2' or 'f32x4'. */
  readonly v: 'f64x2' | 'f32x4';
  /** Bytes per element. */
  readonly bytes: 8 | 4;
  /** log2 of bytes. */
  readonly shift: 3 | 2;
  /** Elements per vector. */
  readonly lanes: 2 | 4;
  /** The load that splats one element into every lane. */
  readonly splat: 'v128.load64_splat' | 'v128.load32_splat';
}

/** float64 lanes. */
export const F64: LaneType = { t: 'f64', v: 'f64x2', bytes: 8, shift: 3, lanes: 2, splat: 'v128.load64_splat' };
/** float32 lanes. */
export const F32: LaneType = { t: 'f32', v: 'f32x4', bytes: 4, shift: 2, lanes: 4, splat: 'v128.load32_splat' };
