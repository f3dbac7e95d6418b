/**
 * Reading and writing `.mlplab` project files (SQLite; docs/project-file.md).
 *
 * Reading never touches the file through SQLite: the bytes are read once, checked
 * (project-inspect.ts), and opened as an in-memory database, where an integrity check runs and
 * migrations (migrations.ts) apply. A file that is not ours, damaged, cut off or newer is refused
 * with its bytes exactly as they were.
 *
 * Writing is all or nothing. The whole project goes into a new temporary file beside the target
 * in one transaction; the file is flushed to disk (fsync), then renamed over the target, and the
 * folder is flushed so the rename itself survives a power cut. A rename within one folder
 * replaces the target atomically on Linux, macOS and Windows (fs.renameSync uses MoveFileEx with
 * MOVEFILE_REPLACE_EXISTING there). Whenever the process dies, the target is the old project or
 * the new one, never a mixture; at worst a stray temporary file is left, which the next save of
 * that project removes.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RunMetrics, RunStatus } from '../../shared/run';
import { parseSpec } from '../../shared/spec';
import type { WeightsMeta } from '../../shared/weights-format';
import { BlobError, float64FromBlob, int32FromBlob, toBlob } from './blobs';
import type { ColumnInfo } from './csv-types';
import { migrate, type Migration, MIGRATIONS } from './migrations';
import { type Project, type ProjectDataset, type ProjectRun, thinSnapshots } from './project';
import { readRunEvidence, writeRunEvidence } from './run-evidence';
import { inspectHeader, ProjectFileError } from './project-inspect';
import { APPLICATION_ID, APPLICATION_MARKER, SCHEMA_V1, SCHEMA_VERSION, TABLES_V1 } from './schema';
import { openSqlite, type SqliteDatabase } from './sqlite';

/** Facts about an opened file. */
export interface ProjectFileInfo {
  path: string;
  /** The schema version of the file on disk. */
  schemaVersion: number;
  /** Set when the file was migrated in memory from this older schema (saving writes the current one). */
  migratedFrom: number | null;
  /** "MLP Lab 0.1.0": the app that wrote it. */
  writer: string;
  /** ISO 8601 time of the save. */
  savedAt: string;
}

/** Options for tests and tools; the app uses the defaults. */
export interface ReadOptions {
  migrations?: readonly Migration[];
}

/** Options for writing. */
export interface WriteOptions {
  /** Goes into meta.writer ("MLP Lab 0.1.0"). */
  writer?: string;
  now?: Date;
}

/** The version of MLP Lab that writes files (meta.writer). */
export const WRITER = 'MLP Lab 0.1.0';

function damaged(path: string, detail: string): ProjectFileError {
  return new ProjectFileError('corrupt', path, `${basename(path)} is damaged (${detail}); restore it from a backup or open its recovery copy`);
}

/** Reads the project at `path`; throws ProjectFileError saying why it cannot. Never writes. */
export function readProjectFile(path: string, options: ReadOptions = {}): { project: Project; info: ProjectFileInfo } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ProjectFileError('missing', path, `cannot find the project file ${path}`);
    if (code === 'EISDIR') throw new ProjectFileError('unreadable', path, `${path} is a folder, not a project file`);
    throw new ProjectFileError('unreadable', path, `cannot read ${path}: ${(e as Error).message}`);
  }
  const header = inspectHeader(bytes, path);
  let db: SqliteDatabase | null = null;
  try {
    db = openSqlite(bytes);
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw damaged(path, `SQLite integrity check: ${String(check)}`);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[]));
    const meta = tables.has('meta') ? new Map((db.prepare('SELECT key, value FROM meta').raw().all() as [string, string][])) : new Map<string, string>();
    if (meta.get('application') !== APPLICATION_MARKER) {
      throw new ProjectFileError('foreign', path, `${basename(path)} is a SQLite database, but not an MLP Lab project (it has no MLP Lab marker); open it with the program that made it`);
    }
    let migratedFrom: number | null = null;
    if (header.userVersion < SCHEMA_VERSION) {
      migrate(db, header.userVersion, SCHEMA_VERSION, options.migrations ?? MIGRATIONS);
      migratedFrom = header.userVersion;
    }
    const missing = TABLES_V1.filter((t) => !tableExists(db as SqliteDatabase, t));
    if (missing.length) throw damaged(path, `table ${missing[0]} is missing`);
    const project = readProject(db, path);
    const info: ProjectFileInfo = {
      path,
      schemaVersion: header.userVersion,
      migratedFrom,
      writer: meta.get('writer') ?? 'unknown',
      savedAt: meta.get('saved_at') ?? '',
    };
    return { project, info };
  } catch (e) {
    if (e instanceof ProjectFileError) throw e;
    const err = e as Error & { code?: string };
    if (err.name === 'SqliteError' || e instanceof BlobError || e instanceof SyntaxError) throw damaged(path, err.message);
    if (err.name === 'SpecError') throw damaged(path, `its spec: ${err.message}`);
    if (err.name === 'MigrationError') throw new ProjectFileError('unreadable', path, `${basename(path)} cannot be opened: ${err.message}`);
    throw e;
  } finally {
    db?.close();
  }
}

