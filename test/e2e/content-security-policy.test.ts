/**
 * The lab works under its strict Content-Security-Policy, in Chromium: no inline styles
 * ('unsafe-inline' dropped from style-src), and yet nothing the lab shows is refused. Every
 * `securitypolicyviolation` the page raises is recorded from before its first script runs, while
 * the test opens the help and the equations (KaTeX), trains a run (ECharts' cost chart and its
 * tooltip, the decision boundary, the diagram's tooltip), and opens the dataset gallery.
 * KaTeX's sizes must really be applied (its struts have their heights), and the policy must
 * really be enforced: the negative control inserts a `style="..."` attribute and sees it refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BROWSER_CSP, parseCsp } from '../../src-main/app/content-security-policy';
import { launchChromium, type LabServer, startServer } from './harness';
import { choose, openLab, setNumber, trainToEnd, waitFor } from './lab-page';
import { chromiumPath, noBrowser, requireBrowser } from './setup';

requireBrowser();

/** Records every CSP violation in the page, from the first script on. */
const RECORD_VIOLATIONS = `
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile + ':' + e.lineNumber });
  });
`;

interface Violation { directive: string; blocked: string; sample: string; source: string }

describe.skipIf(noBrowser)('the content security policy in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let server: LabServer;
  let page: Page;
  const violations = async () => (await page.evaluate('window.__violations')) as Violation[];

  beforeAll(async () => {
    browser = await launchChromium(chromiumPath as string);
    server = await startServer({ threads: 2 });
    context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    await context.addInitScript(RECORD_VIOLATIONS);
    page = await context.newPage();
    await openLab(page, server.url);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('is served without inline styles', async () => {
    const response = await page.request.get(server.url);
    const csp = parseCsp(response.headers()['content-security-policy'] ?? '');
    expect(csp['style-src']).toBe("'self'");
    expect(response.headers()['content-security-policy']).toBe(BROWSER_CSP);
  });

  it('renders KaTeX with its sizes applied, with nothing refused', async () => {
    await page.getByRole('button', { name: 'Explain the tanh activation' }).click();
    await page.getByRole('note', { name: 'About tanh' }).locator('.katex').first().waitFor();
    await page.getByRole('button', { name: /Equations/ }).click();
    await page.locator('dialog.equations .katex-display').first().waitFor();
    // KaTeX sizes each formula with struts (height, vertical-align) and its fractions and
    // scripts with inline sizes: set through the CSSOM they apply; as style="" they would not.
    const struts = (await page.evaluate(
      `[...document.querySelectorAll('dialog.equations .katex-strut')].map((s) => ({ set: s.style.height, computed: getComputedStyle(s).height }))`,
    )) as { set: string; computed: string }[];
    expect(struts.length).toBeGreaterThan(10);
    for (const s of struts) {
      expect(s.set).toMatch(/em$/);
      expect(Number.parseFloat(s.computed)).toBeGreaterThan(0);
    }
    await page.keyboard.press('Escape');
    expect(await violations()).toEqual([]);
  });

  it('trains with the cost chart and its tooltip, the boundary and the diagram, with nothing refused', async () => {
    await setNumber(page, 'Steps', 400);
    await choose(page, 'Speed', '0');
    await trainToEnd(page);
    const chart = page.locator('.chart-box canvas').first();
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    for (let i = 0; i < 8; i++) await page.mouse.move(box.x + box.width * (0.3 + i * 0.05), box.y + box.height / 2, { steps: 2 });
    // The tooltip's rows are DOM nodes (lib/chart-tooltip.ts); the marker's colour is the series'.
    const row = page.locator('.chart-tooltip-row').first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toMatch(/^Run 1 train\d/);
    const marker = (await page.evaluate(`getComputedStyle(document.querySelector('.chart-tooltip-marker')).backgroundColor`)) as string;
    expect(marker).toMatch(/^rgb\((\d+), (\d+), (\d+)\)$/);
    expect(marker).not.toBe('rgba(0, 0, 0, 0)');
    await page.getByRole('group', { name: /^Network: / }).hover();
    expect(await violations()).toEqual([]);
  });

  it('opens the dataset gallery with its previews, with nothing refused', async () => {
    await page.getByRole('button', { name: 'New…' }).click();
    await page.getByRole('dialog', { name: 'New lab' }).waitFor();
    await page.keyboard.press('Escape');
    expect(await violations()).toEqual([]);
  });

  it('does refuse an inline style attribute (the negative control)', async () => {
    const color = await page.evaluate(`(() => {
      document.body.insertAdjacentHTML('beforeend', '<span id="csp-probe" style="color: rgb(255, 0, 0)">probe</span>');
      return getComputedStyle(document.getElementById('csp-probe')).color;
    })()`);
    expect(color).not.toBe('rgb(255, 0, 0)');
    await waitFor(async () => (await violations()).length > 0, 'the violation event');
    // (Chromium may report the one attribute more than once.)
    for (const v of await violations()) expect(v.directive).toMatch(/^style-src(-attr)?$/);
  });
});
