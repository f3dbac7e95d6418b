/**
 * Takes the README's screenshots of the real app (docs/screenshots/*.png) in headless Chromium
 * against the real services. Not a test: run it after `npm run build` with
 *
 *   npx tsx test/e2e/screenshots.ts [outDir] [--only bayes|large|fig5.3|window]
 *
 * `--only bayes` takes only the PRML §5.7 views, each also at 1280 x 720 and 1920 x 1080;
 * `--only fig5.3` only PRML figure 5.3's four regression views, two by two;
 * `--only large` only the digits and MNIST-sized labs (issue 18), each at 1280 x 720 and
 * 1920 x 1080; `--only window` only the trained two moons lab at 1280 x 720 and 1920 x 1080, light
 * and dark (issue 16, item 13).
 *
 * The window is a desktop layout whose setup column and stage scroll on their own (layout.css),
 * so a screenshot shows the window as it is. Shots of the whole lab first make the window as tall
 * as its content (`fitToContent`), as on a tall screen.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { findChromium, launchChromium, ROOT, startServer } from './harness';
import { digitsLab, mnistLab } from './image-labs';
import { choose, menuItem, newLab, openExample, openLab, runsEnded, setNumber, shownStep, statusText, trainToEnd, waitFor } from './lab-page';
import { scrollAllToTop } from './layout-check';

const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--only');
const out = positional[0] ?? join(ROOT, 'docs/screenshots');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;

/**
 * Makes the window as tall as the lab's content, so that neither the setup column nor the stage
 * scrolls and a screenshot holds every panel (the plots grow with the room, up to their largest).
 */
async function fitToContent(page: Page): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await scrollAllToTop(page);
    const more = (await page.evaluate(`Math.max(0, ...[...document.querySelectorAll('.sidebar, .stage')].map((el) => el.scrollHeight - el.clientHeight))`)) as number;
    if (more <= 1) return;
    const { width, height } = page.viewportSize() ?? { width: 1440, height: 1000 };
    await page.setViewportSize({ width, height: height + more });
    await page.waitForTimeout(400);
  }
  throw new Error('the lab grows with its window: no window height holds it whole');
}

/** Every container at the top, no focus ring, the pointer off the views: the window at rest. */
async function atRest(page: Page): Promise<void> {
  await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
  await scrollAllToTop(page);
  const { width, height } = page.viewportSize() ?? { width: 1440, height: 1000 };
  await page.mouse.move(width - 2, height - 2);
}

async function xor(browser: Browser): Promise<void> {
  const server = await startServer();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, colorScheme: 'light', deviceScaleFactor: 1 });
    await openLab(page, server.url);
    await page.getByRole('button', { name: 'Add hidden layer' }).click();
    await setNumber(page, 'Units in hidden layer 1', 6);
    await setNumber(page, 'Units in hidden layer 2', 4);
    await choose(page, 'Optimizer', 'adam');
    await setNumber(page, 'Learning rate', 0.003);
    await setNumber(page, 'Steps', 4000);
    await setNumber(page, 'Validation split', 0.2);
    await setNumber(page, 'Test split', 0.1);
    await choose(page, 'Speed', '1000');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) >= 2500, 'step 2500', 60_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitFor(async () => (await statusText(page)).includes('paused'), 'paused');
    await fitToContent(page);
    await page.getByRole('button', { name: 'Explain the tanh activation' }).first().click();
    await page.mouse.move(900, 300);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(out, 'lab-xor.png'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 1100 });
    await page.getByRole('button', { name: 'Explain the tanh activation' }).first().click();
    await page.getByRole('button', { name: /Equations/ }).click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, 'equations.png') });
    await page.keyboard.press('Escape');
    await page.close();
  } finally {
    await server.close();
  }
}

