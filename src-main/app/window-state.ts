/**
 * The main window's size and position, kept between launches in a small JSON file in the app's
 * data folder (window-state.json). On restore the saved rectangle is fitted to the displays
 * there are now: a window saved on a monitor that has since been unplugged, or at a size larger
 * than the screen, comes back whole and reachable instead of off-screen. Pure apart from the
 * file read and write; src-main/index.ts passes in Electron's display work areas.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A rectangle in screen coordinates (Electron's Rectangle). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is saved: the normal (not maximized) bounds, and whether the window was maximized. */
export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

/** Where and how big to open the window. No x/y means "centre it" (Electron's default). */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** The size of a first launch. */
export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
/** The smallest window the lab's layout works in (BrowserWindow minWidth/minHeight). */
export const MIN_SIZE = { width: 800, height: 560 } as const;
/** How much of a saved window must still be on a display for its position to be kept. */
const MIN_VISIBLE = { width: 160, height: 80 } as const;

function isRect(r: unknown): r is Rect {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return ['x', 'y', 'width', 'height'].every((k) => typeof o[k] === 'number' && Number.isFinite(o[k]))
    && (o['width'] as number) > 0 && (o['height'] as number) > 0;
}

/** A saved state read from JSON, or null when it is missing, damaged or nonsense. */
export function parseWindowState(json: unknown): WindowState | null {
  if (typeof json !== 'object' || json === null) return null;
  const o = json as Record<string, unknown>;
  if (!isRect(o['bounds'])) return null;
  const { x, y, width, height } = o['bounds'];
  return { bounds: { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) }, maximized: o['maximized'] === true };
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), Math.max(lo, hi));
}

/** A size that fits `area`: at most the area, at least MIN_SIZE unless the area is smaller still. */
function fitSize(size: { width: number; height: number }, area: Rect): { width: number; height: number } {
  return {
    width: Math.min(Math.max(size.width, MIN_SIZE.width), area.width),
    height: Math.min(Math.max(size.height, MIN_SIZE.height), area.height),
  };
}

/**
 * Where to open the window, given the saved state (or null), the work areas of the displays
 * connected now (screen minus task bar and menu bar) and the primary display's work area.
 *
 * - Nothing saved: the default size (fitted to the primary display), centred.
 * - Saved, and enough of it still on some display: on the display it overlaps most, shrunk to
 *   fit that display if needed and moved so it lies wholly inside it.
 * - Saved, but off every display now: the saved size fitted to the primary display, centred.
 */
export function placeWindow(saved: WindowState | null, workAreas: readonly Rect[], primary: Rect): WindowPlacement {
  if (!saved) return { ...fitSize(DEFAULT_SIZE, primary), maximized: false };
  let best: Rect | null = null;
  let bestArea = 0;
  for (const area of workAreas) {
    const o = overlap(saved.bounds, area);
    const visible = o.width >= Math.min(MIN_VISIBLE.width, saved.bounds.width) && o.height >= Math.min(MIN_VISIBLE.height, saved.bounds.height);
    if (visible && o.width * o.height > bestArea) {
      best = area;
      bestArea = o.width * o.height;
    }
  }
  if (!best) return { ...fitSize(saved.bounds, primary), maximized: saved.maximized };
  const size = fitSize(saved.bounds, best);
  return {
    x: clamp(saved.bounds.x, best.x, best.x + best.width - size.width),
    y: clamp(saved.bounds.y, best.y, best.y + best.height - size.height),
    ...size,
    maximized: saved.maximized,
  };
}

/** Reads the saved state from `file`; null when there is none or it cannot be read. */
export function loadWindowState(file: string): WindowState | null {
  try {
    return parseWindowState(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  } catch {
    return null;
  }
}

/** Writes the state to `file` (whole or not at all). Failures are ignored: it is only a convenience. */
export function saveWindowState(file: string, state: WindowState): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(state)}\n`);
    renameSync(tmp, file);
  } catch {
    // A read-only or full disk costs the user only the window position.
  }
}
