/**
 * The application menu as plain data: File, Edit, View, Run, (Window,) Help, with the shortcuts
 * people expect on each platform. Every item that does something names its action; roles (copy,
 * zoom, full screen, ...) are Electron's own. `buildMenuTemplate` is pure and tested; index.ts
 * turns the result into Electron's Menu with `toElectronTemplate` and carries the actions out
 * (src-main/app/menu-actions.ts).
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentProject } from '../../shared/ipc';

/** What a menu item does. */
export type MenuAction =
  /** Handled in main: project files and the window. */
  | { kind: 'new-project' | 'open-project' | 'save-project' | 'save-project-as' | 'close-window' }
  /** Opens a project from the recent list. */
  | { kind: 'open-recent'; path: string }
  /** Opens one of EXTERNAL_LINKS in the system browser. */
  | { kind: 'open-link'; url: string }
  /** Needs the renderer (it knows the selected run, the theme, ...): sent as a menu-command event. */
  | { kind: 'renderer'; command: MenuCommand };

/** Electron menu roles used here. */
export type MenuRole = NonNullable<MenuItemConstructorOptions['role']>;

/** One menu item as plain data. */
export interface MenuItemSpec {
  /** Stable id ("file.save", "help.prml"): Electron's MenuItem id, and what tests look for. */
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'submenu';
  role?: MenuRole;
  accelerator?: string;
  enabled?: boolean;
  action?: MenuAction;
  submenu?: MenuItemSpec[];
}

/** The only pages the app opens in the system browser (https only; see isAllowedExternalUrl). */
export const EXTERNAL_LINKS = {
  /** Bishop's PRML at Microsoft Research, with the free PDF of the book (chapter 5: neural networks). */
  prml: 'https://www.microsoft.com/en-us/research/publication/pattern-recognition-machine-learning/',
} as const;

