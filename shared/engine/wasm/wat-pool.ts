/**
 * Vector constants read from memory, for the elementwise kernels' hot loops.
 *
 * V8 (Node 20's, seen with --print-wasm-code) builds a v128.const where it is used: an integer
 * move, a move into a vector register and a shuffle, for every constant in every iteration of a
 * loop, and it does the same for a constant first set into a local, since it sees through the
 * local. fastTanh's two-lane loop uses eleven constants: a third of its instructions. A value
 * loaded from memory before the loop is different: V8 keeps it in a register, or on the stack
 * and reads it as an operand. tanh over 4000 values went from 10.6 to 7.8 us, the sigmoid over
 * 1000 from 3.7 to 3.0 (bench/kernels.ts has no such row; scratch timings of the exports).
 *
 * The constants sit in a pool of POOL_SLOTS 16-byte slots at POOL_AT, in the memory's reserved
 * start (runtime.ts RESERVED), written by the module's start function when it is instantiated.
 * A function that hoists its constants (`Hoisted`) declares one local per constant and loads it
 * on entry (its `prologue`). The values are the literals' bits, so no result changes.
 */

/** Where the pool begins (after the 64 bytes that keep address 0 from being a real pointer). */
export const POOL_AT = 64;
/** Slots in the pool; the module text is refused if it needs more. */
export const POOL_SLOTS = 48;

/** Slot of each literal while a module's text is being generated. */
let pool: Map<string, number> | null = null;

/**
 * Generates a module's functions with a fresh pool, and appends the start function that writes
 * the pool (the text goes inside `(module ...)`).
 */
export function withConstPool(generate: () => string): string {
  pool = new Map();
  try {
    const text = generate();
    const stores = [...pool].map(([literal, slot]) => `(v128.store offset=${POOL_AT + 16 * slot} (i32.const 0) ${literal})`);
    return `${text}
  ;; The constant pool (wat-pool.ts), written at instantiation.
  (func $pool_init ${stores.join('\n    ')})
  (start $pool_init)`;
  } finally {
    pool = null;
  }
}

/** A WAT literal for a v128 constant, or the local a function loaded it into. */
export type Const = (literal: string) => string;

/** Constants written where they are used (for code outside hot loops). */
export const inline: Const = (literal) => literal;

/** The pool constants one function uses: `konst` to use one, then `prologue()` for its header. */
export class Hoisted {
  private readonly names = new Map<string, string>();

  /** The constant `literal` (a v128.const), as a local loaded from the pool on entry. */
  readonly konst: Const = (literal) => {
    if (pool === null) throw new Error('wat-pool: constants can only be hoisted inside withConstPool');
    let slot = pool.get(literal);
    if (slot === undefined) {
      slot = pool.size;
      if (slot >= POOL_SLOTS) throw new Error(`wat-pool: more than ${POOL_SLOTS} constants; raise POOL_SLOTS`);
      pool.set(literal, slot);
    }
    let name = this.names.get(literal);
    if (name === undefined) {
      name = `pool${slot}`;
      this.names.set(literal, name);
    }
    return `(local.get $${name})`;
  };

  /**
   * The locals' declarations and their loads from the pool, in one piece so neither can be
   * forgotten: put it after the function's other locals, before its first instruction.
   */
  prologue(): string {
    const p = pool;
    if (p === null) throw new Error('wat-pool: a prologue can only be written inside withConstPool');
    const names = [...this.names.entries()];
    return [
      ...names.map(([, n]) => `(local $${n} v128)`),
      ...names.map(([literal, n]) => `(local.set $${n} (v128.load offset=${POOL_AT + 16 * p.get(literal)!} (i32.const 0)))`),
    ].join('\n    ');
  }
}
