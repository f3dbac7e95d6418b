/**
 * Setting up the two large labs through the window, as a person would (the end-to-end tests, the
 * UI benchmark and the screenshots share this): a CSV from the workspace folder imported with the
 * wizard, its `label` column read as classes, then the network and training settings.
 *
 * - digits: the digits-like set (1797 x 64, 10 classes), 64 -> 128 tanh -> 64 tanh -> 10
 *   softmax (hidden layers Xavier-initialised), Adam at 0.001 on mini-batches of 32;
 * - MNIST-sized: 60,000 x 784, 784 -> 256 tanh -> 10 softmax, SGD at 0.01 on mini-batches of 128.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DIGITS_LIKE, imageCsv, MNIST_SIZED, writeImageCsv } from '../support/image-datasets';
import type { LabServer } from './harness';
import { choose, diagramSummary, setNumber, waitFor } from './lab-page';

/** What an import through the wizard showed. */
export interface ImportSeen {
  /** From the Import click to the dataset summary. */
  seconds: number;
  /** The progress bar and a "rows read" status were seen during the import. */
  progressShown: boolean;
}

/**
 * Imports `file` (in the workspace folder) with the wizard, `label` read as classes; closes the
 * summary. Polls the progress bar while it runs.
 */
export async function importWorkspaceCsv(page: Page, file: string): Promise<ImportSeen> {
  await page.getByRole('button', { name: 'Open…' }).click();
  await page.getByRole('dialog', { name: 'Open a project' }).getByRole('button', { name: `Import ${file}` }).click();
  const wizard = page.getByRole('dialog', { name: 'Import a CSV file' });
  await wizard.getByRole('table', { name: 'Preview of the first rows' }).waitFor({ timeout: 60_000 });
  await wizard.getByRole('combobox', { name: 'Type of label' }).selectOption('category');
  await waitFor(async () => /classes/.test((await wizard.locator('.task-line').textContent()) ?? ''), 'label read as classes', 60_000);
  const t0 = Date.now();
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  const summary = page.getByRole('dialog', { name: /Dataset summary/ });
  let progressShown = false;
  await waitFor(async () => {
    if (!progressShown && (await wizard.getByRole('progressbar', { name: 'Import progress' }).count()) > 0) {
      progressShown = /rows read/.test((await wizard.getByRole('status').last().textContent().catch(() => '')) ?? '');
    }
    return summary.isVisible();
  }, `the import of ${file}`, 300_000, 50);
  const seconds = (Date.now() - t0) / 1000;
  await summary.getByRole('button', { name: 'Done' }).click();
  return { seconds, progressShown };
}

/** Gives the network exactly these hidden layers (tanh, Xavier initialisation: std 1 saturates wide layers). */
export async function setHiddenLayers(page: Page, units: number[]): Promise<void> {
  const count = async () => page.getByRole('spinbutton', { name: /^Units in hidden layer \d+$/ }).count();
  while ((await count()) < units.length) {
    const before = await count();
    await page.getByRole('button', { name: 'Add hidden layer' }).click();
    await waitFor(async () => (await count()) > before, 'a hidden layer added');
  }
  while ((await count()) > units.length) {
    const before = await count();
    await page.getByRole('button', { name: `Remove hidden layer ${before}` }).click();
    await waitFor(async () => (await count()) < before, 'a hidden layer removed');
  }
  for (let i = 0; i < units.length; i++) {
    await setNumber(page, `Units in hidden layer ${i + 1}`, units[i]);
    await choose(page, `Activation of hidden layer ${i + 1}`, 'tanh');
    await choose(page, `Initialisation of hidden layer ${i + 1}`, 'xavier');
  }
}

/** Where generated files are cached between runs (the MNIST-sized CSV takes ~20 s to write). */
const CACHE = join(tmpdir(), 'mlp-lab-image-sets');

/** The MNIST-sized CSV, generated once per machine into the temp folder. */
export async function mnistCsvPath(): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const path = join(CACHE, `mnist-sized-${MNIST_SIZED.rows}-v1.csv`);
  if (!existsSync(path)) {
    const part = `${path}.part`;
    await writeImageCsv(MNIST_SIZED, part);
    copyFileSync(part, path);
  }
  return path;
}

/** The digits lab: the digits-like set imported, 64 -> 128 -> 64 -> 10, Adam, batches of 32. */
export async function digitsLab(page: Page, server: LabServer): Promise<ImportSeen> {
  writeFileSync(join(server.workspace, 'digits.csv'), imageCsv(DIGITS_LIKE));
  const seen = await importWorkspaceCsv(page, 'digits.csv');
  await setHiddenLayers(page, [128, 64]);
  await waitFor(async () => (await diagramSummary(page)).includes('64 inputs → 128 tanh → 64 tanh → 10 softmax'), 'the digits network');
  await choose(page, 'Optimizer', 'adam');
  await setNumber(page, 'Learning rate', 0.001);
  await setNumber(page, 'Batch size', 32);
  await setNumber(page, 'Steps', 10_000_000);
  return seen;
}

/** The MNIST-sized lab: 60,000 x 784 imported, 784 -> 256 -> 10, SGD at 0.01, batches of 128. */
export async function mnistLab(page: Page, server: LabServer): Promise<ImportSeen> {
  copyFileSync(await mnistCsvPath(), join(server.workspace, 'mnist-sized.csv'));
  const seen = await importWorkspaceCsv(page, 'mnist-sized.csv');
  await setHiddenLayers(page, [256]);
  await waitFor(async () => (await diagramSummary(page)).includes('784 inputs → 256 tanh → 10 softmax'), 'the MNIST-sized network', 60_000);
  await choose(page, 'Optimizer', 'sgd');
  await setNumber(page, 'Learning rate', 0.01);
  await setNumber(page, 'Batch size', 128);
  await setNumber(page, 'Steps', 10_000_000);
  return seen;
}
