/**
 * The project file's rows, to and from the in-memory project (project.ts): one function per part
 * (meta, spec, dataset, runs, UI state) for reading and for writing, used by opening
 * (project-file.ts) and by every kind of save (project-save.ts). Reading checks what SQLite cannot:
 * that blobs have the lengths and values their rows promise, so damage is caught when a file
 * opens, with a message naming the part.
 */
import type { RunMetrics, RunStatus } from '../../shared/run';
import { parseSpec } from '../../shared/spec';
import type { WeightsMeta } from '../../shared/weights-format';
import { float64FromBlob, int32FromBlob, toBlob } from './blobs';
import type { ColumnInfo } from './csv-types';
import { type Project, type ProjectDataset, type ProjectRun, thinSnapshots } from './project';
import { ProjectFileError } from './project-inspect';
import { APPLICATION_ID, APPLICATION_MARKER, SCHEMA_V1, SCHEMA_VERSION } from './schema';
import { deleteRunEvidence, readRunEvidence, writeRunEvidence } from './run-evidence';
import type { SqliteDatabase } from './sqlite';

/** The damage a file can have that its rows reveal: ProjectFileError('corrupt') naming the part. */
export function damaged(name: string, path: string, detail: string): ProjectFileError {
  return new ProjectFileError('corrupt', path, `${name} is damaged (${detail}); restore it from a backup or open its recovery copy`);
}

/** Who wrote a file, and when (meta.writer, meta.saved_at). */
export interface WriteStamp {
  writer: string;
  now: Date;
}

/** Makes `db` (new and empty) a project file of the current schema, without content. */
export function createSchema(db: SqliteDatabase): void {
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  db.exec(SCHEMA_V1);
  const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  meta.run('application', APPLICATION_MARKER);
  meta.run('schema', String(SCHEMA_VERSION));
}

/** Records who saved the file, and when. */
export function writeStamp(db: SqliteDatabase, stamp: WriteStamp): void {
  const meta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  meta.run('writer', stamp.writer);
  meta.run('saved_at', stamp.now.toISOString());
}

/** The spec's JSON as the file holds it, or null when it has none. */
export function readSpecJson(db: SqliteDatabase): string | null {
  const row = db.prepare('SELECT json FROM spec WHERE id = 1').get() as { json: string } | undefined;
  return row ? row.json : null;
}

/** Writes the spec's JSON. */
export function writeSpecJson(db: SqliteDatabase, json: string): void {
  db.prepare('INSERT OR REPLACE INTO spec (id, json) VALUES (1, ?)').run(json);
}

/** What identifies an imported dataset: its source, import time and size (a new import changes it). */
export function datasetKey(d: Pick<ProjectDataset, 'file' | 'importedAt' | 'rows' | 'columns'> | null): string | null {
  return d ? JSON.stringify([d.file, d.importedAt, d.rows, d.columns.length]) : null;
}

/** The dataset's key as the file holds it (see datasetKey), without reading its columns. */
export function readDatasetKey(db: SqliteDatabase): string | null {
  const row = db.prepare('SELECT source, imported_at, row_count, (SELECT count(*) FROM dataset_column) AS n FROM dataset WHERE id = 1').get() as
    | { source: string; imported_at: string; row_count: number; n: number }
    | undefined;
  return row ? JSON.stringify([row.source, row.imported_at, row.row_count, row.n]) : null;
}

