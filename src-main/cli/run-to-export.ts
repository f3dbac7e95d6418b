/** The run of a project file that `mlp-lab export` writes out. */
import { findRun, runNumbers } from '../../shared/run-names';
import { WeightsError } from '../../shared/weights-format';
import { latestTrainedRun, type ProjectRun } from '../storage/project';
import { readProjectFile } from '../storage/project-file';

/**
 * The project's run `key` (its number "3", name "run 3" as the window and `mlp-lab runs` show
 * them, or its id), or its latest trained run; WeightsError saying what to do when there is none.
 */
export function runToExport(path: string, key: string | undefined): { run: ProjectRun; name: string } {
  const { project } = readProjectFile(path);
  const run = key === undefined ? latestTrainedRun(project) : findRun(project.runs, key);
  if (!run) {
    if (key !== undefined) {
      const names = runNumbers(project.runs).map((n) => n.name);
      const list = names.length === 0 ? 'it has no runs' : names.length <= 8 ? `its runs are ${names.join(', ')}` : `its runs are ${names[0]} to ${names[names.length - 1]}`;
      throw new WeightsError(`${path} has no run "${key}"; ${list} (mlp-lab runs ${path} lists them)`);
    }
    throw new WeightsError(`${path} has no trained run yet; train one with: mlp-lab train ${path} --save`);
  }
  return { run, name: runNumbers(project.runs)[project.runs.indexOf(run)].name };
}
