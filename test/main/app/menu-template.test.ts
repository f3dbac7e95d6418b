import { describe, expect, it } from 'vitest';
import type { MenuCommand, RecentProject } from '../../../shared/ipc';
import {
  buildMenuTemplate, EXTERNAL_LINKS, flattenMenu, isAllowedExternalUrl, type MenuAction, type MenuItemSpec, type MenuOptions, toElectronTemplate,
} from '../../../src-main/app/menu-template';

const recent: RecentProject[] = [
  { path: '/home/ada/labs/xor.mlplab', name: 'xor', openedAt: '2025-01-02T00:00:00Z' },
  { path: 'C:\\Users\\ada\\R&D\\sine.mlplab', name: 'sine', openedAt: '2025-01-01T00:00:00Z' },
];
const opts = (o: Partial<MenuOptions> = {}): MenuOptions => ({ platform: 'linux', dev: false, appName: 'MLP Lab', recent, ...o });
const find = (items: MenuItemSpec[], id: string): MenuItemSpec => {
  const item = flattenMenu(items).find((i) => i.id === id);
  if (!item) throw new Error(`no menu item ${id}`);
  return item;
};
const ids = (items: MenuItemSpec[]) => flattenMenu(items).map((i) => i.id);

describe('application menu', () => {
  it('has File, Edit, View, Run, Help on Windows and Linux; the app and Window menus on macOS', () => {
    expect(buildMenuTemplate(opts()).map((m) => m.id)).toEqual(['file', 'edit', 'view', 'run', 'help']);
    expect(buildMenuTemplate(opts({ platform: 'win32' })).map((m) => m.id)).toEqual(['file', 'edit', 'view', 'run', 'help']);
    expect(buildMenuTemplate(opts({ platform: 'darwin' })).map((m) => m.id)).toEqual(['app', 'file', 'edit', 'view', 'run', 'window', 'help']);
  });

  it('File has the expected items with the usual shortcuts, in order', () => {
    const file = find(buildMenuTemplate(opts()), 'file').submenu!.filter((i) => i.type !== 'separator');
    expect(file.map((i) => [i.id, i.accelerator])).toEqual([
      ['file.new', 'CmdOrCtrl+N'],
      ['file.open', 'CmdOrCtrl+O'],
      ['file.recent', undefined],
      ['file.save', 'CmdOrCtrl+S'],
      ['file.saveAs', 'CmdOrCtrl+Shift+S'],
      ['file.importCsv', 'CmdOrCtrl+I'],
      ['file.exportWeights', 'CmdOrCtrl+E'],
      ['file.close', 'CmdOrCtrl+W'],
      ['file.quit', 'Ctrl+Q'],
    ]);
  });

  it('uses access keys on Windows and Linux and none on macOS', () => {
    expect(find(buildMenuTemplate(opts()), 'file').label).toBe('&File');
    expect(find(buildMenuTemplate(opts()), 'file.saveAs').label).toBe('Save &As...');
    const mac = buildMenuTemplate(opts({ platform: 'darwin' }));
    for (const item of flattenMenu(mac)) if (item.label && !item.id?.startsWith('file.recent.')) expect(item.label).not.toContain('&');
    expect(find(mac, 'file').label).toBe('File');
  });

  it('quits from the app menu on macOS, File > Exit on Windows, File > Quit (Ctrl+Q) on Linux', () => {
    const mac = buildMenuTemplate(opts({ platform: 'darwin' }));
    expect(find(mac, 'app.quit').role).toBe('quit');
    expect(ids(mac)).not.toContain('file.quit');
    const win = find(buildMenuTemplate(opts({ platform: 'win32' })), 'file.quit');
    expect(win).toMatchObject({ role: 'quit', label: 'E&xit' });
    expect(win.accelerator).toBeUndefined();
    expect(find(buildMenuTemplate(opts()), 'file.quit')).toMatchObject({ role: 'quit', accelerator: 'Ctrl+Q' });
  });

  it('lists recent projects (newest first) as items opening their path', () => {
    const items = find(buildMenuTemplate(opts()), 'file.recent').submenu!;
    expect(items.map((i) => i.action)).toEqual([
      { kind: 'open-recent', path: '/home/ada/labs/xor.mlplab' },
      { kind: 'open-recent', path: 'C:\\Users\\ada\\R&D\\sine.mlplab' },
    ]);
    expect(items[0].label).toBe('xor  —  /home/ada/labs');
    // A literal "&" is doubled where "&" marks access keys, and left alone on macOS.
    expect(items[1].label).toBe('sine  —  C:\\Users\\ada\\R&&D');
    expect(find(buildMenuTemplate(opts({ platform: 'darwin' })), 'file.recent.1').label).toBe('sine  —  C:\\Users\\ada\\R&D');
  });

  it('shows a disabled placeholder when there are no recent projects', () => {
    const items = find(buildMenuTemplate(opts({ recent: [] })), 'file.recent').submenu!;
    expect(items).toEqual([{ id: 'file.recent.none', label: 'No Recent Projects', enabled: false }]);
  });

  it('Edit is made of the standard roles', () => {
    const edit = find(buildMenuTemplate(opts()), 'edit').submenu!.filter((i) => i.type !== 'separator');
    expect(edit.map((i) => i.role)).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']);
    expect(ids(buildMenuTemplate(opts({ platform: 'darwin' })))).toContain('edit.pasteAndMatchStyle');
  });

  it('View offers reload and developer tools only in development', () => {
    const shipped = ids(buildMenuTemplate(opts()));
    for (const id of ['view.reload', 'view.forceReload', 'view.devTools']) expect(shipped).not.toContain(id);
    const dev = buildMenuTemplate(opts({ dev: true }));
    expect(find(dev, 'view.reload').role).toBe('reload');
    expect(find(dev, 'view.devTools').role).toBe('toggleDevTools');
  });

  it('View has zoom, full screen and the dark-mode toggle', () => {
    const view = buildMenuTemplate(opts());
    expect(['view.resetZoom', 'view.zoomIn', 'view.zoomOut', 'view.fullScreen'].map((id) => find(view, id).role))
      .toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    expect(find(view, 'view.darkMode').action).toEqual({ kind: 'renderer', command: 'toggle-theme' });
  });

  it('sends every item that needs the renderer\'s selection as a menu command', () => {
    const commands = flattenMenu(buildMenuTemplate(opts()))
      .map((i) => i.action)
      .filter((a): a is Extract<MenuAction, { kind: 'renderer' }> => a?.kind === 'renderer')
      .map((a) => a.command)
      .sort();
    const all: MenuCommand[] = ['check-gradient', 'export-weights', 'import-csv', 'new-project', 'reset', 'step', 'toggle-theme', 'train'];
    expect(commands).toEqual(all);
  });

  it('opens the gallery for New, and handles Open, Save, Save As and Close in main', () => {
    const m = buildMenuTemplate(opts());
    // New opens the window's dataset gallery; picking one asks about unsaved changes in main.
    expect(find(m, 'file.new').action).toEqual({ kind: 'renderer', command: 'new-project' });
    expect(find(m, 'file.open').action).toEqual({ kind: 'open-project' });
    expect(find(m, 'file.save').action).toEqual({ kind: 'save-project' });
    expect(find(m, 'file.saveAs').action).toEqual({ kind: 'save-project-as' });
    expect(find(m, 'file.close').action).toEqual({ kind: 'close-window' });
  });

  it('Help links to PRML with an allowed https URL, and has About', () => {
    for (const platform of ['linux', 'win32', 'darwin']) {
      const m = buildMenuTemplate(opts({ platform }));
      const link = find(m, 'help.prml').action;
      expect(link?.kind).toBe('open-link');
      expect(isAllowedExternalUrl((link as { url: string }).url)).toBe(true);
      expect(flattenMenu(m).some((i) => i.role === 'about')).toBe(true);
    }
  });

  it('gives no two items the same shortcut, and every item an id', () => {
    for (const platform of ['linux', 'win32', 'darwin']) {
      const items = flattenMenu(buildMenuTemplate(opts({ platform, dev: true })));
      const accelerators = items.map((i) => i.accelerator).filter(Boolean);
      expect(new Set(accelerators).size).toBe(accelerators.length);
      const itemIds = items.map((i) => i.id);
      expect(itemIds.every(Boolean)).toBe(true);
      expect(new Set(itemIds).size).toBe(itemIds.length);
    }
  });
});

