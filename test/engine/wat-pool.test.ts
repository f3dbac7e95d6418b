import { describe, expect, it } from 'vitest';
import { kernelInstance } from '../../shared/engine/wasm/runtime';
import { kernelModuleWat } from '../../shared/engine/wasm/wat-module';
import { Hoisted, POOL_AT, POOL_SLOTS, withConstPool } from '../../shared/engine/wasm/wat-pool';

/**
 * The constant pool (shared/engine/wasm/wat-pool.ts): hot loops read their vector constants from
 * memory, written by the module's start function. That the kernels using it give their twins'
 * bits is pinned by wasm-math.test.ts and float32.test.ts (a pool read from the wrong slot fails
 * them); here, the pool's own bookkeeping and the memory it lives in.
 */
describe('constant pool', () => {
  it('gives each literal one slot, one local per function, and a start function that writes every slot', () => {
    const one = '(v128.const f64x2 1 1)', two = '(v128.const f64x2 2 2)';
    let f: Hoisted | null = null, g: Hoisted | null = null;
    const text = withConstPool(() => {
      f = new Hoisted();
      g = new Hoisted();
      expect(f.k(one)).toBe('(local.get $pool0)');
      expect(f.k(two)).toBe('(local.get $pool1)');
      expect(f.k(one)).toBe('(local.get $pool0)');
      expect(g.k(two)).toBe('(local.get $pool1)');
      expect(f.locals()).toBe('(local $pool0 v128) (local $pool1 v128)');
      expect(g.locals()).toBe('(local $pool1 v128)');
      expect(f.loads()).toContain(`(local.set $pool1 (v128.load offset=${POOL_AT + 16} (i32.const 0)))`);
      return '(func $x)';
    });
    expect(text).toContain(`(v128.store offset=${POOL_AT} (i32.const 0) ${one})`);
    expect(text).toContain(`(v128.store offset=${POOL_AT + 16} (i32.const 0) ${two})`);
    expect(text).toContain('(start $pool_init)');
  });

  it('refuses a constant outside a module being generated, and more constants than it has slots', () => {
    expect(() => new Hoisted().k('(v128.const f64x2 1 1)')).toThrow(/inside withConstPool/);
    expect(() => withConstPool(() => {
      const h = new Hoisted();
      for (let i = 0; i <= POOL_SLOTS; i++) h.k(`(v128.const f64x2 ${i} ${i})`);
      return '';
    })).toThrow(/more than 48 constants/);
  });

  it('the kernel module fits its pool, and the instance holds the pool\'s values where the loads read them', () => {
    const text = kernelModuleWat(false);
    const stores = [...text.matchAll(/\(v128\.store offset=(\d+) \(i32\.const 0\) \(v128\.const f64x2 (\S+) \S+\)\)/g)];
    expect(stores.length).toBeGreaterThan(5);
    const k = kernelInstance();
    expect(k).not.toBeNull();
    const view = new DataView(k!.memory.buffer);
    for (const [, offset, literal] of stores) {
      const at = Number(offset);
      expect(at).toBeGreaterThanOrEqual(POOL_AT);
      expect(at + 16).toBeLessThanOrEqual(POOL_AT + 16 * POOL_SLOTS);
      // hexadecimal float literals (hexFloat) or decimal ones
      const value = literal.startsWith('0x') || literal.startsWith('-0x') ? hexToNumber(literal) : Number(literal);
      expect(view.getFloat64(at, true)).toBe(value);
      expect(view.getFloat64(at + 8, true)).toBe(value);
    }
    // The arena hands out nothing below the pool's end.
    const block = k!.arena.alloc(64);
    expect(block).toBeGreaterThanOrEqual(POOL_AT + 16 * POOL_SLOTS);
    k!.arena.release(block);
  });
});

/** A WebAssembly hexadecimal float literal (as hexFloat writes them) as a number. */
function hexToNumber(literal: string): number {
  const m = /^(-?)0x([01])\.([0-9a-f]+)p([+-]?\d+)$/.exec(literal);
  if (!m) throw new Error(`not a hexadecimal float: ${literal}`);
  const mant = Number(BigInt(`0x${m[2]}${m[3]}`)) / 16 ** m[3].length;
  return (m[1] ? -1 : 1) * mant * 2 ** Number(m[4]);
}
