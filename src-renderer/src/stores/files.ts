/**
 * Projects as files, from the window: New (from the dataset gallery), Open (workspace folder,
 * recent list, upload), Save, Save As, autosaved copies after a crash, and the question about
 * unsaved changes before a project is replaced.
 *
 * Which side asks about unsaved changes depends on the transport. In the desktop app main asks
 * with a native box before lab:newProject and lab:openProject run (src-main/app/project-commands),
 * so the page never asks twice. In a browser nothing else would ask, so the page does, with its
 * own dialog (Save / Don't Save / Cancel), and the page warns before it is closed or reloaded.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CallRequest, ProjectSummary, RecentProject, RecoveryInfo, WorkspaceFile } from '@shared/ipc';
import { api } from '../api';
import { downloadBlob } from '../lib/download';
import { dataChanged } from '../lib/spec-edit';
import { measureOn } from '../lib/view-worker';
import { errorText, useProjectStore } from './project';
import type { RunView } from './runs';

/** The answer to "save the changes first?". */
export type UnsavedAnswer = 'save' | 'discard' | 'cancel';

/** The answer to "another program changed the file's setup: whose do you keep?". */
export type ConflictAnswer = 'mine' | 'theirs' | 'cancel';

/** A question waiting in the spec-conflict dialog. */
export interface ConflictQuestion {
  message: string;
  answer(a: ConflictAnswer): void;
}

/** A question waiting in the unsaved-changes dialog. */
export interface UnsavedQuestion {
  /** "open another project", "start a new project", ... */
  action: string;
  name: string;
  answer(a: UnsavedAnswer): void;
}

