/**
 * vitest global setup: assembles the WebAssembly kernels (bin/build-wasm.ts) before any test
 * file imports the engine, so a single `npx vitest run <file>` works on a fresh checkout too.
 * Cheap when nothing changed: the generated module is only rewritten when it differs.
 */
import { buildWasm } from '../../bin/build-wasm';

export default async function setup(): Promise<void> {
  await buildWasm();
}
