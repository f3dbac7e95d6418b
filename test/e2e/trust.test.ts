/**
 * Issue 16 in a browser: every figure the lab shows is the run's true figure, and every view
 * follows what the user did. The status bar's E/N is recomputed here, by a forward pass written
 * in this file, from the weights the lab exports, on the training set; a refused or unreadable
 * field blocks Train with the reason and clears when fixed; banners and a gradient check belong
 * to their project; a data change adapts the output layer with no error in the console; a cost
 * that goes below 0 (a mixture density network) is drawn on a linear scale.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateBuiltin } from '../../shared/data/builtin';
import { prepareParts } from '../../shared/lab';
import { isCsvData } from '../../shared/spec';
import { starterSpec } from '../../shared/starter-specs';
import { parseWeightsFile } from '../../shared/weights-format';
import { referenceMetrics } from '../support/reference';
import { choose, diagramSummary, menuItem, newLab, notice, setNumber, statusText, trainToEnd, waitFor } from './lab-page';
import { noBrowser, requireBrowser, useLab } from './setup';

requireBrowser();

/** The value the status bar's "E/N train" holds (full precision, from its data-value). */
async function statusTrainE(page: Page): Promise<number> {
  return Number(await page.getByTestId('train-e-value').getAttribute('data-value'));
}

