/**
 * Build configuration for the three Electron targets (electron-vite 6, vite 8 / rolldown).
 *
 *   main      src-main/*.ts          -> out/main/<entry>.js     ESM (package.json "type": "module")
 *   preload   src-main/preload.ts    -> out/preload/preload.cjs CommonJS (see below)
 *   renderer  src-renderer/index.html -> out/renderer/          base './' (file:// and http)
 *
 * All three may import the pure `shared/` folder, by relative path or as `@shared/...`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import type { Plugin } from 'vite';

const root = import.meta.dirname;
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };

/** `@shared/x` resolves to `<root>/shared/x` in every target (tsconfig `paths` mirrors it). */
const alias = { '@shared': resolve(root, 'shared') };

/**
 * Main-process entries: output name -> source file. Each becomes out/main/<name>.js.
 * Add the trainer worker here when it exists:
 *   'trainer-worker': 'src-main/training/trainer-worker.ts'
 */
/**
 * Vite 8 has rolldown rewrite top-level `const` as `var` (to spare TDZ checks). For the engine
 * that is a loss: V8 treats a module-level `var` as mutable, so every use of a constant such as
 * fast-math's ROUND or TANH_STEPS reloads a boxed number, and each tanh allocated short-lived
 * heap numbers: ~0.5 MB per MNIST-sized step, a young-generation GC every few steps, the data-
 * parallel threads stalling on each other's collections. `false` keeps `const` as written.
 */
const KEEP_TOP_LEVEL_CONST = false;

const mainEntries: Record<string, string> = {
  index: 'src-main/index.ts',
  cli: 'src-main/cli.ts',
  'trainer-worker': 'src-main/training/trainer-worker.ts',
  serve: 'src-main/serve.ts',
};

/**
 * Vite's dev server injects each stylesheet as a <style> element, which index.html's policy (no
 * inline styles; src-main/app/content-security-policy.ts) refuses. While serving, and only then,
 * the <meta> policy allows them, as main's DEV_SERVER_CSP header does; a build keeps it strict.
 */
const devServerInlineStyles: Plugin = {
  name: 'mlp-lab-dev-server-inline-styles',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("style-src 'self';", "style-src 'self' 'unsafe-inline';"),
};

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      // electron-vite would target Electron's own Node (24.x); out/main/cli.js also runs under
      // the plain Node the package supports (engines >= 20.19), so target the lower of the two.
      target: 'node20.19',
      // Node built-ins and 'electron' are external by electron-vite's preset; this keeps every
      // package.json dependency external too (better-sqlite3 must never be bundled).
      externalizeDeps: true,
      rolldownOptions: {
        input: Object.fromEntries(
          Object.entries(mainEntries).map(([name, file]) => [name, resolve(root, file)]),
        ),
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          // Code shared by several entries (the engine, mostly) lands here, not beside them.
          chunkFileNames: 'chunks/[name]-[hash].js',
          topLevelVar: KEEP_TOP_LEVEL_CONST,
        },
      },
    },
  },

  preload: {
    resolve: { alias },
    // The preload runs in a sandboxed renderer, which has no `app`; bake the version in.
    define: { __MLP_LAB_VERSION__: JSON.stringify(pkg.version) },
    build: {
      outDir: 'out/preload',
      // The sandbox cannot require packages at run time, so anything imported gets bundled.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve(root, 'src-main/preload.ts') },
        output: {
          // A sandboxed preload (webPreferences.sandbox: true) is run by Electron's own
          // CommonJS-style loader: ESM preloads are not supported in the sandbox, and only
          // 'electron' and a few polyfilled modules may be required. So: one self-contained
          // CommonJS file, named .cjs because package.json says "type": "module".
          format: 'cjs',
          entryFileNames: '[name].cjs',
          codeSplitting: false,
        },
      },
    },
  },

  renderer: {
    root: 'src-renderer',
    // Relative asset URLs, so the same build loads from file:// (Electron) and from the
    // browser transport's http server.
    base: './',
    resolve: { alias },
    plugins: [vue(), devServerInlineStyles],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      rolldownOptions: {
        input: resolve(root, 'src-renderer/index.html'),
        output: { topLevelVar: KEEP_TOP_LEVEL_CONST },
      },
    },
  },
});
