/**
 * The application behind either transport: the worker pool, the training and project services,
 * and the router with one handler per call of shared/ipc.ts. The Electron main process and the
 * browser server (`npm run serve`) each build one and attach their transport to its router.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { BUILTINS } from '../../shared/data/builtin';
import { GALLERY } from '../../shared/gallery';
import type { AppInfo, CallRequest, LabEvent, ProjectSummary, RecentProject, RecoveryInfo, WorkspaceFile } from '../../shared/ipc';
import { Cancelled, type Handlers, Router, type RouterLog } from '../ipc/router';
import { type FileSource, NotAvailable, ProjectService, type ProjectStore } from '../services/project-service';
import { TrainingService } from '../training/training-service';
import { WorkerPool } from '../training/worker-pool';
import { addRecent, readRecent } from '../storage/recent-projects';
import type { RecoveryStore } from '../storage/app-storage';
import type { CsvService } from './csv-service';
import { modelFile } from './model-export';

/** Native file dialogs (Electron); each resolves with a path, or null when cancelled. */
export interface Dialogs {
  openProject(): Promise<string | null>;
  saveProject(defaultName: string): Promise<string | null>;
  openCsv(): Promise<string | null>;
  openWeights(): Promise<string | null>;
  saveWeights(defaultName: string): Promise<string | null>;
  /** issue 20: where to write an ONNX model or a PyTorch folder's zip (optional: hosts without it cannot ask). */
  saveExport?(defaultName: string, kind: 'onnx' | 'zip'): Promise<string | null>;
}

/** What the host (Electron or the browser server) provides. */
export interface Host {
  transport: 'electron' | 'browser';
  version: string;
  /** The folder the browser transport opens from and saves to; null in Electron. */
  workspace: string | null;
  /** Native dialogs (Electron), or null. */
  dialogs: Dialogs | null;
  /** Where recent projects (and recovery copies) are kept. */
  appDataDir: string;
  /** The trainer worker script (default: beside the built main process). */
  workerUrl?: URL | string;
  /** Worker threads (default: the machine's parallelism). */
  threads?: number;
  /** Reads and writes .mlplab files. */
  store: ProjectStore | null;
  /** CSV preview and import. */
  csv: CsvService | null;
  /** Autosave copies (null: no autosave). */
  recovery?: RecoveryStore | null;
  /** Seconds between autosaves of a project with unsaved changes (default 60). */
  autosaveSeconds?: number;
  log?: RouterLog;
}

/** A running application. */
export interface LabApp {
  router: Router;
  project: ProjectService;
  training: TrainingService;
  pool: WorkerPool;
  /** Recently opened projects that still exist, newest first. */
  recent: { list(): RecentProject[] };
  /**
   * Opens a project file that main itself was handed (command line, a double-click, the menu's
   * recent list), granting its path like a dialog would, and remembers it.
   */
  openFile(path: string): Promise<ProjectSummary>;
  /** Stops every run and thread. */
  close(): Promise<void>;
}

