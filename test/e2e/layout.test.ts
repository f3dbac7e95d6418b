/**
 * The window's layout end to end (issue 16, item 13): at 1280 x 720 and at 1920 x 1080 the
 * network builder, the cost chart and the data view are fully visible at once without scrolling,
 * before and after a run; no two panels overlap, nothing is wider than the window, and every
 * panel can be scrolled into view; a ten-class confusion matrix stays inside its column. At 1024 x 768 the window falls back to fewer columns and still
 * shows every panel; in a portrait window (1440 x 2560) the first row is as tall as its plot, not the window. Negative controls: the same check reports a layout forced to one column of
 * views, a panel wider than the window, and two panels pushed onto each other.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type LayoutGeometry, layoutProblems, readLayout, scrollAllToTop, unreachable } from './layout-check';
import { choose, setNumber, trainToEnd } from './lab-page';
import { noBrowser, requireBrowser, useLab } from './setup';

requireBrowser();

/** The panels a person watches while training the XOR lab: builder, cost chart, data view. */
const WATCHED = ['Network', 'Cost', 'Decision boundary'];

/** The layout at `width` x `height`, every container scrolled to the top, once the views have followed the size. */
async function layoutAt(page: Page, width: number, height: number): Promise<LayoutGeometry> {
  await page.setViewportSize({ width, height });
  await scrollAllToTop(page);
  // The canvases follow their boxes' new size at the next frames (ResizeObserver, then a redraw).
  await page.waitForTimeout(400);
  return readLayout(page, WATCHED);
}

/** Every panel shown, scrolled to one by one: what cannot be brought into view. */
async function unreachablePanels(page: Page, g: LayoutGeometry): Promise<string[]> {
  const out: string[] = [];
  for (const p of g.panels) {
    const problem = await unreachable(page, p.name);
    if (problem) out.push(problem);
  }
  await scrollAllToTop(page);
  return out;
}

/**
 * Adds `css` to the page as a constructed style sheet (the page's CSP refuses inline <style>);
 * returns a function that takes it away again.
 */
async function injectStyle(page: Page, css: string): Promise<() => Promise<void>> {
  await page.evaluate(`(() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(${JSON.stringify(css)});
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  })()`);
  return async () => {
    await page.evaluate('document.adoptedStyleSheets = document.adoptedStyleSheets.slice(0, -1)');
  };
}

