/**
 * A full walk through the PRML gallery (issue 16's "done when"): every example is opened from
 * the window's gallery in turn and trained (each to its end: they are short; a longer one would
 * be paused after MAX_STEPS), its after-run curvature awaited and its data view pointed at. Over
 * the whole walk, first page load included, the browser's console shows no error or warning, no
 * exception goes uncaught and no request fails or is answered with an HTTP error. On the way,
 * figure 5.3's examples show the true function they were drawn from and the hidden units' outputs
 * on their own axis (issue 16, item 18). A second test proves the collector catches what it looks
 * for (negative control).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { GALLERY, type GalleryEntry } from '../../shared/gallery';
import { launchChromium, type LabServer, startServer } from './harness';
import { openExample, openLab, shownStep, waitFor } from './lab-page';
import { collectProblems } from './page-problems';
import { chromiumPath, noBrowser, requireBrowser } from './setup';

requireBrowser();

/**
 * The most steps an example trains before it is paused. Every example of the gallery ends sooner
 * (the longest, figure 5.21's, has 5,000 Adam steps; all take under a second or two here), so
 * each run ends by itself and the views' after-run work (the curvature panel) is walked too.
 */
const MAX_STEPS = 10_000;

/** The accessible name of an example's Open button in the gallery dialog. */
function openLabel(e: GalleryEntry): string {
  return `Open ${e.figure.startsWith('§') ? 'section' : 'figure'} ${e.figure}: ${e.title}`;
}

/** The active run's status word ("running", "paused", "finished", ...), or '' before the first run. */
async function runStatus(page: Page): Promise<string> {
  const badge = page.getByRole('status', { name: 'Run status' }).locator('.badge');
  if (!(await badge.count())) return '';
  return (/(queued|running|paused|finished|stopped|diverged|failed)/.exec((await badge.first().textContent()) ?? '')?.[1]) ?? '';
}

/**
 * Presses Train and lets the run go to its end (or MAX_STEPS, then pauses it); when it ended,
 * waits for the curvature panel's report at the final weights, then points at the data view.
 */
async function train(page: Page, e: GalleryEntry): Promise<void> {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitFor(async () => (await shownStep(page)) >= MAX_STEPS || /finished|stopped/.test(await runStatus(page)), `${e.id}: its end or step ${MAX_STEPS}`, 30_000);
  if ((await runStatus(page)) === 'running') {
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitFor(async () => (await runStatus(page)) !== 'running', `${e.id} to pause`, 10_000);
  }
  const status = await runStatus(page);
  expect(status, e.id).toMatch(/paused|finished|stopped/);
  if (status !== 'paused') {
    // The curvature panel computes at the final weights by itself after a run (not stale once done).
    await page.locator('.curvature [role="status"]:not(.stale)').waitFor({ timeout: 30_000 });
  }
  const view = page.locator('canvas.regression-canvas, canvas.boundary-canvas, canvas.mdn-canvas').first();
  const box = (await view.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width / 3, box.y + box.height / 3);
}

describe.skipIf(noBrowser)('a walk through the PRML gallery', () => {
  let browser: Browser;
  let server: LabServer;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launchChromium(chromiumPath as string);
    server = await startServer({ threads: 2 });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('opens and trains every example with no console error or warning and no failed request', async () => {
    context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    const { problems } = collectProblems(page);
    await openLab(page, server.url);
    // The dialog lists every example of shared/gallery.ts.
    await page.getByRole('button', { name: 'PRML gallery…' }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: 'PRML chapter 5 gallery' });
    await waitFor(async () => (await dialog.getByRole('button', { name: /^Open (figure|section) / }).count()) === GALLERY.length, 'the gallery list');
    await dialog.getByRole('button', { name: 'Close the gallery' }).click();

    for (const e of GALLERY) {
      await openExample(page, openLabel(e));
      const fig53 = e.id.startsWith('fig5.3');
      const canvas = page.locator('canvas.regression-canvas');
      if (fig53) {
        // Figure 5.3: the true function is drawn and named before any training.
        const formula = { 'fig5.3a-x-squared': 'x²', 'fig5.3b-sin-pi-x': 'sin(πx)', 'fig5.3c-abs-x': '|x|', 'fig5.3d-heaviside': 'H(x)' }[e.id];
        await page.getByTestId('true-function-key').waitFor();
        await expect.poll(() => canvas.getAttribute('aria-label')).toContain(`the true function f(x) = ${formula} in green`);
        expect(await page.locator('.regression .note').textContent()).toContain(`true function f(x) = ${formula}`);
      }
      await train(page, e);
      if (fig53) {
        // The hidden units' outputs are read on the right axis, which holds tanh's whole range.
        await expect.poll(() => canvas.getAttribute('aria-label')).toMatch(/each hidden unit’s output z_j dashed, read on the right axis from -1\.1 to 1\.1/);
      }
    }
    expect(problems).toEqual([]);
  });

  it('negative control: the collector catches a console error, a warning and a request for a missing path', async () => {
    const page = await context.newPage();
    const { problems } = collectProblems(page);
    await openLab(page, server.url);
    expect(problems).toEqual([]);
    await page.evaluate(() => {
      console.error('a deliberate error');
      console.warn('a deliberate warning');
    });
    const status = await page.evaluate(async () => (await fetch('./assets/no-such-file.js')).status);
    expect(status).toBe(404);
    await waitFor(() => problems.length >= 4, 'the four problems', 5_000);
    expect(problems.join('\n')).toMatch(/console error: a deliberate error/);
    expect(problems.join('\n')).toMatch(/console warning: a deliberate warning/);
    expect(problems.join('\n')).toMatch(/HTTP 404 GET http:\/\/127\.0\.0\.1:\d+\/assets\/no-such-file\.js/);
    // Chromium also logs the failed load in the console, as it did for /favicon.ico.
    expect(problems.join('\n')).toMatch(/console error: Failed to load resource: .*404/);
    await page.close();
  });
});
