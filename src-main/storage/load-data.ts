/**
 * Loads the dataset a spec names: a built-in generator, a CSV file relative to the spec (read
 * with the spec's CSV options), or, when the "spec" is a project file, the dataset stored in it.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { generateBuiltin } from '../../shared/data/builtin';
import type { Dataset } from '../../shared/data/dataset';
import { type CsvDataSpec, isCsvData, type LabSpec } from '../../shared/spec';
import { importCsvSync } from './csv-import';
import type { CsvReadOptions, CsvTable } from './csv-types';
import { type EncodeReport, encodeTable, type TableLike } from './dataset-encode';
import type { Project } from './project';
import { readProjectFile } from './project-file';
import { ProjectFileError } from './project-inspect';

/** The importer options a CSV data spec asks for. */
export function csvReadOptions(d: CsvDataSpec): CsvReadOptions {
  return { delimiter: d.delimiter, decimal: d.decimal, header: d.header, encoding: d.encoding, categorical: d.categorical };
}

/** The CSV file of a data spec: a relative path is relative to the spec file's folder. */
export function csvPathOf(d: CsvDataSpec, specPath?: string): string {
  return resolve(specPath ? dirname(specPath) : process.cwd(), d.csv);
}

/** The dataset a CSV spec describes, from an imported (or stored) table. */
export function datasetFromTable(spec: LabSpec, table: TableLike): { data: Dataset; report: EncodeReport } {
  const d = spec.data;
  if (!isCsvData(d)) throw new TypeError('datasetFromTable needs a spec whose data is a CSV file');
  return encodeTable(table, { inputs: d.inputs, targets: d.targets, missing: d.missing, cost: spec.network.output.cost });
}

/** Imports the spec's CSV file: the table (what a project stores), the dataset, and what encoding did. */
export function importSpecCsv(spec: LabSpec, specPath?: string): { table: CsvTable; data: Dataset; report: EncodeReport } {
  const d = spec.data;
  if (!isCsvData(d)) throw new TypeError('importSpecCsv needs a spec whose data is a CSV file');
  const table = importCsvSync(csvPathOf(d, specPath), csvReadOptions(d));
  return { table, ...datasetFromTable(spec, table) };
}

/** True when the file at `path` starts like a SQLite database (a project file), not like JSON. */
export function isProjectFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    return head.toString('latin1') === 'SQLite format 3\0';
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

let cached: { path: string; mtimeMs: number; size: number; project: Project } | null = null;

/** The project at `path`, read once per version of the file (the CLI asks for spec and data separately). */
export function loadProject(path: string): Project {
  const abs = resolve(path);
  const st = statSync(abs);
  if (cached && cached.path === abs && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.project;
  const { project } = readProjectFile(abs);
  cached = { path: abs, mtimeMs: st.mtimeMs, size: st.size, project };
  return project;
}

/**
 * The spec's data, before splitting and normalisation (createLab does both). `specPath` anchors
 * a relative CSV path (undefined: the working directory); when it is a project file, the data
 * comes from the project (its stored dataset, or the built-in generator), never from the CSV.
 */
export function loadSpecData(spec: LabSpec, specPath?: string): Dataset {
  const d = spec.data;
  if (!isCsvData(d)) return generateBuiltin(d.builtin, d.n, spec.seed, d);
  if (specPath && isProjectFile(specPath)) {
    const project = loadProject(specPath);
    if (!project.dataset) throw new ProjectFileError('corrupt', specPath, `${specPath} has a CSV spec but no stored dataset; create the project again with mlp-lab init`);
    return datasetFromTable(spec, project.dataset).data;
  }
  return importSpecCsv(spec, specPath).data;
}
