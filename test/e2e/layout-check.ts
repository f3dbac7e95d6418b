/**
 * Whether the lab window's layout shows what it should, judged from element boxes: the panels a
 * person watches while training fully visible at once, no two panels on top of each other, and
 * nothing wider than the window. The geometry is read in the page (`readLayout`); the judgement
 * (`layoutProblems`) is plain arithmetic, so a test can also feed it a layout that is wrong.
 */
import type { Page } from 'playwright-core';

/** A rectangle in CSS pixels, viewport coordinates. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One panel: its accessible name, its box, and the boxes of the ancestors that clip it (scroll containers). */
export interface PanelGeometry {
  name: string;
  box: Box;
  clips: Box[];
}

/** What `layoutProblems` judges. */
export interface LayoutGeometry {
  viewport: { width: number; height: number };
  /** The page's scroll width (more than the viewport's width: the window scrolls sideways). */
  pageWidth: number;
  /** Scroll containers whose content is wider than they are: [name, content width, width]. */
  sidewaysScrollers: [string, number, number][];
  /** Every panel shown. */
  panels: PanelGeometry[];
  /** The names of the panels that must be fully visible at once. */
  mustSee: string[];
}

/** The overlap of two boxes, or null when they do not overlap by more than `slack` px each way. */
export function intersect(a: Box, b: Box, slack = 0): Box | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  if (right - x <= slack || bottom - y <= slack) return null;
  return { x, y, width: right - x, height: bottom - y };
}

/** The part of a panel a person sees: its box cut by the viewport and every clipping ancestor. */
export function visiblePart(p: PanelGeometry, viewport: { width: number; height: number }): Box | null {
  let v: Box | null = intersect(p.box, { x: 0, y: 0, width: viewport.width, height: viewport.height });
  for (const c of p.clips) v = v && intersect(v, c);
  return v;
}

const px = (b: Box) => `${Math.round(b.width)}x${Math.round(b.height)} at (${Math.round(b.x)}, ${Math.round(b.y)})`;

/**
 * What is wrong with a layout, one sentence per problem (none: it is right): a panel in `mustSee`
 * missing or not fully visible, two panels overlapping (by more than 1 px), a panel wider than the
 * window or past its right edge, the page or a scroll container scrolling sideways.
 */
export function layoutProblems(g: LayoutGeometry): string[] {
  const problems: string[] = [];
  const tol = 1;
  for (const name of g.mustSee) {
    const p = g.panels.find((q) => q.name === name);
    if (!p) {
      problems.push(`${name} is not shown`);
      continue;
    }
    const v = visiblePart(p, g.viewport);
    if (!v || v.width < p.box.width - tol || v.height < p.box.height - tol) {
      problems.push(`${name} is not fully visible: its box is ${px(p.box)}, the visible part ${v ? px(v) : 'nothing'}`);
    }
  }
  for (let i = 0; i < g.panels.length; i++) {
    for (let j = i + 1; j < g.panels.length; j++) {
      const o = intersect(g.panels[i].box, g.panels[j].box, tol);
      if (o) problems.push(`${g.panels[i].name} and ${g.panels[j].name} overlap by ${px(o)}`);
    }
  }
  for (const p of g.panels) {
    if (p.box.width > g.viewport.width + tol) problems.push(`${p.name} is ${Math.round(p.box.width)} px wide, wider than the ${g.viewport.width} px window`);
    else if (p.box.x + p.box.width > g.viewport.width + tol || p.box.x < -tol) problems.push(`${p.name} reaches past the window's side: ${px(p.box)}`);
  }
  if (g.pageWidth > g.viewport.width + tol) problems.push(`the page scrolls sideways: ${g.pageWidth} px wide in a ${g.viewport.width} px window`);
  for (const [name, content, width] of g.sidewaysScrollers) problems.push(`${name} scrolls sideways: ${content} px of content in ${width} px`);
  return problems;
}

/** In-page code (text) naming the panels: `nameOf(el)` (its accessible name) and `shownPanels()` (outside dialogs). */
const PANELS = `
  const nameOf = (el) => {
    if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
    const by = el.getAttribute('aria-labelledby');
    const h = by ? document.getElementById(by) : null;
    return h ? h.textContent.trim().replace(/\\s+/g, ' ') : el.className;
  };
  const shownPanels = () => [...document.querySelectorAll('section.panel')].filter((el) => !el.closest('dialog'));
`;

/**
 * Reads the layout at the current scroll positions: every panel shown (`section.panel`, named by
 * its accessible name) with its clipping ancestors, the page's width and the sideways-scrolling
 * containers. In-page code is text: a transpiler's helpers would not exist in the page.
 */
export async function readLayout(page: Page, mustSee: string[]): Promise<LayoutGeometry> {
  const viewport = page.viewportSize() ?? { width: 0, height: 0 };
  const read = (await page.evaluate(`(() => {
    const rect = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
    ${PANELS}
    const panels = [];
    for (const el of shownPanels()) {
      const b = rect(el);
      if (b.width === 0 && b.height === 0) continue;
      const clips = [];
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
        const r = p.getBoundingClientRect();
        clips.push({ x: r.x + p.clientLeft, y: r.y + p.clientTop, width: p.clientWidth, height: p.clientHeight });
      }
      panels.push({ name: nameOf(el), box: b, clips });
    }
    const sideways = [];
    for (const el of document.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1 && !el.closest('dialog')
        && !el.closest('.formula, .seed-line, .preview-scroll, .history-scroll, .katex-display')) {
        sideways.push([el.className || el.tagName, el.scrollWidth, el.clientWidth]);
      }
    }
    return { pageWidth: document.documentElement.scrollWidth, panels, sideways };
  })()`)) as { pageWidth: number; panels: PanelGeometry[]; sideways: [string, number, number][] };
  return { viewport, pageWidth: read.pageWidth, sidewaysScrollers: read.sideways, panels: read.panels, mustSee };
}

/** Scrolls every container (the page, the setup column, the stage) back to the top and left. */
export async function scrollAllToTop(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.scrollTo(0, 0);
    for (const el of document.querySelectorAll('*')) if (el.scrollTop || el.scrollLeft) el.scrollTo(0, 0);
  })()`);
}

/**
 * Whether a person can bring the panel called `name` into view: scrolled to, its top edge and its
 * whole width are visible, and all of it when it fits the visible part of its scroll container.
 * Returns what is wrong, or null.
 */
export async function unreachable(page: Page, name: string): Promise<string | null> {
  const found = await page.evaluate(`(() => {
    ${PANELS}
    const el = shownPanels().find((e) => nameOf(e) === ${JSON.stringify(name)});
    if (el) el.scrollIntoView({ block: 'start' });
    return !!el;
  })()`);
  if (!found) return `${name} is not shown`;
  const geometry = await readLayout(page, []);
  const p = geometry.panels.find((q) => q.name === name);
  if (!p) return `${name} is not shown`;
  const v = visiblePart(p, geometry.viewport);
  if (!v) return `${name} cannot be scrolled into view`;
  const room = Math.min(geometry.viewport.height, ...p.clips.map((c) => c.height));
  if (v.width < p.box.width - 1) return `${name} is cut at the side: ${px(p.box)}, visible ${px(v)}`;
  if (Math.abs(v.y - p.box.y) > 1) return `${name}'s top stays hidden: ${px(p.box)}, visible ${px(v)}`;
  if (v.height < Math.min(p.box.height, room) - 1) return `${name} shows ${Math.round(v.height)} of ${Math.round(p.box.height)} px although ${Math.round(room)} px are free`;
  return null;
}
