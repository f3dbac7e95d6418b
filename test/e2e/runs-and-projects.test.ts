/**
 * Run history and projects end to end: a grid of learning rates run side by side and compared,
 * a run's setup and weights restored, runs deleted; exports (weights against the schema, the
 * cost chart as PNG, the learning animation as an animated GIF); new projects from the gallery
 * and the keyboard, the title's unsaved marker, the unsaved-changes question, Open Recent; and
 * an autosaved copy offered after a crash.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { ROOT } from './harness';
import { choose, diagramSummary, historyRows, menuItem, notice, runsEnded, setNumber, trainToEnd, waitFor } from './lab-page';
import { noBrowser, requireBrowser, useLab } from './setup';

requireBrowser();

async function downloaded(page: Page, act: () => Promise<void>, timeoutMs = 60_000): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: timeoutMs }) as Promise<Download>, act()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

/** Images in a GIF: graphic control extensions (0x21 0xF9 0x04) each followed by an image descriptor. */
function gifFrames(bytes: Buffer): number {
  let n = 0;
  for (let i = 0; i + 8 < bytes.length; i++) if (bytes[i] === 0x21 && bytes[i + 1] === 0xf9 && bytes[i + 2] === 0x04 && bytes[i + 8] === 0x2c) n++;
  return n;
}

async function title(page: Page): Promise<string> {
  return page.title();
}

