/**
 * UI responsiveness benchmark: the real lab in headless Chromium against the real services,
 * while a run trains on the XOR quadrants (1,000 points, boundary grid 100 x 100).
 *
 *   npm run bench:ui            (builds first; or: npx tsx bench/ui.ts after npm run build)
 *
 * Measures, with training running the whole time:
 *  1. live updates: how often the boundary view redraws from main's weight snapshots, and how
 *     long each redraw takes (grid forward pass, heatmap, contour, 1,000 points, thumbnails);
 *  2. sustained redraw rate: the view forced to redraw on every animation frame (the discretise
 *     toggle flipped each frame, the component's own render path), frames per second;
 *  3. input latency: trusted clicks on controls, from the input event to the next paint
 *     (Event Timing API), and the longest main-thread task seen (Long Tasks API).
 * Targets (issue 6): boundary 20+ frames per second; input answered within 100 ms.
 * Not part of npm test.
 */
import type { Page } from 'playwright-core';
import { findChromium, launchChromium, startServer } from '../test/e2e/harness';
import { openLab, setNumber, shownStep, waitFor } from '../test/e2e/lab-page';

interface Stats {
  count: number;
  mean: number;
  p95: number;
  max: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { count: s.length, mean, p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0, max: s[s.length - 1] ?? 0 };
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/** Starts collecting long tasks and event timings in the page. */
async function observe(page: Page): Promise<void> {
  // In-page code as text: the bench project has no DOM types, and tsx would add helpers to functions.
  await page.evaluate(`(() => {
    window.__bench = { longTasks: [], events: [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const t = e.target;
        window.__bench.events.push({ name: e.name, duration: e.duration, control: (t && (t.getAttribute('aria-label') || t.tagName)) || '?' });
      }
    }).observe({ type: 'event', buffered: false, durationThreshold: 16 });
    performance.clearMeasures('boundary-render');
  })()`);
}

/** What observe() collected in the page. */
interface Observed {
  longTasks: number[];
  events: { name: string; duration: number; control: string }[];
}

/** Boundary redraw durations recorded since `clearMeasures`. */
async function renders(page: Page): Promise<number[]> {
  return page.evaluate(() => performance.getEntriesByName('boundary-render').map((e) => e.duration));
}

async function main(): Promise<void> {
  const exe = findChromium();
  if (!exe) throw new Error('no Chromium found: set MLP_LAB_CHROMIUM');
  const server = await startServer();
  const browser = await launchChromium(exe);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await openLab(page, server.url);
    const points = await page.locator('canvas.boundary-canvas').getAttribute('aria-label');
    console.log(`boundary view: ${points}`);
    // A run that keeps the boundary moving for the whole benchmark.
    await setNumber(page, 'Units in hidden layer 1', 8);
    // Full-batch gradient descent at the seed's learning rate: every step sees all 1,000 points.
    await setNumber(page, 'Steps', 10_000_000);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitFor(async () => (await shownStep(page)) > 100, 'training to start');
    await page.waitForTimeout(1000);

    // 1. Live: redraws driven by snapshots from main.
    await observe(page);
    const liveSeconds = 5;
    const stepA = await shownStep(page);
    await page.waitForTimeout(liveSeconds * 1000);
    const stepB = await shownStep(page);
    const live = stats(await renders(page));

    // 2. Sustained: one forced redraw per animation frame for 3 s (still training).
    await page.evaluate(() => performance.clearMeasures('boundary-render'));
    // In-page code is passed as text: tsx would wrap named functions in a helper the page lacks.
    const forced = (await page.evaluate(`(async () => {
      const box = document.querySelector('input[aria-label="Discretise"]');
      const t0 = performance.now();
      let frames = 0;
      await new Promise((done) => {
        const tick = () => {
          if (performance.now() - t0 > 3000) return done();
          box.click();
          frames++;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      return { seconds: (performance.now() - t0) / 1000, frames, renders: performance.getEntriesByName('boundary-render').length };
    })()`)) as { seconds: number; frames: number; renders: number };
    const forcedStats = stats(await renders(page));

    // 3. Input latency: trusted clicks while training.
    await page.evaluate('window.__bench.events = []');
    const clickLatencies: number[] = [];
    const targets = [page.getByRole('checkbox', { name: 'Log scale' }), page.getByRole('checkbox', { name: 'Discretise' }), page.getByRole('checkbox', { name: 'Show training points' })];
    for (let i = 0; i < 30; i++) {
      const t = targets[i % targets.length];
      const t0 = Date.now();
      await t.click();
      clickLatencies.push(Date.now() - t0);
      await page.waitForTimeout(80);
    }
    const observed = (await page.evaluate('window.__bench')) as Observed;
    const eventStats = stats(observed.events.filter((e) => e.name === 'click' || e.name === 'pointerdown' || e.name === 'pointerup').map((e) => e.duration));
    const longTasks = stats(observed.longTasks);
    const chart = stats(await page.evaluate(() => performance.getEntriesByName('chart-render').map((e) => e.duration)));
    const perControl = new Map<string, number>();
    for (const e of observed.events) perControl.set(e.control, Math.max(perControl.get(e.control) ?? 0, e.duration));
    const roundTrip = stats(clickLatencies);
    const stillRunning = (await page.getByRole('status', { name: 'Run status' }).textContent())?.includes('running');
    await page.getByRole('button', { name: 'New run', exact: true }).isVisible();

    const liveFps = live.count / liveSeconds;
    const forcedFps = forced.renders / forced.seconds;
    console.log('');
    console.log(`training: ${((stepB - stepA) / liveSeconds).toFixed(0)} steps/s while measured; ${stillRunning ? 'still running at the end' : 'NOT running at the end: the numbers are not under load'}`);
    console.log(`1. live boundary updates from snapshots: ${liveFps.toFixed(1)} per second; redraw ${ms(live.mean)} mean, ${ms(live.p95)} p95, ${ms(live.max)} max`);
    console.log(`2. sustained boundary redraws (forced every frame): ${forcedFps.toFixed(1)} fps over ${forced.seconds.toFixed(1)} s; redraw ${ms(forcedStats.mean)} mean, ${ms(forcedStats.p95)} p95, ${ms(forcedStats.max)} max; capacity ${(1000 / forcedStats.mean).toFixed(0)} redraws/s`);
    console.log(`3. input: ${eventStats.count} click/pointer events over 16 ms (Event Timing; the rest were faster), worst ${ms(eventStats.max)}; playwright click round trip ${ms(roundTrip.mean)} mean, ${ms(roundTrip.max)} max; long tasks: ${longTasks.count}, longest ${ms(longTasks.max)}`);
    console.log(`   cost chart redraws (whole run so far): ${chart.count}, ${ms(chart.mean)} mean, ${ms(chart.p95)} p95, ${ms(chart.max)} max`);
    console.log(`   worst input-to-paint per control: ${[...perControl].map(([c, d]) => `${c} ${ms(d)}`).join(', ') || 'all under 16 ms'}`);
    // Input is judged by input-to-paint; a long task on a 2-core machine shared with the trainer
    // threads may be the page waiting for a core, and is reported, not judged.
    const pass = forcedFps >= 20 && eventStats.max <= 100;
    console.log(`targets (boundary >= 20 fps sustained, input <= 100 ms): ${pass ? 'met' : 'NOT met'}`);
    console.log(JSON.stringify({ liveFps, live, forcedFps, forced: forcedStats, input: eventStats, clickRoundTrip: roundTrip, longTasks }));
    process.exitCode = pass ? 0 : 1;
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
