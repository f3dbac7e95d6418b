/**
 * A project in memory: what a `.mlplab` file holds (project-file.ts reads and writes it).
 * Values are treated as immutable: changing a project means making a new one, so a failed step
 * (an import that stops at line 812) leaves the open project as it was.
 */
import type { RunRecord, WeightSnapshot } from '../../shared/run';
import type { LabSpec } from '../../shared/spec';
import type { WeightsMeta } from '../../shared/weights-format';
import type { CsvReadOptions, CsvTable } from './csv-types';

/** The dataset as imported: the table plus when and how. `file` is where it came from. */
export interface ProjectDataset extends CsvTable {
  /** ISO 8601 time of the import. */
  importedAt: string;
  /** The import options as given (what was detected is in `format`). */
  settings: CsvReadOptions;
}

/**
 * A run as the project keeps it: the run record, plus what exporting its weights needs — the
 * column names, the normalisation fitted on its training split, and its class labels.
 */
export interface ProjectRun extends RunRecord {
  weightsMeta: WeightsMeta | null;
}

/** Everything a project file holds. */
export interface Project {
  spec: LabSpec;
  /** The imported CSV data, or null when the spec's data is built in (generated from the seed). */
  dataset: ProjectDataset | null;
  /** Run history, oldest first. */
  runs: ProjectRun[];
  /** UI state worth keeping (selected run, view settings): JSON values by key. */
  ui: Record<string, unknown>;
}

/** Weight snapshots kept per run at most; more are thinned evenly when saving. */
export const MAX_SNAPSHOTS = 50;

/** A new project for `spec`, with its dataset if it has one. */
export function newProject(spec: LabSpec, dataset: ProjectDataset | null = null): Project {
  return { spec, dataset, runs: [], ui: {} };
}

/**
 * At most `max` snapshots spread evenly over the run, always keeping the first and the last,
 * in step order.
 */
export function thinSnapshots(snapshots: readonly WeightSnapshot[], max = MAX_SNAPSHOTS): WeightSnapshot[] {
  const sorted = [...snapshots].sort((a, b) => a.step - b.step);
  if (sorted.length <= max) return sorted;
  if (max <= 1) return sorted.slice(-1);
  const out: WeightSnapshot[] = [];
  for (let i = 0; i < max; i++) out.push(sorted[Math.round((i * (sorted.length - 1)) / (max - 1))]);
  return out;
}

/** The project with `run` appended to its history (a new object; `project` is unchanged). */
export function withRun(project: Project, run: ProjectRun): Project {
  if (project.runs.some((r) => r.id === run.id)) throw new RangeError(`the project already has a run with id ${run.id}`);
  return { ...project, runs: [...project.runs, run] };
}

/** The latest run that has final weights, or null. */
export function latestTrainedRun(project: Project): ProjectRun | null {
  for (let i = project.runs.length - 1; i >= 0; i--) if (project.runs[i].finalWeights) return project.runs[i];
  return null;
}
