/**
 * Electron main process: thin wiring only. It builds the lab (src-main/app/lab-app.ts) for the
 * 'electron' transport, opens one secure window, and connects Electron's pieces to tested plain
 * modules: the IPC transport (ipc/electron-transport.ts, ipc/trusted-sender.ts), the menu
 * (app/menu-template.ts), what menu items and double-clicked files do (app/project-commands.ts,
 * app/unsaved-changes.ts), the title (app/window-title.ts), the window's place
 * (app/window-state.ts) and paths handed in by the system (app/launch-paths.ts).
 */
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, Menu, screen, session, shell } from 'electron';
import type { ProjectSummary, RecentProject } from '../shared/ipc';
import { CSP, DEV_SERVER_CSP } from './app/content-security-policy';
import { denyBluetooth, denyPermissionsAndDevices } from './app/device-permissions';
import { askBox, createElectronDialogs, showErrorBox } from './app/electron-dialogs';
import { dialogFiles } from './app/file-access';
import { createLabApp, type LabApp } from './app/lab-app';
import { projectFileFromArgv, unpackedAsarPath } from './app/launch-paths';
import { rendererUrl as rendererUrlFor } from './app/renderer-url';
import { buildMenuTemplate, isAllowedExternalUrl, toElectronTemplate } from './app/menu-template';
import { createProjectCommands, type ProjectCommands } from './app/project-commands';
import { loadWindowState, MIN_SIZE, placeWindow, saveWindowState } from './app/window-state';
import { APP_TITLE, windowTitle } from './app/window-title';
import { ElectronTransport } from './ipc/electron-transport';
import { isRendererPage } from './ipc/trusted-sender';
import { createAppStorage } from './storage/app-storage';

/**
 * The renderer's URL: the Vite dev server under `electron-vite dev`, else the built file; a
 * packaged app ignores ELECTRON_RENDERER_URL (app/renderer-url.ts).
 */
const rendererUrl = rendererUrlFor({ packaged: app.isPackaged, env: process.env, mainDir: import.meta.dirname });

/** Unpackaged (npm start, electron-vite dev): View offers Reload and the developer tools. */
const dev = !app.isPackaged;

/**
 * The trainer worker beside this file. In a packaged app it is unpacked from app.asar (see
 * asarUnpack in package.json "build"), because worker threads start from the real file system.
 */
const workerUrl = pathToFileURL(unpackedAsarPath(join(import.meta.dirname, 'trainer-worker.js')));

let mainWindow: BrowserWindow | null = null;
let lab: LabApp | null = null;
let commands: ProjectCommands | null = null;
let transport: ElectronTransport | null = null;
/** A quit is under way (Cmd+Q, File > Quit): an approved window close goes on to quit. */
let quitting = false;
/** A project file to open once the app is ready (command line, or macOS open-file before ready). */
let pendingFile: string | null = projectFileFromArgv(process.argv, process.cwd());

const log = {
  warn: (message: string) => console.warn(`mlp-lab: ${message}`),
  error: (message: string, error?: unknown) => console.error(`mlp-lab: ${message}`, error ?? ''),
};

function showTitle(win: BrowserWindow, project: Pick<ProjectSummary, 'name' | 'dirty' | 'path'>): void {
  if (win.isDestroyed()) return;
  const t = windowTitle(project, process.platform);
  win.setTitle(t.title);
  if (process.platform === 'darwin') {
    win.setDocumentEdited(t.documentEdited);
    win.setRepresentedFilename(t.representedFilename);
  }
}

/** Rebuilds the menu: its Open Recent list comes from the same call the renderer makes. */
async function refreshMenu(): Promise<void> {
  const listed = lab ? await lab.router.call('lab:listRecentProjects', {}) : null;
  const recent = listed?.ok ? (listed.value as RecentProject[]) : [];
  const template = buildMenuTemplate({ platform: process.platform, dev, appName: APP_TITLE, recent });
  Menu.setApplicationMenu(Menu.buildFromTemplate(toElectronTemplate(template, (action) => {
    // macOS keeps running without a window: a menu action brings one back first.
    if (action.kind !== 'close-window') ensureWindow();
    void commands?.run(action);
  })));
}

/** Opens a project file the system handed us, now or once the window exists. */
function openHandedFile(path: string): void {
  if (!commands || !mainWindow) {
    pendingFile = path;
    return;
  }
  void commands.openPath(path);
}

