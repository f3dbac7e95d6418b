/**
 * Saving `.mlplab` project files: every save is a transaction on the file itself, so SQLite's
 * locking and rollback journal protect it (docs/project-file.md, "Two writers, locks, crashes"):
 *
 * - `saveProjectFile` (Save): in place, merging with what others wrote since the project was
 *   read (its FileBase): runs another program added stay and are handed back; runs this project
 *   deleted go; a spec someone else changed is not overwritten unless the caller says so.
 * - `appendRuns` (`mlp-lab train PROJECT --save`): adds runs and touches nothing else.
 * - `writeProjectFile` (Save As, `mlp-lab init`, recovery copies): a whole project, built in
 *   memory, into a new file by `VACUUM INTO`, or over an existing project file by SQLite's backup
 *   API (the file keeps its mode, owner and links; a foreign file is never overwritten).
 *
 * A save waits up to BUSY_TIMEOUT_MS for another writer's lock, then fails saying so. Whenever a
 * save stops (killed, disk full, power cut) the file is the old project or the new one: SQLite
 * rolls a half-done transaction back from its journal, at the latest when the file next opens.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { UserError } from '../../shared/errors';
import { isFinal } from '../../shared/run';
import { type LabSpec, parseSpec } from '../../shared/spec';
import { BUSY_TIMEOUT_MS, type FileBase } from './project-file';
import type { Project, ProjectRun } from './project';
import { ProjectFileError } from './project-inspect';
import {
  createSchema, datasetKey, deleteRun, ensureRunNumbers, largestRunNumber, nextPosition, readDatasetKey, readRuns, readSpecJson, runPositions,
  writeDataset, writeRun, writeSpecJson, writeStamp, writeUi, writeWholeProject, type WriteStamp,
} from './project-rows';
import { APPLICATION_MARKER, SCHEMA_VERSION } from './schema';
import { openSqlite, type SqliteDatabase } from './sqlite';

/** The version of MLP Lab that writes files (meta.writer). */
export const WRITER = 'MLP Lab 0.1.0';

