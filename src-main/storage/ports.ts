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

/** Reads and writes project files. */
export interface ProjectStore {
  read(path: string): ProjectData | Promise<ProjectData>;
  /** Writes atomically: the old file stays whole if anything fails. */
  write(path: string, data: ProjectData): void | Promise<void>;
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
  write(key: RecoveryKey, data: ProjectData): RecoveryCopy;
  discard(key: RecoveryKey): void;
  /** Deletes the copy at a path `list` gave. */
  discardCopy(path: string): void;
  list(): RecoveryCopy[];
}