describe('isAllowedExternalUrl', () => {
  it('allows exactly the listed https links', () => {
    for (const url of Object.values(EXTERNAL_LINKS)) expect(isAllowedExternalUrl(url)).toBe(true);
    expect(isAllowedExternalUrl(EXTERNAL_LINKS.prml.replace('https:', 'http:'))).toBe(false);
    expect(isAllowedExternalUrl(`${EXTERNAL_LINKS.prml}?next=https://evil.example`)).toBe(false);
    expect(isAllowedExternalUrl('https://evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternalUrl('')).toBe(false);
  });

  it('lists only https links', () => {
    for (const url of Object.values(EXTERNAL_LINKS)) expect(new URL(url).protocol).toBe('https:');
  });
});

describe('toElectronTemplate', () => {
  it('keeps ids, labels, roles, shortcuts and submenus, and wires clicks to the item\'s action', () => {
    const ran: MenuAction[] = [];
    const t = toElectronTemplate(buildMenuTemplate(opts()), (a) => ran.push(a));
    const file = t.find((m) => m.id === 'file')!;
    expect(file.label).toBe('&File');
    const save = (file.submenu as typeof t).find((i) => i.id === 'file.save')!;
    expect(save.accelerator).toBe('CmdOrCtrl+S');
    (save.click as () => void)();
    const recentItem = ((file.submenu as typeof t).find((i) => i.id === 'file.recent')!.submenu as typeof t)[0];
    (recentItem.click as () => void)();
    expect(ran).toEqual([{ kind: 'save-project' }, { kind: 'open-recent', path: '/home/ada/labs/xor.mlplab' }]);
  });

  it('gives role items and separators no click handler, so Electron\'s own behaviour applies', () => {
    const t = toElectronTemplate(buildMenuTemplate(opts()), () => {});
    const edit = t.find((m) => m.id === 'edit')!.submenu as typeof t;
    expect(edit.every((i) => i.click === undefined)).toBe(true);
    expect(edit.find((i) => i.id === 'edit.copy')).toEqual({ id: 'edit.copy', role: 'copy' });
  });
});
