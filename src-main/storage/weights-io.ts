/**
 * Weights files on disk: a project run's weights as the documented weights JSON
 * (docs/weights-format.md) with its normalisation and class labels, and reading a weights file.
 */
import { readFileSync } from 'node:fs';
import { networkFor } from '../../shared/lab';
import { parseWeightsText, toWeightsFile, type WeightsFile, WeightsError } from '../../shared/weights-format';
import type { ProjectRun } from './project';

/** The weights file of a run's final weights (or, with `which: 'initial'`, the ones it started from). */
export function exportRunWeights(run: ProjectRun, which: 'final' | 'initial' = 'final'): WeightsFile {
  const weights = which === 'final' ? run.finalWeights : run.initialWeights;
  if (!weights) throw new WeightsError(`run ${run.id} has no final weights (it ${run.status === 'failed' ? 'failed' : `is ${run.status}`}); export a finished run`);
  if (!run.weightsMeta) throw new WeightsError(`run ${run.id} does not record its input and output names; train it again to export its weights`);
  const meta = run.weightsMeta;
  const net = networkFor(run.spec, meta.inputs.length, meta.outputs.length);
  if (weights.length !== net.size) throw new WeightsError(`run ${run.id} has ${weights.length} weights, its network needs ${net.size}`);
  net.params.set(weights);
  return toWeightsFile(net, meta);
}

/** The weights file at `path`, validated; WeightsError messages start with the path. */
export function readWeightsFile(path: string): WeightsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new WeightsError(code === 'ENOENT' ? `cannot find the weights file ${path}` : `cannot read ${path}: ${(e as Error).message}`);
  }
  return parseWeightsText(text, path);
}
