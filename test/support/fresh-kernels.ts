/**
 * A kernel module instance on a fresh memory of its own, for tests that place operands at chosen
 * addresses (the end of memory, between guard bytes) or look at every byte the module writes,
 * away from the engine's shared instance and its arena (shared/engine/wasm/runtime.ts).
 */
import { KERNELS_PLAIN_MEMORY, KERNELS_SHARED_MEMORY } from '../../shared/engine/wasm/binary.generated';

interface Memory { readonly buffer: ArrayBuffer | SharedArrayBuffer }
interface Api {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => Memory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: Api }).WebAssembly;

/** The module built for a shared or a plain memory, instantiated on a new one of `pages` pages. */
export function freshKernels(build: 'shared' | 'plain', pages: number): { exports: Record<string, unknown>; memory: Memory } {
  const shared = build === 'shared';
  const memory = new WA.Memory({ initial: pages, maximum: 65536, shared });
  const bytes = Buffer.from(shared ? KERNELS_SHARED_MEMORY : KERNELS_PLAIN_MEMORY, 'base64');
  const instance = new WA.Instance(new WA.Module(bytes), { env: { memory } });
  return { exports: instance.exports, memory };
}