/** Builds the application for a host. */
export function createLabApp(host: Host): LabApp {
  const pool = new WorkerPool({ size: host.threads, workerUrl: host.workerUrl });
  const training = new TrainingService(pool);
  let router: Router | null = null;
  const emit = (e: LabEvent) => router?.emit(e);
  const project = new ProjectService(training, emit, host.store);
  /** Paths main itself handed out (dialogs, recent list): the only paths Electron accepts. */
  const granted = new Set<string>(readRecent(host.appDataDir).map((r) => resolve(r.path)));
  const scratch = mkdtempSync(join(tmpdir(), 'mlp-lab-upload-'));

  /** A path the renderer may use: inside the workspace (browser) or granted by main (Electron). */
  const allowPath = (p: string): string => {
    const full = resolve(host.workspace ?? '', p);
    if (host.workspace) {
      const rel = relative(resolve(host.workspace), full);
      if (rel === '' || rel.startsWith('..') || rel.includes(`..${sep}`) || resolve(host.workspace, rel) !== full) {
        throw new NotAvailable(`${p} is outside the workspace folder ${host.workspace}`);
      }
      return full;
    }
    if (!granted.has(full)) throw new NotAvailable('that file was not chosen in a file dialog: use File > Open');
    return full;
  };
  /** A file source as a local path: granted paths as they are, uploads via a scratch file. */
  const localFile = (src: FileSource): string => {
    if ('path' in src) return allowPath(src.path);
    const safe = basename(src.name).replace(/[^\w.\- ]/g, '_') || 'upload';
    const file = join(mkdtempSync(join(scratch, 'f-')), safe);
    writeFileSync(file, src.bytes);
    return file;
  };
  const ask = async (pick: ((d: Dialogs) => Promise<string | null>) | null): Promise<string> => {
    if (!host.dialogs || !pick) throw new NotAvailable('choose a file with the page\'s file picker, or from the workspace folder');
    const p = await pick(host.dialogs);
    if (!p) throw new Cancelled();
    granted.add(resolve(p));
    return resolve(p);
  };
  const recent = {
    list: (): RecentProject[] =>
      readRecent(host.appDataDir, true).map((r) => ({ path: r.path, name: basename(r.path, extname(r.path)), openedAt: r.openedAt })),
  };
  const remember = (path: string | null) => {
    if (path) {
      addRecent(host.appDataDir, path);
      granted.add(resolve(path));
    }
  };

  // Autosave: a project with unsaved changes gets a recovery copy at most every minute, so a
  // crash loses at most that much; a real save removes the copy.
  const untitledKey = { untitled: `${process.pid}-${Date.now()}` };
  const recoveryKey = () => (project.currentPath ? { path: project.currentPath } : untitledKey);
  let lastAutosave = Date.now();
  const autosaveMs = (host.autosaveSeconds ?? 60) * 1000;
  const autosave = host.recovery
    ? setInterval(() => {
        if (!project.isDirty || Date.now() - lastAutosave < autosaveMs) return;
        lastAutosave = Date.now();
        try {
          host.recovery!.write(recoveryKey(), project.snapshot());
        } catch (e) {
          host.log?.error('autosave failed', e);
        }
      }, Math.min(autosaveMs, 15000))
    : null;
  autosave?.unref();
  /** An autosaved copy opened with lab:openRecovery: the project now saved in its place. */
  let restoredCopy: string | null = null;
  /** Deletes one recovery copy and its note (the layout of storage/recovery.ts: <key>.mlplab + <key>.json). */
  const dropCopy = (copyPath: string) => {
    rmSync(copyPath, { force: true });
    rmSync(copyPath.replace(/\.mlplab$/i, '.json'), { force: true });
  };
  const saved = () => {
    host.recovery?.discard(recoveryKey());
    host.recovery?.discard(untitledKey);
    // A restored copy of a project never saved has another session's key: remove it by path.
    if (restoredCopy) dropCopy(restoredCopy);
    restoredCopy = null;
  };
  /** The CSV import under way, to cancel (one at a time: a new import cancels the last). */
  let importing: AbortController | null = null;

  const csv = (): CsvService => {
    if (!host.csv) throw new NotAvailable('CSV import is not available in this build');
    return host.csv;
  };

  const handlers: Handlers = {
    'lab:getAppInfo': (): AppInfo => ({
      version: host.version,
      platform: process.platform,
      transport: host.transport,
      workspace: host.workspace,
      threads: pool.size,
    }),
    'lab:getProject': () => project.summary(),
    'lab:newProject': (r: CallRequest<'lab:newProject'>) => {
      restoredCopy = null;
      return project.newProject(r.builtin, { n: r.n, noise: r.noise, classes: r.classes, seed: r.seed });
    },
    'lab:openProject': async (r: CallRequest<'lab:openProject'>) => {
      const path = 'path' in r || 'bytes' in r ? localFile(r as FileSource) : await ask((d) => d.openProject());
      const summary = await project.openProject(path);
      restoredCopy = null;
      if ('bytes' in r) return summary; // an upload has no place on disk to remember
      remember(path);
      return project.summary();
    },
    'lab:saveProject': async () => {
      if (!project.currentPath && host.dialogs) {
        const path = await ask((d) => d.saveProject(`${project.summary().name}.mlplab`));
        const s = await project.save(path);
        remember(path);
        saved();
        return s;
      }
      const s = await project.save();
      saved();
      return s;
    },
    'lab:saveProjectAs': async (r: CallRequest<'lab:saveProjectAs'>) => {
      if ('download' in r) {
        if (!host.store) throw new NotAvailable('project files are not available in this build');
        const file = join(mkdtempSync(join(scratch, 'd-')), 'download.mlplab');
        await host.store.write(file, project.snapshot());
        const { readFileSync } = await import('node:fs');
        return { project: project.summary(), bytes: new Uint8Array(readFileSync(file)) };
      }
      const path = 'path' in r ? allowPath(withExtension(r.path, '.mlplab')) : await ask((d) => d.saveProject(`${project.summary().name}.mlplab`));
      const s = await project.save(path);
      remember(path);
      saved();
      return { project: s };
    },
    'lab:listRecentProjects': () => recent.list(),
    'lab:listRecovery': (): RecoveryInfo[] =>
      (host.recovery?.list() ?? [])
        .filter((c) => c.source !== (project.currentPath ? resolve(project.currentPath) : null) || !project.isDirty)
        .map((c) => ({ ...c, name: c.source ? basename(c.source, extname(c.source)) : 'Untitled' })),
    'lab:openRecovery': async (r: CallRequest<'lab:openRecovery'>) => {
      const copy = host.recovery?.list().find((c) => resolve(c.path) === resolve(r.path));
      if (!copy) throw new NotAvailable('that autosaved copy no longer exists');
      if (copy.source) granted.add(resolve(copy.source));
      const summary = await project.openCopy(copy.path, copy.source);
      restoredCopy = copy.path;
      return summary;
    },
    'lab:listWorkspace': (): WorkspaceFile[] => {
      if (!host.workspace) return [];
      return readdirSync(host.workspace)
        .filter((f) => /\.(mlplab|csv|json)$/i.test(f))
        .map((name) => {
          const st = statSync(join(host.workspace!, name));
          return { name, size: st.size, modified: st.mtime.toISOString() };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    'lab:updateSpec': (r: CallRequest<'lab:updateSpec'>) => project.updateSpec(r.spec),
    'lab:setUiState': (r: CallRequest<'lab:setUiState'>) => project.setUiState(r.key, r.value),
    'lab:listBuiltins': () => [...BUILTINS],
    'lab:listExamples': () => [...GALLERY],
    'lab:openExample': (r: CallRequest<'lab:openExample'>) => project.openExample(r.id),
    'lab:getDataset': () => project.getDataset(),
    'lab:previewCsv': (r: CallRequest<'lab:previewCsv'>) => csv().preview(localFile(r.file as FileSource), r.options ?? {}),
    'lab:importCsv': async (r: CallRequest<'lab:importCsv'>) => {
      const service = csv();
      const file = localFile(r.file as FileSource);
      const name = 'name' in r.file ? r.file.name : basename(file);
      importing?.abort();
      const control = new AbortController();
      importing = control;
      try {
        const { dataset, info, spec } = await service.import(file, name, r, project.currentSpec, {
          signal: control.signal,
          onProgress: (p) => emit({ type: 'import-progress', file: name, bytesRead: p.bytesRead, totalBytes: p.totalBytes, rows: p.rows }),
        });
        return project.useImportedData(dataset, info, spec);
      } finally {
        if (importing === control) importing = null;
      }
    },
    'lab:exportWeights': async (r: CallRequest<'lab:exportWeights'>) => {
      const weights = project.weightsOf(r.runId);
      if ('download' in r) return { weights };
      const path = 'path' in r ? allowPath(withExtension(r.path, '.json')) : await ask((d) => d.saveWeights(`${project.summary().name}-weights.json`));
      writeFileSync(path, `${JSON.stringify(weights, null, 1)}\n`);
      return { path, weights };
    },
    // issue 20: ONNX and PyTorch exports (app/model-export.ts).
    'lab:exportModel': async (r: CallRequest<'lab:exportModel'>) => {
      const file = modelFile(r, { name: project.summary().name, version: host.version, weightsOf: (id) => project.weightsOf(id), spec: project.currentSpec, dataset: () => project.dataset() });
      if (r.download) return { name: file.name, bytes: file.bytes };
      if (!host.dialogs?.saveExport) throw new NotAvailable('this window cannot ask where to save: ask for a download (download: true)');
      const path = await ask((d) => d.saveExport!(file.name, file.kind));
      writeFileSync(path, file.bytes);
      return { name: file.name, path };
    },
    'lab:importWeights': async (r: CallRequest<'lab:importWeights'>) => {
      if ('bytes' in r) return project.importWeights(new TextDecoder().decode(r.bytes), r.name);
      const path = 'path' in r ? allowPath(r.path) : await ask((d) => d.openWeights());
      return project.importWeightsFile(path);
    },
    'lab:startRun': (r: CallRequest<'lab:startRun'>) => project.startRun(r.paused ?? false),
    'lab:pauseRun': (r: CallRequest<'lab:pauseRun'>) => project.pauseRun(r.runId),
    'lab:resumeRun': (r: CallRequest<'lab:resumeRun'>) => project.resumeRun(r.runId),
    'lab:stepRun': (r: CallRequest<'lab:stepRun'>) => project.stepRun(r.runId, r.steps, r.epoch),
    'lab:stopRun': (r: CallRequest<'lab:stopRun'>) => project.stopRun(r.runId),
    'lab:resetRun': (r: CallRequest<'lab:resetRun'>) => project.resetRun(r.runId),
    'lab:setRunSettings': (r: CallRequest<'lab:setRunSettings'>) => project.setRunSettings(r.runId, r.learningRate, r.speed),
    'lab:getRun': (r: CallRequest<'lab:getRun'>) => project.getRun(r.runId),
    'lab:deleteRun': (r: CallRequest<'lab:deleteRun'>) => project.deleteRun(r.runId),
    'lab:checkGradient': (r: CallRequest<'lab:checkGradient'>) => project.checkGradient(r.runId, r.samples, r.tolerance),

    // -- data, projects and run history in the window ---------------------------------------
    'lab:cancelImport': () => {
      importing?.abort();
      return null;
    },
    'lab:discardRecovery': (r: CallRequest<'lab:discardRecovery'>) => {
      const copy = host.recovery?.list().find((c) => resolve(c.path) === resolve(r.path));
      if (copy) dropCopy(copy.path);
      return null;
    },
    'lab:restoreRun': (r: CallRequest<'lab:restoreRun'>) => project.restoreRun(r.runId, r.weights ?? false),
    'lab:clearInitialWeights': () => project.clearInitialWeights(),
    'lab:startRuns': (r: CallRequest<'lab:startRuns'>) => project.startRuns(r.overrides),
  };
  router = new Router(handlers, host.log);

  return {
    router,
    project,
    training,
    pool,
    recent,
    async openFile(path: string) {
      const full = resolve(path);
      granted.add(full);
      await project.openProject(full);
      remember(full);
      return project.summary();
    },
    async close() {
      if (autosave) clearInterval(autosave);
      await Promise.all(training.list().filter((id) => !['finished', 'stopped', 'diverged', 'failed'].includes(training.status(id))).map((id) => training.stop(id)));
      await pool.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

function withExtension(path: string, ext: string): string {
  return extname(path).toLowerCase() === ext ? path : `${path}${ext}`;
}
