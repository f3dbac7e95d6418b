/**
 * Opening `.mlplab` project files (SQLite; docs/project-file.md). Saving is project-save.ts.
 *
 * A file is read through SQLite itself, inside one read transaction: SQLite's locks give a
 * consistent view while another program (the CLI, a second window) writes, and a hot rollback
 * journal left by a writer that died mid-save is rolled back before anything is read, so a
 * half-written save is never taken for the project. Before SQLite sees the file its first bytes
 * say whether it is a database at all (a PNG, a spec, a CSV get a message saying so); after, its
 * header, SQLite's integrity check and the rows themselves (project-rows.ts) must be whole, or
 * the file is refused with a message naming what is wrong. Reading never changes the project.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { isFinal, type RunStatus } from '../../shared/run';
import { parseSpec, type SpecError } from '../../shared/spec';
import { BlobError } from './blobs';
import { migrate, type Migration, MIGRATIONS } from './migrations';
import type { Project } from './project';
import { checkMagic, inspectHeader, ProjectFileError } from './project-inspect';
import { damaged, readDataset, readDatasetKey, readRuns, readSpecJson, readUi } from './project-rows';
import { APPLICATION_MARKER, SCHEMA_VERSION, TABLES_V1 } from './schema';
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

/**
 * What a project held in memory knows of its file, as read or last saved: a save compares it
 * with the file to tell what the project changed from what others changed meanwhile.
 */
export interface FileBase {
  /** The spec's JSON. */
  spec: string;
  /** Every run in the file, and whether it had ended (an ended run is never written again). */
  runs: Map<string, boolean>;
  /** The dataset's key (project-rows.ts datasetKey), or null. */
  dataset: string | null;
}

/** Options for tests and tools; the app uses the defaults. */
export interface ReadOptions {
  migrations?: readonly Migration[];
}

/** How long a read or a save waits for another program's lock on the file. */
export const BUSY_TIMEOUT_MS = 5000;