export const useFilesStore = defineStore('files', () => {
  const project = useProjectStore();
  const recent = shallowRef<RecentProject[]>([]);
  const workspaceFiles = shallowRef<WorkspaceFile[]>([]);
  const recovery = shallowRef<RecoveryInfo[]>([]);
  /** Which dialog is open (one at a time). */
  const dialog = ref<'gallery' | 'open' | 'save' | 'import' | 'recovery' | 'summary' | null>(null);
  const question = shallowRef<UnsavedQuestion | null>(null);
  const conflict = shallowRef<ConflictQuestion | null>(null);
  const busy = ref(false);
  /** What an export under way is doing ("Drawing frame 3 of 40"), or null. */
  const exporting = ref<string | null>(null);
  /** Resolves the Save As dialog: true when saved, false when cancelled. */
  let saveDone: ((saved: boolean) => void) | null = null;

  const electron = computed(() => project.appInfo?.transport === 'electron');
  const workspace = computed(() => project.appInfo?.workspace ?? null);
  const dirty = computed(() => project.project?.dirty ?? false);

  async function act<T>(f: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    try {
      return await f();
    } catch (e) {
      if ((e as Error).name !== 'Cancelled') project.notice = { kind: 'error', text: errorText(e) };
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  /** Asks (browser only) whether to save unsaved changes before `action`; true to go ahead. */
  async function guard(action: string): Promise<boolean> {
    if (electron.value || !dirty.value) return true;
    const answer = await new Promise<UnsavedAnswer>((resolve) => {
      question.value = {
        action,
        name: project.project?.name ?? 'Untitled',
        answer: (a) => {
          question.value = null;
          resolve(a);
        },
      };
    });
    if (answer === 'cancel') return false;
    if (answer === 'discard') return true;
    return save();
  }

  /** Refreshes the lists the Open dialog shows. */
  async function loadLists(): Promise<void> {
    const [r, w] = await Promise.all([
      api.call('lab:listRecentProjects', {}),
      workspace.value ? api.call('lab:listWorkspace', {}) : Promise.resolve([] as WorkspaceFile[]),
    ]);
    recent.value = r;
    workspaceFiles.value = w;
  }

  /** New: the dataset gallery. */
  function showGallery(): void {
    dialog.value = 'gallery';
  }

  /** Creates a new project from the gallery's choice. */
  async function newProject(request: CallRequest<'lab:newProject'>): Promise<boolean> {
    if (!(await guard('start a new project'))) return false;
    const p = await act(() => api.call('lab:newProject', request));
    if (!p) return false;
    project.fieldErrors = {};
    project.refusedCosts = {};
    project.replace(p);
    dialog.value = null;
    return true;
  }

  /** Open: a native dialog (desktop) or the page's Open dialog (browser). */
  async function showOpen(): Promise<void> {
    if (electron.value) {
      await act(async () => project.replace(await api.call('lab:openProject', {})));
      return;
    }
    await act(loadLists);
    dialog.value = 'open';
  }

  async function opened(p: ProjectSummary | undefined, what: string): Promise<boolean> {
    if (!p) return false;
    project.replace(p);
    project.notice = { kind: 'info', text: `Opened ${what}.` };
    dialog.value = null;
    void act(loadLists);
    return true;
  }

  /** Opens a project file by path (workspace file name, or a recent project's path). */
  async function openPath(path: string, label = path): Promise<boolean> {
    if (!(await guard('open another project'))) return false;
    return opened(await act(() => api.call('lab:openProject', { path })), label);
  }

  /** Opens an uploaded (picked or dropped) project file. */
  async function openUpload(file: File): Promise<boolean> {
    if (!(await guard('open another project'))) return false;
    const bytes = new Uint8Array(await file.arrayBuffer());
    return opened(await act(() => api.call('lab:openProject', { bytes, name: file.name })), file.name);
  }

  /** Asks whose setup to keep when the file's was changed elsewhere. */
  function askConflict(message: string): Promise<ConflictAnswer> {
    return new Promise((resolve) => {
      conflict.value = {
        message,
        answer: (a) => {
          conflict.value = null;
          resolve(a);
        },
      };
    });
  }

  /**
   * Save: to the project's file, or Save As when it has none. When another program changed the
   * file's setup meanwhile, asks whose to keep first. Resolves true when saved.
   */
  async function save(): Promise<boolean> {
    if (!project.project?.path && !electron.value) return saveAs();
    const p = await act(async () => {
      try {
        return await api.call('lab:saveProject', {});
      } catch (e) {
        if ((e as Error).name !== 'SpecConflict') throw e;
        const choice = await askConflict((e as Error).message);
        if (choice === 'cancel') return undefined;
        return api.call('lab:saveProject', { specConflict: choice });
      }
    });
    if (!p) return false;
    project.replace(p);
    project.notice = { kind: 'info', text: `Saved ${p.name}.` };
    return true;
  }

  /** Save As: a native dialog (desktop) or the page's Save dialog. Resolves true when saved. */
  async function saveAs(): Promise<boolean> {
    if (electron.value) {
      const r = await act(() => api.call('lab:saveProjectAs', {}));
      if (r) project.replace(r.project);
      return !!r;
    }
    saveDone?.(false);
    dialog.value = 'save';
    return new Promise((resolve) => (saveDone = resolve));
  }

  function finishSave(saved: boolean): void {
    if (dialog.value === 'save') dialog.value = null;
    const done = saveDone;
    saveDone = null;
    done?.(saved);
  }

  /** Saves into the workspace folder as `name`.mlplab. */
  async function saveToWorkspace(name: string): Promise<void> {
    const r = await act(() => api.call('lab:saveProjectAs', { path: name }));
    if (r) {
      project.replace(r.project);
      project.notice = { kind: 'info', text: `Saved to ${r.project.path}.` };
    }
    finishSave(!!r);
  }

  /** Saves by downloading the project file. */
  async function saveDownload(name: string): Promise<void> {
    const file = `${name || 'mlp-lab-project'}.mlplab`;
    const r = await act(() => api.call('lab:saveProjectAs', { download: true, name: file }));
    if (r?.bytes) downloadBlob(new Blob([r.bytes as Uint8Array<ArrayBuffer>], { type: 'application/x-sqlite3' }), file);
    if (r) project.replace(r.project);
    finishSave(!!r);
  }

  /** Looks for autosaved copies left by a session that ended without saving; offers them. */
  async function checkRecovery(): Promise<void> {
    try {
      recovery.value = await api.call('lab:listRecovery', {});
      if (recovery.value.length && dialog.value === null) dialog.value = 'recovery';
    } catch {
      // No recovery store in this build: nothing to offer.
    }
  }

  /** Opens an autosaved copy as the (unsaved) project. */
  async function restoreCopy(copy: RecoveryInfo): Promise<void> {
    if (!(await guard('restore an autosaved copy'))) return;
    const p = await act(() => api.call('lab:openRecovery', { path: copy.path }));
    if (!p) return;
    project.replace(p);
    recovery.value = recovery.value.filter((c) => c.path !== copy.path);
    project.notice = { kind: 'info', text: `Restored the autosaved copy of ${copy.name}: save it to keep it.` };
    if (!recovery.value.length) dialog.value = null;
  }

  /** Deletes an autosaved copy the user does not want. */
  async function discardCopy(copy: RecoveryInfo): Promise<void> {
    await act(() => api.call('lab:discardRecovery', { path: copy.path }));
    recovery.value = recovery.value.filter((c) => c.path !== copy.path);
    if (!recovery.value.length && dialog.value === 'recovery') dialog.value = null;
  }

  /** A file name stem for exports: "project-run3". */
  const stem = (run: RunView) => `${(project.project?.name ?? 'mlp-lab').replace(/[^\w.-]+/g, '-')}-run${run.index}`;

  /** Writes a run's weights: a save dialog (desktop), the workspace folder, or a download. */
  async function exportWeights(run: RunView | null): Promise<void> {
    if (!run) {
      project.notice = { kind: 'error', text: 'There is no run to export: train first.' };
      return;
    }
    await act(async () => {
      const base = `${stem(run)}-weights`;
      if (electron.value) {
        const r = await api.call('lab:exportWeights', { runId: run.id });
        project.notice = { kind: 'info', text: `Exported the weights of run ${run.index} to ${r.path}.` };
      } else if (workspace.value) {
        const r = await api.call('lab:exportWeights', { runId: run.id, path: `${base}.json` });
        project.notice = { kind: 'info', text: `Exported the weights of run ${run.index} to ${r.path}.` };
      } else {
        const r = await api.call('lab:exportWeights', { runId: run.id, download: true });
        downloadBlob(new Blob([`${JSON.stringify(r.weights, null, 1)}\n`], { type: 'application/json' }), `${base}.json`);
      }
    });
  }

  /**
   * issue 20: a run as an ONNX model, or the current setup as a PyTorch training folder (a .zip):
   * a save dialog in the desktop app, a download in a browser.
   */
  async function exportModel(format: 'onnx' | 'pytorch', run: RunView | null = null, dtype: 'float32' | 'float64' = 'float32'): Promise<void> {
    if (format === 'onnx' && !run) {
      project.notice = { kind: 'error', text: 'There is no run to export: train first.' };
      return;
    }
    const request: CallRequest<'lab:exportModel'> = format === 'onnx' ? { format, runId: run!.id, dtype } : { format };
    const what = format === 'onnx' ? `the ONNX model of run ${run!.index}` : 'the PyTorch training folder of this setup';
    await act(async () => {
      if (electron.value) {
        const r = await api.call('lab:exportModel', request);
        project.notice = { kind: 'info', text: `Exported ${what} to ${r.path}.` };
      } else {
        const r = await api.call('lab:exportModel', { ...request, download: true });
        downloadBlob(new Blob([r.bytes as Uint8Array<ArrayBuffer>], { type: format === 'onnx' ? 'application/octet-stream' : 'application/zip' }), r.name);
        project.notice = { kind: 'info', text: `Exported ${what} as ${r.name}.` };
      }
    });
  }

  /** The learning animation of a run (boundary or curve at each kept snapshot) as a GIF download. */
  async function exportAnimation(run: RunView | null): Promise<void> {
    if (!run) {
      project.notice = { kind: 'error', text: 'There is no run to animate: train first.' };
      return;
    }
    if (!project.dataset) return;
    exporting.value = `Preparing the animation of run ${run.index}…`;
    try {
      await act(async () => {
        const d = await api.call('lab:getRun', { runId: run.id });
        // The data the run trained on (its own split after "Vary seeds"), as the window samples it.
        const data = project.datasetSpec && !dataChanged(run.spec, project.datasetSpec) && project.dataset ? project.dataset : await api.call('lab:getDataset', { runId: run.id });
        // Drawn and encoded in the measure worker.
        const { bytes, frames } = await measureOn(data).call(
          { kind: 'animation', spec: d.spec, label: `Run ${run.index}`, initialWeights: d.initialWeights, snapshots: d.snapshots, weights: d.weights, finalStep: d.metrics?.step ?? 0 },
          [],
          (done, total) => (exporting.value = `Drawing frame ${done} of ${total}…`),
        );
        const name = `${stem(run)}-learning.gif`;
        downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/gif' }), name);
        project.notice = { kind: 'info', text: `Saved the learning animation of run ${run.index} (${frames} frames) as ${name}.` };
      });
    } finally {
      exporting.value = null;
    }
  }

  return {
    exporting, exportWeights, exportAnimation, exportModel,
    recent, workspaceFiles, recovery, dialog, question, conflict, busy, electron, workspace, dirty,
    guard, loadLists, showGallery, newProject, showOpen, openPath, openUpload, save, saveAs, finishSave,
    saveToWorkspace, saveDownload, checkRecovery, restoreCopy, discardCopy,
  };
});