describe.skipIf(noBrowser)('every figure is the run’s, every view follows the user (issue 16)', () => {
  const lab = useLab();

  it('shows in the status bar the E/N that the exported weights give on the whole training set', async () => {
    const { page, errors } = lab.get();
    const params = { n: 400, noise: 0.15, seed: 4 };
    await newLab(page, /^Two moons/, params);
    await waitFor(async () => (await diagramSummary(page)).includes('2 inputs → 8 tanh → 1 sigmoid output'), 'the moons lab');
    await choose(page, 'Optimizer', 'adam');
    await setNumber(page, 'Learning rate', 0.02);
    await setNumber(page, 'Batch size', 16);
    await setNumber(page, 'Steps', 1500);
    await trainToEnd(page, 'Run 1 finished');
    expect(await statusText(page)).toMatch(/E\/N train [\d.e-]+ \(final weights, all samples\)/);
    const shown = await statusTrainE(page);

    await menuItem(page, 'Export', 'Weights (JSON)');
    const path = /to (.+\.json)\./.exec(await notice(page, /Exported the weights of run 1 to/, 'exporting weights'))?.[1] ?? '';
    const file = parseWeightsFile(JSON.parse(readFileSync(path, 'utf8')));
    // The training set as the lab split it: the same built-in data, seed and split.
    const spec = starterSpec('two-moons', params);
    if (isCsvData(spec.data)) throw new Error('a built-in lab');
    const train = prepareParts(spec, generateBuiltin('two-moons', params.n, params.seed, spec.data)).train;
    expect(file.normalization).toBeNull();
    const reference = referenceMetrics(file, train.inputs, train.targets, train.n);
    expect(Math.abs(shown - reference.EPerSample) / reference.EPerSample).toBeLessThan(1e-12);
    // The run history says the same (as printed in the bar).
    const printed = /E\/N train ([\d.e-]+)/.exec(await statusText(page))?.[1] ?? '?';
    const row = (await page.getByRole('table', { name: 'Run history' }).locator('tbody tr').first().textContent()) ?? '';
    expect(row).toContain(printed);
    // Negative controls: the comparison tells a weight moved by 1e-6 apart, and the last
    // mini-batch average (what the bar used to show) is not the training set's E/N.
    file.layers[0].weights[0][0] += 1e-6;
    const moved = referenceMetrics(file, train.inputs, train.targets, train.n).EPerSample;
    expect(Math.abs(shown - moved) / reference.EPerSample).toBeGreaterThan(1e-12);
    const curve = await page.getByTestId('chart-caption').textContent();
    const lastBatch = Number(/last train E\/N ([\d.e-]+)/.exec(curve ?? '')?.[1]);
    expect(Math.abs(lastBatch - reference.EPerSample) / reference.EPerSample).toBeGreaterThan(1e-3);
    expect(errors).toEqual([]);
  });

  it('blocks Train while a field shows what the spec does not hold, says why beside the button, and clears when fixed', async () => {
    const { page } = lab.get();
    const train = page.getByRole('button', { name: 'Train', exact: true });
    const rate = page.getByRole('spinbutton', { name: 'Learning rate', exact: true });
    await rate.fill('-1');
    await rate.press('Enter');
    await waitFor(async () => (await rate.getAttribute('aria-invalid')) === 'true', 'the refusal');
    expect(await train.isDisabled()).toBe(true);
    expect(await page.locator('#train-blocked').textContent()).toMatch(/Fix the settings first: Learning rate: .*greater than 0/);
    // Not a number at all: the same.
    await rate.fill('');
    await rate.press('Enter');
    expect(await page.locator('#train-blocked').textContent()).toMatch(/Learning rate: enter a number/);
    expect(await train.isDisabled()).toBe(true);
    // Fixed: the message goes, Train comes back, and the run trains with the value shown.
    await setNumber(page, 'Learning rate', 0.01);
    expect(await page.locator('#train-blocked').count()).toBe(0);
    expect(await train.isDisabled()).toBe(false);
    expect(await page.getByRole('alert').filter({ hasText: 'Learning rate' }).count()).toBe(0);
    // A refused choice in a select goes back to the spec's value, so it does not block.
    await choose(page, 'Dataset', 'sine-regression');
    await page.getByRole('button', { name: /Don.t Save/ }).click();
    await waitFor(async () => (await diagramSummary(page)).includes('1 identity output'), 'the sine lab');
    await page.getByRole('combobox', { name: 'Output function and error', exact: true }).selectOption('softmax-cross-entropy');
    await page.getByRole('alert').filter({ hasText: 'needs class labels' }).waitFor();
    expect(await page.getByRole('button', { name: 'Train', exact: true }).isDisabled()).toBe(false);
  });

  it('keeps banners and the gradient check with their project: another project opens without them', async () => {
    const { page } = lab.get();
    await setNumber(page, 'Steps', 300);
    await trainToEnd(page, 'Run 1 finished');
    await menuItem(page, 'Export', 'Weights (JSON)');
    await notice(page, /Exported the weights of run 1/, 'the export banner');
    await page.getByRole('button', { name: 'Check gradient' }).click();
    const verdict = page.getByRole('status').filter({ hasText: /Backpropagation agrees with finite differences/ });
    await verdict.waitFor();
    await newLab(page, /^Two moons/, { n: 200, noise: 0.1, seed: 1 });
    await waitFor(async () => (await diagramSummary(page)).includes('8 tanh'), 'the new lab');
    expect(await page.getByText(/Exported the weights of run 1/).count()).toBe(0);
    expect(await verdict.count()).toBe(0);
    expect(await page.getByText(/Exact Hessian of E .* at Run 1/).count()).toBe(0);
  });

  it('adapts the output layer to a data change and redraws every view, with nothing in the console', async () => {
    const { page, errors } = lab.get();
    await choose(page, 'Dataset', 'blobs');
    await waitFor(async () => (await diagramSummary(page)).includes('3 softmax outputs'), 'the blobs lab');
    await setNumber(page, 'Steps', 200);
    await trainToEnd(page, 'Run 1 finished');
    for (const classes of [5, 2]) {
      await setNumber(page, 'Classes', classes);
      await waitFor(async () => (await diagramSummary(page)).includes(`→ ${classes} softmax outputs`), `${classes} outputs`);
    }
    // A CSV of numbers from a classifier lab: a regression, the output follows.
    const rows = ['x1,x2,y'];
    for (let i = 0; i < 120; i++) rows.push(`${((i % 11) / 5 - 1).toFixed(2)},${((i % 7) / 3 - 1).toFixed(2)},${Math.sin(i).toFixed(4)}`);
    await page.getByRole('toolbar', { name: 'Project' }).getByRole('button', { name: 'Import CSV…' }).click();
    const wizard = page.getByRole('dialog', { name: 'Import a CSV file' });
    await wizard.getByLabel('Choose a CSV file').setInputFiles({ name: 'numbers.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await wizard.getByRole('table', { name: 'Preview of the first rows' }).waitFor();
    await wizard.getByRole('button', { name: 'Import', exact: true }).click();
    await waitFor(async () => (await diagramSummary(page)).includes('2 inputs → 6 tanh → 1 identity output'), 'the regression network');
    await page.getByTestId('rmse').waitFor();
    expect(errors).toEqual([]);
  });

  it('draws a cost that goes below 0 (a mixture density network’s likelihood) on a linear scale', async () => {
    const { page } = lab.get();
    await page.getByRole('button', { name: 'PRML gallery…' }).click();
    await page.getByRole('button', { name: /Open figure 5\.21/ }).click();
    await page.getByRole('dialog').filter({ hasText: 'PRML chapter 5 gallery' }).waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const log = page.getByRole('checkbox', { name: 'Log scale' });
    await waitFor(async () => await log.isDisabled(), 'the log scale to give way once E/N is below 0', 60_000);
    expect(await page.getByText('(linear: E/N ≤ 0)').count()).toBe(1);
  });
});
