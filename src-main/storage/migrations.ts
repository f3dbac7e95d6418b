/**
 * Carrying a project file written with an older schema forward to SCHEMA_VERSION.
 *
 * Migrations never run on the user's file. Opening reads the file into an in-memory database
 * (project-file.ts) and migrates that copy; the file on disk changes only when the project is
 * next saved, which writes the whole project in the current schema to a temporary file and
 * swaps it in atomically. So a migration that fails, or an app that is closed without saving,
 * leaves the file exactly as it was, still readable by the version that wrote it.
 */
import type { SqliteDatabase } from './sqlite';
import { UserError } from '../../shared/errors';

/** One step from schema `from` to schema `from + 1`. */
export interface Migration {
  from: number;
  /** What changes, for logs ("add run.tags"). */
  description: string;
  up(db: SqliteDatabase): void;
}

/**
 * The migrations of this build, in order. Schema 1 is the first, so there are none yet; the
 * next schema adds `{ from: 1, description, up }` here and bumps SCHEMA_VERSION.
 */
export const MIGRATIONS: readonly Migration[] = [];

/** A file that cannot be brought up to date (no migration from its version). */
export class MigrationError extends UserError {
  override name = 'MigrationError';
}

/**
 * Migrates `db` (an in-memory copy) from schema `from` to `to`, one step at a time, in one
 * transaction; sets `PRAGMA user_version` as it goes. Returns the steps run.
 */
export function migrate(db: SqliteDatabase, from: number, to: number, migrations: readonly Migration[] = MIGRATIONS): Migration[] {
  const steps: Migration[] = [];
  for (let v = from; v < to; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) throw new MigrationError(`no migration from project schema ${v} to ${v + 1}`);
    steps.push(step);
  }
  db.transaction(() => {
    for (const step of steps) {
      step.up(db);
      db.pragma(`user_version = ${step.from + 1}`);
    }
  })();
  return steps;
}
