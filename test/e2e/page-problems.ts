/**
 * Everything a page does wrong that a person would see in the browser's console or network tab:
 * console errors and warnings, uncaught exceptions, requests that failed (refused, aborted,
 * blocked) and responses with an HTTP status of 400 or more. An end-to-end test attaches the
 * collector before it opens the page and asserts at the end that nothing was collected.
 */
import type { Page } from 'playwright-core';

/** One problem, as a line a failing assertion prints: "console error: ...", "HTTP 404 GET /x". */
export type PageProblem = string;

/** The problems collected so far (live: the array grows while the page runs). */
export interface ProblemCollector {
  problems: PageProblem[];
}

/** Starts collecting `page`'s problems; attach before `page.goto` to see the first load too. */
export function collectProblems(page: Page): ProblemCollector {
  const problems: PageProblem[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const where = m.location().url ? ` (${m.location().url}:${m.location().lineNumber})` : '';
    problems.push(`console ${m.type()}: ${m.text()}${where}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught ${e.name}: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText ?? 'unknown'}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { problems };
}
