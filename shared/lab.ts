/**
 * From a spec and its data to a network that trains: the one place that turns a `LabSpec` into
 * engine objects, used by the CLI, the trainer workers and the tests alike.
 */
import { taskOf } from './engine/costs';
import { cost as costByName } from './engine/costs';
import { initialize, type LayerInit } from './engine/init';
import { accuracy, rmse } from './engine/metrics';
import { Network } from './engine/network';
import { Rng } from './engine/rng';
import { DataError, type Dataset, prepareTargets } from './data/dataset';
import { splitDataset } from './data/split';
import { isCsvData, type LabSpec } from './spec';
import { type Normalization, type WeightsFile, weightsFor } from './weights-format';

/** A network built for a spec and dataset, ready to train. */
export interface Lab {
  spec: LabSpec;
  /** The training split, targets in the cost's form (one-hot for softmax labels), normalised if asked. */
  data: Dataset;
  /** The validation split (n = 0 when the spec has none). */
  validation: Dataset;
  /** The test split (n = 0 when the spec has none). */
  test: Dataset;
  /** Input normalisation fitted on the training split, or null. */
  normalization: Normalization | null;
  net: Network;
  /** The weights the run started from (for reset and reproducibility). */
  initial: Float64Array;
}

/** Quality of the current weights on a dataset. */
export interface Evaluation {
  /** E summed over samples (PRML (5.11)). */
  E: number;
  /** E / N: comparable between datasets of different sizes. */
  EPerSample: number;
  /** Classification only: fraction right. */
  accuracy?: number;
  /** Regression only: root mean squared error. */
  rmse?: number;
}

/** The network a spec describes for `inputs` inputs and `outputs` outputs (parameters zero). */
export function networkFor(spec: LabSpec, inputs: number, outputs: number): Network {
  const layers = [
    ...spec.network.hidden.map((h) => ({ units: h.units, activation: h.activation })),
    { units: outputs, activation: 'linear' },
  ];
  return new Network(inputs, layers, costByName(spec.network.output.cost));
}

/** The per-layer initialisations of a spec, output layer last. */
export function layerInits(spec: LabSpec): LayerInit[] {
  return [...spec.network.hidden.map((h) => h.init), spec.network.output.init];
}

/** A spec's data made ready for training: split, normalised, targets in the cost's form. */
export interface LabParts {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
  normalization: Normalization | null;
}

/**
 * Checks the targets against the cost, splits the data (seeded) and fits the normalisation on
 * the training split. Throws DataError with a message a user can act on.
 */
export function prepareParts(spec: LabSpec, raw: Dataset): LabParts {
  const prepared = prepareTargets(raw, spec.network.output.cost);
  if (prepared.n < 1) throw new DataError('the dataset has no samples');
  const normalize = isCsvData(spec.data) && spec.data.normalize;
  return splitDataset(prepared, spec.data.split, spec.seed, normalize);
}

/**
 * Builds the lab from prepared parts: the network, with its initial weights drawn from the
 * spec's seed, or `initialWeights`: a flat vector of the network's size, or a weights file whose
 * layers must match the network (WeightsError naming the layer if not).
 */
export function assembleLab(spec: LabSpec, parts: LabParts, initialWeights?: Float64Array | WeightsFile): Lab {
  const data = parts.train;
  const net = networkFor(spec, data.inputNames.length, data.targetNames.length);
  if (initialWeights && !(initialWeights instanceof Float64Array)) {
    net.params.set(weightsFor(net, initialWeights));
  } else if (initialWeights) {
    if (initialWeights.length !== net.size) {
      throw new DataError(`the initial weights have ${initialWeights.length} values, the network needs ${net.size}`);
    }
    net.params.set(initialWeights);
  } else {
    initialize(net, layerInits(spec), Rng.derive(spec.seed, 'init'));
  }
  return {
    spec,
    data,
    validation: parts.validation,
    test: parts.test,
    normalization: parts.normalization,
    net,
    initial: Float64Array.from(net.params),
  };
}

/** `prepareParts` then `assembleLab`: a lab straight from a spec and its raw data. */
export function createLab(spec: LabSpec, raw: Dataset, initialWeights?: Float64Array | WeightsFile): Lab {
  return assembleLab(spec, prepareParts(spec, raw), initialWeights);
}

/** E, E/N and accuracy or RMSE of the lab's current weights on `data` (default: its training split). */
export function evaluate(lab: Lab, data: Dataset = lab.data): Evaluation {
  const { net } = lab;
  if (data.n === 0) return { E: 0, EPerSample: 0 };
  const k = net.outputs;
  const y = net.predict(data.inputs, data.n);
  const E = net.cost.value(net.forward(data.inputs, data.n), data.targets, data.n, k);
  const ev: Evaluation = { E, EPerSample: E / data.n };
  if (taskOf(net.cost.name) === 'regression') ev.rmse = rmse(y, data.targets, data.n, k);
  else ev.accuracy = accuracy(y, data.targets, data.n, k, net.cost.name);
  return ev;
}
