/**
 * The WebAssembly kernel module of this thread: compiled from the bytes bin/build-wasm.ts
 * generated, instantiated once per thread (each worker, the CLI, a test file, the renderer) on a
 * memory of its own, and a scratch area in that memory where operands are copied for a call.
 *
 * The memory is shared (a SharedArrayBuffer underneath) wherever that is allowed: in Node, and in
 * a cross-origin-isolated page. A shared memory never detaches its old buffers when it grows, so
 * a view made before a growth stays valid. Elsewhere (a plain browser page) the module is
 * instantiated on an ordinary memory, and views are fetched again after every growth.
 *
 * Several threads may also run instances on one shared memory (`sharedKernelMemory`,
 * `kernelInstanceOn`): a data-parallel run keeps its weights and gradient lanes there, so each
 * thread's kernels read and write them in place. Every instance on a memory finds the next free
 * address in the memory itself (`TOP_AT`), so their blocks never overlap.
 *
 * Loading is synchronous where the platform allows it (Node: workers, CLI, tests). A browser's
 * main thread refuses to compile large modules synchronously; there `ensureKernelsAsync` compiles
 * in the background, and until it is done the engine uses the plain kernels, which give the same
 * bits.
 */
import { FAST_MATH } from '../fast-math';
import { KERNELS_PLAIN_MEMORY, KERNELS_SHARED_MEMORY } from './binary.generated';
import { POOL_AT, POOL_SLOTS } from './wat-pool';

