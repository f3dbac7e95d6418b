/**
 * Preload for the main window. It runs sandboxed (see electron.vite.config.ts for why it is
 * built as CommonJS) and exposes `window.mlpLab` as built by src-main/ipc/preload-bridge.ts:
 * version, platform, onEvent and one function per call of shared/ipc.ts. Never `ipcRenderer`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge, type RendererIpc } from './ipc/preload-bridge';

/** The app version from package.json, replaced at build time (see `define` in the config). */
declare const __MLP_LAB_VERSION__: string;

const ipc: RendererIpc = {
  invoke: (channel, ...args) => ipcRenderer.invoke(channel, ...args),
  on: (channel, listener) => ipcRenderer.on(channel, listener),
  removeListener: (channel, listener) => ipcRenderer.removeListener(channel, listener),
};

contextBridge.exposeInMainWorld('mlpLab', createBridge(ipc, { version: __MLP_LAB_VERSION__, platform: process.platform }));
