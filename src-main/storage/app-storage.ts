/**
 * src-main/storage behind the ports of ports.ts: the `ProjectStore` the project service reads and
 * writes projects through, the `CsvService` behind the import wizard, and the `RecoveryStore` of
 * autosaved copies. The hosts (src-main/index.ts, serve.ts) wire them with `createAppStorage`.
 *
 * The project service holds a dataset as the engine sees it (inputs and targets encoded). The
 * project file keeps the imported table itself (every column, with its kind and categories), so
 * the two services share a WeakMap from each encoded dataset to the table it came from; a
 * dataset without one (made elsewhere) is stored as its encoded columns.
 */
import { basename } from 'node:path';
import type { Dataset } from '../../shared/data/dataset';
import type { CsvPreviewPayload, DatasetInfo } from '../../shared/ipc';
import { type LabSpec, parseSpec } from '../../shared/spec';
import { importCsv, previewCsv } from './csv-import';
import type { ColumnInfo, CsvReadOptions } from './csv-types';
import { summarizeDataset } from './dataset-summary';
import { networkForImport } from './import-network';
import { datasetFromTable } from './load-data';
import type { CsvOptions, CsvService, ImportedData, ProjectData, ProjectStore, RecoveryStore } from './ports';
import type { Project, ProjectDataset } from './project';
import { readFileBase, readProjectFile } from './project-file';
import { saveProjectFile, writeProjectFile } from './project-save';
import { discardRecovery, listRecovery, removeCopy, writeRecovery } from './recovery';

/** Settings key marking a dataset stored as encoded columns (no source table was known). */
const ENCODED = 'encodedDataset';

function numericColumn(name: string): ColumnInfo {
  return { name, kind: 'numeric', valueType: 'number', categories: null, missing: 0, firstMissingLine: null, invalid: 0, firstInvalid: null, distinct: null, integer: false, stats: null, reason: null };
}

/** A dataset's encoded columns as a table (inputs then targets), for datasets with no source table. */
function encodedTable(d: Dataset, source: string): ProjectDataset {
  const names = [...d.inputNames, ...d.targetNames];
  const data = names.map((_, j) => {
    const k = j < d.inputNames.length ? d.inputNames.length : d.targetNames.length;
    const from = j < d.inputNames.length ? d.inputs : d.targets;
    const col = j < d.inputNames.length ? j : j - d.inputNames.length;
    return Float64Array.from({ length: d.n }, (_, r) => from[r * k + col]);
  });
  return {
    file: source, importedAt: new Date().toISOString(),
    settings: { [ENCODED]: { inputs: d.inputNames, targets: d.targetNames, classLabels: d.classLabels ?? null } } as CsvReadOptions,
    format: { delimiter: ',', decimal: '.', header: true, encoding: 'utf-8', newline: '\n' },
    rows: d.n, columns: names.map(numericColumn), data, lines: Int32Array.from({ length: d.n }, (_, r) => r + 2), blankLines: 0, notes: [],
  };
}

/** The dataset of a stored table: re-encoded for the spec, or read back as stored when it was stored encoded. */
function datasetOf(spec: LabSpec, table: ProjectDataset): Dataset {
  const encoded = (table.settings as Record<string, unknown>)[ENCODED] as { inputs: string[]; targets: string[]; classLabels: string[] | null } | undefined;
  if (!encoded) return datasetFromTable(spec, table).data;
  const n = table.rows;
  const pack = (names: string[]) => {
    const out = new Float64Array(n * names.length);
    names.forEach((name, j) => {
      const col = table.data[table.columns.findIndex((c) => c.name === name)];
      for (let r = 0; r < n; r++) out[r * names.length + j] = col[r];
    });
    return out;
  };
  const d: Dataset = { inputs: pack(encoded.inputs), targets: pack(encoded.targets), n, inputNames: encoded.inputs, targetNames: encoded.targets };
  if (encoded.classLabels) d.classLabels = encoded.classLabels;
  return d;
}

function infoOf(d: Dataset, name: string): DatasetInfo {
  return { source: 'csv', name, n: d.n, inputNames: [...d.inputNames], targetNames: [...d.targetNames] };
}