/**
 * The part of the WebAssembly JavaScript API used here. Declared locally because shared/ is
 * type-checked without DOM types too (tsconfig.node.json), where @types/node declares only a
 * fragment of it.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmModule {
  readonly kind?: 'module';
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => WasmModule;
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  compile(bytes: Uint8Array<ArrayBuffer>): Promise<WasmModule>;
}
/** The platform's WebAssembly object, if it has one. */
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The exports of the kernel module; pointers and sizes are byte offsets into its memory. */
export interface KernelExports {
  /** See wat-gemm.ts: C (+)= A(i,p) B(p,j) over p, + bias; strides in elements. */
  gemm_f64(m: number, n: number, k: number, pA: number, aRow: number, aP: number, pB: number, bP: number, bCol: number, pC: number, acc: number, pBias: number, pWork: number): void;
  /** Bytes of work area gemm_f64 needs for an m x n x k product. */
  gemm_work_f64(m: number, n: number, k: number): number;
  /** The float32 twin of gemm_f64. */
  gemm_f32(m: number, n: number, k: number, pA: number, aRow: number, aP: number, pB: number, bP: number, bCol: number, pC: number, acc: number, pBias: number, pWork: number): void;
  /** Bytes of work area gemm_f32 needs. */
  gemm_work_f32(m: number, n: number, k: number): number;
  /** gemm with the shared index cut in segments of segRows, segment s summed on its own into lane (s mod lanes) at pLane0 / pLane1 (wat-gemm.ts). */
  gemm_f64_lanes(m: number, n: number, k: number, pA: number, aRow: number, aP: number, pB: number, bP: number, bCol: number, pLane0: number, pLane1: number, segRows: number, lanes: number, add0: number, pWork: number): void;
  gemm_f32_lanes(m: number, n: number, k: number, pA: number, aRow: number, aP: number, pB: number, bP: number, bCol: number, pLane0: number, pLane1: number, segRows: number, lanes: number, add0: number, pWork: number): void;
  /** One descent step w = w - eta g on the m x n weights at pC, g summed as gemm_f64_lanes sums it into two lanes and the lanes added; k >= 1 (wat-gemm.ts). */
  gemm_f64_descend(m: number, n: number, k: number, pA: number, aRow: number, aP: number, pB: number, bP: number, bCol: number, pC: number, segRows: number, eta: number, pKeep: number, pWork: number): void;
  gemm_f32_descend(m: number, n: number, k: number, pA: number, aRow: number, aP: number, pB: number, bP: number, bCol: number, pC: number, segRows: number, eta: number, pKeep: number, pWork: number): void;
  /** Where fastTanh's (tanh, sech^2) pairs, 2^(j/256), 2^m, and the tanh and sech^2 columns apart are (wat-math.ts). */
  set_tables(pTanh: number, pFrac: number, pInt: number, pTanhT: number, pTanhS: number): void;
  /** out[i] = fastExp(in[i]) for i < len (the WebAssembly twin). */
  exp_buf(pIn: number, pOut: number, len: number): void;
  /** out[i] = fastTanh(in[i]). */
  tanh_buf(pIn: number, pOut: number, len: number): void;
  /** out[i] = logistic(in[i]) = 1 / (1 + fastExp(-in[i])). */
  logistic_buf(pIn: number, pOut: number, len: number): void;
  /** An activation (ACT_ID) in place over len values. */
  act_apply(p: number, len: number, act: number): void;
  /** delta[i] *= h'(a[i]) through z = h(a) (ACT_ID). */
  act_backward(pZ: number, pD: number, len: number, act: number): void;
  /** The output deltas y - t of a cost (COST_ID) for n rows of k logits; the sigmoid cross-entropy also keeps fastExp(-a) at pQ unless 0. */
  cost_delta(pA: number, pT: number, pD: number, n: number, k: number, cost: number, pQ: number): void;
  /** out[j] (+)= column sums of A (m x n), down the rows in order. */
  sum_rows(m: number, n: number, pA: number, pOut: number, acc: number): void;
  /** w = w - eta (a + b) (b = 0: a alone), keeping w first at pKeep unless 0. */
  descend(pW: number, pA: number, pB: number, eta: number, len: number, pKeep: number): void;
  /** out = a + b over len values. */
  add_buf(pA: number, pB: number, pOut: number, len: number): void;
  /** float32 twins (wat-math32.ts, wat-mlp.ts with L = F32): the same contracts on float32 buffers. */
  act_apply_f32(p: number, len: number, act: number): void;
  act_backward_f32(pZ: number, pD: number, len: number, act: number): void;
  cost_delta_f32(pA: number, pT: number, pD: number, n: number, k: number, cost: number): void;
  sum_rows_f32(m: number, n: number, pA: number, pOut: number, acc: number): void;
  descend_f32(pW: number, pA: number, pB: number, eta: number, len: number, pKeep: number): void;
  add_buf_f32(pA: number, pB: number, pOut: number, len: number): void;
  tanh_buf_f32(pIn: number, pOut: number, len: number): void;
  /** float64 values at p64 to float32 at p32 (rounded to nearest), and back (exactly). */
  demote_buf(p64: number, p32: number, len: number): void;
  promote_buf(p32: number, p64: number, len: number): void;
  logistic_buf_f32(pIn: number, pOut: number, len: number): void;
  mlp_forward_f32(pDesc: number, n: number, pX: number): void;
  mlp_backward_f32(pDesc: number, r0: number, m: number, pX: number, pT: number, pInto: number, add: number): void;
  mlp_backward_lanes_f32(pDesc: number, n: number, pX: number, pT: number, pLane0: number, pLane1: number, segRows: number, lanes: number, add0: number): void;
  mlp_step_lanes_f32(pDesc: number, n: number, pX: number, pT: number, pLane0: number, pLane1: number, segRows: number, eta: number, pKeep: number): void;
  /** Forward propagation of n rows at pX for the network described at pDesc (wat-mlp.ts). */
  mlp_forward(pDesc: number, n: number, pX: number): void;
  /** After mlp_forward of n rows: all their deltas, the gradient summed per chunk of segRows rows into lanes (wat-mlp.ts). */
  mlp_backward_lanes(pDesc: number, n: number, pX: number, pT: number, pLane0: number, pLane1: number, segRows: number, lanes: number, add0: number): void;
  /** After mlp_forward of n rows: one descent step w = w - eta g, g as mlp_backward_lanes forms it (lanes 2), old weights kept at pKeep unless 0 (wat-mlp.ts). */
  mlp_step_lanes(pDesc: number, n: number, pX: number, pT: number, pLane0: number, pLane1: number, segRows: number, eta: number, pKeep: number): void;
  /** After mlp_forward: the gradient of rows [r0, r0 + m) into pInto (added when add = 1). */
  mlp_backward(pDesc: number, r0: number, m: number, pX: number, pT: number, pInto: number, add: number): void;
}

/** A kernel module instance with its memory. */
export interface KernelInstance {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  /** True when the memory is shared (views survive growth). */
  readonly shared: boolean;
  /** The blocks of memory above the tables. */
  readonly arena: Arena;
}

