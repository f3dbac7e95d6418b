/**
 * Which implementation the dense kernels (kernels.ts) run on: 'wasm', the WebAssembly SIMD
 * kernels (shared/engine/wasm/), or 'js', the plain TypeScript ones they are tested against. Both
 * give the same bits (every product entry is summed in textbook order either way), so the choice
 * changes speed only. The default is 'wasm' where WebAssembly SIMD exists, else 'js'.
 *
 * The environment variable MLP_LAB_KERNELS=js|wasm picks one for a process (tests, benchmarks,
 * the CLI, the app's trainer workers inherit it); `setKernelBackend` picks one in code.
 */
import { wasmGemmAvailable } from './wasm/gemm';
import { ensureKernelsAsync } from './wasm/runtime';

/** The kernel implementations. */
export const KERNEL_BACKENDS = ['js', 'wasm'] as const;
/** One of KERNEL_BACKENDS. */
export type KernelBackend = (typeof KERNEL_BACKENDS)[number];

/** The backend asked for (by MLP_LAB_KERNELS or setKernelBackend); null until first read. */
let requested: KernelBackend | null = null;
/** The backend in use: 'wasm' only if requested and available. */
let active: KernelBackend | null = null;

/** MLP_LAB_KERNELS from the environment, where there is one (Node; not a browser page). */
function fromEnvironment(): KernelBackend {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.MLP_LAB_KERNELS?.trim().toLowerCase();
  if (v === undefined || v === '') return 'wasm';
  if (v === 'js' || v === 'wasm') return v;
  throw new Error(`MLP_LAB_KERNELS is "${env?.MLP_LAB_KERNELS}": set it to js (plain kernels) or wasm (WebAssembly SIMD), or unset it for the default (wasm)`);
}

/** The backend the kernels run on now (resolving MLP_LAB_KERNELS on first use). */
export function kernelBackend(): KernelBackend {
  if (active === null) {
    requested ??= fromEnvironment();
    active = requested === 'wasm' && wasmGemmAvailable() ? 'wasm' : 'js';
  }
  return active;
}

/**
 * Picks the backend for this thread from now on; 'wasm' falls back to 'js' where WebAssembly SIMD
 * is missing. Returns the backend actually in use.
 */
export function setKernelBackend(b: KernelBackend): KernelBackend {
  if (!(KERNEL_BACKENDS as readonly string[]).includes(b)) throw new Error(`unknown kernel backend "${String(b)}": use js or wasm`);
  requested = b;
  active = null;
  return kernelBackend();
}

/**
 * Loads the WebAssembly kernels asynchronously (a browser page, whose main thread may refuse to
 * compile a module synchronously); until it resolves the plain kernels run, with the same bits.
 * Resolves to the backend in use afterwards. Never rejects: without WebAssembly SIMD it is 'js'.
 */
export async function loadKernelsAsync(): Promise<KernelBackend> {
  try {
    await ensureKernelsAsync();
  } catch {
    // No WebAssembly SIMD here: the plain kernels stay.
  }
  active = null;
  return kernelBackend();
}
