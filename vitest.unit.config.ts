/**
 * `npm run test:unit`: the quick inner loop. The engine, storage, services and renderer logic,
 * with trainer workers run from their TypeScript source (test/support/worker.ts): no build, no
 * browser. `npm test` is still the full run (typecheck, build, and every test, the end-to-end
 * suite and the built CLI, main process and packaging config included).
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

export default defineConfig({
  resolve: base.resolve,
  test: {
    ...base.test,
    include: ['test/engine/**/*.test.ts', 'test/renderer/**/*.test.ts', 'test/main/**/*.test.ts'],
    exclude: [
      // These run the built app: the CLI bundle, the Electron main bundle, the packaged layout, the page.
      'test/main/cli*.test.ts', 'test/main/cli/**', 'test/main/electron-main.test.ts', 'test/main/electron-packaged.test.ts', 'test/main/electron-builder-config.test.ts', 'test/main/browser-server.test.ts', 'test/main/serve.test.ts',
      // The slowest files, each for what only it can break: dozens of runs on 1 to 4 threads, saving
      // processes killed at random moments, PyTorch and torchrun runs in Python.
      'test/main/data-parallel.test.ts', 'test/main/storage/atomic-save.test.ts', 'test/main/export/pytorch-export.test.ts',
    ],
    env: { MLP_LAB_TEST_SOURCE: '1' },
  },
});
