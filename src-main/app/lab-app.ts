/**
 * The application behind either transport: the worker pool, the training and project services,
 * and the router with one handler per call of shared/ipc.ts. The Electron main process and the
 * browser server (`npm run serve`) each build one and attach their transport to its router; they
 * differ only in their `FileAccess` (file-access.ts): native dialogs, or a workspace folder.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { BUILTINS } from '../../shared/data/builtin';
import { NotAvailable } from '../../shared/errors';
import { GALLERY } from '../../shared/gallery';
import type { AppInfo, LabEvent, ProjectSummary, RecentProject, RecoveryInfo } from '../../shared/ipc';
import { type Handlers, Router, type RouterLog } from '../ipc/router';
import { ProjectService } from '../services/project-service';
import type { CsvService, ProjectStore, RecoveryStore } from '../storage/ports';
import { addRecent, readRecent } from '../storage/recent-projects';
import { Analyses } from '../training/analyses';
import { TrainingService } from '../training/training-service';
import { WorkerPool } from '../training/worker-pool';
import { Autosave } from './autosave';
import type { FileAccess } from './file-access';
import { modelFile } from './model-export';

/** What the host (Electron or the browser server) provides. */
export interface Host {
  transport: 'electron' | 'browser';
  version: string;
  /** Where the window's files come from and go to (file-access.ts). */
  files: FileAccess;
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
  const project = new ProjectService(training, new Analyses(pool), emit, host.store);
  const files = host.files;
  for (const r of readRecent(host.appDataDir)) files.grant(r.path);
  const autosave = host.recovery ? new Autosave(project, host.recovery, host.autosaveSeconds ?? 60, host.log) : null;

  // The recent list and the autosaved copies are kept per user, not per workspace: the page sees
  // only those of files it may use (browser: inside its workspace; an untitled copy has no file).
  const recent = {
    list: (): RecentProject[] =>
      readRecent(host.appDataDir, true)
        .filter((r) => files.owns(r.path))
        .map((r) => ({ path: r.path, name: basename(r.path, extname(r.path)), openedAt: r.openedAt })),
  };
  const recoveryCopies = () => (host.recovery?.list() ?? []).filter((c) => c.source === null || files.owns(c.source));
  /** A project now lives at `path`: it goes on the recent list and may be reopened. */
  const remember = (path: string) => {
    addRecent(host.appDataDir, path);
    files.grant(path);
  };
  /** The project was written to `path` for real. */
  const saved = (path: string) => {
    remember(path);
    autosave?.saved();
  };
  const requireStore = (): ProjectStore => {
    if (!host.store) throw new NotAvailable('project files are not available in this build');
    return host.store;
  };
  const csv = (): CsvService => {
    if (!host.csv) throw new NotAvailable('CSV import is not available in this build');
    return host.csv;
  };
  const defaultName = (suffix: string) => `${project.summary().name}${suffix}`;
  /** The CSV import under way, to cancel (one at a time: a new import cancels the last). */
  let importing: AbortController | null = null;

