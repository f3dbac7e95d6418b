/**
 * Where the window's files come from and go to: the one place the desktop app and the browser
 * transport differ. The renderer names a file by path or sends its bytes (a browser upload);
 * main turns that into a local path it is willing to read or write, or refuses.
 *
 * - Desktop (`dialogFiles`): a path is accepted only if main handed it out itself (a native
 *   dialog the user answered, the recent list, a file the system opened with the app). An empty
 *   request asks with a dialog.
 * - Browser (`workspaceFiles`): a path must really lie inside the workspace folder, symbolic links
 *   followed (workspace-paths.ts); there are no dialogs (the page uses the browser's file picker
 *   and downloads instead).
 *
 * Uploads are written to a scratch folder (removed by `close`) and read from there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { NotAvailable } from '../../shared/errors';
import type { WorkspaceFile } from '../../shared/ipc';
import { Cancelled } from '../ipc/router';
import { workspacePaths } from './workspace-paths';

/** A file named by path or given as bytes (browser upload). */
export type FileSource = { path: string } | { bytes: Uint8Array; name: string };
/** A file the renderer names, or none (`{}`): then the user is asked with a dialog. */
export type FileRequest = FileSource | Record<string, never>;

/** What kind of file a dialog asks for (its title and filters). */
export type FileKind = 'project' | 'csv' | 'weights';

/** Native file dialogs (Electron); each resolves with a path, or null when cancelled. */
export interface Dialogs {
  openProject(): Promise<string | null>;
  saveProject(defaultName: string): Promise<string | null>;
  openCsv(): Promise<string | null>;
  openWeights(): Promise<string | null>;
  saveWeights(defaultName: string): Promise<string | null>;
  /** Where to write an exported model: an ONNX file or a PyTorch folder's zip. */
  saveExport(defaultName: string, kind: 'onnx' | 'zip'): Promise<string | null>;
}

/** The port through which every file of the window's calls is reached. */
export interface FileAccess {
  /** The workspace folder (browser transport), or null. */
  readonly workspace: string | null;
  /** True when `open`/`save` can ask with a native dialog. */
  readonly hasDialogs: boolean;
  /**
   * A local path to read: the named path if it may be used, a scratch copy of uploaded bytes, or
   * (`{}`) the path the user picks in a dialog. Throws NotAvailable when refused, Cancelled when
   * the user cancelled the dialog.
   */
  open(kind: FileKind, source: FileRequest): Promise<string>;
  /**
   * A local path to write, with `extension` added when it is missing: the named path if it may
   * be used, or (no path) the path the user picks in a save dialog offering `defaultName`.
   */
  save(kind: 'project' | 'weights' | 'onnx' | 'zip', extension: string, defaultName: string, path?: string): Promise<string>;
  /** A fresh scratch path for a file made to be downloaded (browser "save as"). */
  scratchFile(name: string): string;
  /** Deletes a scratch file `open` or `scratchFile` made, once its call is done; other paths are left alone. */
  discard(path: string): void;
  /**
   * The path of a file main already holds (the open project's), checked again right before it is
   * written. Browser: it must still lead to the same real file inside the workspace (a folder or
   * file swapped for a link since it was opened is refused). Desktop: the path as it is.
   */
  recheck(path: string): string;
  /** True when the page may use `path` now (browser: it lies inside the workspace; desktop: always). */
  owns(path: string): boolean;
  /** Lets later calls use `path`, which main itself handed out (recent list, a double-click). */
  grant(path: string): void;
  /** Project, CSV and weights files in the workspace folder, by name; [] without a workspace. */
  list(): WorkspaceFile[];
  /** Removes the scratch folder. */
  close(): void;
}

/** `path` with `extension` appended unless it already ends in it (any case). */
export function withExtension(path: string, extension: string): string {
  return extname(path).toLowerCase() === extension ? path : `${path}${extension}`;
}

/** Uploads and downloads pass through here: one temporary folder per app. */
class Scratch {
  private dir: string | null = null;

