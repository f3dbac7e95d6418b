/**
 * The project file's SQLite schema (docs/project-file.md describes it for other tools).
 *
 * A project file is marked twice: `PRAGMA application_id` in the database header (so `file(1)`
 * and a first glance at 4 bytes tell it apart) and a `meta` row `application = mlp-lab-project`.
 * Its schema version is `PRAGMA user_version`. A later schema only ever adds: tables, columns,
 * meta keys; migrations.ts carries an older file forward.
 */

/** PRAGMA application_id of every project file: the bytes "MLPL". */
export const APPLICATION_ID = 0x4d4c504c;
/** The `meta` value of the key `application`. */
export const APPLICATION_MARKER = 'mlp-lab-project';
/** The schema version this build writes, and the newest it reads. */
export const SCHEMA_VERSION = 1;
/** The file name extension of project files. */
export const PROJECT_EXTENSION = '.mlplab';

/** Schema version 1, as executed on a new, empty database. */
export const SCHEMA_V1 = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- The lab spec (docs/spec-format.md), as JSON. Exactly one row.
CREATE TABLE spec (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  json TEXT NOT NULL
);

-- The imported dataset, if the spec's data is a CSV file. At most one row.
CREATE TABLE dataset (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  source       TEXT NOT NULL,     -- the file it was imported from
  imported_at  TEXT NOT NULL,     -- ISO 8601
  format       TEXT NOT NULL,     -- JSON: delimiter, decimal, header, encoding, newline
  settings     TEXT NOT NULL,     -- JSON: the import options as given
  row_count    INTEGER NOT NULL,
  blank_lines  INTEGER NOT NULL,
  notes        TEXT NOT NULL,     -- JSON list of strings
  line_numbers BLOB NOT NULL      -- int32 little-endian per row: the file line it started on
);

-- The dataset's columns, in file order.
CREATE TABLE dataset_column (
  position INTEGER PRIMARY KEY,   -- 0-based
  name     TEXT NOT NULL UNIQUE,
  info     TEXT NOT NULL,         -- JSON: kind, valueType, categories, missing, stats, ...
  data     BLOB NOT NULL          -- float64 little-endian x row_count; NaN = missing
);

-- Run history, oldest first.
CREATE TABLE run (
  position        INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  number          INTEGER,        -- "Run N" in the window; kept when other runs are deleted
  created_at      TEXT NOT NULL,
  spec            TEXT NOT NULL,  -- JSON: the spec the run used
  status          TEXT NOT NULL,  -- finished, stopped, diverged, failed (or queued, running, paused)
  message         TEXT,
  metrics         TEXT,           -- JSON RunMetrics, or NULL
  best_step       INTEGER,
  weights_meta    TEXT,           -- JSON: inputs, outputs, normalization, classLabels
  initial_weights BLOB NOT NULL,  -- float64 x parameters
  final_weights   BLOB,
  curve_steps     BLOB NOT NULL,  -- float64 per curve point
  curve_train     BLOB NOT NULL,
  curve_validation_steps BLOB NOT NULL,
  curve_validation       BLOB NOT NULL
);

-- A bounded number of weight vectors per run, for replaying how it learned.
CREATE TABLE run_snapshot (
  run_id  TEXT NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  step    INTEGER NOT NULL,
  weights BLOB NOT NULL,
  PRIMARY KEY (run_id, step)
);

-- UI state worth keeping (selected run, view settings): JSON values by key.
CREATE TABLE ui_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** The tables a version-1 file must have. */
export const TABLES_V1 = ['meta', 'spec', 'dataset', 'dataset_column', 'run', 'run_snapshot', 'ui_state'] as const;
