/**
 * The built main process (out/main/index.js) against a stand-in for the 'electron' module: there
 * is no Electron binary on the build machines, so this is as close as the tests get to the real
 * window. It checks the wiring that the unit tests of the plain modules cannot: a secure window
 * on the built renderer, one IPC handler per call answering only the window's main frame, the
 * menu's actions reaching the router and the renderer, the title following the project, the
 * unsaved-changes question on close, a project file handed over by a second launch, permission
 * and device requests refused, and a shutdown that ends the worker threads. Real services and
 * storage run behind it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, type CallResult, EVENT_CHANNEL } from '../../shared/ipc';

type Handler = (...args: unknown[]) => unknown;
interface FakeMenuItem { id?: string; label?: string; click?: () => void; submenu?: FakeMenuItem[] }

const fake = vi.hoisted(() => {
  const listeners = (): { on(e: string, f: Handler): void; once(e: string, f: Handler): void; emit(e: string, ...a: unknown[]): void } => {
    const map = new Map<string, Handler[]>();
    return {
      on(e, f) { map.set(e, [...(map.get(e) ?? []), f]); },
      once(e, f) { const w: Handler = (...a) => { map.set(e, (map.get(e) ?? []).filter((x) => x !== w)); return f(...a); }; map.set(e, [...(map.get(e) ?? []), w]); },
      emit(e, ...a) { for (const f of [...(map.get(e) ?? [])]) f(...a); },
    };
  };
  const state = {
    userData: '',
    windows: [] as FakeWindow[],
    handlers: new Map<string, Handler>(),
    menu: null as FakeMenuItem[] | null,
    sent: [] as { channel: string; payload: unknown }[],
    boxes: [] as { message: string; buttons: string[] }[],
    /** The button label the next message box answers with. */
    answer: 'Cancel',
    savePath: null as string | null,
    quits: 0,
    /** What the app registered on the default session. */
    session: { request: null as Handler | null, check: null as Handler | null, device: null as Handler | null, events: new Map<string, Handler>() },
  };
  const appEvents = listeners();
  let nextProcess = 10;
  class FakeWindow {
    readonly events = listeners();
    readonly options: Record<string, unknown>;
    readonly mainFrame = { url: '', processId: nextProcess++, routingId: 1, parent: null, isDestroyed: () => false };
    readonly webContents = { mainFrame: this.mainFrame, send: (channel: string, payload: unknown) => state.sent.push({ channel, payload }) };
    title = '';
    destroyed = false;
    loaded = '';
    constructor(options: Record<string, unknown>) {
      this.options = options;
      state.windows.push(this);
    }
    on(e: string, f: Handler) { this.events.on(e, f); return this; }
    once(e: string, f: Handler) { this.events.once(e, f); return this; }
    async loadURL(url: string) { this.loaded = url; this.mainFrame.url = url; }
    show() {}
    maximize() {}
    focus() {}
    restore() {}
    isMinimized() { return false; }
    isMaximized() { return false; }
    isDestroyed() { return this.destroyed; }
    getNormalBounds() { return { x: 10, y: 20, width: 1000, height: 700 }; }
    setTitle(t: string) { this.title = t; }
    setDocumentEdited() {}
    setRepresentedFilename() {}
    /** Electron's close: 'close' (cancellable), then 'closed'. */
    close() {
      let prevented = false;
      this.events.emit('close', { preventDefault: () => { prevented = true; } });
      if (prevented) return;
      this.destroyed = true;
      this.events.emit('closed');
    }
    static getAllWindows() { return state.windows.filter((w) => !w.destroyed); }
  }
  const electron = {
    app: {
      isPackaged: false,
      getPath: (name: string) => (name === 'userData' ? state.userData : tmpdirPath()),
      getVersion: () => '0.0.0-test',
      requestSingleInstanceLock: () => true,
      quit: () => { state.quits++; },
      isReady: () => true,
      on: (e: string, f: Handler) => appEvents.on(e, f),
      whenReady: () => Promise.resolve(),
      setAboutPanelOptions: () => {},
      addRecentDocument: () => {},
    },
    BrowserWindow: FakeWindow,
    Menu: { buildFromTemplate: (t: FakeMenuItem[]) => t, setApplicationMenu: (m: FakeMenuItem[]) => { state.menu = m; } },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }], getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: () => {} },
        setPermissionRequestHandler: (f: Handler) => { state.session.request = f; },
        setPermissionCheckHandler: (f: Handler) => { state.session.check = f; },
        setDevicePermissionHandler: (f: Handler) => { state.session.device = f; },
        on: (e: string, f: Handler) => { state.session.events.set(e, f); },
      },
    },
    shell: { openExternal: async () => {} },
    ipcMain: { handle: (name: string, f: Handler) => state.handlers.set(name, f), removeHandler: (name: string) => state.handlers.delete(name) },
    dialog: {
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async () => (state.savePath ? { canceled: false, filePath: state.savePath } : { canceled: true, filePath: '' }),
      showMessageBox: async (...args: unknown[]) => {
        const o = args.at(-1) as { message: string; buttons: string[] };
        state.boxes.push(o);
        return { response: Math.max(0, o.buttons.indexOf(state.answer)) };
      },
    },
  };
  function tmpdirPath(): string {
    return process.env['TMPDIR'] ?? '/tmp';
  }
  return { state, electron, appEvents };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const root = fileURLToPath(new URL('../..', import.meta.url));
