/**
 * Test runner configuration: plain Node, no Electron. Tests import their API from 'vitest'
 * (no globals). `npm test` typechecks and builds first, so tests may use out/ (e.g. the CLI).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { '@shared': resolve(import.meta.dirname, 'shared') },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Assembles the WebAssembly kernels first (issue 17): the engine imports the generated module.
    globalSetup: ['./test/support/wasm-setup.ts'],
    environment: 'node',
    // Training runs, worker start-up and the headless-browser tests take seconds, not ms.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    watch: false,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
