/**
 * The PRML gallery end to end: an example opens from the window's gallery as a new project, and
 * the mixture density view of figure 5.21 draws the density, mode and mean and each component's
 * parameters, changing live while the network trains; figure 5.4 shows the Bayes-optimal boundary.
 */
import { describe, expect, it } from 'vitest';
import { openExample, pixels, shownStep, waitFor } from './lab-page';
import { noBrowser, requireBrowser, useLab } from './setup';

requireBrowser();

describe.skipIf(noBrowser)('the PRML gallery in a browser', () => {
  const lab = useLab();

  it('opens figure 5.21 and the mixture density view follows the training live', async () => {
    const { page, errors } = lab.get();
    await openExample(page, /Open figure 5\.21/);
    const view = page.getByRole('region', { name: 'Mixture density' });
    await view.waitFor();
    await expect.poll(() => page.getByText('K = 3 components').count()).toBe(1);
    for (const p of ['pi', 'mu', 'sigma']) await page.locator(`canvas.mdn-params[data-param="${p}"]`).waitFor();
    const before = await pixels(page, 'canvas.mdn-canvas');
    const sigmaBefore = await pixels(page, 'canvas.mdn-params[data-param="sigma"]');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) >= 1000, 'step 1000', 60_000);
    await waitFor(async () => (await pixels(page, 'canvas.mdn-canvas')) !== before, 'the density to change');
    expect(await pixels(page, 'canvas.mdn-params[data-param="sigma"]')).not.toBe(sigmaBefore);
    // The read-out names every component's parameters at the pointer.
    const box = (await page.locator('canvas.mdn-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('.mdn .readout').textContent()).toMatch(/mean .*mode .*π1 .*μ3 .*σ3/);
    expect(errors).toEqual([]);
  });

  it('opens figure 5.4 with the Bayes-optimal boundary beside the network\'s', async () => {
    const { page, errors } = lab.get();
    await openExample(page, /Open figure 5\.4:/);
    await page.locator('.legend-row').getByText('Bayes-optimal boundary').waitFor();
    expect(errors).toEqual([]);
  });
});