/** The first bytes of a file and its size; ProjectFileError when it cannot be read. */
function head(path: string): { bytes: Uint8Array; size: number } {
  let fd: number;
  try {
    if (statSync(path).isDirectory()) throw new ProjectFileError('unreadable', path, `${path} is a folder, not a project file`);
    fd = openSync(path, 'r');
  } catch (e) {
    if (e instanceof ProjectFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ProjectFileError('missing', path, `cannot find the project file ${path}`);
    throw new ProjectFileError('unreadable', path, `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const bytes = new Uint8Array(512);
    const n = readSync(fd, bytes, 0, bytes.length, 0);
    return { bytes: bytes.subarray(0, n), size: fstatSync(fd).size };
  } finally {
    closeSync(fd);
  }
}

/** The file as SQLite opens it for reading: read-write when allowed (a hot journal must be rolled back), else read-only. */
function openForReading(path: string): SqliteDatabase {
  try {
    return openSqlite(path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    if (!/readonly|read-only|unable to open|permission/i.test((e as Error).message)) throw e;
    return openSqlite(path, { fileMustExist: true, readonly: true, timeout: BUSY_TIMEOUT_MS });
  }
}

/** What a SQLite error while reading means for the user. */
export function sqliteProblem(e: unknown, path: string, doing: 'open' | 'save'): ProjectFileError | null {
  const err = e as Error & { code?: string };
  const name = basename(path);
  const code = err.code ?? '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new ProjectFileError('unreadable', path, `${name} is in use: another program (a second MLP Lab, or mlp-lab on the command line) held it locked for ${BUSY_TIMEOUT_MS / 1000} s. Nothing was ${doing === 'open' ? 'opened' : 'saved'}; try again when it is done`);
  }
  if (code === 'SQLITE_READONLY_ROLLBACK' || code === 'SQLITE_READONLY_RECOVERY') {
    return new ProjectFileError('unreadable', path, `${name} was left half-saved by a program that stopped, and it is read-only here, so it cannot be repaired: give it write permission and open it again`);
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_IOERR') || err.name === 'SqliteError' || e instanceof BlobError || e instanceof SyntaxError) {
    return damaged(name, path, err.message);
  }
  return null;
}

/**
 * Reads the project at `path`; throws ProjectFileError saying why it cannot. Returns the project,
 * facts about the file, and the base a later save of it starts from.
 */
export function readProjectFile(path: string, options: ReadOptions = {}): { project: Project; info: ProjectFileInfo; base: FileBase } {
  const first = head(path);
  checkMagic(first.bytes, first.size, path);
  // Without a journal beside it the header on disk describes the file as it is: check it before
  // SQLite reads a page (a file cut off while copying says so, rather than "damaged").
  const journal = existsSync(`${path}-journal`);
  if (!journal) inspectHeader(first.bytes, first.size, path);
  const name = basename(path);
  let db: SqliteDatabase | null = null;
  try {
    db = openForReading(path);
    const file = db;
    return file.transaction(() => {
      // The first read takes SQLite's shared lock, rolling back a hot journal first; only then
      // does the header on disk describe a whole database.
      file.prepare('SELECT count(*) FROM sqlite_schema').get();
      const now = journal ? head(path) : first;
      const header = inspectHeader(now.bytes, now.size, path);
      const check = file.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw damaged(name, path, `SQLite integrity check: ${String(check)}`);
      requireMarker(file, path);
      let source = file;
      let migratedFrom: number | null = null;
      if (header.userVersion < SCHEMA_VERSION) {
        // Older files are carried forward in memory; the file itself changes only when saved.
        source = openSqlite(file.serialize());
        migrate(source, header.userVersion, SCHEMA_VERSION, options.migrations ?? MIGRATIONS);
        migratedFrom = header.userVersion;
      }
      try {
        return readFrom(source, path, header.userVersion, migratedFrom);
      } finally {
        if (source !== file) source.close();
      }
    })();
  } catch (e) {
    if (e instanceof ProjectFileError) throw e;
    const err = e as Error;
    // A field this build does not know was most likely written by a newer MLP Lab (fields are
    // added without a new schema): say so, rather than call the file damaged.
    if (err.name === 'SpecError' && (err as SpecError).unknownField) {
      throw new ProjectFileError('newer', path, `${name} holds a spec with a field this MLP Lab does not know (${err.message}); it was probably written by a newer MLP Lab: update MLP Lab to open it`);
    }
    if (err.name === 'SpecError') throw damaged(name, path, `its spec: ${err.message}`);
    if (err.name === 'MigrationError') throw new ProjectFileError('unreadable', path, `${name} cannot be opened: ${err.message}`);
    throw sqliteProblem(e, path, 'open') ?? e;
  } finally {
    db?.close();
  }
}

/** Throws unless the database has our marker (meta.application), checked before any migration. */
function requireMarker(db: SqliteDatabase, path: string): void {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").get() !== undefined;
  const marker = hasMeta ? (db.prepare("SELECT value FROM meta WHERE key = 'application'").pluck().get() as string | undefined) : undefined;
  if (marker !== APPLICATION_MARKER) {
    throw new ProjectFileError('foreign', path, `${basename(path)} is a SQLite database, but not an MLP Lab project (it has no MLP Lab marker); open it with the program that made it`);
  }
}

function readFrom(db: SqliteDatabase, path: string, schemaVersion: number, migratedFrom: number | null): { project: Project; info: ProjectFileInfo; base: FileBase } {
  const name = basename(path);
  const tables = new Set(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[]);
  const meta = new Map(db.prepare('SELECT key, value FROM meta').raw().all() as [string, string][]);
  const missing = TABLES_V1.filter((t) => !tables.has(t));
  if (missing.length) throw damaged(name, path, `table ${missing[0]} is missing`);
  const specJson = readSpecJson(db);
  if (specJson === null) throw damaged(name, path, 'it holds no spec');
  const spec = parseSpec(JSON.parse(specJson));
  const dataset = readDataset(db, name, path);
  const runs = readRuns(db, name, path);
  const project: Project = { spec, dataset, runs, ui: readUi(db) };
  const info: ProjectFileInfo = { path, schemaVersion, migratedFrom, writer: meta.get('writer') ?? 'unknown', savedAt: meta.get('saved_at') ?? '' };
  const base: FileBase = { spec: specJson, runs: new Map(runs.map((r) => [r.id, isFinal(r.status)])), dataset: readDatasetKey(db) };
  return { project, info, base };
}

/** What the project file at `path` holds now, as a FileBase (without reading its data or runs). */
export function readFileBase(path: string): FileBase {
  const first = head(path);
  checkMagic(first.bytes, first.size, path);
  let db: SqliteDatabase | null = null;
  try {
    db = openForReading(path);
    const file = db;
    return file.transaction(() => {
      const spec = readSpecJson(file);
      if (spec === null) throw damaged(basename(path), path, 'it holds no spec');
      const runs = new Map((file.prepare('SELECT id, status FROM run').raw().all() as [string, string][]).map(([id, status]) => [id, isFinal(status as RunStatus)]));
      return { spec, runs, dataset: readDatasetKey(file) };
    })();
  } catch (e) {
    if (e instanceof ProjectFileError) throw e;
    throw sqliteProblem(e, path, 'open') ?? e;
  } finally {
    db?.close();
  }
}
