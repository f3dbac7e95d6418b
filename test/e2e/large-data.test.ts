/**
 * The window at real sizes (issue 18), end to end: a digits 64-128-64-10 run pauses with the
 * step counter stopping within two progress messages of the click, and Step takes one step; an
 * MNIST-sized CSV (60,000 x 785) imports with a progress bar and trains on mini-batches while
 * the page holds only a sample of it (its heap stays far below 1 GB).
 */
import { describe, expect, it } from 'vitest';
import { digitsLab, mnistLab } from './image-labs';
import { shownStep, statusText, waitFor } from './lab-page';
import { noBrowser, requireBrowser, useLab } from './setup';
import { installProbe, measurePause, pageHeap } from './ui-probe';

requireBrowser();

describe.skipIf(noBrowser)('large data in a browser', () => {
  const lab = useLab();

  it('pauses a digits 128+64 run within two progress messages of the click, and steps one step at a time', async () => {
    const { page, server, errors } = lab.get();
    await installProbe(page);
    await digitsLab(page, server);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) >= 300, 'step 300', 60_000);
    await page.waitForTimeout(500);
    const p = await measurePause(page);
    expect(p.stepUpdatesAfter).toBeLessThanOrEqual(2);
    expect(p.stepPaused).toBeGreaterThanOrEqual(p.stepAtClick);
    // Stopped: the counter stays where the run paused.
    await page.waitForTimeout(1000);
    expect(await shownStep(page)).toBe(p.stepPaused);
    expect(await statusText(page)).toContain('paused');
    // Negative control: while running, the counter moves (so "stays" above can fail).
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) > p.stepPaused + 10, 'the counter to move again');
    const q = await measurePause(page);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) === q.stepPaused + 1, 'one step');
    expect(errors).toEqual([]);
  });

  it('imports a 60,000 x 785 CSV with progress and trains it on mini-batches; the page holds a sample, not the data', async () => {
    const { page, server, errors } = lab.get();
    const seen = await mnistLab(page, server);
    expect(seen.progressShown).toBe(true);
    expect(await page.getByRole('region', { name: 'Data' }).textContent()).toMatch(/mnist-sized\.csv.*60,000 samples/s);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) >= 20, 'step 20', 120_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitFor(async () => (await statusText(page)).includes('paused'), 'paused', 30_000);
    // Epochs advance by 128 / 48,000 a step: mini-batches, not the whole set.
    const epoch = Number(await page.getByTestId('epoch').textContent());
    expect(epoch).toBeCloseTo(((await shownStep(page)) * 128) / 48_000, 3);
    // The metrics say they are an estimate on the window's sample of the training part.
    await waitFor(async () => /estimated on 2,000 of 48,000 samples/.test((await page.getByRole('region', { name: 'Metrics' }).textContent()) ?? ''), 'the sampled metrics');
    // 48,000 x 784 Float64s alone would be 300 MB; the page holds 6,000 rows.
    expect(await pageHeap(page)).toBeLessThan(200 * 2 ** 20);
    expect(errors).toEqual([]);
  });
});