const { state, appEvents } = fake;
let work: string;

const win = () => state.windows.at(-1)!;
const invoke = (name: string, payload: unknown, frame: object = win().mainFrame) =>
  state.handlers.get(name)!({ senderFrame: frame, sender: win().webContents }, payload) as Promise<CallResult<unknown>>;
const item = (id: string): FakeMenuItem => {
  const walk = (items: FakeMenuItem[]): FakeMenuItem | undefined => {
    for (const i of items) {
      if (i.id === id) return i;
      const found = i.submenu && walk(i.submenu);
      if (found) return found;
    }
    return undefined;
  };
  const found = walk(state.menu ?? []);
  if (!found) throw new Error(`no menu item ${id}`);
  return found;
};
const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mlp-electron-main-'));
  state.userData = join(work, 'userData');
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  // The built entry (a plain .js without types): import it by URL so TypeScript does not look for them.
  await import(/* @vite-ignore */ new URL('../../out/main/index.js', import.meta.url).href);
  await until(() => state.windows.length === 1 && state.menu !== null);
});

afterAll(async () => {
  // will-quit: the app stops runs and worker threads, then quits.
  appEvents.emit('will-quit', { preventDefault: () => {} });
  await until(() => state.quits > 0, 10_000);
  rmSync(work, { recursive: true, force: true });
});