async function sine(browser: Browser): Promise<void> {
  const server = await startServer();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, colorScheme: 'dark', deviceScaleFactor: 1 });
    await openLab(page, server.url);
    await choose(page, 'Dataset', 'sine-regression');
    await waitFor(async () => ((await page.getByRole('group', { name: /^Network: / }).getAttribute('aria-label')) ?? '').includes('1 input'), 'the sine lab');
    await choose(page, 'Optimizer', 'scg');
    await setNumber(page, 'Steps', 300);
    await trainToEnd(page);
    await page.getByRole('button', { name: 'Check gradient' }).click();
    await page.getByRole('table', { name: 'Largest relative error per layer' }).waitFor({ timeout: 30_000 });
    await fitToContent(page);
    await atRest(page);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(out, 'lab-sine-dark.png'), fullPage: true });
    await page.close();
  } finally {
    await server.close();
  }
}

/**
 * PRML figure 5.3 as the gallery draws it (issue 16, item 18): its four examples trained, each
 * regression panel (data, fit, true function, the hidden units' outputs on the right axis) shot
 * and laid out two by two as the book's figure is: docs/screenshots/prml-fig5.3.png.
 */
async function fig53(browser: Browser): Promise<void> {
  const server = await startServer();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light', deviceScaleFactor: 1 });
    await openLab(page, server.url);
    const shots: string[] = [];
    for (const part of ['a', 'b', 'c', 'd']) {
      await openExample(page, new RegExp(`^Open figure 5\\.3 \\(${part}\\)`));
      await trainToEnd(page);
      // The Laplace band would cover the fit: this figure is the book's, without error bars.
      const band = page.getByRole('checkbox', { name: 'Show the Laplace predictive band' });
      await band.waitFor({ timeout: 30_000 });
      await band.uncheck();
      await page.waitForTimeout(300);
      shots.push((await page.locator('section.regression').screenshot()).toString('base64'));
    }
    const grid = await browser.newPage({ viewport: { width: 1060, height: 600 }, colorScheme: 'light', deviceScaleFactor: 1 });
    await grid.setContent(`<body style="margin:0;background:#fff"><div style="display:grid;grid-template-columns:auto auto;gap:8px;padding:8px;width:max-content">${shots.map((b) => `<img src="data:image/png;base64,${b}">`).join('')}</div></body>`);
    await grid.locator('div').screenshot({ path: join(out, 'prml-fig5.3.png') });
    await grid.close();
    await page.close();
  } finally {
    await server.close();
  }
}

/** A screenshot of the smallest rectangle holding all `parts`, with a margin. */
async function shootAround(page: Page, parts: Locator[], path: string, margin = 8): Promise<void> {
  // The whole lab in the window, scrolled to the top: viewport coordinates are page coordinates.
  await fitToContent(page);
  await scrollAllToTop(page);
  const boxes = (await Promise.all(parts.map((p) => p.boundingBox()))).filter((b) => b !== null);
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - margin);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - margin);
  const right = Math.max(...boxes.map((b) => b.x + b.width)) + margin;
  const bottom = Math.max(...boxes.map((b) => b.y + b.height)) + margin;
  await page.screenshot({ path, clip: { x, y, width: right - x, height: bottom - y }, fullPage: true });
}

const FIXTURE = join(ROOT, 'test/e2e/fixtures/kundendaten.csv');

