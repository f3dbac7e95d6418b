/**
 * The payloads that cross between the renderer and main: projects, datasets, runs, files. Part
 * of the one contract, shared/ipc.ts, which re-exports them beside the calls that carry them.
 */
import type { MissingPolicy } from './data/csv-options';
import type { ColumnStats, PartSample } from './data/plot-sample';
import type { CostCurve, RunSummary, WeightSnapshot } from './run';
import type { LabSpec } from './spec';
import type { Normalization } from './weights-format';

/** A run with its whole cost curve and kept snapshots. */
export interface RunDetail extends RunSummary {
  curve: CostCurve;
  initialWeights: Float64Array;
  /** The latest weights (final once the run has ended). */
  weights: Float64Array;
  snapshots: WeightSnapshot[];
}

/** Where the project's data came from and what it holds. */
export interface DatasetInfo {
  source: 'builtin' | 'csv';
  /** Built-in name or the CSV file's name. */
  name: string;
  n: number;
  inputNames: string[];
  targetNames: string[];
  /** What the imported file holds, per column (CSV data; absent for built-in data). */
  summary?: DatasetSummary;
}

/** One column of an imported file, as the dataset summary shows it. */
export interface ColumnSummary {
  name: string;
  /** How the project uses it. */
  role: 'input' | 'target' | 'unused';
  kind: 'numeric' | 'categorical' | 'constant' | 'id';
  /** Missing cells in the whole file (empty, or a missing-value marker). */
  missing: number;
  /** issue 16: numbers only, cells holding text instead of a number (not counted as missing). */
  invalid?: number;
  /** issue 16: why the kind is `constant` or `id` ("every value is 3"). */
  reason?: string;
  /** Numbers only: over the numbers of the whole file. */
  min?: number;
  max?: number;
  mean?: number;
  /** Categorical columns: each category and how many rows hold it (up to 50, most frequent first). */
  categories?: { label: string; count: number }[];
}

/** What an imported dataset holds, for the summary shown after an import. */
export interface DatasetSummary {
  /** Data rows in the file. */
  rows: number;
  /** Rows the network sees (after leaving out rows with missing values). */
  used: number;
  /** How rows missing a value were handled. */
  missing: MissingPolicy;
  columns: ColumnSummary[];
  /** Classification targets: samples per class among the rows used. */
  classBalance: { label: string; count: number }[] | null;
}
export interface ProjectSummary {
  /**
   * Grows with every change main makes to the project: of two summaries (a call's answer and a
   * project-changed event) the window keeps the one with the larger revision, and applies each
   * revision once.
   */
  revision: number;
  /**
   * Which opened project this is: changes when another project is opened or created (new, open,
   * gallery example, recovered copy), never while one is edited, saved or saved as. What the
   * window shows about a project (banners, a gradient check, the curvature) belongs to its session.
   */
  session: number;
  /** File name without extension, or "Untitled". */
  name: string;
  /** Where it is saved; null until first saved. */
  path: string | null;
  /** Unsaved changes. */
  dirty: boolean;
  spec: LabSpec;
  dataset: DatasetInfo | null;
  runs: RunSummary[];
  /** Saved UI state (selected run, view settings). */
  uiState: Record<string, unknown>;
  /**
   * Imported weights waiting to be used as the next run's initial weights, if any, with what
   * differs between them and this lab although they fit (a different input normalisation).
   */
  pendingInitialWeights: { layers: number; source: string; warnings?: string[] } | null;
}

/**
 * One part of a dataset for plots and metrics: inputs (n x d) and targets (n x k) after the
 * split, all `total` rows or (a large part) an even sample of n of them (shared/data/plot-sample.ts).
 */
export type DataPart = PartSample;

/**
 * The current project's data as the network sees it (normalised, targets in the cost's form),
 * bounded for the window: each part whole or sampled, and each input's range and mean over all rows.
 */
export interface DatasetPayload {
  inputNames: string[];
  targetNames: string[];
  classLabels?: string[];
  normalization: Normalization | null;
  train: DataPart;
  validation: DataPart;
  test: DataPart;
  /** Per input column over every row of every part (not only the rows sent). */
  inputStats: ColumnStats;
  /** Per target column (as the cost takes them: one-hot for classes) over every row of every part. */
  targetStats: ColumnStats;
}

/** A recently opened project. */
export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
}

/** What main says about itself. */
export interface AppInfo {
  version: string;
  platform: string;
  transport: 'electron' | 'browser';
  /** Browser transport: the folder projects open from and save to, if one was given. */
  workspace: string | null;
  /** The trainer pool's size. */
  threads: number;
}

/** An autosaved copy of a project that was not saved before the app stopped. */
export interface RecoveryInfo {
  /** The copy (pass it to lab:openRecovery). */
  path: string;
  /** The project file it belongs to, or null for a project never saved. */
  source: string | null;
  /** The project's name, or "Untitled". */
  name: string;
  /** ISO 8601 time of the copy. */
  savedAt: string;
}

/** A file in the workspace folder (browser transport). */
export interface WorkspaceFile {
  name: string;
  size: number;
  modified: string;
}

/** One column as the CSV preview sees it. */
export interface CsvColumnPreview {
  name: string;
  kind: 'numeric' | 'categorical' | 'constant' | 'id';
  missing: number;
  /** For categorical columns: the distinct values (up to a limit). */
  categories?: string[];
  min?: number;
  max?: number;
  mean?: number;
  suggestion?: string;
}

/** The first rows of a CSV file as parsed, with what was detected. */
export interface CsvPreviewPayload {
  file: string;
  delimiter: string;
  decimal: '.' | ',';
  hasHeader: boolean;
  columns: CsvColumnPreview[];
  rows: string[][];
  totalRowsEstimate: number;
}