/** Options of a save. */
export interface SaveOptions {
  writer?: string;
  now?: Date;
  /**
   * When someone else changed the file's spec since it was read: keep `mine` (write this
   * project's spec over theirs) or `theirs` (leave the file's spec; the caller takes it).
   * Without it such a save throws SpecConflict and writes nothing.
   */
  specConflict?: 'mine' | 'theirs';
  /** Tests: the most pages the file may grow to (SQLite's max_page_count), to run out of room on purpose. */
  maxPages?: number;
  /** How long to wait for another writer's lock (default BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
}

/** The file's spec was changed by someone else since the project was read; nothing was saved. */
export class SpecConflict extends UserError {
  override name = 'SpecConflict';
  constructor(readonly path: string, readonly theirSpec: string) {
    super(`${basename(path)} was changed by another program since you opened it: its lab setup (spec) is not the one you loaded. Save yours over it, or take the file's setup; the runs in it are kept either way`);
  }
}

/** What a save did. */
export interface SaveResult {
  /** What the file holds now, for the next save. */
  base: FileBase;
  /** Runs another program added to the file meanwhile, now part of the project too. */
  added: ProjectRun[];
  /** The file's spec when `specConflict: 'theirs'` kept it (read inside the save); else null. */
  theirSpec: LabSpec | null;
}

function stamp(options: SaveOptions): WriteStamp {
  return { writer: options.writer ?? WRITER, now: options.now ?? new Date() };
}

/** Opens an existing project file for writing, with the busy timeout; checks it is ours. */
function openForWriting(path: string, options: SaveOptions): SqliteDatabase {
  const db = openSqlite(path, { fileMustExist: true, timeout: options.busyTimeoutMs ?? BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = FULL');
  if (options.maxPages !== undefined) db.pragma(`max_page_count = ${options.maxPages}`);
  return db;
}

/** Throws unless the open database is an MLP Lab project of this build's schema. */
function requireProject(db: SqliteDatabase, path: string): void {
  const marker = db.prepare("SELECT value FROM meta WHERE key = 'application'").pluck().get() as string | undefined;
  if (marker !== APPLICATION_MARKER) throw new ProjectFileError('foreign', path, `${basename(path)} is not an MLP Lab project: nothing was saved into it`);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== SCHEMA_VERSION) {
    throw new ProjectFileError('newer', path, `${basename(path)} has project schema ${version}, this app writes schema ${SCHEMA_VERSION}: save under another name`);
  }
}

/** The error a failed save throws: what happened, that nothing changed. */
function saveFailed(e: unknown, path: string, options: SaveOptions = {}): Error {
  if (e instanceof UserError) return e;
  const err = e as Error & { code?: string };
  const code = err.code ?? '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    const seconds = (options.busyTimeoutMs ?? BUSY_TIMEOUT_MS) / 1000;
    return new ProjectFileError('unsaved', path, `cannot save ${path}: another program (a second MLP Lab, or mlp-lab on the command line) held it locked for ${seconds} s; nothing was lost: save again when it is done`);
  }
  const why =
    code === 'SQLITE_FULL' || code === 'ENOSPC' ? 'the disk is full'
      : code === 'SQLITE_READONLY' || code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'SQLITE_CANTOPEN' || code === 'ENOENT' || /directory does not exist/.test(err.message) ? 'the folder does not exist or cannot be written'
          : err.message;
  return new ProjectFileError('unsaved', path, `cannot save ${path}: ${why}; the file on disk is unchanged`);
}

/**
 * The file's spec a save takes (`specConflict: 'theirs'`), read before anything is written: one
 * this MLP Lab cannot read (a newer version's, or a hand-edited one) throws, and the save's
 * transaction writes nothing, rather than saving and then failing to take it.
 */
function theirSpecOf(json: string, path: string): LabSpec {
  try {
    return parseSpec(JSON.parse(json));
  } catch (e) {
    throw new ProjectFileError('unsaved', path, `cannot take the lab setup (spec) of ${basename(path)}: this MLP Lab cannot read it (${(e as Error).message}); nothing was saved. Save yours over it, or use Save As to keep both`);
  }
}

/** Runs `work` in an immediate (write) transaction on the project file at `path`. */
function inTransaction<T>(path: string, options: SaveOptions, work: (db: SqliteDatabase) => T): T {
  let db: SqliteDatabase | null = null;
  try {
    db = openForWriting(path, options);
    const file = db;
    return file.transaction(() => {
      requireProject(file, path);
      return work(file);
    }).immediate();
  } catch (e) {
    throw saveFailed(e, path, options);
  } finally {
    db?.close();
  }
}

/**
 * Saves `project` into the project file at `path` it was read from (or last saved to), in one
 * transaction, merging with what others wrote since `base` (see the file comment).
 */
export function saveProjectFile(path: string, project: Project, base: FileBase, options: SaveOptions = {}): SaveResult {
  return inTransaction(path, options, (db) => {
    const ours = JSON.stringify(project.spec);
    const theirs = readSpecJson(db) ?? '';
    let theirSpec: string | null = null;
    let taken: LabSpec | null = null;
    if (theirs !== base.spec && theirs !== ours) {
      if (!options.specConflict) throw new SpecConflict(path, theirs);
      if (options.specConflict === 'mine') writeSpecJson(db, ours);
      else {
        theirSpec = theirs;
        taken = theirSpecOf(theirs, path);
      }
    } else if (theirs !== ours) {
      writeSpecJson(db, ours);
    }
    // The dataset changes only with a new import here; one imported elsewhere goes with their spec.
    const ourData = datasetKey(project.dataset);
    if (ourData !== base.dataset && ourData !== readDatasetKey(db) && theirSpec === null) writeDataset(db, project.dataset);

    const inFile = runPositions(db);
    const ids = new Set(project.runs.map((r) => r.id));
    for (const id of base.runs.keys()) if (!ids.has(id) && inFile.has(id)) deleteRun(db, id);
    let next = nextPosition(db);
    for (const r of project.runs) {
      const savedEnded = base.runs.get(r.id) === true && inFile.has(r.id);
      if (savedEnded) continue; // an ended run never changes: what the file holds is it
      writeRun(db, r, inFile.get(r.id) ?? next++);
    }
    const addedIds = [...inFile.keys()].filter((id) => !ids.has(id) && !base.runs.has(id));
    const added = addedIds.length ? readRuns(db, basename(path), path, `WHERE id IN (${addedIds.map(() => '?').join(', ')})`, ...addedIds) : [];
    writeUi(db, project.ui);
    writeStamp(db, stamp(options));
    const runs = new Map<string, boolean>([...project.runs, ...added].map((r) => [r.id, isFinal(r.status)]));
    return { base: { spec: theirSpec ?? ours, runs, dataset: theirSpec === null ? (ourData ?? readDatasetKey(db)) : readDatasetKey(db) }, added, theirSpec: taken };
  });
}

/**
 * Adds runs to the project file at `path`, after the runs it has, leaving everything else as it
 * is (`mlp-lab train PROJECT --save`). Run ids are unique across writers, so runs from several
 * programs all land.
 */
export function appendRuns(path: string, runs: readonly ProjectRun[], options: SaveOptions = {}): void {
  inTransaction(path, options, (db) => {
    const inFile = runPositions(db);
    let next = nextPosition(db);
    ensureRunNumbers(db);
    // Numbered after every run in the file, in this transaction: another writer's are counted.
    let number = largestRunNumber(db);
    for (const r of runs) {
      if (inFile.has(r.id)) throw new ProjectFileError('unsaved', path, `${basename(path)} already has a run ${r.id}; nothing was saved`);
      writeRun(db, { ...r, number: ++number }, next++);
    }
    writeStamp(db, stamp(options));
  });
}

/** The whole project in a new in-memory database. */
function buildInMemory(project: Project, options: SaveOptions): SqliteDatabase {
  const mem = openSqlite(':memory:');
  mem.transaction(() => {
    createSchema(mem);
    writeWholeProject(mem, project, stamp(options));
  })();
  return mem;
}

/**
 * Writes the whole `project` to `path` (Save As, a new project, a recovery copy): a new file by
 * VACUUM INTO, or over an existing MLP Lab project by SQLite's backup API. Refuses to overwrite a
 * file that is not an MLP Lab project. Returns the base for later saves into the file.
 */
export async function writeProjectFile(path: string, project: Project, options: SaveOptions = {}): Promise<FileBase> {
  let mem: SqliteDatabase | null = null;
  const fresh = !existsSync(path);
  try {
    if (!existsSync(dirname(path))) throw Object.assign(new Error('no folder'), { code: 'ENOENT' });
    if (!fresh) refuseForeign(path);
    mem = buildInMemory(project, options);
    if (fresh) {
      mem.prepare('VACUUM INTO ?').run(path);
    } else {
      await mem.backup(path);
    }
  } catch (e) {
    // A new file that could not be finished is not left behind half-written.
    if (fresh) rmSync(path, { force: true });
    throw saveFailed(e, path);
  } finally {
    mem?.close();
  }
  return { spec: JSON.stringify(project.spec), runs: new Map(project.runs.map((r) => [r.id, isFinal(r.status)])), dataset: datasetKey(project.dataset) };
}

/** Throws unless the existing file at `path` is empty or an MLP Lab project (never overwrite someone else's file). */
function refuseForeign(path: string): void {
  if (statSync(path).size === 0) return;
  let ours = false;
  let db: SqliteDatabase | null = null;
  try {
    // Read-write, so a hot journal of an interrupted save is rolled back before the check.
    db = openSqlite(path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    ours = db.prepare("SELECT value FROM meta WHERE key = 'application'").pluck().get() === APPLICATION_MARKER;
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw e;
  } finally {
    db?.close();
  }
  if (!ours) throw new ProjectFileError('unsaved', path, `cannot save ${path}: a file that is not an MLP Lab project is already there; choose another name (nothing was changed)`);
}
