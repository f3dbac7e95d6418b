/**
 * The trainer worker the tests start: the built one that ships (out/main/trainer-worker.js;
 * `npm test` builds first), or its TypeScript source through tsx when MLP_LAB_TEST_SOURCE is set
 * (`npm run test:unit`, vitest.unit.config.ts), so the quick run needs no build.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** True when the tests run the worker from source. */
export const fromSource = process.env['MLP_LAB_TEST_SOURCE'] === '1';

/** The worker script for WorkerPool's `workerUrl`. */
export const workerUrl = fromSource
  ? new URL('./trainer-worker-source.mjs', import.meta.url)
  : new URL('../../out/main/trainer-worker.js', import.meta.url);

/** Throws with what to do when the built worker is missing. */
export function requireWorker(): void {
  if (!existsSync(fileURLToPath(workerUrl))) throw new Error('out/main/trainer-worker.js is missing: run `npm run build` (npm test does), or `npm run test:unit`');
}