/** Replaces the dataset (none when null). */
export function writeDataset(db: SqliteDatabase, d: ProjectDataset | null): void {
  db.exec('DELETE FROM dataset_column; DELETE FROM dataset;');
  if (!d) return;
  db.prepare('INSERT INTO dataset (id, source, imported_at, format, settings, row_count, blank_lines, notes, line_numbers) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(d.file, d.importedAt, JSON.stringify(d.format), JSON.stringify(d.settings), d.rows, d.blankLines, JSON.stringify(d.notes), toBlob(d.lines));
  const col = db.prepare('INSERT INTO dataset_column (position, name, info, data) VALUES (?, ?, ?, ?)');
  d.columns.forEach((c, j) => {
    const { name, ...info } = c;
    col.run(j, name, JSON.stringify(info), toBlob(d.data[j]));
  });
}

/** The dataset, checked: every column as long as the rows, category codes within their categories. */
export function readDataset(db: SqliteDatabase, name: string, path: string): ProjectDataset | null {
  const ds = db.prepare('SELECT * FROM dataset WHERE id = 1').get() as Record<string, unknown> | undefined;
  if (!ds) return null;
  const rows = ds.row_count as number;
  const cols = db.prepare('SELECT name, info, data FROM dataset_column ORDER BY position').all() as { name: string; info: string; data: Buffer }[];
  const columns = cols.map((c) => ({ ...(JSON.parse(c.info) as Omit<ColumnInfo, 'name'>), name: c.name }));
  const data = cols.map((c) => float64FromBlob(c.data, `dataset column "${c.name}"`, rows));
  columns.forEach((c, j) => {
    if (c.valueType !== 'category') return;
    const k = c.categories?.length ?? 0;
    const v = data[j];
    for (let r = 0; r < rows; r++) {
      const code = v[r];
      if (!Number.isNaN(code) && !(Number.isInteger(code) && code >= 0 && code < k)) {
        throw damaged(name, path, `dataset column "${c.name}", row ${r + 1}: category code ${code} is not one of its ${k} categories`);
      }
    }
  });
  return {
    file: ds.source as string,
    importedAt: ds.imported_at as string,
    format: JSON.parse(ds.format as string),
    settings: JSON.parse(ds.settings as string),
    rows,
    blankLines: ds.blank_lines as number,
    notes: JSON.parse(ds.notes as string),
    lines: int32FromBlob(ds.line_numbers, 'the dataset line numbers', rows),
    columns,
    data,
  };
}

interface RunRow {
  id: string;
  /** Absent in files written before run numbers were kept. */
  number?: number | null;
  created_at: string;
  spec: string;
  status: string;
  message: string | null;
  metrics: string | null;
  best_step: number | null;
  weights_meta: string | null;
  initial_weights: Buffer;
  final_weights: Buffer | null;
  curve_steps: Buffer;
  curve_train: Buffer;
  curve_validation_steps: Buffer;
  curve_validation: Buffer;
}

const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused', 'finished', 'stopped', 'diverged', 'failed'];

/** Throws naming the first weight that is not a finite number. */
function finiteWeights(v: Float64Array, what: string, name: string, path: string): Float64Array {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw damaged(name, path, `${what} hold ${v[i]} at parameter ${i + 1}`);
  return v;
}

/** Every run in the file, oldest first, checked (weights finite, shapes consistent, known statuses). */
export function readRuns(db: SqliteDatabase, name: string, path: string, where = '', ...args: string[]): ProjectRun[] {
  const snapshots = db.prepare('SELECT step, weights FROM run_snapshot WHERE run_id = ? ORDER BY step');
  const rows = db.prepare(`SELECT * FROM run ${where} ORDER BY position`).all(...args) as RunRow[];
  const evidence = readRunEvidence(db);
  return rows.map((r, i): ProjectRun => {
    const what = `run ${r.id}`;
    if (!RUN_STATUSES.includes(r.status as RunStatus)) throw damaged(name, path, `${what} has the unknown status "${r.status}"`);
    const initialWeights = finiteWeights(float64FromBlob(r.initial_weights, `${what} initial weights`), `${what}'s initial weights`, name, path);
    const size = initialWeights.length;
    const steps = float64FromBlob(r.curve_steps, `${what} cost curve`);
    const validationSteps = float64FromBlob(r.curve_validation_steps, `${what} validation curve`);
    const run: ProjectRun = {
      id: r.id,
      // Older files numbered runs by their place in the history.
      number: typeof r.number === 'number' ? r.number : i + 1,
      createdAt: r.created_at,
      spec: parseSpec(JSON.parse(r.spec)),
      status: r.status as RunStatus,
      metrics: r.metrics === null ? null : (JSON.parse(r.metrics) as RunMetrics),
      curve: {
        steps,
        train: float64FromBlob(r.curve_train, `${what} cost curve`, steps.length),
        validationSteps,
        validation: float64FromBlob(r.curve_validation, `${what} validation curve`, validationSteps.length),
      },
      initialWeights,
      finalWeights: r.final_weights === null ? null : finiteWeights(float64FromBlob(r.final_weights, `${what} final weights`, size), `${what}'s final weights`, name, path),
      snapshots: (snapshots.all(r.id) as { step: number; weights: Buffer }[]).map((s) => ({
        step: s.step,
        weights: finiteWeights(float64FromBlob(s.weights, `${what} snapshot at step ${s.step}`, size), `${what}'s snapshot at step ${s.step}`, name, path),
      })),
      weightsMeta: r.weights_meta === null ? null : (JSON.parse(r.weights_meta) as WeightsMeta),
    };
    if (r.message !== null) run.message = r.message;
    if (r.best_step !== null) run.bestStep = r.best_step;
    // The optional evidence history (issue 19, run-evidence.ts).
    const ev = evidence.get(r.id);
    if (ev) run.curve.evidence = ev;
    return run;
  });
}

/** The ids and positions of the runs in the file. */
export function runPositions(db: SqliteDatabase): Map<string, number> {
  return new Map((db.prepare('SELECT id, position FROM run').raw().all() as [string, number][]));
}

/**
 * The run table's `number` column ("Run N", kept when runs are deleted): part of every file
 * written since; added, empty, to an older file before a run is written into it (older MLP Labs
 * read such a file and ignore the column).
 */
export function ensureRunNumbers(db: SqliteDatabase): void {
  const columns = db.prepare('PRAGMA table_info(run)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'number')) db.exec('ALTER TABLE run ADD COLUMN number INTEGER');
}

/** The largest run number in the file (0 when none), counting older runs by their place. */
export function largestRunNumber(db: SqliteDatabase): number {
  const row = db.prepare('SELECT max(coalesce(number, position + 1)) AS n FROM run').get() as { n: number | null };
  return row.n ?? 0;
}

/** Writes `r` at `position`, replacing a run with the same id (and its snapshots). */
export function writeRun(db: SqliteDatabase, r: ProjectRun, position: number): void {
  deleteRun(db, r.id);
  ensureRunNumbers(db);
  db.prepare(`INSERT INTO run (position, id, number, created_at, spec, status, message, metrics, best_step, weights_meta,
      initial_weights, final_weights, curve_steps, curve_train, curve_validation_steps, curve_validation)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    position, r.id, r.number, r.createdAt, JSON.stringify(r.spec), r.status, r.message ?? null, r.metrics ? JSON.stringify(r.metrics) : null,
    r.bestStep ?? null, r.weightsMeta ? JSON.stringify(r.weightsMeta) : null, toBlob(r.initialWeights),
    r.finalWeights ? toBlob(r.finalWeights) : null, toBlob(r.curve.steps), toBlob(r.curve.train),
    toBlob(r.curve.validationSteps), toBlob(r.curve.validation),
  );
  const snap = db.prepare('INSERT INTO run_snapshot (run_id, step, weights) VALUES (?, ?, ?)');
  for (const s of thinSnapshots(r.snapshots)) snap.run(r.id, s.step, toBlob(s.weights));
  writeRunEvidence(db, [r]);
}

/** Removes a run and its snapshots. */
export function deleteRun(db: SqliteDatabase, id: string): void {
  deleteRunEvidence(db, id);
  db.prepare('DELETE FROM run_snapshot WHERE run_id = ?').run(id);
  db.prepare('DELETE FROM run WHERE id = ?').run(id);
}

/** The position after every run in the file. */
export function nextPosition(db: SqliteDatabase): number {
  const row = db.prepare('SELECT max(position) AS p FROM run').get() as { p: number | null };
  return row.p === null ? 0 : row.p + 1;
}

/** The UI state. */
export function readUi(db: SqliteDatabase): Record<string, unknown> {
  const ui: Record<string, unknown> = {};
  for (const [key, value] of db.prepare('SELECT key, value FROM ui_state ORDER BY key').raw().all() as [string, string][]) ui[key] = JSON.parse(value);
  return ui;
}

/** Replaces the UI state. */
export function writeUi(db: SqliteDatabase, ui: Record<string, unknown>): void {
  db.exec('DELETE FROM ui_state');
  const row = db.prepare('INSERT INTO ui_state (key, value) VALUES (?, ?)');
  for (const [key, value] of Object.entries(ui)) if (value !== undefined) row.run(key, JSON.stringify(value));
}

/** Writes a whole project into `db` (empty, schema created), in the caller's transaction. */
export function writeWholeProject(db: SqliteDatabase, project: Project, stamp: WriteStamp): void {
  writeStamp(db, stamp);
  writeSpecJson(db, JSON.stringify(project.spec));
  writeDataset(db, project.dataset);
  project.runs.forEach((r, i) => writeRun(db, r, i));
  writeUi(db, project.ui);
}
