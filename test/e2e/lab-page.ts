/**
 * Driving the lab page as a person would: controls found by role and accessible name, and a few
 * read-outs (status line, accuracy, chart caption, canvas pixels) to wait on.
 */
import type { Page } from 'playwright-core';

/** Polls `check` until it returns a truthy value (returned) or `timeoutMs` passes (throws `what`). */
export async function waitFor<T>(check: () => Promise<T> | T, what: string, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Opens the lab and waits until the project, its data and the diagram are there. */
export async function openLab(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('group', { name: /^Network: / }).waitFor({ timeout: 20_000 });
}

/** Types a value into the number field called `name` and commits it (Enter), then waits for it to stick. */
export async function setNumber(page: Page, name: string, value: number): Promise<void> {
  const field = page.getByRole('spinbutton', { name, exact: true });
  await field.fill(String(value));
  await field.press('Enter');
  await waitFor(async () => Number(await field.inputValue()) === value && (await field.getAttribute('aria-invalid')) === 'false', `${name} = ${value}`, 10_000);
}

/** Chooses `value` in the select called `name`. */
export async function choose(page: Page, name: string, value: string): Promise<void> {
  await page.getByRole('combobox', { name, exact: true }).selectOption(value);
}

/** The network diagram's accessible summary ("Network: 2 inputs → 4 tanh → 1 sigmoid output; ..."). */
export async function diagramSummary(page: Page): Promise<string> {
  return (await page.getByRole('group', { name: /^Network: / }).getAttribute('aria-label')) ?? '';
}

/** The run status line's text. */
export async function statusText(page: Page): Promise<string> {
  return (await page.getByRole('status', { name: 'Run status' }).textContent()) ?? '';
}

/** The step the status line shows. */
export async function shownStep(page: Page): Promise<number> {
  const t = (await page.getByTestId('step').textContent().catch(() => null)) ?? '';
  return Number(t.replace(/,/g, '')) || 0;
}

/** The accuracy the metrics panel shows (0..1), or NaN. */
export async function accuracy(page: Page): Promise<number> {
  const v = await page.getByRole('status', { name: 'Accuracy on training data' }).getAttribute('data-value');
  return v === null ? Number.NaN : Number(v);
}

/** A canvas's pixels as a data URL (compare two moments). */
export function pixels(page: Page, selector: string): Promise<string> {
  return page.locator(selector).evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());
}

/** The pixels of the decision-boundary canvas as a data URL (compare two moments). */
export function boundaryPixels(page: Page): Promise<string> {
  return pixels(page, 'canvas.boundary-canvas');
}

/**
 * Opens the PRML gallery example whose button is `name` (a string matches exactly) as a new
 * project, discarding the previous example's unsaved run if the gallery asks.
 */
export async function openExample(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: 'PRML gallery…' }).click();
  const dialog = page.getByRole('dialog').filter({ hasText: 'PRML chapter 5 gallery' });
  await dialog.getByRole('button', { name, exact: typeof name === 'string' }).click();
  const discard = dialog.getByRole('button', { name: 'Discard and open' });
  await waitFor(async () => (await discard.count()) > 0 || !(await dialog.isVisible()), `${name} to open`, 15_000);
  if (await discard.count()) await discard.click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Opens the menu button called `menu` and picks its item `item`. */
export async function menuItem(page: Page, menu: string, item: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: menu, exact: true }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

/** The message line's text once it matches `pattern`; fails at once with the app's error message if one appears. */
export async function notice(page: Page, pattern: RegExp, what: string, timeoutMs = 20_000): Promise<string> {
  return waitFor(async () => {
    const texts = await page.locator('.notice').allTextContents();
    const error = texts.find((t) => !pattern.test(t) && /not available|error|cannot|could not|refused/i.test(t));
    if (error) throw new Error(`${what}: the app said "${error.trim()}"`);
    return texts.find((t) => pattern.test(t)) ?? '';
  }, what, timeoutMs);
}

/** Rows of the run history table: [run label, status] per run, newest first. */
export async function historyRows(page: Page): Promise<string[][]> {
  const rows = page.getByRole('table', { name: 'Run history' }).locator('tbody tr');
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const cells = await rows.nth(i).locator('td').allTextContents();
    out.push(cells.map((c) => c.trim()));
  }
  return out;
}

/** Waits until `n` runs are listed and all have ended. */
export async function runsEnded(page: Page, n: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => {
    const rows = await historyRows(page);
    return rows.length === n && rows.every((r) => /finished|stopped|diverged|failed/.test(r[3] ?? ''));
  }, `${n} runs to end`, timeoutMs);
}

/**
 * A new lab from the gallery (Ctrl+N) on the dataset whose button matches `dataset`, with the
 * parameters given (the gallery's defaults otherwise); answers Don't Save if the window asks.
 */
export async function newLab(page: Page, dataset: RegExp, params: { n?: number; noise?: number; seed?: number } = {}): Promise<void> {
  await page.keyboard.press('Control+n');
  const gallery = page.getByRole('dialog', { name: 'New lab' });
  await gallery.getByRole('button', { name: dataset }).click();
  if (params.noise !== undefined) await gallery.getByRole('spinbutton', { name: 'Noise' }).fill(String(params.noise));
  if (params.seed !== undefined) await gallery.getByRole('spinbutton', { name: 'Seed' }).fill(String(params.seed));
  if (params.n !== undefined) await gallery.getByRole('spinbutton', { name: 'Samples' }).fill(String(params.n));
  await gallery.getByRole('button', { name: 'Create lab' }).click();
  const ask = page.getByRole('button', { name: /Don.t Save/ });
  await Promise.race([ask.waitFor({ timeout: 3000 }).then(() => ask.click()), gallery.waitFor({ state: 'hidden', timeout: 3000 })]).catch(() => {});
  await gallery.waitFor({ state: 'hidden' });
}

/** Clicks Train and waits until the status bar says the run ended (`ended`, "finished" by default). */
export async function trainToEnd(page: Page, ended = 'finished', timeoutMs = 60_000): Promise<void> {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitFor(async () => (await statusText(page)).includes(ended), 'the run to finish', timeoutMs);
}
