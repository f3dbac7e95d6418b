import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_SIZE, loadWindowState, MIN_SIZE, parseWindowState, placeWindow, type Rect, saveWindowState,
} from '../../../src-main/app/window-state';

const laptop: Rect = { x: 0, y: 25, width: 1440, height: 875 }; // below a macOS menu bar
const right: Rect = { x: 1440, y: 0, width: 2560, height: 1400 }; // a second monitor to its right

describe('placeWindow', () => {
  it('opens a first launch at the default size, centred (no x/y)', () => {
    expect(placeWindow(null, [laptop], laptop)).toEqual({ ...DEFAULT_SIZE, maximized: false });
  });

  it('fits the default size to a small screen', () => {
    const small: Rect = { x: 0, y: 0, width: 1024, height: 700 };
    expect(placeWindow(null, [small], small)).toEqual({ width: 1024, height: 700, maximized: false });
  });

  it('restores a window that is still on a display exactly', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1300, height: 900 }, maximized: false };
    expect(placeWindow(saved, [laptop, right], laptop)).toEqual({ ...saved.bounds, maximized: false });
  });

  it('keeps the maximized flag', () => {
    const saved = { bounds: { x: 100, y: 100, width: 1000, height: 700 }, maximized: true };
    expect(placeWindow(saved, [laptop], laptop).maximized).toBe(true);
  });

  it('centres on the primary display a window saved on a monitor that is gone', () => {
    const saved = { bounds: { x: 2000, y: 200, width: 1300, height: 900 }, maximized: false };
    expect(placeWindow(saved, [laptop], laptop)).toEqual({ width: 1300, height: 875, maximized: false });
  });

  it('pulls a window that hangs off the edge back inside the display it is mostly on', () => {
    const saved = { bounds: { x: 1000, y: -40, width: 1000, height: 700 }, maximized: false };
    const placed = placeWindow(saved, [laptop], laptop);
    expect(placed).toEqual({ x: 440, y: 25, width: 1000, height: 700, maximized: false });
  });

  it('shrinks a window larger than its display, and never below the minimum size unless the display is smaller', () => {
    const saved = { bounds: { x: 0, y: 25, width: 3000, height: 2000 }, maximized: false };
    expect(placeWindow(saved, [laptop], laptop)).toEqual({ x: 0, y: 25, width: 1440, height: 875, maximized: false });
    const tiny = { bounds: { x: 10, y: 30, width: 200, height: 100 }, maximized: false };
    expect(placeWindow(tiny, [laptop], laptop)).toMatchObject(MIN_SIZE);
  });

  it('picks the display a window straddling two monitors mostly covers', () => {
    const saved = { bounds: { x: 1200, y: 100, width: 1000, height: 700 }, maximized: false };
    const placed = placeWindow(saved, [laptop, right], laptop);
    expect(placed.x).toBe(1440); // mostly on the right monitor: moved wholly onto it
    expect(placed.y).toBe(100);
  });

  it('does not keep a position of which only a sliver is visible', () => {
    const saved = { bounds: { x: 1400, y: 100, width: 1000, height: 700 }, maximized: false }; // 40 px on screen
    expect(placeWindow(saved, [laptop], laptop)).toEqual({ width: 1000, height: 700, maximized: false });
  });
});

describe('parseWindowState', () => {
  it('accepts a saved state and rounds it to whole pixels', () => {
    expect(parseWindowState({ bounds: { x: 1.4, y: 2, width: 900.6, height: 600 }, maximized: true }))
      .toEqual({ bounds: { x: 1, y: 2, width: 901, height: 600 }, maximized: true });
  });

  it('refuses damaged or nonsensical states', () => {
    for (const bad of [null, 42, 'x', {}, { bounds: { x: 0, y: 0, width: 0, height: 10 } }, { bounds: { x: 'a', y: 0, width: 10, height: 10 } },
      { bounds: { x: Infinity, y: 0, width: 10, height: 10 } }, { bounds: { x: 0, y: 0, width: -5, height: 10 } }]) {
      expect(parseWindowState(bad)).toBeNull();
    }
  });
});

describe('window-state.json', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'mlp-lab-window-'));
    dirs.push(d);
    return d;
  };

  it('round-trips through the file, creating its folder', () => {
    const file = join(tmp(), 'nested', 'window-state.json');
    const state = { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false };
    saveWindowState(file, state);
    expect(loadWindowState(file)).toEqual(state);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(state);
  });

  it('reads a missing or corrupt file as "nothing saved"', () => {
    const dir = tmp();
    expect(loadWindowState(join(dir, 'none.json'))).toBeNull();
    writeFileSync(join(dir, 'bad.json'), '{"bounds": ');
    expect(loadWindowState(join(dir, 'bad.json'))).toBeNull();
  });

  it('ignores a file it cannot write', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => saveWindowState(join(dir, 'file', 'window-state.json'), { bounds: { x: 0, y: 0, width: 1, height: 1 }, maximized: false })).not.toThrow();
  });
});
