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
 * Loading is synchronous where the platform allows it (Node: workers, CLI, tests). A browser's
 * main thread refuses to compile large modules synchronously; there `ensureKernelsAsync` compiles
 * in the background, and until it is done the engine uses the plain kernels, which give the same
 * bits.
 */
import { KERNELS_PLAIN_MEMORY, KERNELS_SHARED_MEMORY } from './binary.generated';

/**
 * The part of the WebAssembly JavaScript API used here. Declared locally because shared/ is
 * type-checked without DOM types too (tsconfig.node.json), where @types/node declares only a
 * fragment of it.
 */
interface WasmMemory {
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
}

/** A kernel module instance with its memory. */
export interface KernelInstance {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  /** True when the memory is shared (views survive growth). */
  readonly shared: boolean;
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

function instantiate(module: WasmModule, memory: WasmMemory, shared: boolean): KernelInstance {
  const inst = new WA!.Instance(module, { env: { memory } });
  return { exports: inst.exports as unknown as KernelExports, memory, shared };
}

/** Bytes reserved at address 0, so that 0 can mean "no pointer" (no bias). */
const RESERVED = 64;

/**
 * A bump allocator over the scratch area for one kernel call: `reset` at the start of a call,
 * `take` per operand (16-byte aligned), `ensure` once all sizes are known, which grows the
 * memory if needed. Views are fetched after `ensure`, so growth of a plain memory is harmless.
 */
export class Scratch {
  private top = RESERVED;
  constructor(private readonly k: KernelInstance) {}

  /** Starts a new call: everything taken before is free again. */
  reset(): void {
    this.top = RESERVED;
  }

  /** Reserves `bytes` bytes, 16-byte aligned; returns its address. */
  take(bytes: number): number {
    const at = this.top;
    this.top = (at + bytes + 15) & ~15;
    return at;
  }

  /** Grows the memory until everything taken fits. */
  ensure(): void {
    const have = this.k.memory.buffer.byteLength;
    if (this.top > have) {
      if (this.top > MAX_PAGES * PAGE) throw new RangeError(`a kernel call needs ${this.top} bytes of scratch, more than WebAssembly's 4 GiB`);
      this.k.memory.grow(Math.ceil((this.top - have) / PAGE));
    }
  }
}