function tableExists(db: SqliteDatabase, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

interface RunRow {
  id: string;
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

function readProject(db: SqliteDatabase, path: string): Project {
  const specRow = db.prepare('SELECT json FROM spec WHERE id = 1').get() as { json: string } | undefined;
  if (!specRow) throw damaged(path, 'it holds no spec');
  const spec = parseSpec(JSON.parse(specRow.json));

  let dataset: ProjectDataset | null = null;
  const ds = db.prepare('SELECT * FROM dataset WHERE id = 1').get() as Record<string, unknown> | undefined;
  if (ds) {
    const rows = ds.row_count as number;
    const cols = db.prepare('SELECT name, info, data FROM dataset_column ORDER BY position').all() as { name: string; info: string; data: Buffer }[];
    dataset = {
      file: ds.source as string,
      importedAt: ds.imported_at as string,
      format: JSON.parse(ds.format as string),
      settings: JSON.parse(ds.settings as string),
      rows,
      blankLines: ds.blank_lines as number,
      notes: JSON.parse(ds.notes as string),
      lines: int32FromBlob(ds.line_numbers, 'the dataset line numbers', rows),
      columns: cols.map((c) => ({ ...(JSON.parse(c.info) as Omit<ColumnInfo, 'name'>), name: c.name })),
      data: cols.map((c) => float64FromBlob(c.data, `dataset column "${c.name}"`, rows)),
    };
  }

  const snapshots = db.prepare('SELECT step, weights FROM run_snapshot WHERE run_id = ? ORDER BY step');
  const runs = (db.prepare('SELECT * FROM run ORDER BY position').all() as RunRow[]).map((r, i): ProjectRun => {
    const what = `run ${i + 1}`;
    const initialWeights = float64FromBlob(r.initial_weights, `${what} initial weights`);
    const size = initialWeights.length;
    const steps = float64FromBlob(r.curve_steps, `${what} cost curve`);
    const validationSteps = float64FromBlob(r.curve_validation_steps, `${what} validation curve`);
    const run: ProjectRun = {
      id: r.id,
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
      finalWeights: r.final_weights === null ? null : float64FromBlob(r.final_weights, `${what} final weights`, size),
      snapshots: (snapshots.all(r.id) as { step: number; weights: Buffer }[]).map((s) => ({ step: s.step, weights: float64FromBlob(s.weights, `${what} snapshot at step ${s.step}`, size) })),
      weightsMeta: r.weights_meta === null ? null : (JSON.parse(r.weights_meta) as WeightsMeta),
    };
    if (r.message !== null) run.message = r.message;
    if (r.best_step !== null) run.bestStep = r.best_step;
    return run;
  });
  // The optional evidence histories (issue 19, run-evidence.ts).
  const evidence = readRunEvidence(db);
  for (const run of runs) {
    const ev = evidence.get(run.id);
    if (ev) run.curve.evidence = ev;
  }

  const ui: Record<string, unknown> = {};
  for (const [key, value] of db.prepare('SELECT key, value FROM ui_state ORDER BY key').raw().all() as [string, string][]) ui[key] = JSON.parse(value);
  return { spec, dataset, runs, ui };
}

/** Writes every part of `project` into `db` (a new, empty database), in one transaction. */
function writeProject(db: SqliteDatabase, project: Project, options: WriteOptions): void {
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  db.transaction(() => {
    db.exec(SCHEMA_V1);
    const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    meta.run('application', APPLICATION_MARKER);
    meta.run('schema', String(SCHEMA_VERSION));
    meta.run('writer', options.writer ?? WRITER);
    meta.run('saved_at', (options.now ?? new Date()).toISOString());
    db.prepare('INSERT INTO spec (id, json) VALUES (1, ?)').run(JSON.stringify(project.spec));

    const d = project.dataset;
    if (d) {
      db.prepare('INSERT INTO dataset (id, source, imported_at, format, settings, row_count, blank_lines, notes, line_numbers) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(d.file, d.importedAt, JSON.stringify(d.format), JSON.stringify(d.settings), d.rows, d.blankLines, JSON.stringify(d.notes), toBlob(d.lines));
      const col = db.prepare('INSERT INTO dataset_column (position, name, info, data) VALUES (?, ?, ?, ?)');
      d.columns.forEach((c, j) => {
        const { name, ...info } = c;
        col.run(j, name, JSON.stringify(info), toBlob(d.data[j]));
      });
    }

    const run = db.prepare(`INSERT INTO run (position, id, created_at, spec, status, message, metrics, best_step, weights_meta,
      initial_weights, final_weights, curve_steps, curve_train, curve_validation_steps, curve_validation)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const snap = db.prepare('INSERT INTO run_snapshot (run_id, step, weights) VALUES (?, ?, ?)');
    project.runs.forEach((r, i) => {
      run.run(i, r.id, r.createdAt, JSON.stringify(r.spec), r.status, r.message ?? null, r.metrics ? JSON.stringify(r.metrics) : null,
        r.bestStep ?? null, r.weightsMeta ? JSON.stringify(r.weightsMeta) : null, toBlob(r.initialWeights),
        r.finalWeights ? toBlob(r.finalWeights) : null, toBlob(r.curve.steps), toBlob(r.curve.train),
        toBlob(r.curve.validationSteps), toBlob(r.curve.validation));
      for (const s of thinSnapshots(r.snapshots)) snap.run(r.id, s.step, toBlob(s.weights));
    });
    writeRunEvidence(db, project.runs); // issue 19: evidence histories, when any run has one

    const ui = db.prepare('INSERT INTO ui_state (key, value) VALUES (?, ?)');
    for (const [key, value] of Object.entries(project.ui)) if (value !== undefined) ui.run(key, JSON.stringify(value));
  })();
}

/** The temporary file names a save of `target` uses: `.<name>.<pid>.<random>.tmp` in its folder. */
function tempPattern(target: string): RegExp {
  const escaped = basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
}

/**
 * Saves `project` to `path` atomically (see the file comment). Throws ProjectFileError
 * ('unsaved') naming the file when it cannot; the old file is then untouched.
 */
export function writeProjectFile(path: string, project: Project, options: WriteOptions = {}): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const db = openSqlite(tmp);
    try {
      // No rollback journal: the temporary file is either finished and renamed, or abandoned.
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      writeProject(db, project, options);
    } finally {
      db.close();
    }
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameReplacing(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    const err = e as NodeJS.ErrnoException;
    const noFolder = err.code === 'ENOENT' || /directory does not exist/.test(err.message);
    const why = err.code === 'ENOSPC' ? 'the disk is full' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : noFolder ? 'the folder does not exist' : err.message;
    throw new ProjectFileError('unsaved', path, `cannot save ${path}: ${why}; the file on disk is unchanged`);
  }
  syncFolder(dir);
  removeStaleTemps(path);
}

/** rename(2); on Windows a virus scanner or indexer may hold the target for a moment, so retry briefly. */
function renameReplacing(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (process.platform !== 'win32' || attempt >= 10 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50 * (attempt + 1));
    }
  }
}

/** fsync the folder so the rename is on disk (POSIX; Windows cannot open a folder this way and needs no such step). */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a folder; the rename is still atomic.
  }
}

/** Deletes temporary files of earlier saves of `target` whose process is gone (killed mid-save). */
function removeStaleTemps(target: string): void {
  const dir = dirname(target);
  const pattern = tempPattern(target);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // someone else removed it
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
