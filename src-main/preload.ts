/**
 * Preload for the main window. It runs sandboxed (see electron.vite.config.ts for why it is
 * built as CommonJS) and exposes named values on `window.mlpLab`, never `ipcRenderer` itself.
 * Later the typed api from shared/ipc.ts is exposed here the same way.
 */
import { contextBridge } from 'electron';

/** The app version from package.json, replaced at build time (see `define` in the config). */
declare const __MLP_LAB_VERSION__: string;

contextBridge.exposeInMainWorld('mlpLab', {
  version: __MLP_LAB_VERSION__,
  platform: process.platform,
});
