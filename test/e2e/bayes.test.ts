/**
 * PRML §5.4 and §5.7 in the window, end to end against the real services: the gallery's
 * regression with error bars trains with the evidence procedure, the evidence chart follows its
 * re-estimations, the curvature panel computes after the run (spectrum, gamma), and the
 * regression view draws the Laplace band only while it belongs to the shown weights; the
 * two-class example shows the MAP and moderated contours of figure 5.23.
 */
import { describe, expect, it } from 'vitest';
import { openExample, pixels, trainToEnd } from './lab-page';
import { noBrowser, requireBrowser, useLab } from './setup';

requireBrowser();

describe.skipIf(noBrowser)('Bayesian neural networks in a browser', () => {
  const lab = useLab();

  it('§5.7.1: evidence chart, curvature panel after the run, and the Laplace band on the regression', async () => {
    const { page, errors } = lab.get();
    await openExample(page, /Open section §5\.7\.1/);
    const before = await pixels(page, 'canvas.regression-canvas');
    await trainToEnd(page);
    await expect.poll(() => page.getByTestId('evidence-caption').textContent(), { timeout: 20_000 }).toMatch(/Run 1, 10 re-estimations: α 0\.22\d*, β 8\.7\d*, γ 10\.5\d* at step 400/);
    // The curvature panel computed at the final weights by itself.
    await page.getByTestId('gamma').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('gamma').textContent()).toMatch(/^10\.\d+ of 19$/);
    expect(await page.getByRole('img', { name: /^Eigenvalue spectrum of the Hessian: 19 eigenvalues/ }).count()).toBe(1);
    // The band is drawn, and switching it off changes the picture.
    const band = page.getByRole('checkbox', { name: 'Show the Laplace predictive band' });
    await band.waitFor();
    await page.waitForTimeout(300);
    const withBand = await pixels(page, 'canvas.regression-canvas');
    expect(withBand).not.toBe(before);
    await band.uncheck();
    await expect.poll(() => pixels(page, 'canvas.regression-canvas')).not.toBe(withBand);
    // The read-out gives the 1-sigma error bar under the pointer when the band is on.
    await band.check();
    const box = (await page.locator('canvas.regression-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('.regression .readout').textContent()).toMatch(/y = .* ± .* \(1σ\)/);
    // A new run's weights are not the ones the band was computed at: it goes until computed again.
    await page.getByRole('button', { name: 'New run' }).click();
    await expect.poll(() => band.count(), { timeout: 20_000 }).toBe(0);
    expect(errors).toEqual([]);
  });

  it('5.22 / 5.23: the two-class lab shows MAP and moderated contours after the run', async () => {
    const { page, errors } = lab.get();
    await openExample(page, /Open figure 5\.22/);
    await trainToEnd(page);
    const view = page.getByRole('region', { name: /MAP and moderated outputs/ });
    await view.waitFor({ timeout: 30_000 });
    await expect.poll(() => view.locator('.pair').getAttribute('data-frames')).not.toBe('0');
    const map = await view.getByRole('img', { name: /from the MAP weights/ }).evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());
    const moderated = await view.getByRole('img', { name: /Moderated probability/ }).evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());
    expect(moderated).not.toBe(map);
    expect(await page.getByTestId('gamma').textContent()).toMatch(/of 33$/);
    expect(errors).toEqual([]);
  });
});