/** 64 KiB, the unit a WebAssembly memory grows by. */
const PAGE = 65536;
/** Largest memory, in pages (4 GiB). */
const MAX_PAGES = 65536;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** A shared memory if this platform allows one, else null. */
function sharedMemory(pages: number): WasmMemory | null {
  try {
    return new WA!.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
  } catch {
    return null;
  }
}

/** Bytes and memory for this platform: the shared-memory build when shared memory is allowed. */
function flavour(): { bytes: Uint8Array<ArrayBuffer>; memory: WasmMemory; shared: boolean } {
  const mem = sharedMemory(16);
  if (mem) return { bytes: decode(KERNELS_SHARED_MEMORY), memory: mem, shared: true };
  return { bytes: decode(KERNELS_PLAIN_MEMORY), memory: new WA!.Memory({ initial: 16, maximum: MAX_PAGES }), shared: false };
}

/** True when this platform's WebAssembly validates the kernel module (it needs 128-bit SIMD). */
export function wasmSimdAvailable(): boolean {
  try {
    return WA !== undefined && WA.validate(decode(KERNELS_PLAIN_MEMORY));
  } catch {
    return false;
  }
}

let instance: KernelInstance | null = null;
let failed = false;
/** The shared-memory build, compiled once per thread for `kernelInstanceOn`. */
let sharedModule: WasmModule | null = null;

/**
 * This thread's kernel instance, compiled synchronously on first use; null where WebAssembly
 * SIMD is missing or synchronous compilation is refused (then call `ensureKernelsAsync`).
 */
export function kernelInstance(): KernelInstance | null {
  if (instance !== null || failed) return instance;
  try {
    if (!wasmSimdAvailable()) {
      failed = true;
      return null;
    }
    const f = flavour();
    const module = new WA!.Module(f.bytes);
    instance = instantiate(module, f.memory, f.shared);
  } catch {
    // A browser's main thread refuses synchronous compilation of all but tiny modules.
    failed = true;
  }
  return instance;
}

/**
 * Compiles and instantiates the kernels in the background where synchronous compilation is not
 * allowed (a browser page); resolves to the instance, or null without WebAssembly SIMD.
 */
export async function ensureKernelsAsync(): Promise<KernelInstance | null> {
  if (instance !== null) return instance;
  if (!wasmSimdAvailable()) return null;
  const f = flavour();
  const module = await WA!.compile(f.bytes);
  instance = instantiate(module, f.memory, f.shared);
  failed = false;
  return instance;
}

/**
 * A new shared memory on which instances of several threads can run (`kernelInstanceOn`; post
 * it to the other threads), or null where shared WebAssembly memory is not allowed.
 */
export function sharedKernelMemory(): WasmMemory | null {
  return WA === undefined ? null : sharedMemory(16);
}

/**
 * A kernel instance of this thread on `memory`, a memory from `sharedKernelMemory` (perhaps made
 * in another thread, which may run instances on it too); null where WebAssembly SIMD is missing.
 * Not this thread's `kernelInstance`, which keeps a memory of its own.
 */
export function kernelInstanceOn(memory: WasmMemory): KernelInstance | null {
  if (!wasmSimdAvailable()) return null;
  sharedModule ??= new WA!.Module(decode(KERNELS_SHARED_MEMORY));
  return instantiate(sharedModule, memory, true);
}

/**
 * `bytes` bytes of `memory` (a kernel memory, with or without instances on it yet) that no
 * instance's arena will hand out: their address, 64-byte aligned. For blocks that live as long
 * as the memory (a data-parallel run's shared weights and lanes).
 */
export function reserveIn(memory: WasmMemory, bytes: number): number {
  return bump(memory, align(Math.max(bytes, 1)));
}

/** The memory and byte address of each vector `kernelView` made. */
const homes = new WeakMap<Float64Array, { memory: WasmMemory; at: number }>();

/**
 * A Float64Array of `length` values at byte `at` of a shared kernel memory (a block reserved or
 * allocated there), which the kernels of any instance on that memory use in place: FusedNetwork
 * reads weights and writes lanes and fallback copies there instead of copying (`addressIn`).
 */
export function kernelView(memory: WasmMemory, at: number, length: number): Float64Array {
  const buffer = memory.buffer;
  if (typeof SharedArrayBuffer === 'undefined' || !(buffer instanceof SharedArrayBuffer)) throw new Error('kernelView: only a shared memory keeps its views valid when it grows');
  const v = new Float64Array(buffer, at, length);
  homes.set(v, { memory, at });
  return v;
}

