/**
 * The open project as the app's File menu sees it: New, Open, Save, Save As, the recent list
 * and the recovery copy. One session per window; no Electron here (the app-data folder is
 * passed in), so it runs the same in tests.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Project } from './project';
import { type ProjectFileInfo, readProjectFile, writeProjectFile } from './project-file';
import { ProjectFileError } from './project-inspect';
import { addRecent, readRecent, type RecentProject, removeRecent } from './recent-projects';
import { type AutosaveOptions, Autosaver, discardRecovery, findRecovery, type RecoveryCopy, type RecoveryKey } from './recovery';

/** What opening a project found. */
export interface OpenReport {
  info: ProjectFileInfo;
  /** A recovery copy newer than the file (the app stopped before saving): offer to restore it. */
  recovery: RecoveryCopy | null;
}

/** The open project, its file, and whether it has unsaved changes. */
export class ProjectSession {
  private current: Project;
  private file: string | null = null;
  private changed = false;
  private readonly untitled = randomUUID();
  private readonly autosaver: Autosaver;

  /** A session on a new, unsaved project. */
  constructor(readonly appData: string, project: Project, options: AutosaveOptions = {}) {
    this.current = project;
    this.changed = true;
    this.autosaver = new Autosaver(appData, options);
  }

  /** The project as it is now (treat as read-only; change it through `update`). */
  get project(): Project {
    return this.current;
  }

  /** The file the project was opened from or last saved to; null for a new project. */
  get path(): string | null {
    return this.file;
  }

  /** True when there are changes not saved to the file. */
  get dirty(): boolean {
    return this.changed;
  }

  private get key(): RecoveryKey {
    return this.file ? { path: this.file } : { untitled: this.untitled };
  }

  /**
   * Opens the project at `path` in place of the current one. Throws ProjectFileError (and drops
   * the file from the recent list) when it cannot; the current project then stays open.
   */
  open(path: string): OpenReport {
    const abs = resolve(path);
    let opened;
    try {
      opened = readProjectFile(abs);
    } catch (e) {
      if (e instanceof ProjectFileError && e.problem === 'missing') removeRecent(this.appData, abs);
      throw e;
    }
    this.leave();
    this.current = opened.project;
    this.file = abs;
    this.changed = opened.info.migratedFrom !== null; // saving writes the current schema
    addRecent(this.appData, abs);
    return { info: opened.info, recovery: findRecovery(this.appData, abs) };
  }

  /** Replaces the project with the recovery copy's (unsaved until the user saves). */
  restore(copy: RecoveryCopy): void {
    const { project } = readProjectFile(copy.path);
    this.current = project;
    this.changed = true;
  }

  /** Starts a new, unsaved project. */
  replace(project: Project): void {
    this.leave();
    this.current = project;
    this.file = null;
    this.changed = true;
  }

  /** Applies a change: `change` returns the new project (throwing leaves the project as it was). */
  update(change: (project: Project) => Project): void {
    this.current = change(this.current);
    this.changed = true;
  }

  /** Saves to the project's file; a new project has none (ProjectFileError: use Save As). */
  save(): void {
    if (!this.file) throw new ProjectFileError('unsaved', '', 'this project has not been saved yet: choose where to save it (Save As)');
    this.saveTo(this.file);
  }

  /** Saves to `path`, which becomes the project's file. */
  saveAs(path: string): void {
    const abs = resolve(path);
    const before = this.key;
    this.saveTo(abs);
    if (JSON.stringify(before) !== JSON.stringify(this.key)) discardRecovery(this.appData, before);
  }

  private saveTo(abs: string): void {
    writeProjectFile(abs, this.current);
    this.file = abs;
    this.changed = false;
    discardRecovery(this.appData, { path: abs });
    this.autosaver.reset();
    addRecent(this.appData, abs);
  }

  /**
   * Writes the recovery copy if there are unsaved changes and the autosave interval has passed;
   * call it on a timer or after edits. Returns whether it wrote.
   */
  autosave(): boolean {
    if (!this.changed) return false;
    return this.autosaver.maybeSave(this.key, this.current);
  }

  /** The recent-projects list (files still there). */
  recent(): RecentProject[] {
    return readRecent(this.appData, true);
  }

  /** Closes the project: its recovery copy goes unless there are unsaved changes to protect. */
  close(): void {
    if (!this.changed) discardRecovery(this.appData, this.key);
  }

  private leave(): void {
    // The user chose to leave the old project (the UI asked about unsaved changes first).
    discardRecovery(this.appData, this.key);
  }
}
