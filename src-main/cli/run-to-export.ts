/** The run of a project file that `mlp-lab export` writes out. */
import { WeightsError } from '../../shared/weights-format';
import { latestTrainedRun, type ProjectRun } from '../storage/project';
import { readProjectFile } from '../storage/project-file';

/** The project's run `id`, or its latest trained run; WeightsError saying what to do when there is none. */
export function runToExport(path: string, id: string | undefined): ProjectRun {
  const { project } = readProjectFile(path);
  const run = id === undefined ? latestTrainedRun(project) : project.runs.find((r) => r.id === id);
  if (!run) {
    if (id !== undefined) throw new WeightsError(`${path} has no run "${id}"; its runs are ${project.runs.map((r) => r.id).join(', ') || 'none'}`);
    throw new WeightsError(`${path} has no trained run yet; train one with: mlp-lab train ${path} --save`);
  }
  return run;
}