/** The byte address of `v` in k's memory when `v` is a kernelView of it (not a subarray of one), else -1. */
export function addressIn(k: KernelInstance, v: Float64Array): number {
  const home = homes.get(v);
  return home !== undefined && home.memory === k.memory ? home.at : -1;
}

/**
 * Float64 vectors in a kernel instance's shared memory, as kernelViews its kernels use in place,
 * held until `release`: one run's weights and fallback copies on a worker thread.
 */
export class KernelVectors {
  private readonly blocks: number[] = [];

  constructor(private readonly k: KernelInstance) {
    if (!k.shared) throw new Error('KernelVectors: only a shared memory keeps its views valid when it grows');
  }

  /** A new vector of `length` zeros. */
  vector(length: number): Float64Array {
    const at = this.k.arena.alloc(length * 8);
    this.blocks.push(at);
    return kernelView(this.k.memory, at, length).fill(0);
  }

  /** Gives every vector's block back: the vectors must not be used after. */
  release(): void {
    for (const at of this.blocks) this.k.arena.release(at);
    this.blocks.length = 0;
  }
}

/**
 * Bytes reserved at address 0: the first 64 so that 0 can mean "no pointer" (no bias, no
 * fallback vector), then the module's constant pool (wat-pool.ts), which its start function writes.
 * The allocation top (`TOP_AT`) is among the first 64.
 */
const RESERVED = POOL_AT + 16 * POOL_SLOTS;
/** Byte address of the memory's allocation top: the first byte no block has taken (uint32; 0 before any block). */
const TOP_AT = 8;

/** fastTanh's and fastExp's tables as the WebAssembly twins read them, where they go after RESERVED, and the first byte after them (where blocks begin). */
let layoutOfTables: { tables: Float64Array[]; where: number[]; end: number } | null = null;

function tableLayout(): { tables: Float64Array[]; where: number[]; end: number } {
  if (layoutOfTables !== null) return layoutOfTables;
  const tanhT = FAST_MATH.TANH_TABLE.filter((_, i) => i % 2 === 0);
  const tanhS = FAST_MATH.TANH_TABLE.filter((_, i) => i % 2 === 1);
  const tables = [FAST_MATH.TANH_TABLE, FAST_MATH.POW2_FRAC, FAST_MATH.POW2_INT, tanhT, tanhS];
  let at = RESERVED;
  const where = tables.map((t) => {
    const here = at;
    at = align(at + t.byteLength);
    return here;
  });
  layoutOfTables = { tables, where, end: at };
  return layoutOfTables;
}

/**
 * Takes `size` bytes (a multiple of 64) at the memory's allocation top, which starts after the
 * tables, and grows the memory to hold them. The top moves by compare-and-swap, so instances of
 * several threads on one shared memory never hand out the same bytes, and never past the 4 GiB
 * a memory can have (the top is a uint32). Two threads growing at once may grow it by a little
 * more than needed.
 */
function bump(memory: WasmMemory, size: number): number {
  const words = new Uint32Array(memory.buffer, 0, 4);
  const slot = TOP_AT >> 2;
  Atomics.compareExchange(words, slot, 0, tableLayout().end);
  let at: number;
  for (;;) {
    at = Atomics.load(words, slot);
    if (at + size >= MAX_PAGES * PAGE) throw new RangeError(`the engine needs ${at + size} bytes of WebAssembly memory, more than its 4 GiB`);
    if (Atomics.compareExchange(words, slot, at, at + size) === at) break;
  }
  const end = at + size;
  for (let have = memory.buffer.byteLength; have < end; have = memory.buffer.byteLength) {
    try {
      memory.grow(Math.ceil((end - have) / PAGE));
    } catch (e) {
      // Another thread may have grown it meanwhile; otherwise the platform refused the memory.
      if (memory.buffer.byteLength >= end) break;
      throw new RangeError(`the engine could not grow its WebAssembly memory to ${end} bytes: ${(e as Error).message}`);
    }
  }
  return at;
}

/**
 * Instantiates the module on `memory` (its start function writes the constant pool into the
 * reserved bytes) and copies fastTanh's and fastExp's tables after them (the WebAssembly twins
 * read them there). Another instance on the same shared memory writes the same bytes to the same
 * places, so what a running kernel reads there never changes.
 */
