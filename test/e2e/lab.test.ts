/**
 * The lab end to end: the real UI in headless Chromium against the real services
 * (out/main/serve.js), driven by role and accessible name as a person would.
 */
import { describe, expect, it } from 'vitest';
import { accuracy, boundaryPixels, choose, diagramSummary, setNumber, shownStep, statusText, waitFor } from './lab-page';
import { noBrowser, requireBrowser, useLab } from './setup';

requireBrowser();

describe.skipIf(noBrowser)('the lab in a browser', () => {
  const lab = useLab();

  it('builds a network: add, size, activation, reorder and remove hidden layers; the diagram follows; a bad value is explained inline', async () => {
    const { page, errors } = lab.get();
    expect(await diagramSummary(page)).toContain('2 inputs → 4 tanh → 1 sigmoid output');
    // The page compiled the engine's WebAssembly kernels (issue 17; the CSP allows it).
    await expect.poll(() => page.locator('html').getAttribute('data-kernels')).toBe('wasm');

    await page.getByRole('button', { name: 'Add hidden layer' }).click();
    await waitFor(async () => (await diagramSummary(page)).includes('4 tanh → 4 tanh'), 'a second hidden layer');
    await setNumber(page, 'Units in hidden layer 2', 3);
    await choose(page, 'Activation of hidden layer 2', 'relu');
    await waitFor(async () => (await diagramSummary(page)).includes('4 tanh → 3 relu → 1 sigmoid'), 'layer 2 = 3 relu');

    await page.getByRole('button', { name: 'Move hidden layer 2 up' }).click();
    await waitFor(async () => (await diagramSummary(page)).includes('3 relu → 4 tanh → 1 sigmoid'), 'the layers swapped');

    // A value the spec refuses is explained beside the field and changes nothing.
    const units = page.getByRole('spinbutton', { name: 'Units in hidden layer 1', exact: true });
    await units.fill('0');
    await units.press('Enter');
    await expect.poll(() => units.getAttribute('aria-invalid')).toBe('true');
    const note = await page.getByRole('alert').filter({ hasText: 'network.hidden[0].units' }).textContent();
    expect(note).toMatch(/whole number >= 1/);
    expect(await diagramSummary(page)).toContain('3 relu → 4 tanh');

    await page.getByRole('button', { name: 'Remove hidden layer 1' }).click();
    await waitFor(async () => (await diagramSummary(page)).includes('2 inputs → 4 tanh → 1 sigmoid output'), 'one layer left');

    // Weight std is only editable for the truncated normal; Xavier explains where its std comes from.
    await choose(page, 'Initialisation of hidden layer 1', 'xavier');
    const std = page.getByRole('spinbutton', { name: 'Weight std of hidden layer 1', exact: true });
    await expect.poll(() => std.isDisabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('trains the XOR quadrants to at least 95% accuracy while the cost chart and the boundary update live', async () => {
    const { page, errors } = lab.get();
    await setNumber(page, 'Units in hidden layer 1', 8);
    await choose(page, 'Optimizer', 'adam');
    await setNumber(page, 'Learning rate', 0.01);
    await setNumber(page, 'Steps', 3000);
    await choose(page, 'Speed', '1000');
    const before = await boundaryPixels(page);

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) >= 200, 'step 200');
    const early = await boundaryPixels(page);
    await waitFor(async () => (await shownStep(page)) >= 1200, 'step 1200');
    const later = await boundaryPixels(page);
    expect(early).not.toBe(before);
    expect(later).not.toBe(early);
    // Pause and resume are the same button.
    await page.getByRole('button', { name: 'Pause' }).click();
    await waitFor(async () => (await statusText(page)).includes('paused'), 'paused');
    await choose(page, 'Speed', '0');
    await page.getByRole('button', { name: 'Resume' }).click();
    await waitFor(async () => (await statusText(page)).includes('Run 1 finished'), 'the run to finish', 60_000);

    await waitFor(async () => (await accuracy(page)) >= 0.95, 'accuracy >= 95%', 10_000);
    const caption = await page.getByTestId('chart-caption').textContent();
    expect(caption).toContain('Run 1: 3,000 points');
    expect(Number(await page.getByTestId('chart-caption').getAttribute('data-drawn'))).toBeGreaterThan(100);
    // The confusion matrix adds up to the training set.
    const cells = await page.getByRole('table', { name: /Confusion matrix/ }).locator('td').allTextContents();
    expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(errors).toEqual([]);
  });

  it('shows a clear banner when a run diverges, and offers a lower learning rate', async () => {
    const { page } = lab.get();
    await choose(page, 'Dataset', 'sine-regression');
    await waitFor(async () => (await diagramSummary(page)).includes('1 input → 6 tanh → 1 identity output'), 'the sine lab');
    // A cost the data cannot use is refused with the reason, and then offered disabled.
    const costSelect = page.getByRole('combobox', { name: 'Output function and error', exact: true });
    await costSelect.selectOption('softmax-cross-entropy');
    await page.getByRole('alert').filter({ hasText: 'softmax-cross-entropy needs class labels' }).waitFor();
    expect(await costSelect.inputValue()).toBe('sum-of-squares');
    expect(await costSelect.locator('option[value="softmax-cross-entropy"]').isDisabled()).toBe(true);
    await setNumber(page, 'Learning rate', 100);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const banner = page.getByRole('alert', { name: 'Run diverged' });
    await banner.waitFor({ timeout: 30_000 });
    const text = (await banner.textContent()) ?? '';
    expect(text).toMatch(/Run 1 diverged/);
    expect(text).toMatch(/try a smaller learning rate/);
    expect(await statusText(page)).toContain('diverged');
    await banner.getByRole('button', { name: 'Lower the learning rate ten-fold' }).click();
    await expect.poll(() => page.getByRole('spinbutton', { name: 'Learning rate', exact: true }).inputValue()).toBe('10');
    await expect.poll(() => banner.count()).toBe(0);
  });

  it('steps and resets to the same initial weights at step 0', async () => {
    const { page } = lab.get();
    await choose(page, 'Optimizer', 'adam');
    await setNumber(page, 'Learning rate', 0.05);
    const initial = await boundaryPixels(page);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) === 1, 'step 1');
    for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) === 6, 'step 6');
    await waitFor(async () => (await boundaryPixels(page)) !== initial, 'the boundary to move');
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) === 0 && (await statusText(page)).includes('paused'), 'step 0, paused');
    await waitFor(async () => (await boundaryPixels(page)) === initial, 'the initial boundary again');
  });

  it('checks the gradient: per-layer relative errors and the seed’s finite difference vs backprop line', async () => {
    const { page } = lab.get();
    await page.getByRole('button', { name: 'Check gradient' }).click();
    const verdict = page.getByRole('status').filter({ hasText: 'finite differences' });
    await verdict.waitFor({ timeout: 30_000 });
    expect(await verdict.textContent()).toContain('agrees');
    const rows = await page.getByRole('table', { name: 'Largest relative error per layer' }).locator('tbody th').allTextContents();
    expect(rows).toEqual(['layer 1', 'layer 2', 'inputs']);
    expect(await page.getByLabel("The seed's check").textContent()).toMatch(/finite difference -?\d.*\nback propagation\s+-?\d/);
  });

  it('labels every control, explains choices with formulas, and opens the seed’s equations from the diagram', async () => {
    const { page } = lab.get();
    // In-page code as text: the test project has no DOM types.
    const unnamed = (await page.evaluate(`(() => {
      const bad = [];
      for (const e of document.querySelectorAll('button, input, select, textarea, [tabindex="0"]')) {
        if (e.closest('dialog:not([open])')) continue;
        const named = e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || (e.labels && e.labels.length) || e.textContent.trim();
        if (!named) bad.push(e.outerHTML.slice(0, 120));
      }
      return bad;
    })()`)) as string[];
    expect(unnamed).toEqual([]);
    await page.getByRole('button', { name: 'Explain the tanh activation' }).click();
    const help = page.getByRole('note', { name: 'About tanh' });
    expect(await help.textContent()).toContain('PRML (5.58)–(5.60)');
    expect(await help.locator('.katex').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: /Equations/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Forward and backward propagation' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('PRML (5.56)');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });
});
