/**
 * What the services ask of storage, as interfaces storage implements (app-storage.ts): reading
 * and writing project files, CSV preview and import, and autosaved recovery copies. The services
 * and the app depend on these; storage depends on nothing above it.
 */
import type { Dataset } from '../../shared/data/dataset';
import type { CallRequest, CsvPreviewPayload, DatasetInfo } from '../../shared/ipc';
import type { LabSpec } from '../../shared/spec';
import type { ImportControl } from './csv-import';
import type { ProjectRun } from './project';
import type { FileBase } from './project-file';
import type { RecoveryCopy, RecoveryKey } from './recovery';

/** What a project file holds, as the project service sees it. */
export interface ProjectData {
  spec: LabSpec;
  /** The raw dataset for CSV data; null for built-in data (regenerated from the spec). */
  dataset: Dataset | null;
  datasetInfo: DatasetInfo | null;
  /** Run history, oldest first, each with what exporting its weights needs. */
  runs: ProjectRun[];
  uiState: Record<string, unknown>;
}

/** A project as read from its file, with what a later save into that file starts from. */
export interface OpenedProject {
  data: ProjectData;
  /** Null when the file must be written whole on its next save (it was migrated from an older schema). */
  base: FileBase | null;
}

/** What a save into a project's own file did (project-save.ts SaveResult, in the service's terms). */
export interface SavedProject {
  /** What the file holds now, for the next save. */
  base: FileBase;
  /** Runs another program added to the file meanwhile. */
  added: ProjectRun[];
  /** The file's spec, when the save kept it (specConflict 'theirs'); else null. */
  theirSpec: LabSpec | null;
}

/** Reads and writes project files. Every write is a transaction on the file (project-save.ts). */
export interface ProjectStore {
  read(path: string): OpenedProject | Promise<OpenedProject>;
  /**
   * Saves into the file the project was read from (or last saved to), merging with what others
   * wrote since `base`; throws SpecConflict when its spec was changed by someone else, unless
   * `specConflict` says whose spec to keep.
   */
  save(path: string, data: ProjectData, base: FileBase, specConflict?: 'mine' | 'theirs'): SavedProject | Promise<SavedProject>;
  /** Writes the whole project to `path` (Save As, a download's copy); resolves with its base. */
  write(path: string, data: ProjectData): Promise<FileBase>;
  /** What the project file at `path` holds now, for saving other data into it (a restored copy). */
  baseOf(path: string): FileBase;
}

/** Options the import wizard sets. */
export type CsvOptions = NonNullable<CallRequest<'lab:previewCsv'>['options']>;

/** A CSV file turned into the project's data and the spec's data section. */
export interface ImportedData {
  dataset: Dataset;
  info: DatasetInfo;
  spec: LabSpec;
}

/** Preview and import of CSV files. */
export interface CsvService {
  preview(path: string, options: CsvOptions): Promise<CsvPreviewPayload>;
  /** Imports a whole file; `control` reports progress and cancels (ImportCancelled). */
  import(path: string, name: string, request: CallRequest<'lab:importCsv'>, current: LabSpec, control?: ImportControl): Promise<ImportedData>;
}

/** Recovery copies of the open project (autosave), in the storage model of recovery.ts. */
export interface RecoveryStore {
  write(key: RecoveryKey, data: ProjectData): Promise<RecoveryCopy>;
  discard(key: RecoveryKey): void;
  /** Deletes the copy at a path `list` gave. */
  discardCopy(path: string): void;
  list(): RecoveryCopy[];
}