/** The project store and CSV service on .mlplab files and papaparse, sharing what tables datasets came from. */
export function createAppStorage(appDataDir: string): { store: ProjectStore; csv: CsvService; recovery: RecoveryStore } {
  const tables = new WeakMap<Dataset, ProjectDataset>();
  const store: ProjectStore = {
    read(path: string) {
      const { project, base, info } = readProjectFile(path);
      let dataset: Dataset | null = null;
      let datasetInfo: DatasetInfo | null = null;
      if (project.dataset) {
        dataset = datasetOf(project.spec, project.dataset);
        tables.set(dataset, project.dataset);
        datasetInfo = { ...infoOf(dataset, basename(project.dataset.file)), summary: summarizeDataset(project.dataset, dataset, project.spec) };
      }
      // A file migrated in memory is written whole (in the current schema) when next saved.
      return { data: { spec: project.spec, dataset, datasetInfo, runs: project.runs, uiState: project.ui }, base: info.migratedFrom === null ? base : null };
    },
    save(path, data, base, specConflict) {
      const r = saveProjectFile(path, toProject(data), base, specConflict ? { specConflict } : {});
      return { base: r.base, added: r.added, theirSpec: r.theirSpec };
    },
    write: (path, data) => writeProjectFile(path, toProject(data)),
    baseOf: (path) => readFileBase(path),
  };

  /** The storage model of what the app holds. */
  const toProject = (data: ProjectData): Project => {
    let dataset: ProjectDataset | null = null;
    if (data.dataset) {
      dataset = tables.get(data.dataset) ?? encodedTable(data.dataset, data.datasetInfo?.name ?? 'data.csv');
      tables.set(data.dataset, dataset);
    }
    return { spec: data.spec, dataset, runs: data.runs, ui: data.uiState };
  };

  const recovery: RecoveryStore = {
    write: (key, data) => writeRecovery(appDataDir, key, toProject(data)),
    discard: (key) => discardRecovery(appDataDir, key),
    discardCopy: (path) => removeCopy(path),
    list: () => listRecovery(appDataDir),
  };

  const csv: CsvService = {
    async preview(path: string, options: CsvOptions): Promise<CsvPreviewPayload> {
      const p = await previewCsv(path, options);
      return {
        file: p.file,
        delimiter: p.format.delimiter,
        decimal: p.format.decimal,
        hasHeader: p.format.header,
        columns: p.columns.map((c) => ({
          name: c.name,
          kind: c.kind,
          missing: c.missing,
          ...(c.categories ? { categories: c.categories.slice(0, 50) } : {}),
          ...(c.stats ? { min: c.stats.min, max: c.stats.max, mean: c.stats.mean } : {}),
          ...(c.reason ? { suggestion: `leave it out: ${c.reason}` } : c.invalid ? { suggestion: `line ${c.firstInvalid?.line} holds "${c.firstInvalid?.value}", not a number: fix it, or read the column as categories` } : {}),
        })),
        rows: p.rows,
        totalRowsEstimate: p.totalRowsEstimate,
      };
    },
    async import(path, name, request, current, control): Promise<ImportedData> {
      const options = request.options ?? {};
      const table = await importCsv(path, options, control);
      const spec = parseSpec({
        ...current,
        data: {
          csv: name,
          inputs: request.inputs,
          targets: request.targets,
          normalize: request.normalize ?? true,
          split: request.split ?? current.data.split,
          delimiter: table.format.delimiter,
          decimal: table.format.decimal,
          header: table.format.header,
          encoding: table.format.encoding,
          missing: options.missing ?? 'drop',
          categorical: options.categorical ?? [],
        },
        // issue 16: a fitting cost from any lab (a mixture density one too), Xavier/He unless kept
        network: networkForImport(table, request.targets, current.network, { scaledInit: request.scaledInit ?? true }),
      });
      const stored: ProjectDataset = { ...table, file: name, importedAt: new Date().toISOString(), settings: options };
      const dataset = datasetFromTable(spec, stored).data;
      tables.set(dataset, stored);
      return { dataset, info: { ...infoOf(dataset, name), summary: summarizeDataset(stored, dataset, spec) }, spec };
    },
  };
  return { store, csv, recovery };
}
