import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSP, CSP_DIRECTIVES, parseCsp } from '../../../src-main/app/content-security-policy';

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
});