function createWindow(): BrowserWindow {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const place = placeWindow(loadWindowState(stateFile), screen.getAllDisplays().map((d) => d.workArea), screen.getPrimaryDisplay().workArea);
  const win = new BrowserWindow({
    ...(place.x !== undefined && place.y !== undefined ? { x: place.x, y: place.y } : {}),
    width: place.width,
    height: place.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: APP_TITLE,
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  if (place.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  // The title belongs to main (project name + unsaved marker), not to the page's <title>.
  win.on('page-title-updated', (event) => event.preventDefault());
  transport?.attach(win);
  if (lab) showTitle(win, lab.project.summary());

  let approved = false;
  let asking = false;
  win.on('close', (event) => {
    saveWindowState(stateFile, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
    if (approved || !lab?.project.isDirty || !commands) return;
    event.preventDefault();
    if (asking) return;
    asking = true;
    void commands.confirm(quitting ? 'quit' : 'close').then((ok) => {
      asking = false;
      if (!ok) {
        quitting = false;
        return;
      }
      approved = true;
      if (quitting) app.quit();
      else win.close();
    });
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
    // macOS keeps the app running: the closed document is gone, a reopened window starts fresh.
    if (!quitting && process.platform === 'darwin') void lab?.project.newProject().catch((e: unknown) => log.error('could not reset the project', e));
  });
  void win.loadURL(rendererUrl);
  return win;
}

function ensureWindow(): BrowserWindow {
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createWindow();
  return mainWindow;
}

function start(): void {
  // Headers cover http(s) responses (the dev server); file:// pages rely on the <meta> CSP.
  // Vite's dev server injects stylesheets as <style> elements: only it gets inline styles.
  const csp = dev ? DEV_SERVER_CSP : CSP;
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // No camera, notifications, geolocation, devices, ...: the lab needs none of them.
  denyPermissionsAndDevices(session.defaultSession);

  const dataDir = app.getPath('userData');
  const dialogs = createElectronDialogs({
    window: () => mainWindow,
    folder: () => (lab?.project.currentPath ? dirname(lab.project.currentPath) : app.getPath('documents')),
  });
  lab = createLabApp({
    transport: 'electron',
    version: app.getVersion(),
    files: dialogFiles(dialogs),
    appDataDir: dataDir,
    workerUrl,
    ...createAppStorage(dataDir),
    log,
  });
  const labApp = lab;

  commands = createProjectCommands({
    platform: process.platform,
    call: (name, request) => labApp.router.call(name, request),
    project: () => ({ dirty: labApp.project.isDirty, name: labApp.project.summary().name }),
    openTrusted: async (path) => {
      await labApp.openFile(path);
    },
    ask: (p) => askBox(mainWindow, { type: p.type, message: p.message, detail: p.detail, buttons: p.buttons, defaultId: p.defaultId, cancelId: p.cancelId, noLink: p.noLink }),
    showError: (title, message) => showErrorBox(mainWindow, title, message),
    sendToRenderer: (command) => labApp.router.emit({ type: 'menu-command', command }),
    closeWindow: () => mainWindow?.close(),
    openExternal: (url) => void shell.openExternal(url),
    refreshMenu: () => void refreshMenu(),
    isAllowedUrl: isAllowedExternalUrl,
    log,
  });
  const projectCommands = commands;
  transport = new ElectronTransport(labApp.router, { rendererUrl, beforeCall: (name) => projectCommands.beforeCall(name), log });

  // The title follows the project; the recent list (menu, OS) follows its path.
  let lastPath: string | null = null;
  labApp.router.subscribe((event) => {
    if (event.type !== 'project-changed') return;
    if (mainWindow) showTitle(mainWindow, event.project);
    if (event.project.path !== lastPath) {
      lastPath = event.project.path;
      if (lastPath) app.addRecentDocument(lastPath);
      void refreshMenu();
    }
  });

  app.setAboutPanelOptions({
    applicationName: APP_TITLE,
    applicationVersion: app.getVersion(),
    copyright: 'MIT License',
    credits: 'Multilayer perceptrons after Bishop, Pattern Recognition and Machine Learning, chapter 5.',
  });
  void refreshMenu();
  ensureWindow();
  if (pendingFile) {
    const file = pendingFile;
    pendingFile = null;
    void projectCommands.openPath(file);
  }

  app.on('activate', () => {
    ensureWindow();
  });
}

// A second launch (a double-clicked .mlplab on Windows and Linux, or `mlp-lab file.mlplab`)
// hands its command line to this instance and exits.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const file = projectFileFromArgv(argv, workingDirectory);
    if (!app.isReady() || !transport) {
      if (file) pendingFile = file;
      return;
    }
    const win = ensureWindow();
    if (win.isMinimized()) win.restore();
    win.focus();
    if (file) openHandedFile(file);
  });

  // macOS: a double-click in Finder or a drop on the Dock icon (possibly before 'ready').
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openHandedFile(path);
  });

  // Applies to every web contents, including any created later: the app shows only its own
  // page, so navigation elsewhere, new windows and <webview>s are refused outright; a link to
  // one of the app's own https pages opens in the system browser.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      if (!isRendererPage(event.url, rendererUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    denyBluetooth(contents);
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  app.on('before-quit', () => {
    quitting = true;
  });

  // Runs are stopped and worker threads ended before the process goes.
  let shutDown = false;
  app.on('will-quit', (event) => {
    if (shutDown || !lab) return;
    event.preventDefault();
    shutDown = true;
    void lab.close().catch((e: unknown) => log.error('shutting down', e)).finally(() => app.quit());
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(start);
}
