/**
 * Takes the README's screenshots of the real app (docs/screenshots/*.png) in headless Chromium
 * against the real services. Not a test: run it after `npm run build` with
 *
 *   npx tsx test/e2e/screenshots.ts [outDir]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { findChromium, launchChromium, ROOT, startServer } from './harness';
import { choose, openLab, setNumber, shownStep, statusText, waitFor } from './lab-page';

const out = process.argv[2] ?? join(ROOT, 'docs/screenshots');

async function xor(browser: Browser): Promise<void> {
  const server = await startServer();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, colorScheme: 'light', deviceScaleFactor: 1 });
    await openLab(page, server.url);
    await page.getByRole('button', { name: 'Add hidden layer' }).click();
    await setNumber(page, 'Units in hidden layer 1', 6);
    await setNumber(page, 'Units in hidden layer 2', 4);
    await choose(page, 'Optimizer', 'adam');
    await setNumber(page, 'Learning rate', 0.003);
    await setNumber(page, 'Steps', 4000);
    await setNumber(page, 'Validation split', 0.2);
    await setNumber(page, 'Test split', 0.1);
    await choose(page, 'Speed', '1000');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) >= 2500, 'step 2500', 60_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitFor(async () => (await statusText(page)).includes('paused'), 'paused');
    await page.getByRole('button', { name: 'Explain the tanh activation' }).first().click();
    await page.evaluate('window.scrollTo(0, 0)');
    await page.mouse.move(900, 300);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(out, 'lab-xor.png'), fullPage: true });
    await page.getByRole('button', { name: 'Explain the tanh activation' }).first().click();
    await page.getByRole('button', { name: /Equations/ }).click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, 'equations.png') });
    await page.keyboard.press('Escape');
    await page.close();
  } finally {
    await server.close();
  }
}

async function sine(browser: Browser): Promise<void> {
  const server = await startServer();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, colorScheme: 'dark', deviceScaleFactor: 1 });
    await openLab(page, server.url);
    await choose(page, 'Dataset', 'sine-regression');
    await waitFor(async () => ((await page.getByRole('group', { name: /^Network: / }).getAttribute('aria-label')) ?? '').includes('1 input'), 'the sine lab');
    await choose(page, 'Optimizer', 'scg');
    await setNumber(page, 'Steps', 300);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitFor(async () => (await statusText(page)).includes('finished'), 'the run to finish', 60_000);
    await page.getByRole('button', { name: 'Check gradient' }).click();
    await page.getByRole('table', { name: 'Largest relative error per layer' }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(out, 'lab-sine-dark.png'), fullPage: true });
    await page.close();
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  const exe = findChromium();
  if (!exe) throw new Error('no Chromium found: set MLP_LAB_CHROMIUM');
  mkdirSync(out, { recursive: true });
  const browser = await launchChromium(exe);
  try {
    await xor(browser);
    await sine(browser);
  } finally {
    await browser.close();
  }
  console.log(`screenshots written to ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