describe('the Electron main process (built, against a stand-in electron module)', () => {
  it('opens one secure window on the built renderer with the built preload', () => {
    const prefs = win().options['webPreferences'] as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(existsSync(prefs['preload'] as string)).toBe(true);
    expect(win().loaded).toBe(new URL('out/renderer/index.html', `file://${root.endsWith('/') ? root : `${root}/`}`).href);
    expect(existsSync(fileURLToPath(win().loaded))).toBe(true);
  });

  it('handles every call of the contract, and only those', () => {
    expect([...state.handlers.keys()].sort()).toEqual([...CALL_NAMES].sort());
  });

  it('answers the window\'s main frame through the real services', async () => {
    const r = await invoke('lab:getAppInfo', {});
    expect(r).toMatchObject({ ok: true, value: { transport: 'electron', version: '0.0.0-test' } });
    const p = await invoke('lab:getProject', {});
    expect(p).toMatchObject({ ok: true, value: { name: 'Untitled', dirty: false } });
  });

  it('refuses a subframe and a frame of another page, and validates payloads', async () => {
    const sub = { ...win().mainFrame, routingId: 2, parent: win().mainFrame };
    expect(await invoke('lab:getProject', {}, sub)).toMatchObject({ ok: false, error: { name: 'BadRequest' } });
    const elsewhere = { ...win().mainFrame, url: 'https://example.com/' };
    expect(await invoke('lab:getProject', {}, elsewhere)).toMatchObject({ ok: false, error: { name: 'BadRequest' } });
    expect(await invoke('lab:startRun', { paused: 'yes' })).toMatchObject({ ok: false, error: { name: 'BadRequest' } });
  });

  it('titles the window after the project and marks unsaved changes', async () => {
    expect(win().title).toBe('Untitled — MLP Lab');
    const spec = ((await invoke('lab:getProject', {})) as { value: { spec: { seed: number } } }).value.spec;
    expect((await invoke('lab:updateSpec', { spec: { ...spec, seed: 2 } })).ok).toBe(true);
    await until(() => win().title === '• Untitled — MLP Lab');
  });

  it('sends menu items that need the renderer as menu-command events on the event channel', async () => {
    item('run.train').click!();
    await until(() => state.sent.some((s) => (s.payload as { type: string }).type === 'menu-command'));
    expect(state.sent.find((s) => (s.payload as { type: string }).type === 'menu-command')).toEqual({
      channel: EVENT_CHANNEL, payload: { type: 'menu-command', command: 'train' },
    });
  });

  it('asks before closing with unsaved changes, and Cancel keeps the window', async () => {
    state.answer = 'Cancel';
    win().close();
    await until(() => state.boxes.length === 1);
    expect(state.boxes[0].message).toContain('Untitled');
    expect(state.boxes[0].buttons).toContain("Don't Save");
    await new Promise((r) => setTimeout(r, 20));
    expect(win().destroyed).toBe(false);
  });

  it('asks before a renderer New replaces unsaved changes, answering Cancelled on Cancel', async () => {
    state.answer = 'Cancel';
    const before = state.boxes.length;
    expect(await invoke('lab:newProject', {})).toMatchObject({ ok: false, error: { name: 'Cancelled' } });
    expect(state.boxes.length).toBe(before + 1);
  });

  it('File > Save on an untitled project asks for a path, saves a real project file, and lists it under Open Recent', async () => {
    state.savePath = join(work, 'saved.mlplab');
    item('file.save').click!();
    await until(() => existsSync(state.savePath!) && win().title === 'saved — MLP Lab');
    await until(() => {
      try {
        return item('file.recent.0').label?.startsWith('saved') ?? false;
      } catch {
        return false;
      }
    });
  });

  it('opens a .mlplab handed over by a second launch in the running window', async () => {
    expect((await invoke('lab:newProject', {})).ok).toBe(true);
    await until(() => win().title === 'Untitled — MLP Lab');
    appEvents.emit('second-instance', {}, ['/opt/mlp-lab', '--flag', 'saved.mlplab'], work);
    await until(() => win().title === 'saved — MLP Lab');
    expect(state.windows).toHaveLength(1);
  });

  it('refuses every permission request and check, device permission and device chooser', () => {
    const { request, check, device, events } = state.session;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'midiSysex', 'hid', 'usb', 'serial', 'openExternal']) {
      const answers: boolean[] = [];
      request!(null, permission, (granted: boolean) => answers.push(granted), {});
      expect(answers, permission).toEqual([false]);
      expect(check!(null, permission, 'file://', {}), permission).toBe(false);
    }
    for (const deviceType of ['hid', 'usb', 'serial']) expect(device!({ deviceType, origin: 'file://', device: {} })).toBe(false);
    // The choosers: default prevented (no chooser of Electron's own), answered with no device.
    const chosen: unknown[][] = [];
    let prevented = 0;
    const event = { preventDefault: () => { prevented++; } };
    events.get('select-hid-device')!(event, { deviceList: [{ deviceId: 'h1' }] }, (...a: unknown[]) => chosen.push(a));
    events.get('select-usb-device')!(event, { deviceList: [{ deviceId: 'u1' }] }, (...a: unknown[]) => chosen.push(a));
    events.get('select-serial-port')!(event, [{ portId: 's1' }], {}, (...a: unknown[]) => chosen.push(a));
    const contents = new Map<string, Handler>();
    appEvents.emit('web-contents-created', {}, { on: (e: string, f: Handler) => contents.set(e, f), setWindowOpenHandler: () => {} });
    contents.get('select-bluetooth-device')!(event, [{ deviceId: 'b1', deviceName: 'b' }], (...a: unknown[]) => chosen.push(a));
    expect(prevented).toBe(4);
    expect(chosen).toEqual([[], [], [''], ['']]);
  });

  it('closes without asking when nothing is unsaved, and saves the window\'s place', async () => {
    const before = state.boxes.length;
    win().close();
    expect(win().destroyed).toBe(true);
    expect(state.boxes.length).toBe(before);
    expect(existsSync(join(state.userData, 'window-state.json'))).toBe(true);
  });
});
