/**
 * A packaged app ignores ELECTRON_RENDERER_URL: the built main process (out/main/index.js),
 * against a stand-in 'electron' module that says the app is packaged, with the variable pointing
 * at another site, still loads its own built page, and trusts only that page's frames. Unpackaged
 * (`electron-vite dev`), the variable still picks the dev server (app/renderer-url.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rendererUrl } from '../../src-main/app/renderer-url';

type Handler = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const state = { userData: '', loaded: [] as string[], handlers: new Map<string, Handler>(), app: new Map<string, Handler[]>(), quits: 0, navigation: [] as Handler[] };
  class FakeWindow {
    readonly mainFrame = { url: '', processId: 7, routingId: 1, parent: null, isDestroyed: () => false };
    readonly webContents = { mainFrame: this.mainFrame, send: () => {} };
    constructor(readonly options: Record<string, unknown>) {}
    on() { return this; }
    once() { return this; }
    async loadURL(url: string) { state.loaded.push(url); this.mainFrame.url = url; }
    show() {}
    maximize() {}
    isDestroyed() { return false; }
    isMaximized() { return false; }
    getNormalBounds() { return { x: 0, y: 0, width: 800, height: 600 }; }
    setTitle() {}
    setDocumentEdited() {}
    setRepresentedFilename() {}
  }
  const electron = {
    app: {
      isPackaged: true,
      getPath: () => state.userData,
      getVersion: () => '0.0.0-packaged',
      requestSingleInstanceLock: () => true,
      quit: () => { state.quits++; },
      isReady: () => true,
      on: (e: string, f: Handler) => state.app.set(e, [...(state.app.get(e) ?? []), f]),
      whenReady: () => Promise.resolve(),
      setAboutPanelOptions: () => {},
      addRecentDocument: () => {},
    },
    BrowserWindow: FakeWindow,
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => {} },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }], getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: () => {} },
        setPermissionRequestHandler: () => {},
        setPermissionCheckHandler: () => {},
        setDevicePermissionHandler: () => {},
        on: () => {},
      },
    },
    shell: { openExternal: async () => {} },
    ipcMain: { handle: (name: string, f: Handler) => state.handlers.set(name, f), removeHandler: (name: string) => state.handlers.delete(name) },
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }), showMessageBox: async () => ({ response: 0 }) },
  };
  return { state, electron };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const root = fileURLToPath(new URL('../..', import.meta.url));
const ELSEWHERE = 'https://attacker.example/lab.html';
const { state } = fake;
let work: string;

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mlp-electron-packaged-'));
  state.userData = work;
  vi.stubEnv('ELECTRON_RENDERER_URL', ELSEWHERE);
  vi.spyOn(console, 'warn').mockImplementation(() => {}); // the refused call below is logged
  await import(/* @vite-ignore */ new URL('../../out/main/index.js', import.meta.url).href);
  await until(() => state.loaded.length === 1);
});

afterAll(async () => {
  for (const f of state.app.get('will-quit') ?? []) f({ preventDefault: () => {} });
  await until(() => state.quits > 0, 10_000);
  vi.unstubAllEnvs();
  rmSync(work, { recursive: true, force: true });
});

describe('a packaged app and ELECTRON_RENDERER_URL', () => {
  it('loads its own built page, not the page the variable names', () => {
    expect(state.loaded).toEqual([pathToFileURL(join(root, 'out/renderer/index.html')).href]);
  });

  it('refuses navigation to the variable\'s page and answers no frame showing it', async () => {
    let prevented = false;
    const contents = { on: (e: string, f: Handler) => { if (e === 'will-navigate') f({ url: ELSEWHERE, preventDefault: () => { prevented = true; } }); }, setWindowOpenHandler: () => {} };
    for (const f of state.app.get('web-contents-created') ?? []) f({}, contents);
    expect(prevented).toBe(true);
    const frame = { url: ELSEWHERE, processId: 7, routingId: 1, parent: null, isDestroyed: () => false };
    const r = (await state.handlers.get('lab:getAppInfo')!({ senderFrame: frame }, {})) as { ok: boolean; error?: { name: string } };
    expect(r).toMatchObject({ ok: false, error: { name: 'BadRequest' } });
  });
});

describe('rendererUrl', () => {
  const mainDir = join(root, 'out/main');
  const built = pathToFileURL(join(root, 'out/renderer/index.html')).href;
  it('unpackaged, follows the dev server the variable names, else the built page', () => {
    expect(rendererUrl({ packaged: false, env: { ELECTRON_RENDERER_URL: 'http://localhost:5173/' }, mainDir })).toBe('http://localhost:5173/');
    expect(rendererUrl({ packaged: false, env: {}, mainDir })).toBe(built);
  });
  it('packaged, is always the built page', () => {
    expect(rendererUrl({ packaged: true, env: { ELECTRON_RENDERER_URL: ELSEWHERE }, mainDir })).toBe(built);
  });
});