/** The gallery, the CSV import wizard (and an error in it) and the dataset summary. */
async function data(browser: Browser): Promise<void> {
  const server = await startServer();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 }, colorScheme: 'light', deviceScaleFactor: 1 });
    await openLab(page, server.url);
    await page.getByRole('button', { name: 'New…' }).click();
    const gallery = page.getByRole('dialog', { name: 'New lab' });
    await gallery.getByRole('button', { name: /^Gaussian blobs/ }).click();
    await gallery.getByRole('spinbutton', { name: 'Classes' }).fill('4');
    await gallery.getByRole('spinbutton', { name: 'Noise' }).fill('0.35');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, 'gallery.png') });
    await gallery.getByRole('button', { name: 'Close the gallery' }).click();

    // The wizard on a copy of the fixture with a typo on line 150, then on the file itself.
    await page.getByRole('toolbar', { name: 'Project' }).getByRole('button', { name: 'Import CSV…' }).click();
    const wizard = page.getByRole('dialog', { name: 'Import a CSV file' });
    const lines = readFileSync(FIXTURE).toString('utf8').split('\r\n');
    lines[149] = lines[149].replace(/^(K\d+;[^;]*;[^;]*;[^;]*;[^;]*;)(\d+)/, '$1$2 Monate');
    await wizard.getByLabel('Choose a CSV file').setInputFiles({ name: 'kundendaten.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n')) });
    await wizard.getByRole('table', { name: 'Preview of the first rows' }).waitFor();
    await wizard.getByRole('button', { name: 'Import', exact: true }).click();
    await wizard.getByRole('alert', { name: 'Import problem' }).waitFor();
    await wizard.getByRole('alert', { name: 'Import problem' }).scrollIntoViewIfNeeded();
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(out, 'csv-error.png') });
    await wizard.getByLabel('Choose a CSV file').setInputFiles(FIXTURE);
    await waitFor(async () => (await wizard.getByRole('alert', { name: 'Import problem' }).count()) === 0, 'the error to clear');
    await wizard.getByLabel('Fill in the column mean').check();
    await wizard.getByRole('spinbutton', { name: 'Validation share' }).fill('0.25');
    await page.evaluate(`document.querySelector('dialog[open] .dialog-body').scrollTo(0, 0)`);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(out, 'csv-import.png') });
    await wizard.getByRole('button', { name: 'Import', exact: true }).click();
    const summary = page.getByRole('dialog', { name: /Dataset summary/ });
    await summary.waitFor();
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(out, 'dataset-summary.png') });
    await page.close();
  } finally {
    await server.close();
  }
}

/** A learning-rate grid on the two moons, compared; and the learning animation of one run. */
async function runs(browser: Browser): Promise<void> {
  const server = await startServer({ threads: 2 });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light', deviceScaleFactor: 1, acceptDownloads: true });
    await openLab(page, server.url);
    await newLab(page, /^Two moons/);
    await waitFor(async () => ((await page.getByRole('group', { name: /^Network: / }).getAttribute('aria-label')) ?? '').includes('8 tanh'), 'the moons lab');
    await setNumber(page, 'Validation split', 0.2);
    await setNumber(page, 'Steps', 1500);
    await page.getByRole('combobox', { name: 'Vary' }).selectOption('training.learningRate');
    await page.getByRole('textbox', { name: 'Values' }).fill('0.001, 0.003, 0.01, 0.03');
    await page.getByRole('button', { name: /Start 4 runs/ }).click();
    await runsEnded(page, 4, 120_000);
    await page.getByRole('button', { name: 'Show run 3' }).click();
    await page.waitForTimeout(800);
    await shootAround(page, [page.getByRole('region', { name: /^Cost/ }), page.getByRole('region', { name: 'Runs', exact: true })], join(out, 'run-history.png'));
    // The learning animation of a slower run, so it has snapshots to show.
    await page.getByRole('button', { name: 'Follow the latest' }).click();
    await setNumber(page, 'Learning rate', 0.01);
    await choose(page, 'Speed', '1000');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await runsEnded(page, 5, 120_000);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), menuItem(page, 'Export', 'Learning animation (GIF)')]);
    writeFileSync(join(out, 'learning-two-moons.gif'), readFileSync(await download.path()));
    await page.close();
  } finally {
    await server.close();
  }
}

/**
 * PRML §5.7 (issue 19): the two gallery labs trained with the evidence procedure, then the
 * curvature panel (computed after the run), the Laplace band around the regression, the evidence
 * chart, and the MAP and moderated contours of figure 5.23. `sizes` are viewports to shoot the
 * window at besides the docs' full-page screenshots (name suffix WxH).
 */
async function bayes(browser: Browser, sizes: [number, number][] = []): Promise<void> {
  for (const [example, name, wait] of [
    [/Open section §5\.7\.1/, 'bayes-regression', 'Laplace predictive band'],
    [/Open figure 5\.22/, 'bayes-two-class', 'MAP and moderated outputs'],
  ] as const) {
    // A server per lab: opening a second example over a trained, unsaved one would ask first.
    const server = await startServer();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, colorScheme: 'light', deviceScaleFactor: 1 });
      await openLab(page, server.url);
      await openExample(page, example);
      await trainToEnd(page, 'finished', 120_000);
      await page.getByTestId('gamma').waitFor({ timeout: 60_000 });
      if (name === 'bayes-regression') await page.getByRole('checkbox', { name: 'Show the Laplace predictive band' }).waitFor();
      else await page.getByRole('heading', { name: wait }).waitFor();
      await page.getByTestId('evidence-caption').waitFor();
      await fitToContent(page);
      await atRest(page);
      await page.waitForTimeout(800);
      await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
      for (const [w, h] of sizes) {
        await page.setViewportSize({ width: w, height: h });
        await atRest(page);
        await page.waitForTimeout(600);
        await page.screenshot({ path: join(out, `${name}-${w}x${h}.png`) });
        await fitToContent(page);
        await page.screenshot({ path: join(out, `${name}-${w}x${h}-full.png`), fullPage: true });
      }
      await page.close();
    } finally {
      await server.close();
    }
  }
}

