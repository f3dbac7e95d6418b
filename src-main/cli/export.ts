/**
 * `mlp-lab export PROJECT --out WEIGHTS.json`: the weights of the project's latest trained run
 * (or of `--run ID`) as a weights file (docs/weights-format.md), with the run's normalisation
 * and class labels, so predictions work on raw inputs.
 */
import { WeightsError } from '../../shared/weights-format';
import { latestTrainedRun } from '../storage/project';
import { readProjectFile } from '../storage/project-file';
import { exportRunWeights } from '../storage/weights-io';
import { parseArgs, UsageError } from './args';
import { writeText } from './files';
import type { CliIo } from './io';

export const EXPORT_USAGE = 'mlp-lab export PROJECT [--run ID] [--out WEIGHTS.json]';

/** Runs `export`; returns the exit code. */
export function exportWeights(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, { out: 'value', run: 'value' }, 'export');
  if (args.positionals.length !== 1) throw new UsageError(`export needs one PROJECT file, got ${args.positionals.length}`);
  const path = args.positionals[0];
  const { project } = readProjectFile(path);
  const id = args.options.get('run');
  const run = id === undefined ? latestTrainedRun(project) : project.runs.find((r) => r.id === id);
  if (!run) {
    if (id !== undefined) throw new WeightsError(`${path} has no run "${id}"; its runs are ${project.runs.map((r) => r.id).join(', ') || 'none'}`);
    throw new WeightsError(`${path} has no trained run yet; train one with: mlp-lab train ${path} --save`);
  }
  const text = `${JSON.stringify(exportRunWeights(run), null, 1)}\n`;
  const out = args.options.get('out');
  if (out) {
    writeText(out, text);
    io.stderr.write(`weights of run ${run.id} (${run.status}, ${run.createdAt}) written to ${out}\n`);
  } else io.stdout.write(text);
  return 0;
}
