/**
 * The whole kernel module's WebAssembly text: the memory it imports and every kernel function.
 * bin/build-wasm.ts assembles it twice, for a shared memory (threads, and views that stay valid
 * when the memory grows) and for a plain one (browsers without cross-origin isolation, where a
 * shared memory cannot be made); the functions are the same.
 */
import { allGemmWat } from './wat-gemm';
import { mathWat } from './wat-math';
import { math32Wat } from './wat-math32';
import { allMlpWat } from './wat-mlp';
import { withConstPool } from './wat-pool';

/** Pages (64 KiB) the memory may grow to: 4 GiB, all a 32-bit address space holds. */
export const MAX_PAGES = 65536;

/** The module text; `shared` picks the kind of memory it imports as env.memory. */
export function kernelModuleWat(shared: boolean): string {
  return `(module
  (import "env" "memory" (memory 1 ${MAX_PAGES}${shared ? ' shared' : ''}))
  ${withConstPool(() => allGemmWat() + mathWat() + math32Wat() + allMlpWat())}
)
`;
}