function instantiate(module: WasmModule, memory: WasmMemory, shared: boolean): KernelInstance {
  const inst = new WA!.Instance(module, { env: { memory } });
  const exports = inst.exports as unknown as KernelExports;
  const { tables, where, end } = tableLayout();
  if (memory.buffer.byteLength < end) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
  const f64 = new Float64Array(memory.buffer);
  tables.forEach((t, i) => f64.set(t, where[i] >> 3));
  exports.set_tables(where[0], where[1], where[2], where[3], where[4]);
  const k: KernelInstance = { exports, memory, shared, arena: null as unknown as Arena };
  (k as { arena: Arena }).arena = new Arena(k);
  return k;
}

/**
 * Memory management for one kernel instance, above the tables: blocks handed out by `alloc` and
 * returned by `release`, first fit in address order with neighbours merged, new blocks taken at
 * the memory's allocation top (`bump`) when nothing fits. Blocks are 64-byte aligned (a cache
 * line). With a shared memory, views made on a block stay valid while it is held even if the
 * memory grows; with a plain one, callers take views afresh after any allocation (`f64()`).
 */
export class Arena {
  /** Free blocks [at, at + size), sorted by address. */
  private readonly holes: { at: number; size: number }[] = [];
  /** Sizes of blocks in use, by address. */
  private readonly live = new Map<number, number>();
  private view: Float64Array;
  private view32: Float32Array;

  constructor(readonly k: KernelInstance) {
    this.view = new Float64Array(k.memory.buffer);
    this.view32 = new Float32Array(k.memory.buffer);
  }

  /** A block of at least `bytes` bytes; its address (a multiple of 64). */
  alloc(bytes: number): number {
    const size = align(Math.max(bytes, 1));
    for (let h = 0; h < this.holes.length; h++) {
      const hole = this.holes[h];
      if (hole.size >= size) {
        const at = hole.at;
        if (hole.size === size) this.holes.splice(h, 1);
        else {
          hole.at += size;
          hole.size -= size;
        }
        this.live.set(at, size);
        return at;
      }
    }
    const at = bump(this.k.memory, size);
    this.live.set(at, size);
    return at;
  }

  /** Returns a block from `alloc`. */
  release(at: number): void {
    const size = this.live.get(at);
    if (size === undefined) throw new Error(`no block at ${at}`);
    this.live.delete(at);
    let i = 0;
    while (i < this.holes.length && this.holes[i].at < at) i++;
    this.holes.splice(i, 0, { at, size });
    // Merge with the next and the previous hole.
    if (i + 1 < this.holes.length && at + size === this.holes[i + 1].at) {
      this.holes[i].size += this.holes[i + 1].size;
      this.holes.splice(i + 1, 1);
    }
    if (i > 0 && this.holes[i - 1].at + this.holes[i - 1].size === at) {
      this.holes[i - 1].size += this.holes[i].size;
      this.holes.splice(i, 1);
    }
  }

  /** A Float64Array over the whole memory as it is now. */
  f64(): Float64Array {
    if (this.view.buffer !== this.k.memory.buffer) this.view = new Float64Array(this.k.memory.buffer);
    return this.view;
  }

  /** A Float32Array over the whole memory as it is now. */
  f32(): Float32Array {
    if (this.view32.buffer !== this.k.memory.buffer) this.view32 = new Float32Array(this.k.memory.buffer);
    return this.view32;
  }

  /** Bytes in blocks currently held (for tests). */
  get used(): number {
    let n = 0;
    for (const s of this.live.values()) n += s;
    return n;
  }
}

/** `bytes` rounded up to a multiple of 64 (in doubles: sizes of 2 GiB and more too). */
function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/**
 * A block that grows on demand, for a kernel call's operand copies and work area: `reserve` gives
 * its address with at least `bytes` bytes behind it.
 */
export class Scratch {
  private at = 0;
  private size = 0;
  constructor(private readonly arena: Arena) {}

  /** The block's address, with room for `bytes` bytes. */
  reserve(bytes: number): number {
    if (bytes > this.size) {
      if (this.size > 0) this.arena.release(this.at);
      this.size = Math.max(bytes, Math.ceil(this.size * 1.5));
      this.at = this.arena.alloc(this.size);
    }
    return this.at;
  }
}