/** True only for an https URL listed in EXTERNAL_LINKS, character for character. */
export function isAllowedExternalUrl(url: string): boolean {
  if (!(Object.values(EXTERNAL_LINKS) as string[]).includes(url)) return false;
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** What the menu depends on. */
export interface MenuOptions {
  platform: string;
  /** Show Reload and the developer tools (unpackaged builds). */
  dev: boolean;
  appName: string;
  /** Recently opened projects, newest first. */
  recent: readonly RecentProject[];
}

const sep = (id: string): MenuItemSpec => ({ id, type: 'separator' });

/** A label with a Windows/Linux access key ("&File"); macOS menus have none. */
function access(label: string, mac: boolean): string {
  return mac ? label.replace('&', '') : label;
}

/** Recent projects as menu items: "name  —  folder", numbered so that equal names stay apart. */
function recentItems(recent: readonly RecentProject[], mac: boolean): MenuItemSpec[] {
  if (recent.length === 0) return [{ id: 'file.recent.none', label: 'No Recent Projects', enabled: false }];
  return recent.map((r, i) => {
    const folder = r.path.slice(0, Math.max(r.path.lastIndexOf('/'), r.path.lastIndexOf('\\')));
    const label = `${r.name}  —  ${folder}`;
    // On Windows and Linux "&" marks an access key: "&&" is a literal ampersand.
    return { id: `file.recent.${i}`, label: mac ? label : label.replaceAll('&', '&&'), action: { kind: 'open-recent', path: r.path } };
  });
}

/** The whole application menu. */
export function buildMenuTemplate(options: MenuOptions): MenuItemSpec[] {
  const mac = options.platform === 'darwin';
  const a = (label: string) => access(label, mac);
  const menus: MenuItemSpec[] = [];

  if (mac) {
    menus.push({
      id: 'app',
      label: options.appName,
      submenu: [
        { id: 'app.about', role: 'about' },
        sep('app.sep1'),
        { id: 'app.services', role: 'services' },
        sep('app.sep2'),
        { id: 'app.hide', role: 'hide' },
        { id: 'app.hideOthers', role: 'hideOthers' },
        { id: 'app.unhide', role: 'unhide' },
        sep('app.sep3'),
        { id: 'app.quit', role: 'quit' },
      ],
    });
  }

  menus.push({
    id: 'file',
    label: a('&File'),
    submenu: [
      { id: 'file.new', label: a('&New Project...'), accelerator: 'CmdOrCtrl+N', action: { kind: 'renderer', command: 'new-project' } },
      { id: 'file.open', label: a('&Open...'), accelerator: 'CmdOrCtrl+O', action: { kind: 'open-project' } },
      { id: 'file.recent', label: a('Open &Recent'), submenu: recentItems(options.recent, mac) },
      sep('file.sep1'),
      { id: 'file.save', label: a('&Save'), accelerator: 'CmdOrCtrl+S', action: { kind: 'save-project' } },
      { id: 'file.saveAs', label: a('Save &As...'), accelerator: 'CmdOrCtrl+Shift+S', action: { kind: 'save-project-as' } },
      sep('file.sep2'),
      { id: 'file.importCsv', label: a('&Import CSV...'), accelerator: 'CmdOrCtrl+I', action: { kind: 'renderer', command: 'import-csv' } },
      { id: 'file.exportWeights', label: a('&Export Weights...'), accelerator: 'CmdOrCtrl+E', action: { kind: 'renderer', command: 'export-weights' } },
      sep('file.sep3'),
      { id: 'file.close', label: a('&Close'), accelerator: 'CmdOrCtrl+W', action: { kind: 'close-window' } },
      // macOS quits from the app menu; Windows and Linux from File.
      // Windows exits with Alt+F4 (no menu shortcut); Linux desktops use Ctrl+Q.
      ...(mac ? [] : [sep('file.sep4'), options.platform === 'win32'
        ? { id: 'file.quit', role: 'quit' as const, label: 'E&xit' }
        : { id: 'file.quit', role: 'quit' as const, label: '&Quit', accelerator: 'Ctrl+Q' }]),
    ],
  });

  menus.push({
    id: 'edit',
    label: a('&Edit'),
    submenu: [
      { id: 'edit.undo', role: 'undo' },
      { id: 'edit.redo', role: 'redo' },
      sep('edit.sep1'),
      { id: 'edit.cut', role: 'cut' },
      { id: 'edit.copy', role: 'copy' },
      { id: 'edit.paste', role: 'paste' },
      ...(mac ? [{ id: 'edit.pasteAndMatchStyle', role: 'pasteAndMatchStyle' as const }] : []),
      { id: 'edit.delete', role: 'delete' },
      sep('edit.sep2'),
      { id: 'edit.selectAll', role: 'selectAll' },
    ],
  });

  menus.push({
    id: 'view',
    label: a('&View'),
    submenu: [
      ...(options.dev
        ? [
            { id: 'view.reload', role: 'reload' as const },
            { id: 'view.forceReload', role: 'forceReload' as const },
            { id: 'view.devTools', role: 'toggleDevTools' as const },
            sep('view.sep0'),
          ]
        : []),
      { id: 'view.resetZoom', role: 'resetZoom' },
      { id: 'view.zoomIn', role: 'zoomIn' },
      { id: 'view.zoomOut', role: 'zoomOut' },
      sep('view.sep1'),
      { id: 'view.fullScreen', role: 'togglefullscreen' },
      { id: 'view.darkMode', label: a('Toggle &Dark Mode'), accelerator: 'CmdOrCtrl+Shift+D', action: { kind: 'renderer', command: 'toggle-theme' } },
    ],
  });

  menus.push({
    id: 'run',
    label: a('&Run'),
    submenu: [
      { id: 'run.train', label: a('&Train / Pause'), accelerator: 'CmdOrCtrl+Enter', action: { kind: 'renderer', command: 'train' } },
      { id: 'run.step', label: a('&Step'), accelerator: 'CmdOrCtrl+Shift+Enter', action: { kind: 'renderer', command: 'step' } },
      { id: 'run.reset', label: a('&Reset to Initial Weights'), action: { kind: 'renderer', command: 'reset' } },
      sep('run.sep1'),
      { id: 'run.checkGradient', label: a('Check &Gradient'), accelerator: 'CmdOrCtrl+Shift+G', action: { kind: 'renderer', command: 'check-gradient' } },
    ],
  });

  if (mac) menus.push({ id: 'window', role: 'windowMenu' });

  menus.push({
    id: 'help',
    role: 'help',
    label: a('&Help'),
    submenu: [
      { id: 'help.prml', label: 'PRML, Chapter 5: Neural Networks (Bishop)', action: { kind: 'open-link', url: EXTERNAL_LINKS.prml } },
      ...(mac ? [] : [sep('help.sep1'), { id: 'help.about', role: 'about' as const, label: a(`&About ${options.appName}`) }]),
    ],
  });

  return menus;
}

/** Every item of a template, depth first (for lookups and tests). */
export function flattenMenu(items: readonly MenuItemSpec[]): MenuItemSpec[] {
  return items.flatMap((i) => [i, ...flattenMenu(i.submenu ?? [])]);
}

/**
 * Electron's template for `items`: each item with an action gets a click handler calling
 * `run(action)`. Types only from 'electron', so this is tested in plain Node too.
 */
export function toElectronTemplate(items: readonly MenuItemSpec[], run: (action: MenuAction) => void): MenuItemConstructorOptions[] {
  return items.map((item) => {
    const out: MenuItemConstructorOptions = {};
    if (item.id !== undefined) out.id = item.id;
    if (item.label !== undefined) out.label = item.label;
    if (item.type !== undefined) out.type = item.type;
    if (item.role !== undefined) out.role = item.role;
    if (item.accelerator !== undefined) out.accelerator = item.accelerator;
    if (item.enabled !== undefined) out.enabled = item.enabled;
    if (item.submenu) out.submenu = toElectronTemplate(item.submenu, run);
    const action = item.action;
    if (action) out.click = () => run(action);
    return out;
  });
}