/**
 * The digits (64-128-64-10) and MNIST-sized (784-256-10) labs trained for a while and paused,
 * the window at 1280 x 720 and at 1920 x 1080: every view drawn from the same weights.
 */
async function largeLabs(browser: Browser): Promise<void> {
  const labs = [
    { name: 'digits', setUp: digitsLab, steps: 3000 },
    { name: 'mnist', setUp: mnistLab, steps: 150 },
  ];
  for (const lab of labs) {
    const server = await startServer({ threads: 2 });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme: 'light', deviceScaleFactor: 1 });
      await openLab(page, server.url);
      await lab.setUp(page, server);
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await waitFor(async () => (await shownStep(page)) >= lab.steps, `step ${lab.steps}`, 300_000);
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await waitFor(async () => (await statusText(page)).includes('paused'), 'paused', 30_000);
      await windowShots(page, (w, h) => `lab-${lab.name}-${w}x${h}.png`);
      await page.close();
    } finally {
      await server.close();
    }
  }
}

/**
 * The window's viewport at 1280 x 720 and 1920 x 1080, into out/`file(w, h)`: each once the views
 * have followed the new size (a frame or two) and the figures after a run are measured again.
 */
async function windowShots(page: Page, file: (w: number, h: number) => string): Promise<void> {
  for (const [w, h] of [[1280, 720], [1920, 1080]]) {
    await page.setViewportSize({ width: w, height: h });
    await atRest(page);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(out, file(w, h)) });
  }
}

/**
 * The lab as a person sees it at 1280 x 720 and at 1920 x 1080 (issue 16, item 13): the two
 * moons lab from the gallery trained to the end with a validation split, the window's viewport
 * only (lab-WxH.png, and lab-WxH-dark.png in the dark theme).
 */
async function windowSizes(browser: Browser): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    const server = await startServer({ threads: 2 });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme: scheme, deviceScaleFactor: 1 });
      await openLab(page, server.url);
      await newLab(page, /^Two moons/);
      await waitFor(async () => ((await page.getByRole('group', { name: /^Network: / }).getAttribute('aria-label')) ?? '').includes('8 tanh'), 'the moons lab');
      await setNumber(page, 'Validation split', 0.2);
      await setNumber(page, 'Steps', 2000);
      await trainToEnd(page, 'finished', 120_000);
      await windowShots(page, (w, h) => `lab-${w}x${h}${scheme === 'dark' ? '-dark' : ''}.png`);
      await page.close();
    } finally {
      await server.close();
    }
  }
}

async function main(): Promise<void> {
  const exe = findChromium();
  if (!exe) throw new Error('no Chromium found: set MLP_LAB_CHROMIUM');
  mkdirSync(out, { recursive: true });
  const browser = await launchChromium(exe);
  try {
    if (only === 'window') {
      await windowSizes(browser);
      return;
    }
    if (only !== 'large') {
      // `--only bayes`: the PRML §5.7 views, at 1280x720 and 1920x1080 too.
      if (only === 'bayes') {
        await bayes(browser, [[1280, 720], [1920, 1080]]);
        return;
      }
      if (only === 'fig5.3') return await fig53(browser);
      await windowSizes(browser);
      await fig53(browser);
      await xor(browser);
      await sine(browser);
      await data(browser);
      await runs(browser);
      await bayes(browser);
    }
    await largeLabs(browser);
  } finally {
    await browser.close();
  }
  console.log(`screenshots written to ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
