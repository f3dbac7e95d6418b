/**
 * Weights in and out of a project: export a run's weights as the documented weights JSON
 * (docs/weights-format.md) with its normalisation and class labels, and import a weights file
 * as a run's initial weights, refusing one that does not fit the network, naming the layer.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Dataset } from '../../shared/data/dataset';
import { createLab, networkFor } from '../../shared/lab';
import type { LabSpec } from '../../shared/spec';
import { parseWeightsFile, toWeightsFile, type WeightsFile, WeightsError, weightsFor } from '../../shared/weights-format';
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

/** The weights file at `path`, validated; WeightsError messages are prefixed with its name. */
export function readWeightsFile(path: string): WeightsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new WeightsError(code === 'ENOENT' ? `cannot find the weights file ${path}` : `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return parseWeightsFile(JSON.parse(text.replace(/^\uFEFF/, '')));
  } catch (e) {
    const why = e instanceof SyntaxError ? `is not valid JSON (${e.message})` : (e as Error).message;
    throw new WeightsError(`${basename(path)}: ${why}`);
  }
}

/** Initial weights for a new run, taken from a weights file, and anything worth telling the user. */
export interface ImportedWeights {
  /** The flat parameter vector for the spec's network. */
  weights: Float64Array;
  warnings: string[];
}

/**
 * The flat initial weights for `spec` on `raw` from `file`. Refuses (WeightsError) a file whose
 * layers, activations, cost or column names differ from the network's, naming the first
 * difference: "layer 2 is 5 -> 3 in the weights file but 5 -> 4 in the network".
 */
export function importInitialWeights(spec: LabSpec, raw: Dataset, file: WeightsFile): ImportedWeights {
  const parts = createLab(spec, raw);
  const names = { inputs: parts.data.inputNames, outputs: parts.data.targetNames };
  const net = networkFor(spec, names.inputs.length, names.outputs.length);
  const weights = weightsFor(net, file);
  for (const role of ['inputs', 'outputs'] as const) {
    const i = file[role].findIndex((c, k) => c !== names[role][k]);
    if (i >= 0) {
      throw new WeightsError(`the weights file's ${role.slice(0, -1)} ${i + 1} is "${file[role][i]}", this lab's is "${names[role][i]}": the weights were trained on other columns (or another column order)`);
    }
  }
  const warnings: string[] = [];
  const a = file.normalization;
  const b = parts.normalization;
  if (!!a !== !!b) warnings.push(`the weights were trained ${a ? 'with' : 'without'} input normalisation, this lab ${b ? 'normalises' : 'does not normalise'} its inputs`);
  else if (a && b && a.mean.some((m, j) => Math.abs(m - b.mean[j]) > 1e-9 * (1 + Math.abs(m)) || Math.abs(a.std[j] - b.std[j]) > 1e-9 * a.std[j])) {
    warnings.push('the weights file\'s normalisation differs from this lab\'s (fitted on its own training split): the network starts from slightly shifted inputs');
  }
  return { weights, warnings };
}
