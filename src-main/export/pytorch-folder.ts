/**
 * The PyTorch hand-off: a lab (spec, data, initial weights) as a folder a cluster can train,
 * with a readable `train.py` (pytorch-train.py beside this file, torch and numpy only) that
 * builds the same network in float64, with E summed over samples, the same optimiser and the
 * same mini-batch order, on one process or under torchrun (DistributedDataParallel).
 *
 *     config.json            network, cost, training settings, column names, the lab spec
 *     initial-weights.json   the weights training starts from (an mlp-lab-weights file)
 *     train-x.npy  train-t.npy              the training split as the trainer sees it: inputs
 *     validation-x.npy  validation-t.npy    normalised, targets in the cost's form (one-hot)
 *     train.py  README.txt
 *
 * The script writes weights.json (an mlp-lab-weights file) and training-log.json (its cost
 * curve, steps and time), which `mlp-lab import-weights` turns into a run of the project.
 */
import { createLab, type Lab } from '../../shared/lab';
import type { Dataset } from '../../shared/data/dataset';
import type { LabSpec } from '../../shared/spec';
import { toWeightsFile, type WeightsFile } from '../../shared/weights-format';
import { npyFloat64 } from './npy';
import TRAIN_PY from './pytorch-train.py?raw';

/** The version of config.json's layout, written as its "version". */
export const PYTORCH_EXPORT_VERSION = 1;

/** The optimizers train.py implements (scg has no counterpart in it). */
export const PYTORCH_OPTIMIZERS = ['gd', 'sgd', 'momentum', 'adam'] as const;

/** A lab the PyTorch hand-off cannot carry; the message says what to change. */
export class ExportError extends Error {
  override name = 'ExportError';
}

/** One file of the folder. */
export interface ExportedFile {
  name: string;
  bytes: Uint8Array;
}

/** Options of `pytorchFolder`. */
export interface PytorchOptions {
  /** Start from these weights instead of the spec's seeded initialisation. */
  initial?: WeightsFile;
  /** Override the spec's number of steps. */
  steps?: number;
}

/** The files of the hand-off folder for `spec` on its raw data. */
export function pytorchFolder(spec: LabSpec, raw: Dataset, options: PytorchOptions = {}): ExportedFile[] {
  const tr = spec.training;
  if (!(PYTORCH_OPTIMIZERS as readonly string[]).includes(tr.optimizer)) {
    throw new ExportError(`train.py has no ${tr.optimizer} optimizer (scaled conjugate gradients is MLP Lab's own); choose ${PYTORCH_OPTIMIZERS.join(', ')} in training.optimizer to export for PyTorch`);
  }
  const withSteps: LabSpec = options.steps === undefined ? spec : { ...spec, training: { ...tr, steps: options.steps } };
  const lab = createLab(withSteps, raw, options.initial);
  const text = (s: string) => new TextEncoder().encode(s);
  const json = (v: unknown) => text(`${JSON.stringify(v, null, 1)}\n`);
  const part = (d: Dataset, name: string): ExportedFile[] => [
    { name: `${name}-x.npy`, bytes: npyFloat64(d.inputs, [d.n, d.inputNames.length]) },
    { name: `${name}-t.npy`, bytes: npyFloat64(d.targets, [d.n, d.targetNames.length]) },
  ];
  const initial = initialWeightsFile(lab);
  const config = {
    format: 'mlp-lab-pytorch',
    version: PYTORCH_EXPORT_VERSION,
    seed: withSteps.seed,
    cost: initial.cost,
    ...(initial.components !== undefined ? { components: initial.components } : {}),
    layers: initial.layers.map((l) => ({ units: l.bias.length, activation: l.activation })),
    inputs: initial.inputs,
    outputs: initial.outputs,
    training: {
      optimizer: withSteps.training.optimizer,
      learningRate: withSteps.training.learningRate,
      steps: withSteps.training.steps,
      batchSize: withSteps.training.batchSize,
      momentum: withSteps.training.momentum,
      beta1: withSteps.training.beta1,
      beta2: withSteps.training.beta2,
      epsilon: withSteps.training.epsilon,
      weightDecay: withSteps.training.weightDecay,
      validateEvery: withSteps.training.validateEvery,
      earlyStopping: withSteps.training.earlyStopping,
    },
    initialWeights: 'initial-weights.json',
    data: {
      train: { x: 'train-x.npy', t: 'train-t.npy', n: lab.data.n },
      ...(lab.validation.n > 0 ? { validation: { x: 'validation-x.npy', t: 'validation-t.npy', n: lab.validation.n } } : {}),
    },
    spec: withSteps,
  };
  return [
    { name: 'train.py', bytes: text(TRAIN_PY) },
    { name: 'config.json', bytes: json(config) },
    { name: 'initial-weights.json', bytes: json(initial) },
    ...part(lab.data, 'train'),
    ...(lab.validation.n > 0 ? part(lab.validation, 'validation') : []),
    { name: 'README.txt', bytes: text(readme(withSteps, lab)) },
  ];
}

/** The lab's initial weights as a weights file, with its column names and normalisation. */
function initialWeightsFile(lab: Lab): WeightsFile {
  return toWeightsFile(lab.net, {
    inputs: lab.data.inputNames,
    outputs: lab.data.targetNames,
    normalization: lab.normalization,
    classLabels: lab.data.classLabels,
  });
}

function readme(spec: LabSpec, lab: Lab): string {
  const tr = spec.training;
  return `MLP Lab -> PyTorch: ${lab.net.layers.map((l) => `${l.units} ${l.activation.name}`).join(' -> ')}, ${spec.network.output.cost}
${tr.optimizer}, learning rate ${tr.learningRate}, ${tr.steps} steps, ${tr.batchSize === null ? 'the whole training set' : `batches of ${tr.batchSize}`} per step; ${lab.data.n} training${lab.validation.n ? ` and ${lab.validation.n} validation` : ''} samples.

  python3 train.py                                  # one process (needs torch and numpy)
  torchrun --nproc_per_node 4 train.py              # four processes, each a shard of every batch
  mlp-lab import-weights PROJECT.mlplab weights.json   # back into the lab, as a run with its cost curve

See docs/pytorch.md in MLP Lab for clusters, GPUs and what train.py does.
`;
}
