/**
 * What the UI benchmark and the end-to-end tests measure inside the page, on the page's own clock: frames drawn
 * (requestAnimationFrame callbacks: what a person sees as smoothness, and what a busy main thread
 * takes away), long tasks (> 50 ms, Long Tasks API), every change of the status line's step
 * counter, and the moment the run's status turns to paused after a pointer went down on Pause.
 * Also the renderer's memory: the page's JavaScript heap (Chrome DevTools Protocol) and the
 * resident memory of the renderer processes, workers included (/proc, Linux).
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/** Installs the probe (once per page). In-page code is text: tsx would add helpers the page lacks. */
export async function installProbe(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    if (window.__probe) return;
    const p = window.__probe = { frames: [], longTasks: [], steps: [], states: [], downs: [] };
    const tick = (t) => { p.frames.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) p.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: false });
    const status = document.querySelector('[aria-label="Run status"]');
    const read = () => {
      const now = performance.now();
      const step = status.querySelector('[data-testid="step"]');
      const s = step ? step.textContent : '';
      if (p.steps.length === 0 || p.steps[p.steps.length - 1].text !== s) p.steps.push({ t: now, text: s });
      const b = status.querySelector('.badge');
      const st = b ? b.textContent : '';
      if (p.states.length === 0 || p.states[p.states.length - 1].text !== st) p.states.push({ t: now, text: st });
    };
    new MutationObserver(read).observe(status, { subtree: true, childList: true, characterData: true });
    read();
    document.addEventListener('pointerdown', (e) => {
      const b = e.target && e.target.closest ? e.target.closest('button') : null;
      p.downs.push({ t: performance.now(), label: b ? (b.getAttribute('aria-label') || b.textContent.trim()) : '' });
    }, true);
  })()`);
}

/** What the probe saw between two moments. */
export interface Window {
  seconds: number;
  /** Frames drawn per second. */
  fps: number;
  /** Long tasks, and their total and longest duration (ms). */
  longTasks: number;
  longestTaskMs: number;
  /** Changes of the step counter per second (progress reaching the screen). */
  stepUpdatesPerSecond: number;
}

/** The page's clock now. */
export async function pageNow(page: Page): Promise<number> {
  return (await page.evaluate('performance.now()')) as number;
}

/** What the probe saw from `t0` to now (page clock). */
export async function measureSince(page: Page, t0: number): Promise<Window> {
  const r = (await page.evaluate(`(() => {
    const p = window.__probe; const t0 = ${t0}; const now = performance.now();
    const long = p.longTasks.filter((l) => l.start >= t0);
    return { seconds: (now - t0) / 1000, frames: p.frames.filter((t) => t >= t0).length, long: long.length,
      longest: long.reduce((m, l) => Math.max(m, l.duration), 0), steps: p.steps.filter((s) => s.t >= t0).length };
  })()`)) as { seconds: number; frames: number; long: number; longest: number; steps: number };
  return { seconds: r.seconds, fps: r.frames / r.seconds, longTasks: r.long, longestTaskMs: r.longest, stepUpdatesPerSecond: r.steps / r.seconds };
}

/** One Pause: from the pointer going down on it to the status line saying paused. */
export interface PauseSample {
  /** Milliseconds from pointerdown on Pause to the status showing "paused". */
  latencyMs: number;
  /** Times the step counter changed after the pointerdown (progress still arriving). */
  stepUpdatesAfter: number;
  /** The step shown when the pointer went down, and the step the run paused at. */
  stepAtClick: number;
  stepPaused: number;
}

const stepOf = (text: string) => Number(text.replace(/,/g, '')) || 0;

/** Clicks Pause (a trusted click) on a running run and measures it; leaves the run paused. */
export async function measurePause(page: Page): Promise<PauseSample> {
  const before = (await page.evaluate('window.__probe.downs.length')) as number;
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('button', { name: 'Resume', exact: true }).waitFor({ timeout: 30_000 });
  // The last progress report comes with the paused state or just before it.
  await page.waitForTimeout(300);
  const r = (await page.evaluate(`(() => {
    const p = window.__probe;
    const down = p.downs.slice(${before}).find((d) => d.label === 'Pause');
    const paused = p.states.find((s) => s.t >= down.t && / paused$/.test(s.text));
    const before = p.steps.filter((s) => s.t < down.t);
    const after = p.steps.filter((s) => s.t >= down.t);
    return { latency: paused ? paused.t - down.t : NaN, after: after.length,
      atClick: before.length ? before[before.length - 1].text : '0', last: p.steps[p.steps.length - 1].text };
  })()`)) as { latency: number; after: number; atClick: string; last: string };
  return { latencyMs: r.latency, stepUpdatesAfter: r.after, stepAtClick: stepOf(r.atClick), stepPaused: stepOf(r.last) };
}

/** The page's JavaScript heap in use after a garbage collection (bytes). */
export async function pageHeap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const h = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return h.usedSize;
  } finally {
    await cdp.detach();
  }
}

/** Resident memory of the browser's renderer processes (bytes; the page's, with its workers); NaN off Linux. */
export async function rendererRss(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    let total = 0;
    for (const p of info.processInfo.filter((q) => q.type === 'renderer')) {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.id}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    }
    return total;
  } catch {
    return Number.NaN;
  } finally {
    await cdp.detach();
  }
}