  const handlers: Handlers = {
    'lab:getAppInfo': (): AppInfo => ({
      version: host.version,
      platform: process.platform,
      transport: host.transport,
      workspace: files.workspace,
      threads: pool.size,
    }),
    'lab:getProject': () => project.summary(),
    'lab:newProject': (r) => {
      autosave?.openedCopy(null);
      return project.newProject(r.builtin, { n: r.n, noise: r.noise, classes: r.classes, seed: r.seed });
    },
    'lab:openProject': async (r) => {
      const path = await files.open('project', r);
      if ('bytes' in r) {
        // An upload has no place on disk to save back to or remember: it opens untitled, and its
        // scratch copy goes once read.
        try {
          const summary = await project.openProject(path, basename(r.name, extname(r.name)) || 'Untitled');
          autosave?.openedCopy(null);
          return summary;
        } finally {
          files.discard(path);
        }
      }
      const summary = await project.openProject(path);
      autosave?.openedCopy(null);
      remember(path);
      return summary;
    },
    'lab:saveProject': async (r) => {
      // The project's own file is checked again before it is written (browser: still inside the workspace).
      const held = project.currentPath;
      const path = held !== null ? files.recheck(held) : files.hasDialogs ? await files.save('project', '.mlplab', defaultName('.mlplab')) : undefined;
      const summary = await project.save(path, r.specConflict);
      saved(summary.path!);
      return summary;
    },
    'lab:saveProjectAs': async (r) => {
      if ('download' in r) {
        requireStore();
        const file = files.scratchFile('download.mlplab');
        try {
          await project.saveCopy(file);
          return { project: project.summary(), bytes: new Uint8Array(readFileSync(file)) };
        } finally {
          files.discard(file);
        }
      }
      const path = await files.save('project', '.mlplab', defaultName('.mlplab'), 'path' in r ? r.path : undefined);
      const summary = await project.save(path);
      saved(path);
      return { project: summary };
    },
    'lab:listRecentProjects': () => recent.list(),
    'lab:listRecovery': (): RecoveryInfo[] =>
      recoveryCopies()
        .filter((c) => c.source !== (project.currentPath ? resolve(project.currentPath) : null) || !project.isDirty)
        .map((c) => ({ ...c, name: c.source ? basename(c.source, extname(c.source)) : 'Untitled' })),
    'lab:openRecovery': async (r) => {
      const copy = recoveryCopies().find((c) => resolve(c.path) === resolve(r.path));
      if (!copy) throw new NotAvailable('that autosaved copy no longer exists');
      if (copy.source) files.grant(copy.source);
      const summary = await project.openCopy(copy.path, copy.source);
      autosave?.openedCopy(copy.path);
      return summary;
    },
    'lab:listWorkspace': () => files.list(),
    'lab:updateSpec': (r) => project.updateSpec(r.spec),
    'lab:setUiState': (r) => project.setUiState(r.key, r.value),
    'lab:listBuiltins': () => [...BUILTINS],
    'lab:listExamples': () => [...GALLERY],
    'lab:openExample': (r) => project.openExample(r.id),
    'lab:getDataset': (r) => project.getDataset(r.runId),
    'lab:previewCsv': async (r) => {
      const file = await files.open('csv', r.file);
      try {
        return await csv().preview(file, r.options ?? {});
      } finally {
        if ('bytes' in r.file) files.discard(file);
      }
    },
    'lab:importCsv': async (r) => {
      const service = csv();
      const file = await files.open('csv', r.file);
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
        if ('bytes' in r.file) files.discard(file);
      }
    },
    'lab:exportWeights': async (r) => {
      const weights = project.weightsOf(r.runId);
      if ('download' in r) return { weights };
      const path = await files.save('weights', '.json', defaultName('-weights.json'), 'path' in r ? r.path : undefined);
      writeFileSync(path, `${JSON.stringify(weights, null, 1)}\n`);
      return { path, weights };
    },
    // issue 20: ONNX and PyTorch exports (app/model-export.ts).
    'lab:exportModel': async (r) => {
      const file = modelFile(r, { name: project.summary().name, version: host.version, weightsOf: (id) => project.weightsOf(id), spec: project.currentSpec, dataset: () => project.dataset() });
      if (r.download) return { name: file.name, bytes: file.bytes };
      const path = await files.save(file.kind, `.${file.kind}`, file.name);
      writeFileSync(path, file.bytes);
      return { name: file.name, path };
    },
    'lab:importWeights': async (r) => {
      if ('bytes' in r) return project.importWeights(new TextDecoder().decode(r.bytes), r.name);
      const path = await files.open('weights', r);
      return project.importWeights(readFileSync(path, 'utf8'), basename(path));
    },
    'lab:startRun': (r) => project.startRun(r),
    'lab:pauseRun': (r) => project.runs.pause(r.runId),
    'lab:resumeRun': (r) => project.runs.resume(r.runId),
    'lab:stepRun': (r) => project.runs.step(r.runId, r.steps, r.epoch),
    'lab:stopRun': (r) => project.runs.stop(r.runId),
    'lab:resetRun': (r) => project.runs.reset(r.runId),
    'lab:setRunSettings': (r) => project.runs.setSettings(r.runId, r.learningRate, r.speed),
    'lab:getRun': (r) => project.runs.detail(r.runId),
    'lab:deleteRun': (r) => project.deleteRun(r.runId),
    'lab:checkGradient': (r) => project.checkGradient(r.runId, r.samples, r.tolerance),
    'lab:curvature': (r) => project.curvature(r.runId),
    'lab:cancelImport': () => {
      importing?.abort();
      return null;
    },
    'lab:discardRecovery': (r) => {
      const copy = recoveryCopies().find((c) => resolve(c.path) === resolve(r.path));
      if (copy) host.recovery!.discardCopy(copy.path);
      return null;
    },
    'lab:restoreRun': (r) => project.restoreRun(r.runId, r.weights ?? false),
    'lab:clearInitialWeights': () => project.clearInitialWeights(),
    'lab:startRuns': (r) => project.startRuns(r.overrides, r),
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
      files.grant(full);
      const summary = await project.openProject(full);
      remember(full);
      return summary;
    },
    async close() {
      autosave?.close();
      await training.stopAll();
      await pool.close();
      files.close();
    },
  };
}
