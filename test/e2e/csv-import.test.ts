/**
 * The CSV import wizard end to end, on a real-world file (test/e2e/fixtures/kundendaten.csv: an
 * Excel "CSV UTF-8" export with a BOM, CRLF, semicolons, decimal commas with thousands dots,
 * categorical columns, and a few missing values written as empty, NA and ?): the preview as
 * detected, an error shown at its line and column, the import with the dataset summary, a run on
 * the data, save, and reopening the project. Then a large file's import cancelled midway.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accuracy, choose, notice, setNumber, trainToEnd, waitFor } from './lab-page';
import { noBrowser, requireBrowser, useLab } from './setup';

requireBrowser();

const FIXTURE = join(import.meta.dirname, 'fixtures/kundendaten.csv');

describe.skipIf(noBrowser)('CSV import in a browser', () => {
  const lab = useLab();

  it('imports a semicolon, decimal-comma file with categories and missing values; shows an error where it is; trains, saves and reopens', async () => {
    const { page, errors } = lab.get();
    await page.getByRole('toolbar', { name: 'Project' }).getByRole('button', { name: 'Import CSV…' }).click();
    const wizard = page.getByRole('dialog', { name: 'Import a CSV file' });
    const preview = wizard.getByRole('table', { name: 'Preview of the first rows' });

    // First a copy with a typo far down (line 150: "12 Monate" in a column of numbers): the
    // preview names the line, and importing fails showing the file there, the cell marked.
    const good = readFileSync(FIXTURE);
    const lines = good.toString('utf8').split('\r\n');
    lines[149] = lines[149].replace(/^(K\d+;[^;]*;[^;]*;[^;]*;[^;]*;)(\d+)/, '$1$2 Monate');
    await wizard.getByLabel('Choose a CSV file').setInputFiles({ name: 'kundendaten.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n')) });
    await preview.waitFor();
    expect(await wizard.getByRole('list', { name: 'Notes on columns' }).textContent()).toMatch(/Monate: line 150 holds "\d+ Monate", not a number/);
    await wizard.getByRole('button', { name: 'Import', exact: true }).click();
    const problem = wizard.getByRole('alert', { name: 'Import problem' });
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/line 150, column "Monate" is "\d+ Monate", not a number/);
    const context = problem.getByRole('table', { name: 'The file around line 150' });
    expect(await context.locator('th').allTextContents()).toEqual(['line 148', 'line 149', 'line 150', 'line 151', 'line 152']);
    expect(await context.locator('tr.error-line td.error-cell').textContent()).toMatch(/^\d+ Monate$/);

    // The real file: what was detected, and the columns as read.
    await wizard.getByLabel('Choose a CSV file').setInputFiles(FIXTURE);
    await waitFor(async () => (await wizard.getByRole('alert', { name: 'Import problem' }).count()) === 0, 'the error to clear');
    await preview.waitFor();
    expect(await wizard.getByRole('combobox', { name: 'Delimiter' }).inputValue()).toBe(';');
    expect(await wizard.getByRole('combobox', { name: 'Decimal mark' }).inputValue()).toBe(',');
    expect(await wizard.getByRole('checkbox', { name: 'First row holds the column names' }).isChecked()).toBe(true);
    expect(await preview.locator('thead .col-name').allTextContents()).toEqual(['Kunde', 'Alter', 'Einkommen', 'Vertrag', 'Region', 'Monate', 'Monatsbeitrag', 'Gekündigt']);
    expect(await wizard.getByRole('combobox', { name: 'Role of Kunde' }).inputValue()).toBe('ignore');
    expect(await wizard.getByRole('combobox', { name: 'Role of Gekündigt' }).inputValue()).toBe('target');
    expect(await wizard.getByRole('combobox', { name: 'Type of Vertrag' }).inputValue()).toBe('category');
    expect(await wizard.getByRole('combobox', { name: 'Type of Einkommen' }).inputValue()).toBe('number');
    expect(await preview.locator('td.missing').count()).toBeGreaterThan(0); // K0004 has no age
    expect(await preview.locator('td.invalid').count()).toBe(0);
    expect(await wizard.locator('.task-line').textContent()).toMatch(/two classes \((ja, nein|nein, ja)\): a sigmoid output/);
    expect(await wizard.textContent()).toMatch(/In the rows previewed: Alter 2, Einkommen 2, Region 1, Monatsbeitrag 1/);

    // Read with a decimal point instead, "3.073,29" is no number: the preview follows the choice.
    const incomeInfo = preview.locator('thead th').nth(2).locator('.col-info');
    expect(await incomeInfo.textContent()).toMatch(/numeric/);
    await wizard.getByRole('combobox', { name: 'Decimal mark' }).selectOption('.');
    await waitFor(async () => !/numeric/.test((await incomeInfo.textContent()) ?? ''), 'incomes read as text');
    await wizard.getByRole('combobox', { name: 'Decimal mark' }).selectOption(',');
    await waitFor(async () => /numeric/.test((await incomeInfo.textContent()) ?? ''), 'incomes read as numbers again');

    // Fill missing inputs with the mean; a quarter for validation; import.
    await wizard.getByRole('combobox', { name: 'Role of Einkommen' }).selectOption('input');
    await wizard.getByLabel('Fill in the column mean').check();
    await wizard.getByRole('spinbutton', { name: 'Validation share' }).fill('0.25');
    await wizard.getByRole('button', { name: 'Import', exact: true }).click();

    // The summary: every column with its statistics and missing cells, and the class balance.
    const summary = page.getByRole('dialog', { name: 'Dataset summary: kundendaten.csv' });
    await summary.waitFor({ timeout: 30_000 });
    expect(await summary.textContent()).toContain('240 rows');
    const row = async (name: string) => (await summary.getByRole('row', { name: new RegExp(`^${name} `) }).locator('td').allTextContents()).map((t) => t.trim());
    expect(await row('Alter')).toEqual(['input', 'numeric', '19', '78', expect.stringMatching(/^4\d(\.\d+)?$/), '2']);
    expect(await row('Einkommen')).toEqual(['input', 'numeric', expect.any(String), expect.any(String), expect.any(String), '2']);
    expect((await row('Vertrag'))[1]).toMatch(/^categorical \(3: /);
    expect((await row('Kunde'))[0]).toBe('unused');
    const balance = await summary.getByRole('list', { name: 'Class balance' }).textContent();
    expect(balance).toMatch(/nein.*134.*ja.*106/s);
    await summary.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByRole('region', { name: 'Data' }).textContent()).toMatch(/kundendaten\.csv.*180 train · 60 validation/s);

    // A run on the imported data.
    await choose(page, 'Optimizer', 'adam');
    await setNumber(page, 'Learning rate', 0.01);
    await setNumber(page, 'Steps', 600);
    await trainToEnd(page, 'Run 1 finished');
    await waitFor(async () => (await accuracy(page)) >= 0.75, 'training accuracy >= 75%', 10_000);

    // Save, replace, reopen: the data, the run and the summary come back.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const save = page.getByRole('dialog', { name: 'Save the project' });
    await save.getByRole('textbox', { name: 'Project file name' }).fill('kunden');
    await save.getByRole('button', { name: 'Save to workspace' }).click();
    await notice(page, /Saved to .*kunden\.mlplab/, 'saving');
    await expect.poll(() => page.title()).toBe('kunden — MLP Lab');
    await page.reload();
    await page.getByRole('group', { name: /^Network: / }).waitFor();
    await page.getByRole('button', { name: 'Open…' }).click();
    await page.getByRole('dialog', { name: 'Open a project' }).getByRole('button', { name: 'Open kunden.mlplab' }).click();
    await notice(page, /Opened kunden\.mlplab/, 'opening');
    await waitFor(async () => ((await page.getByRole('region', { name: 'Data' }).textContent()) ?? '').includes('kundendaten.csv'), 'the CSV data');
    await page.getByRole('button', { name: 'Show run 1' }).waitFor();
    await page.getByRole('button', { name: 'Summary…' }).click();
    expect(await page.getByRole('dialog', { name: /Dataset summary/ }).textContent()).toMatch(/nein.*134/s);
    expect(errors).toEqual([]);
  });

  it('shows the progress of a large import and cancels it; the project keeps its data', async () => {
    const { page, server, errors } = lab.get();
    // About 50 MB: long enough to import that a cancel lands midway on a slow machine too.
    const lines = ['id,a,b,c,d,label'];
    for (let i = 0; i < 1_600_000; i++) lines.push(`${i},${(i % 977) / 7},${(i % 131) * 0.25},${i % 17},${(i * 7919) % 1000},${i % 2}`);
    writeFileSync(join(server.workspace, 'big.csv'), `${lines.join('\n')}\n`);

    await page.getByRole('button', { name: 'Open…' }).click();
    await page.getByRole('dialog', { name: 'Open a project' }).getByRole('button', { name: 'Import big.csv' }).click();
    const wizard = page.getByRole('dialog', { name: 'Import a CSV file' });
    await wizard.getByRole('table', { name: 'Preview of the first rows' }).waitFor();
    expect(await wizard.textContent()).toMatch(/about 1,[5-8]\d\d,\d{3} rows/);
    await wizard.getByRole('button', { name: 'Import', exact: true }).click();
    const bar = wizard.getByRole('progressbar', { name: 'Import progress' });
    await bar.waitFor();
    await waitFor(async () => /rows read/.test((await wizard.getByRole('status').last().textContent()) ?? ''), 'progress to be reported', 30_000);
    await wizard.getByRole('button', { name: 'Cancel import' }).click();
    await waitFor(async () => ((await wizard.getByRole('alert', { name: 'Import problem' }).textContent().catch(() => '')) ?? '').includes('cancelled'), 'the import to be cancelled', 30_000);
    expect(await bar.count()).toBe(0);
    await wizard.getByRole('button', { name: 'Cancel', exact: true }).click();
    expect(await page.getByRole('combobox', { name: 'Dataset' }).inputValue()).toBe('xor-quadrants');
    expect(errors).toEqual([]);
  });

  it('a CSV file dropped on the window opens the wizard with it', async () => {
    const { page } = lab.get();
    const csv = 'x;y;klasse\n1,5;2,0;a\n2,5;1,0;b\n3,0;0,5;a\n';
    // A drop as a browser makes it: a DataTransfer holding the file.
    await page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([${JSON.stringify(csv)}], 'dropped.csv', { type: 'text/csv' }));
      window.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    const wizard = page.getByRole('dialog', { name: 'Import a CSV file' });
    await wizard.getByRole('table', { name: 'Preview of the first rows' }).waitFor();
    expect(await wizard.textContent()).toContain('dropped.csv');
    expect(await wizard.getByRole('combobox', { name: 'Role of klasse' }).inputValue()).toBe('target');
    await wizard.getByRole('button', { name: 'Cancel', exact: true }).click();
  });

  it('initialises an imported lab for its activations (Xavier for tanh) unless told to keep the lab\'s', async () => {
    const { page, errors } = lab.get();
    const init = page.getByRole('combobox', { name: 'Initialisation of hidden layer 1' });
    for (const scaled of [false, true]) {
      // The lab's own init before each import: the seed's truncated normal.
      await choose(page, 'Initialisation of hidden layer 1', 'truncated-normal');
      await page.getByRole('toolbar', { name: 'Project' }).getByRole('button', { name: 'Import CSV…' }).click();
      const wizard = page.getByRole('dialog', { name: 'Import a CSV file' });
      await wizard.getByLabel('Choose a CSV file').setInputFiles(FIXTURE);
      await wizard.getByRole('table', { name: 'Preview of the first rows' }).waitFor();
      const box = wizard.getByRole('checkbox', { name: 'Initialise the weights for the activations' });
      // On by default; the wizard then remembers the choice.
      expect(await box.isChecked()).toBe(!scaled);
      await box.setChecked(scaled);
      await wizard.getByRole('button', { name: 'Import', exact: true }).click();
      const summary = page.getByRole('dialog', { name: /^Dataset summary/ });
      await summary.waitFor({ timeout: 30_000 });
      await summary.getByRole('button', { name: 'Done' }).click();
      expect(await page.getByRole('group', { name: /^Network: / }).getAttribute('aria-label')).toMatch(/tanh/);
      await waitFor(async () => (await init.inputValue()) === (scaled ? 'xavier' : 'truncated-normal'), `the init to be ${scaled ? 'Xavier' : 'kept'}`);
    }
    expect(errors).toEqual([]);
  });
});
