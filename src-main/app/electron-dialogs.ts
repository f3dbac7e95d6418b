/**
 * Native dialogs for the desktop app: the open and save pickers behind the Dialogs interface of
 * file-access.ts (the only way a path reaches main from the user), plus the unsaved-changes question
 * and error boxes. Thin wrappers over Electron's `dialog`, attached to the lab window as sheets.
 */
import { join } from 'node:path';
import { type BrowserWindow, dialog, type FileFilter, type MessageBoxOptions, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import type { Dialogs } from './file-access';
import { PROJECT_EXTENSION } from './launch-paths';

const PROJECTS: FileFilter = { name: 'MLP Lab projects', extensions: [PROJECT_EXTENSION] };
const CSV: FileFilter = { name: 'CSV and text data', extensions: ['csv', 'tsv', 'txt'] };
const WEIGHTS: FileFilter = { name: 'Weights (JSON)', extensions: ['json'] };
const ONNX: FileFilter = { name: 'ONNX models', extensions: ['onnx'] };
const ZIP: FileFilter = { name: 'Zip archives', extensions: ['zip'] };
const ANY: FileFilter = { name: 'All files', extensions: ['*'] };

/** Where dialogs open, and the window they belong to. */
export interface DialogContext {
  window(): BrowserWindow | null;
  /** The folder a dialog starts in (the open project's folder, else Documents). */
  folder(): string;
}

async function open(ctx: DialogContext, options: OpenDialogOptions): Promise<string | null> {
  const win = ctx.window();
  const opts: OpenDialogOptions = { defaultPath: ctx.folder(), properties: ['openFile'], ...options };
  const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

async function save(ctx: DialogContext, defaultName: string, options: SaveDialogOptions): Promise<string | null> {
  const win = ctx.window();
  const opts: SaveDialogOptions = { defaultPath: join(ctx.folder(), defaultName), properties: ['showOverwriteConfirmation', 'createDirectory'], ...options };
  const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
  return r.canceled || !r.filePath ? null : r.filePath;
}

/** The Dialogs of file-access.ts, as native pickers. */
export function createElectronDialogs(ctx: DialogContext): Dialogs {
  return {
    openProject: () => open(ctx, { title: 'Open Project', filters: [PROJECTS, ANY] }),
    saveProject: (name) => save(ctx, name, { title: 'Save Project', filters: [PROJECTS] }),
    openCsv: () => open(ctx, { title: 'Import CSV', filters: [CSV, ANY] }),
    openWeights: () => open(ctx, { title: 'Import Weights', filters: [WEIGHTS, ANY] }),
    saveWeights: (name) => save(ctx, name, { title: 'Export Weights', filters: [WEIGHTS] }),
    saveExport: (name, kind) => save(ctx, name, { title: kind === 'onnx' ? 'Export ONNX Model' : 'Export PyTorch Training Folder', filters: [kind === 'onnx' ? ONNX : ZIP] }),
  };
}

/** Shows a message box attached to the window; resolves with the button pressed. */
export async function askBox(win: BrowserWindow | null, options: MessageBoxOptions): Promise<number> {
  const r = win && !win.isDestroyed() ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
  return r.response;
}

/** Shows an error the user can act on (never a stack trace). */
export function showErrorBox(win: BrowserWindow | null, title: string, message: string): void {
  void askBox(win, { type: 'error', message: title, detail: message, buttons: ['OK'], noLink: true });
}
