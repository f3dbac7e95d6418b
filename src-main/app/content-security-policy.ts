/**
 * The Content-Security-Policy of the lab window. Main sends it as a response header (it reaches
 * http pages: the dev server); src-renderer/index.html carries the same policy as a <meta> tag
 * (it reaches file:// pages: the built app), less `frame-ancestors`, which only a header can set;
 * the browser transport (ipc/browser-server.ts) sends it too, with its WebSocket's addresses.
 * test/main/app/content-security-policy.test.ts keeps them in step.
 *
 * Styles come only from the app's own stylesheets: no `<style>` elements, no `style="..."`
 * attributes ('unsafe-inline' is not allowed). What the UI styles at run time it styles through
 * the CSSOM (Vue's `:style` bindings, ECharts' tooltips, KaTeX rendered into the element by
 * `katex.render`), which the policy does not restrict; test/e2e/content-security-policy.test.ts
 * checks in Chromium that nothing the lab shows is refused. The one exception is Vite's dev
 * server, which injects each stylesheet as a `<style>` element: `DEV_SERVER_CSP`.
 */

/** Directive -> sources. */
export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  // 'wasm-unsafe-eval' lets the page compile WebAssembly (the engine's SIMD kernels, issue 17)
  // and nothing else: JavaScript eval stays refused.
  'script-src': "'self' 'wasm-unsafe-eval'",
  'style-src': "'self'",
  'img-src': "'self' data: blob:",
  // KaTeX's small fonts are inlined by Vite as data: URLs.
  'font-src': "'self' data:",
  // The browser transport's WebSocket (the same page served by `npm run serve`).
  'connect-src': "'self' ws://127.0.0.1:*",
  'object-src': "'none'",
  'base-uri': "'none'",
  'frame-ancestors': "'none'",
};

/** A policy from directives, as a header value. */
export function cspText(directives: Readonly<Record<string, string>>): string {
  return Object.entries(directives).map(([d, s]) => `${d} ${s}`).join('; ');
}

/** The policy as a header value. */
export const CSP = cspText(CSP_DIRECTIVES);

/**
 * The policy while `electron-vite dev` serves the renderer (never in a built app): Vite's client
 * injects every stylesheet as a `<style>` element, which needs 'unsafe-inline' for styles.
 */
export const DEV_SERVER_CSP = cspText({ ...CSP_DIRECTIVES, 'style-src': "'self' 'unsafe-inline'" });

/** The policy of the page `npm run serve` serves: the window's, with its socket's loopback names. */
export const BROWSER_CSP = cspText({ ...CSP_DIRECTIVES, 'connect-src': "'self' ws://127.0.0.1:* ws://localhost:*" });

/** Parses a policy into directive -> sources (whitespace normalised). */
export function parseCsp(policy: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out[name.toLowerCase()] = sources.join(' ');
  }
  return out;
}
