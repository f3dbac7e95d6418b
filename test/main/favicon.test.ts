/**
 * The lab's icon (issue 16, item 14: a 404 for /favicon.ico on every page load): the built page
 * links an SVG icon that Vite emitted into assets/, so the browser transport serves it (200,
 * image/svg+xml, under the same CSP as the page) and Electron finds it beside index.html; the
 * server still serves nothing at /favicon.ico, which is why the link is needed (negative control).
 * Needs `npm run build` (npm test builds first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_CSP } from '../../src-main/app/content-security-policy';
import { type BrowserServer, startBrowserServer } from '../../src-main/ipc/browser-server';
import { type Handlers, Router } from '../../src-main/ipc/router';

const root = fileURLToPath(new URL('../..', import.meta.url));
const rendererDir = join(root, 'out/renderer');
const source = readFileSync(join(root, 'src-renderer/src/assets/favicon.svg'), 'utf8');
let server: BrowserServer;

beforeAll(async () => {
  // Static files only: no call reaches the (empty) handlers.
  server = await startBrowserServer(new Router({} as Handlers), { rendererDir, contentSecurityPolicy: BROWSER_CSP });
});

afterAll(async () => {
  await server.close();
});

/** The href of the page's <link rel="icon">, or null. */
function iconHref(html: string): string | null {
  return /<link\s+rel="icon"[^>]*\shref="([^"]+)"/.exec(html)?.[1] ?? null;
}

describe('the page icon', () => {
  it('is an SVG of its own: a small perceptron, square, with a title', () => {
    expect(source).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 64 64"/);
    expect(source).toContain('<title>MLP Lab</title>');
    expect((source.match(/<circle /g) ?? []).length).toBe(6);
    expect(source).not.toMatch(/<script|href=|url\(/);
  });

  it('is linked from the built page and served by the browser transport under the page\'s CSP', async () => {
    const page = await fetch(server.url);
    const href = iconHref(await page.text());
    expect(href).toMatch(/^\.\/assets\/favicon-[\w-]+\.svg$/);
    const icon = await fetch(new URL(href!, server.url));
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('content-security-policy')).toBe(BROWSER_CSP);
    expect(await icon.text()).toBe(source);
    // Same origin: the policy's img-src 'self' covers it.
    expect(BROWSER_CSP).toMatch(/img-src 'self'/);
  });

  it('is beside the page for Electron, which loads index.html from file://', () => {
    const href = iconHref(readFileSync(join(rendererDir, 'index.html'), 'utf8'))!;
    expect(existsSync(join(dirname(join(rendererDir, 'index.html')), href))).toBe(true);
  });

  it('negative control: without the link a browser asks for /favicon.ico, which is not served', async () => {
    expect((await fetch(new URL('/favicon.ico', server.url))).status).toBe(404);
    expect(iconHref('<head><title>MLP Lab</title></head>')).toBeNull();
  });
});
