/**
 * Project files and weights from the lab window, end to end: save the project to the server's
 * workspace, open it again (spec, run and its cost curve restored), upload it (it opens untitled
 * under its own name, and Save asks where to put it), and export a run's weights, which must
 * validate against docs/weights.schema.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness';
import { choose, diagramSummary, menuItem, notice, setNumber, trainToEnd, waitFor } from './lab-page';
import { noBrowser, requireBrowser, useLab } from './setup';

requireBrowser();

describe.skipIf(noBrowser)('project files and weights in a browser', () => {
  const lab = useLab();

  it('exports weights that validate against the schema, saves to the workspace and reopens the project with its run', async () => {
    const { page, server, errors } = lab.get();
    await setNumber(page, 'Units in hidden layer 1', 5);
    await choose(page, 'Optimizer', 'adam');
    await setNumber(page, 'Learning rate', 0.02);
    await setNumber(page, 'Steps', 300);
    await trainToEnd(page, 'Run 1 finished', 30_000);

    await menuItem(page, 'Export', 'Weights (JSON)');
    const exported = await notice(page, /Exported the weights of run 1 to/, 'exporting weights');
    const path = /to (.+\.json)\./.exec(exported)?.[1] ?? '';
    expect(path.startsWith(server.workspace)).toBe(true);
    const weights = JSON.parse(readFileSync(path, 'utf8')) as { layers: { weights: number[][] }[] };
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs/weights.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(weights), JSON.stringify(validate.errors)).toBe(true);
    expect(weights.layers).toHaveLength(2);

    await page.getByRole('button', { name: 'Save as…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save the project' });
    await dialog.getByRole('textbox', { name: 'Project file name' }).fill('e2e-xor');
    await dialog.getByRole('button', { name: 'Save to workspace' }).click();
    await notice(page, /Saved to .*e2e-xor\.mlplab/, 'saving the project');
    expect(existsSync(join(server.workspace, 'e2e-xor.mlplab'))).toBe(true);
    await expect.poll(() => page.getByLabel('Project', { exact: true }).first().textContent()).toContain('e2e-xor');

    // Another lab replaces it; opening the file brings the network, the run and its curve back.
    await choose(page, 'Dataset', 'sine-regression');
    await waitFor(async () => (await diagramSummary(page)).includes('1 input →'), 'the sine lab');
    await page.getByRole('button', { name: 'Open…' }).click();
    await page.getByRole('dialog', { name: 'Open a project' }).getByRole('button', { name: 'Open e2e-xor.mlplab' }).click();
    await notice(page, /Opened e2e-xor\.mlplab/, 'opening the project');
    await waitFor(async () => (await diagramSummary(page)).includes('2 inputs → 5 tanh → 1 sigmoid output'), 'the saved network');
    expect(await page.getByRole('spinbutton', { name: 'Learning rate', exact: true }).inputValue()).toBe('0.02');
    await page.getByRole('button', { name: 'Show run 1' }).waitFor();
    await waitFor(async () => ((await page.getByTestId('chart-caption').textContent()) ?? '').includes('Run 1: 300 points'), 'the saved cost curve');

    // The same file uploaded through the browser's picker opens untitled under its own name, with
    // its run: Save then asks where to put it (there is no file on the server to save back to).
    await page.getByRole('button', { name: 'Open…' }).click();
    await page.getByRole('dialog', { name: 'Open a project' }).getByLabel('Upload a project file')
      .setInputFiles({ name: 'from-laptop.mlplab', mimeType: 'application/octet-stream', buffer: readFileSync(join(server.workspace, 'e2e-xor.mlplab')) });
    await notice(page, /Opened from-laptop\.mlplab/, 'opening the upload');
    await expect.poll(() => page.getByLabel('Project', { exact: true }).first().textContent()).toContain('from-laptop');
    await page.getByRole('button', { name: 'Show run 1' }).waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('dialog', { name: 'Save the project' }).waitFor();
    expect(existsSync(join(server.workspace, 'from-laptop.mlplab'))).toBe(false);
    expect(errors).toEqual([]);
  });
});
