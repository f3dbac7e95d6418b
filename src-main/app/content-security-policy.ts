/**
 * The Content-Security-Policy of the lab window. Main sends it as a response header (it reaches
 * http pages: the dev server); src-renderer/index.html carries the same policy as a <meta> tag
 * (it reaches file:// pages: the built app), less `frame-ancestors`, which only a header can set.
 * test/main/app/content-security-policy.test.ts keeps the two in step.
 */

/** Directive -> sources. */
export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  // 'wasm-unsafe-eval' lets the page compile WebAssembly (the engine's SIMD kernels, issue 17)
  // and nothing else: JavaScript eval stays refused.
  'script-src': "'self' 'wasm-unsafe-eval'",
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data: blob:",
  // KaTeX's small fonts are inlined by Vite as data: URLs.
  'font-src': "'self' data:",
  // The browser transport's WebSocket (the same page served by `npm run serve`).
  'connect-src': "'self' ws://127.0.0.1:*",
  'object-src': "'none'",
  'base-uri': "'none'",
  'frame-ancestors': "'none'",
};

/** The policy as a header value. */
export const CSP = Object.entries(CSP_DIRECTIVES).map(([d, s]) => `${d} ${s}`).join('; ');

/** Parses a policy into directive -> sources (whitespace normalised). */
export function parseCsp(policy: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out[name.toLowerCase()] = sources.join(' ');
  }
  return out;
}