  private folder(): string {
    this.dir ??= mkdtempSync(join(tmpdir(), 'mlp-lab-files-'));
    return this.dir;
  }

  /** A new empty folder's path joined with a safe version of `name`. */
  file(name: string): string {
    const safe = basename(name).replace(/[^\w.\- ]/g, '_') || 'upload';
    return join(mkdtempSync(join(this.folder(), 'f-')), safe);
  }

  /** Deletes `path`'s own folder when `file` made it; anything else is left alone. */
  discard(path: string): void {
    if (this.dir === null) return;
    const folder = dirname(resolve(path));
    if (dirname(folder) === this.dir && basename(folder).startsWith('f-')) rmSync(folder, { recursive: true, force: true });
  }

  /** Writes uploaded bytes to a scratch file and returns its path. */
  upload(bytes: Uint8Array, name: string): string {
    const file = this.file(name);
    writeFileSync(file, bytes);
    return file;
  }

  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

/** The desktop app's files: native dialogs, and paths main handed out (`granted`). */
export function dialogFiles(dialogs: Dialogs, granted: Iterable<string> = []): FileAccess {
  const allowed = new Set<string>([...granted].map((p) => resolve(p)));
  const scratch = new Scratch();
  const pick = async (choose: () => Promise<string | null>): Promise<string> => {
    const p = await choose();
    if (!p) throw new Cancelled();
    const full = resolve(p);
    allowed.add(full);
    return full;
  };
  const grantedPath = (p: string): string => {
    const full = resolve(p);
    if (!allowed.has(full)) throw new NotAvailable('that file was not chosen in a file dialog: use File > Open');
    return full;
  };
  return {
    workspace: null,
    hasDialogs: true,
    async open(kind, source) {
      if ('bytes' in source) return scratch.upload(source.bytes, source.name);
      if ('path' in source) return grantedPath(source.path);
      return pick(() => (kind === 'project' ? dialogs.openProject() : kind === 'csv' ? dialogs.openCsv() : dialogs.openWeights()));
    },
    async save(kind, extension, defaultName, path) {
      if (path !== undefined) return grantedPath(withExtension(path, extension));
      return pick(() => (kind === 'project' ? dialogs.saveProject(defaultName) : kind === 'weights' ? dialogs.saveWeights(defaultName) : dialogs.saveExport(defaultName, kind)));
    },
    scratchFile: (name) => scratch.file(name),
    discard: (p) => scratch.discard(p),
    recheck: (p) => p,
    owns: () => true,
    grant: (p) => void allowed.add(resolve(p)),
    list: () => [],
    close: () => scratch.close(),
  };
}

/**
 * The browser transport's files: real paths inside `workspace` only (workspace-paths.ts: symbolic
 * links are followed and must stay inside), no dialogs.
 */
export function workspaceFiles(workspace: string): FileAccess {
  const paths = workspacePaths(workspace);
  const scratch = new Scratch();
  const noDialog = (): never => {
    throw new NotAvailable('choose a file with the page\'s file picker, or from the workspace folder');
  };
  return {
    workspace: paths.root,
    hasDialogs: false,
    async open(_kind, source) {
      if ('bytes' in source) return scratch.upload(source.bytes, source.name);
      return 'path' in source ? paths.readable(source.path) : noDialog();
    },
    async save(_kind, extension, _defaultName, path) {
      return path === undefined ? noDialog() : paths.writable(withExtension(path, extension));
    },
    scratchFile: (name) => scratch.file(name),
    discard: (p) => scratch.discard(p),
    recheck(p) {
      const real = paths.writable(p);
      if (real !== resolve(p)) throw new NotAvailable(`${p} now leads elsewhere (a link put in since it was opened): nothing was saved; use Save As`);
      return real;
    },
    owns: (p) => paths.contains(p),
    grant: () => {},
    list: () => paths.list(),
    close: () => scratch.close(),
  };
}
