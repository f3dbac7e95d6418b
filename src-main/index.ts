/**
 * Electron main process: one window, secure defaults, nothing else yet. Menus, dialogs and the
 * IPC router are wired in here later; the work itself lives in services, not in this file.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, session } from 'electron';

/** The Content-Security-Policy for every response; index.html carries the same as a <meta>. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The renderer's URL: the Vite dev server under `electron-vite dev`, else the built file. */
const rendererUrl =
  process.env['ELECTRON_RENDERER_URL'] ??
  pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href;

let mainWindow: BrowserWindow | null = null;

/** True when `url` is the renderer page itself (a hash or query change is not navigation). */
function isRendererPage(url: string): boolean {
  const strip = (u: string): string => {
    const parsed = new URL(u);
    return parsed.origin + parsed.pathname;
  };
  try {
    return strip(url) === strip(rendererUrl);
  } catch {
    return false;
  }
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    title: 'MLP Lab',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(rendererUrl);
  return win;
}

// A second launch focuses the running window instead of opening another lab on the same files.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Applies to every web contents, including any created later: the app shows only its own
  // page, so navigation elsewhere and new windows are refused outright.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      if (!isRendererPage(event.url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  void app.whenReady().then(() => {
    // Headers cover http(s) responses (the dev server); file:// pages rely on the <meta> CSP.
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] },
      });
    });
    // No camera, notifications, geolocation, ...: the lab needs none of them.
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, grant) =>
      grant(false),
    );

    mainWindow = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