describe.skipIf(noBrowser)('runs and projects in a browser', () => {
  const lab = useLab();

  it('runs a grid of learning rates side by side, compares them, restores a run with its weights, and deletes one', async () => {
    const { page, errors } = lab.get();
    await choose(page, 'Optimizer', 'adam');
    await setNumber(page, 'Steps', 300);
    await page.getByRole('combobox', { name: 'Vary' }).selectOption('training.learningRate');
    expect(await page.getByRole('textbox', { name: 'Values' }).inputValue()).toBe('0.001, 0.01, 0.1');
    await page.getByRole('button', { name: 'Start 3 runs side by side' }).click();
    await runsEnded(page, 3);

    // Newest first: what differs from the current setup (η 0.001 now), and the final metrics.
    const rows = await historyRows(page);
    expect(rows.map((r) => r[1])).toEqual(['Run 3', 'Run 2', 'Run 1']);
    expect(rows.map((r) => r[4])).toEqual(['η 0.1 (now 0.001)', 'η 0.01 (now 0.001)', 'same as now']);
    expect(rows.every((r) => /^\d/.test(r[5]) && /%/.test(r[7]))).toBe(true);

    // All three are ticked for comparison: overlaid in the chart and side by side in a table.
    await waitFor(async () => /Run 1: 300 points.*Run 2: 300 points.*Run 3: 300 points/.test((await page.getByTestId('chart-caption').textContent()) ?? ''), 'three curves');
    const table = page.getByRole('table', { name: 'Comparison of runs' });
    expect(await table.locator('thead th').allTextContents()).toEqual(expect.arrayContaining(['run', 'η', 'train E/N', 'train accuracy']));
    expect(await table.locator('tbody td:nth-child(2)').allTextContents()).toEqual(['0.001', '0.01', '0.1']);
    // The fastest learning rate gets the lowest training error in 300 steps: marked best.
    expect((await table.locator('tbody tr').nth(2).locator('td.best').allTextContents()).length).toBeGreaterThan(0);

    // Unticking a run takes its curve out of the chart.
    await page.getByRole('checkbox', { name: 'Compare run 1' }).uncheck();
    await waitFor(async () => !((await page.getByTestId('chart-caption').textContent()) ?? '').includes('Run 1:'), 'run 1 out of the chart');
    expect(await page.getByRole('heading', { name: /Cost · 2 of 3 runs compared/ }).count()).toBe(1);

    // Run 3's setup and weights become the current ones; the next run starts from them.
    await menuItem(page, 'Run 3 actions', 'Use this setup and its weights');
    await expect.poll(() => page.getByRole('spinbutton', { name: 'Learning rate', exact: true }).inputValue()).toBe('0.1');
    const pending = page.getByRole('status').filter({ hasText: 'The next run starts from the weights of run 3' });
    await pending.waitFor();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await runsEnded(page, 4);
    expect(await pending.count()).toBe(0);
    const [run4, run3] = (await waitFor(async () => {
      const rows = await historyRows(page);
      return Number.isFinite(Number(rows[0][5])) && Number.isFinite(Number(rows[1][5])) ? rows : null;
    }, 'the final metrics of runs 3 and 4')) as string[][];
    expect(run4[4]).toBe('same as now');
    // Starting where run 3 ended, run 4 goes on from there rather than from the seed's weights.
    expect(Number(run4[5])).toBeLessThanOrEqual(Number(run3[5]) * 1.5);

    await page.getByRole('button', { name: 'Delete run 1' }).click();
    // It asks first; keeping it keeps it.
    await page.getByRole('group', { name: 'Delete run 1?' }).getByRole('button', { name: 'Keep' }).click();
    expect((await historyRows(page)).length).toBe(4);
    await page.getByRole('button', { name: 'Delete run 1' }).click();
    await page.getByRole('group', { name: 'Delete run 1?' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await waitFor(async () => (await historyRows(page)).length === 3, 'run 1 deleted');
    // Runs keep their numbers: the three left are still runs 2 to 4.
    expect((await historyRows(page)).map((r) => r[1])).toEqual(['Run 4', 'Run 3', 'Run 2']);
    expect(errors).toEqual([]);
  });

  it('exports the weights (valid against the schema), the cost chart as PNG and the learning animation as GIF', async () => {
    const { page, server, errors } = lab.get();
    await choose(page, 'Optimizer', 'adam');
    await setNumber(page, 'Learning rate', 0.02);
    await setNumber(page, 'Steps', 800);
    await choose(page, 'Speed', '1000');
    await trainToEnd(page, 'Run 1 finished');

    await menuItem(page, 'Export', 'Weights (JSON)');
    const exported = await notice(page, /Exported the weights of run 1 to/, 'exporting weights');
    const path = /to (.+\.json)\./.exec(exported)?.[1] ?? '';
    expect(path.startsWith(server.workspace)).toBe(true);
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs/weights.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const weights = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    expect(validate(weights), JSON.stringify(validate.errors)).toBe(true);

    const png = await downloaded(page, () => menuItem(page, 'Export', 'Cost chart (PNG)'));
    expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    const gif = await downloaded(page, () => menuItem(page, 'Export', 'Learning animation (GIF)'));
    expect(gif.name).toBe('Untitled-run1-learning.gif');
    expect(gif.bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(gif.bytes[gif.bytes.length - 1]).toBe(0x3b);
    const frames = gifFrames(gif.bytes);
    expect(frames).toBeGreaterThan(1);
    await notice(page, new RegExp(`learning animation of run 1 \\(${frames} frames\\)`), 'the animation notice');
    expect(errors).toEqual([]);
  });

  it('makes projects from the gallery and the keyboard, marks unsaved changes, asks before losing them, and reopens recent ones', async () => {
    const { page, errors } = lab.get();
    expect(await title(page)).toBe('Untitled — MLP Lab');

    // Ctrl+N: the gallery; two moons with more noise and another seed.
    await page.keyboard.press('Control+n');
    const gallery = page.getByRole('dialog', { name: 'New lab' });
    await gallery.getByRole('button', { name: /^Two moons/ }).click();
    await gallery.getByRole('spinbutton', { name: 'Noise' }).fill('0.2');
    await gallery.getByRole('spinbutton', { name: 'Seed' }).fill('5');
    await gallery.getByRole('spinbutton', { name: 'Samples' }).fill('300');
    await gallery.getByRole('button', { name: 'Create lab' }).click();
    await waitFor(async () => (await diagramSummary(page)).includes('2 inputs → 8 tanh → 1 sigmoid output'), 'the moons lab');
    expect(await page.getByRole('spinbutton', { name: 'Noise', exact: true }).inputValue()).toBe('0.2');
    expect(await page.getByRole('spinbutton', { name: 'Seed', exact: true }).inputValue()).toBe('5');
    expect(await page.getByRole('region', { name: 'Data' }).textContent()).toContain('300 train');
    expect(await title(page)).toBe('Untitled — MLP Lab');

    // An edit marks the title; Ctrl+S on an untitled project asks for a name.
    await setNumber(page, 'Learning rate', 0.05);
    await expect.poll(() => title(page)).toBe('• Untitled — MLP Lab');
    await page.keyboard.press('Control+s');
    const save = page.getByRole('dialog', { name: 'Save the project' });
    await save.getByRole('textbox', { name: 'Project file name' }).fill('moons');
    await save.getByRole('button', { name: 'Save to workspace' }).click();
    await expect.poll(() => title(page)).toBe('moons — MLP Lab');

    // Unsaved changes: a new project asks first. Cancel keeps everything; Don't Save goes ahead.
    await setNumber(page, 'Learning rate', 0.2);
    await expect.poll(() => title(page)).toBe('• moons — MLP Lab');
    await page.keyboard.press('Control+n');
    await gallery.getByRole('button', { name: /^Circle/ }).click();
    await gallery.getByRole('button', { name: 'Create lab' }).click();
    const question = page.getByRole('dialog', { name: 'Unsaved changes' });
    expect(await question.textContent()).toContain('save the changes to “moons” before you start a new project');
    await question.getByRole('button', { name: 'Cancel' }).first().click();
    await expect.poll(() => question.isVisible()).toBe(false);
    expect(await title(page)).toBe('• moons — MLP Lab');
    await gallery.getByRole('button', { name: 'Create lab' }).click();
    await question.getByRole('button', { name: 'Don’t Save' }).click();
    await waitFor(async () => (await diagramSummary(page)).includes('2 inputs → 6 tanh → 1 sigmoid output'), 'the circle lab');
    expect(await title(page)).toBe('Untitled — MLP Lab');

    // Open Recent brings the saved moons back, as saved (learning rate 0.05, not 0.2).
    await page.getByRole('button', { name: 'Recent' }).click();
    await page.getByRole('menuitem', { name: /^moons/ }).click();
    await notice(page, /Opened moons\.mlplab/, 'opening the recent project');
    expect(await page.getByRole('spinbutton', { name: 'Learning rate', exact: true }).inputValue()).toBe('0.05');
    expect(await page.getByRole('spinbutton', { name: 'Noise', exact: true }).inputValue()).toBe('0.2');

    // A tab with unsaved changes asks before it closes.
    await setNumber(page, 'Learning rate', 0.1);
    await expect.poll(() => title(page)).toBe('• moons — MLP Lab');
    const unloadEvent = `(() => { const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented; })()`;
    expect(await page.evaluate(unloadEvent)).toBe(true);
    await page.keyboard.press('Control+s');
    await expect.poll(() => title(page)).toBe('moons — MLP Lab');
    expect(await page.evaluate(unloadEvent)).toBe(false);
    expect(errors).toEqual([]);
  });

  it('offers the autosaved copy of a project after a crash, restores it, and forgets it once saved', async () => {
    const { page, server, errors } = lab.get();
    await setNumber(page, 'Learning rate', 0.03);
    await page.getByRole('button', { name: 'Save as…' }).click();
    const save = page.getByRole('dialog', { name: 'Save the project' });
    await save.getByRole('textbox', { name: 'Project file name' }).fill('crashy');
    await save.getByRole('button', { name: 'Save to workspace' }).click();
    await expect.poll(() => title(page)).toBe('crashy — MLP Lab');
    // The copy a crashed session left (learning rate 0.03), newer than the file it belongs to,
    // which was later saved with 0.5 (docs/project-file.md, "Recovery copies").
    const recovery = join(server.dataDir, 'recovery');
    mkdirSync(recovery, { recursive: true });
    const source = join(server.workspace, 'crashy.mlplab');
    copyFileSync(source, join(recovery, 'crash0001.mlplab'));
    writeFileSync(join(recovery, 'crash0001.json'), JSON.stringify({ format: 'mlp-lab-recovery', path: join(recovery, 'crash0001.mlplab'), source, savedAt: new Date().toISOString() }));
    await setNumber(page, 'Learning rate', 0.5);
    await page.keyboard.press('Control+s');
    await expect.poll(() => title(page)).toBe('crashy — MLP Lab');

    await page.reload();
    const offer = page.getByRole('dialog', { name: 'Recover unsaved work' });
    await offer.waitFor({ timeout: 20_000 });
    expect(await offer.textContent()).toContain('crashy');
    await offer.getByRole('button', { name: 'Restore crashy' }).click();
    await notice(page, /Restored the autosaved copy of crashy/, 'restoring');
    expect(await page.getByRole('spinbutton', { name: 'Learning rate', exact: true }).inputValue()).toBe('0.03');
    await expect.poll(() => title(page)).toBe('• crashy — MLP Lab');
    await page.keyboard.press('Control+s');
    await expect.poll(() => title(page)).toBe('crashy — MLP Lab');

    // Saved: nothing is offered any more.
    await page.reload();
    await page.getByRole('group', { name: /^Network: / }).waitFor();
    await page.waitForTimeout(500);
    expect(await page.getByRole('dialog', { name: 'Recover unsaved work' }).isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });
});
