import { describe, expect, it } from 'vitest';
import { kernelInstance } from '../../shared/engine/wasm/runtime';
import { kernelModuleWat } from '../../shared/engine/wasm/wat-module';
import { Hoisted, POOL_AT, POOL_SLOTS, withConstPool } from '../../shared/engine/wasm/wat-pool';
import { freshKernels } from '../support/fresh-kernels';

/**
 * The constant pool (shared/engine/wasm/wat-pool.ts): hot loops read their vector constants from
 * memory, written by the module's start function. That the kernels using it give their twins'
 * bits is pinned by wasm-math.test.ts and float32.test.ts (a pool read from the wrong slot fails
 * them); here, the pool's own bookkeeping and the memory it lives in.
 */
describe('constant pool', () => {
  it('gives each literal one slot, one local per function, and a start function that writes every slot', () => {
    const one = '(v128.const f64x2 1 1)', two = '(v128.const f64x2 2 2)';
    const text = withConstPool(() => {
      const f = new Hoisted(), g = new Hoisted();
      expect(f.konst(one)).toBe('(local.get $pool0)');
      expect(f.konst(two)).toBe('(local.get $pool1)');
      expect(f.konst(one)).toBe('(local.get $pool0)');
      expect(g.konst(two)).toBe('(local.get $pool1)');
      // Declarations first, then the loads (a local declared after an instruction is invalid).
      expect(f.prologue()).toBe(`(local $pool0 v128)\n    (local $pool1 v128)\n    (local.set $pool0 (v128.load offset=${POOL_AT} (i32.const 0)))\n    (local.set $pool1 (v128.load offset=${POOL_AT + 16} (i32.const 0)))`);
      expect(g.prologue()).toBe(`(local $pool1 v128)\n    (local.set $pool1 (v128.load offset=${POOL_AT + 16} (i32.const 0)))`);
      return '(func $x)';
    });
    expect(text).toContain(`(v128.store offset=${POOL_AT} (i32.const 0) ${one})`);
    expect(text).toContain(`(v128.store offset=${POOL_AT + 16} (i32.const 0) ${two})`);
    expect(text).toContain('(start $pool_init)');
  });

  it('refuses a constant outside a module being generated, and more constants than it has slots', () => {
    expect(() => new Hoisted().konst('(v128.const f64x2 1 1)')).toThrow(/inside withConstPool/);
    expect(() => withConstPool(() => {
      const h = new Hoisted();
      for (let i = 0; i <= POOL_SLOTS; i++) h.konst(`(v128.const f64x2 ${i} ${i})`);
      return '';
    })).toThrow(new RegExp(`more than ${POOL_SLOTS} constants`));
  });

  it('both builds of the kernel module write the pool at instantiation, every constant where the loads read it, nothing else below the tables', () => {
    const text = kernelModuleWat(false);
    const stores = [...text.matchAll(/\(v128\.store offset=(\d+) \(i32\.const 0\) \(v128\.const (f64x2|i32x4) ([^)]*)\)\)/g)];
    expect(stores.some((s) => s[2] === 'f64x2')).toBe(true);
    expect(stores.some((s) => s[2] === 'i32x4')).toBe(true);
    expect(stores.length).toBe([...text.matchAll(/\(v128\.store offset=\d+ \(i32\.const 0\)/g)].length);
    const end = POOL_AT + 16 * POOL_SLOTS;
    const wanted = new Uint8Array(end);
    for (const [, offset, shape, lanes] of stores) {
      const at = Number(offset);
      expect(at).toBeGreaterThanOrEqual(POOL_AT);
      expect(at + 16).toBeLessThanOrEqual(end);
      const view = new DataView(wanted.buffer, at, 16);
      lanes.trim().split(/\s+/).forEach((lane, i) => {
        if (shape === 'f64x2') view.setFloat64(8 * i, literalNumber(lane), true);
        else view.setInt32(4 * i, Number(lane), true);
      });
    }
    for (const build of ['shared', 'plain'] as const) {
      const { memory } = freshKernels(build, 1);
      expect(Array.from(new Uint8Array(memory.buffer, 0, end)), `${build} build`).toEqual(Array.from(wanted));
    }
    // The instance the engine uses: the arena hands out nothing below the pool's end.
    const k = kernelInstance();
    expect(k).not.toBeNull();
    const block = k!.arena.alloc(64);
    expect(block).toBeGreaterThanOrEqual(end);
    k!.arena.release(block);
  });
});

/** A WebAssembly float literal as hexFloat writes them (hexadecimal, or decimal) as a number. */
function literalNumber(literal: string): number {
  if (!/^-?0x/.test(literal)) return Number(literal);
  const m = /^(-?)0x([01])\.([0-9a-f]+)p([+-]?\d+)$/.exec(literal);
  if (!m) throw new Error(`not a hexadecimal float: ${literal}`);
  const mant = Number(BigInt(`0x${m[2]}${m[3]}`)) / 16 ** m[3].length;
  return (m[1] ? -1 : 1) * mant * 2 ** Number(m[4]);
}