describe('layoutProblems (the judgement, on made-up boxes)', () => {
  const viewport = { width: 1000, height: 600 };
  const stage = { x: 300, y: 50, width: 700, height: 550 };
  const panel = (name: string, x: number, y: number, width: number, height: number, clips = [stage]) => ({ name, box: { x, y, width, height }, clips });
  const good: LayoutGeometry = {
    viewport, pageWidth: 1000, sidewaysScrollers: [], mustSee: ['A', 'B'],
    panels: [panel('A', 300, 60, 340, 400), panel('B', 650, 60, 340, 400), panel('C', 300, 470, 690, 300)],
  };

  it('passes a layout where the watched panels are fully visible and nothing overlaps', () => {
    expect(layoutProblems(good)).toEqual([]);
  });

  it('reports a watched panel below the fold, cut by its scroll container, or missing', () => {
    const below = { ...good, panels: [good.panels[0], panel('B', 300, 470, 340, 400), panel('C', 650, 470, 340, 300)] };
    expect(layoutProblems(below)).toEqual([expect.stringMatching(/^B is not fully visible/)]);
    const cut = { ...good, panels: [good.panels[0], panel('B', 650, 60, 340, 400, [{ ...stage, height: 300 }]), good.panels[2]] };
    expect(layoutProblems(cut)).toEqual([expect.stringMatching(/^B is not fully visible/)]);
    expect(layoutProblems({ ...good, mustSee: ['A', 'Z'] })).toEqual(['Z is not shown']);
  });

  it('reports overlapping panels, a panel wider than the window or past its side, and sideways scrolling', () => {
    const overlap = { ...good, panels: [good.panels[0], panel('B', 600, 60, 340, 400), good.panels[2]] };
    expect(layoutProblems(overlap)).toEqual([expect.stringMatching(/^A and B overlap by 40x400/)]);
    const wide = { ...good, panels: [...good.panels, panel('D', 0, 800, 1200, 100)], pageWidth: 1200 };
    expect(layoutProblems(wide)).toEqual(['D is 1200 px wide, wider than the 1000 px window', 'the page scrolls sideways: 1200 px wide in a 1000 px window']);
    const past = { ...good, panels: [...good.panels, panel('D', 800, 800, 300, 100)] };
    expect(layoutProblems(past)).toEqual([expect.stringMatching(/^D reaches past the window's side/)]);
    expect(layoutProblems({ ...good, sidewaysScrollers: [['stage', 900, 700]] })).toEqual(['stage scrolls sideways: 900 px of content in 700 px']);
  });
});

describe.skipIf(noBrowser)('the lab window at desktop sizes', () => {
  const lab = useLab();

  it('shows the builder, the cost chart and the data view at once at 1280x720 and 1920x1080, before and after a run; every panel reachable', async () => {
    const { page, errors } = lab.get();
    for (const [w, h] of [[1280, 720], [1920, 1080]]) {
      const g = await layoutAt(page, w, h);
      expect(layoutProblems(g), `${w}x${h}`).toEqual([]);
      expect(await unreachablePanels(page, g), `${w}x${h}`).toEqual([]);
    }
    // A trained lab shows more: the status, the legend, the run's row, the moderated outputs.
    await choose(page, 'Optimizer', 'adam');
    await setNumber(page, 'Learning rate', 0.01);
    await setNumber(page, 'Steps', 600);
    await setNumber(page, 'Validation split', 0.2);
    await trainToEnd(page);
    for (const [w, h] of [[1920, 1080], [1280, 720]]) {
      const g = await layoutAt(page, w, h);
      expect(layoutProblems(g), `${w}x${h} after a run`).toEqual([]);
      expect(await unreachablePanels(page, g), `${w}x${h} after a run`).toEqual([]);
      // The views sit side by side: the chart to the right of the data view, not below it.
      const box = (name: string) => g.panels.find((p) => p.name === name)!.box;
      expect(box('Cost').x).toBeGreaterThan(box('Decision boundary').x + box('Decision boundary').width - 1);
    }
    expect(errors).toEqual([]);
  });

  it('falls back to fewer columns at 1024x768: nothing overlaps or runs off the side, every panel reachable', async () => {
    const { page, errors } = lab.get();
    const g = await layoutAt(page, 1024, 768);
    // One column of views: the cost chart is under the data view, so only the builder and the data view are watched here.
    expect(layoutProblems({ ...g, mustSee: ['Network', 'Decision boundary'] })).toEqual([]);
    const box = (name: string) => g.panels.find((p) => p.name === name)!.box;
    expect(box('Cost').y).toBeGreaterThanOrEqual(box('Decision boundary').y + box('Decision boundary').height);
    expect(await unreachablePanels(page, g)).toEqual([]);
    // Narrower still, one column for everything, the page scrolling: still nothing off the side.
    const narrow = await layoutAt(page, 800, 700);
    expect(layoutProblems({ ...narrow, mustSee: [] })).toEqual([]);
    expect(await unreachablePanels(page, narrow)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('opens an explanation inside the setup column at 1280x720: not cut off, nothing scrolls sideways', async () => {
    const { page, errors } = lab.get();
    await layoutAt(page, 1280, 720);
    await page.getByRole('button', { name: 'Explain the tanh activation' }).click();
    const note = (await page.getByRole('note', { name: 'About tanh' }).boundingBox())!;
    const setup = (await page.getByRole('complementary', { name: 'Lab setup' }).boundingBox())!;
    expect(note.x).toBeGreaterThanOrEqual(setup.x);
    expect(note.x + note.width).toBeLessThanOrEqual(setup.x + setup.width);
    expect(layoutProblems(await readLayout(page, []))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('fits a ten-class lab: its confusion matrix stays inside the metrics column, nothing scrolls sideways', async () => {
    const { page, errors } = lab.get();
    await page.getByRole('button', { name: 'New…' }).click();
    const gallery = page.getByRole('dialog', { name: 'New lab' });
    await gallery.getByRole('button', { name: /^Gaussian blobs/ }).click();
    await gallery.getByRole('spinbutton', { name: 'Classes' }).fill('10');
    // 200 samples a class: three-digit counts in the matrix, as on real data.
    await gallery.getByRole('spinbutton', { name: 'Samples' }).fill('2000');
    await gallery.getByRole('button', { name: 'Create lab' }).click();
    await page.getByRole('table', { name: /Confusion matrix/ }).locator('thead th').nth(10).waitFor();
    for (const [w, h] of [[1280, 720], [1920, 1080]]) {
      const g = await layoutAt(page, w, h);
      expect(layoutProblems(g), `${w}x${h}`).toEqual([]);
      const table = (await page.getByRole('table', { name: /Confusion matrix/ }).boundingBox())!;
      const metrics = g.panels.find((p) => p.name === 'Metrics')!.box;
      expect(table.x + table.width, `${w}x${h}`).toBeLessThanOrEqual(metrics.x + metrics.width);
    }
    expect(errors).toEqual([]);
  });

  it('keeps the first row as tall as the plot needs in a window taller than wide (1440x2560): the diagram and metrics in view too', async () => {
    const { page, errors } = lab.get();
    const g = await layoutAt(page, 1440, 2560);
    const all = [...WATCHED, 'Network diagram', 'Metrics'];
    expect(layoutProblems({ ...g, mustSee: all })).toEqual([]);
    // The cost chart beside the data view is as tall as it, not as tall as the window.
    const box = (name: string) => g.panels.find((p) => p.name === name)!.box;
    expect(box('Cost').height).toBeLessThan(box('Decision boundary').width * 1.6);
    expect(errors).toEqual([]);
  });

  it('negative controls: the check reports one column of views, a panel wider than the window and panels on top of each other', async () => {
    const { page } = lab.get();
    await layoutAt(page, 1280, 720);
    const oneColumn = await injectStyle(page, '.views { grid-template-columns: minmax(0, 1fr) !important; } .views > * { grid-column: 1 !important; grid-row: auto !important; }');
    let g = await layoutAt(page, 1280, 720);
    expect(layoutProblems(g)).toContainEqual(expect.stringMatching(/^Cost is not fully visible/));
    await oneColumn();

    const wide = await injectStyle(page, '.views > .metrics { min-width: 1400px; }');
    g = await layoutAt(page, 1280, 720);
    expect(layoutProblems(g)).toContainEqual(expect.stringMatching(/^Metrics is \d+ px wide, wider than the 1280 px window|^Metrics reaches past the window's side/));
    await wide();

    const pushed = await injectStyle(page, '.views > .chart-panel { margin-left: -120px; }');
    g = await layoutAt(page, 1280, 720);
    expect(layoutProblems(g)).toContainEqual(expect.stringMatching(/^Decision boundary and Cost overlap/));
    await pushed();

    // And with the styles gone the window is right again.
    expect(layoutProblems(await layoutAt(page, 1280, 720))).toEqual([]);
  });
});
