/**
 * Adding finished runs to a project file's history (`mlp-lab train PROJECT --save`).
 */
import type { RunRecord } from '../../shared/run';
import type { Normalization } from '../../shared/weights-format';
import type { ProjectRun } from './project';
import { appendRuns } from './project-save';

/** What a run was trained on: its training split (for the column names) and its normalisation. */
export interface RunData {
  train: { inputNames: readonly string[]; targetNames: readonly string[]; classLabels?: readonly string[] };
  normalization: Normalization | null;
}

/** A run record as the project keeps it, with the names and normalisation its weights need. */
export function projectRun(record: RunRecord, data: RunData): ProjectRun {
  const weightsMeta = {
    inputs: [...data.train.inputNames],
    outputs: [...data.train.targetNames],
    normalization: data.normalization ? { mean: [...data.normalization.mean], std: [...data.normalization.std] } : null,
    ...(data.train.classLabels ? { classLabels: [...data.train.classLabels] } : {}),
  };
  return { ...record, weightsMeta };
}

/**
 * Appends runs to the history of the project at `path`, in one transaction on the file that
 * leaves everything else in it as it is (the app may have it open and save it later: both keep
 * their runs).
 */
export function saveRunsToProject(path: string, runs: readonly ProjectRun[]): void {
  appendRuns(path, runs);
}
