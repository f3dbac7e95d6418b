/**
 * The e2e suites' shared setup: one Chromium per file, a fresh server (own workspace) and page
 * per test. Without a Chromium the suites are skipped with a message, except under CI, where a
 * missing browser fails the run instead (`.ci/run` installs Debian's chromium).
 */
import { afterAll, afterEach, beforeAll, beforeEach, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findChromium, launchChromium, type LabServer, startServer } from './harness';
import { openLab } from './lab-page';

/** The Chromium to use, or null. */
export const chromiumPath = findChromium();
/** True when the suites cannot run here. */
export const noBrowser = chromiumPath === null;

/** Under CI a missing browser is a failure, not a skip; elsewhere a skip with a message. */
export function requireBrowser(): void {
  if (!noBrowser) return;
  const message = 'no Chromium found: set MLP_LAB_CHROMIUM to its path, or install the "chromium" package';
  if (process.env['CI']) {
    it('has a Chromium to drive', () => {
      throw new Error(`the end-to-end tests need a browser under CI: ${message}`);
    });
  } else {
    console.warn(`[e2e] skipped: ${message}`);
  }
}

/** What each test gets. */
export interface LabFixture {
  server: LabServer;
  page: Page;
  /** Messages the page logged as errors or threw (a test may assert there were none). */
  errors: string[];
}

/** Registers hooks that give every test a fresh server and an opened lab page. */
export function useLab(): { get(): LabFixture } {
  let browser: Browser | null = null;
  let context: BrowserContext | null = null;
  let current: LabFixture | null = null;
  beforeAll(async () => {
    browser = await launchChromium(chromiumPath as string);
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    const server = await startServer({ threads: 2 });
    context = await (browser as Browser).newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // Every console error counts, a 404 too: the page links its icon (issue 16), so a browser
      // no longer asks for the missing /favicon.ico.
      if (m.type() === 'error') errors.push(m.text());
    });
    current = { server, page, errors };
    await openLab(page, server.url);
  });
  afterEach(async () => {
    await context?.close();
    await current?.server.close();
    current = null;
  });
  return {
    get: () => {
      if (!current) throw new Error('no lab fixture: use inside a test');
      return current;
    },
  };
}
