/**
 * CSV preview and import for the app, on top of src-main/storage's streaming importer.
 */
import type { Dataset } from '../../shared/data/dataset';
import type { CallRequest, CsvPreviewPayload, DatasetInfo } from '../../shared/ipc';
import type { LabSpec } from '../../shared/spec';
import type { ImportControl } from '../storage/csv-import';

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
