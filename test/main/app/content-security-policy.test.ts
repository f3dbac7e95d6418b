import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BROWSER_CSP, CSP, CSP_DIRECTIVES, DEV_SERVER_CSP, parseCsp } from '../../../src-main/app/content-security-policy';

const html = readFileSync(new URL('../../../src-renderer/index.html', import.meta.url), 'utf8');
const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];

describe('content security policy', () => {
  it('the header and index.html\'s <meta> state the same policy (the meta without frame-ancestors)', () => {
    expect(meta).toBeTruthy();
    const { 'frame-ancestors': frameAncestors, ...rest } = parseCsp(CSP);
    expect(frameAncestors).toBe("'none'");
    expect(parseCsp(meta!)).toEqual(rest);
  });

  it('runs only the app\'s own scripts (and may compile WebAssembly, never eval JavaScript) and embeds nothing', () => {
    expect(CSP_DIRECTIVES['script-src']).toBe("'self' 'wasm-unsafe-eval'");
    expect(CSP_DIRECTIVES['object-src']).toBe("'none'");
    expect(CSP_DIRECTIVES['default-src']).toBe("'self'");
    expect(CSP).not.toMatch(/(?<!wasm-)unsafe-eval|\*\s|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('allows no inline styles; only the dev server\'s policy does (Vite injects <style> elements), and the browser page differs only in its socket', () => {
    expect(CSP_DIRECTIVES['style-src']).toBe("'self'");
    expect(parseCsp(meta!)['style-src']).toBe("'self'");
    const { 'style-src': devStyles, ...devRest } = parseCsp(DEV_SERVER_CSP);
    const { 'style-src': styles, ...rest } = parseCsp(CSP);
    expect(styles).toBe("'self'");
    expect(devStyles).toBe("'self' 'unsafe-inline'");
    expect(devRest).toEqual(rest);
    const { 'connect-src': socket, ...browserRest } = parseCsp(BROWSER_CSP);
    const { 'connect-src': _windowSocket, ...windowRest } = parseCsp(CSP);
    expect(socket).toBe("'self' ws://127.0.0.1:* ws://localhost:*");
    expect(browserRest).toEqual(windowRest);
  });
});
