/**
 * From a spec and its data to a network that trains: the one place that turns a `LabSpec` into
 * engine objects, used by the CLI, the trainer workers and the tests alike.
 */
import { costFor } from './engine/costs';
import { mixtureOutputs } from './engine/mdn';
import { initialize, type LayerInit } from './engine/init';
import { Network } from './engine/network';
import { Rng } from './engine/rng';
import { DataError, type Dataset, finish, prepareTargets, type Sliced } from './data/dataset';
import { type Allocate, splitDatasetSliced, splitSizes } from './data/split';
import { LIMITS, parameterCount, shown } from './limits';
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

/**
 * The network a spec describes for `inputs` inputs and `targets` target columns (parameters
 * zero). The output layer has one unit per target column, or K(D+2) for a mixture density
 * network of K components over D target columns (PRML §5.6). With `params`, that vector is the
 * network's parameter vector itself (see Network).
 */
export function networkFor(spec: LabSpec, inputs: number, targets: number, params?: Float64Array): Network {
  const cost = costFor(spec.network.output);
  const outputs = outputUnits(spec, targets);
  // Refused before anything of that size is allocated (a trainer holds several such vectors).
  const size = specParameters(spec, inputs, targets);
  if (size > LIMITS.parameters) {
    throw new DataError(`the network would have ${shown(size)} weights and biases for ${inputs} inputs and ${outputs} outputs; at most ${shown(LIMITS.parameters)} are allowed: use fewer or narrower hidden layers`);
  }
  // The data decides the outputs: say so as a DataError (the engine's own check is a RangeError).
  if (outputs < cost.minOutputs) throw new DataError(`${cost.name} needs at least ${cost.minOutputs} outputs, the network has ${outputs}`);
  return new Network(inputs, layerShapes(spec, targets), cost, params);
}

/** Weights and biases of the network a spec gives `inputs` inputs and `targets` target columns. */
export function specParameters(spec: LabSpec, inputs: number, targets: number): number {
  return parameterCount(inputs, [...spec.network.hidden.map((h) => h.units), outputUnits(spec, targets)]);
}

/** Units of the output layer a spec gives `targets` target columns: targets, or K(D+2) for a mixture. */
export function outputUnits(spec: LabSpec, targets: number): number {
  const out = spec.network.output;
  return out.cost === 'mixture-density' ? mixtureOutputs(out.components ?? 1, targets) : targets;
}

function layerShapes(spec: LabSpec, targets: number): { units: number; activation: string }[] {
  return [
    ...spec.network.hidden.map((h) => ({ units: h.units, activation: h.activation })),
    { units: outputUnits(spec, targets), activation: 'linear' },
  ];
}

/**
 * Each layer's fan-in and fan-out as `initialize` (engine/init.ts) sees them: the layer's inputs
 * and its own units, hidden layers first, output layer last. What the builder shows a Xavier or He
 * standard deviation from (initStd of these), so it is the std the engine draws with.
 */
export function layerFans(spec: LabSpec, inputs: number, targets: number): { fanIn: number; fanOut: number }[] {
  const widths = [...spec.network.hidden.map((h) => h.units), outputUnits(spec, targets)];
  return widths.map((units, l) => ({ fanIn: l === 0 ? inputs : widths[l - 1], fanOut: units }));
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
 * the training split. Throws DataError with a message a user can act on. The parts' arrays
 * come from `alloc` when given (see splitDataset).
 */
export function prepareParts(spec: LabSpec, raw: Dataset, alloc?: Allocate): LabParts {
  return finish(preparePartsSliced(spec, raw, alloc));
}

/**
 * `prepareParts` in slices (see Sliced): the targets are checked before the first pause, so a
 * spec the data does not suit is refused on the first step.
 */
export function* preparePartsSliced(spec: LabSpec, raw: Dataset, alloc?: Allocate): Sliced<LabParts> {
  const prepared = prepareTargets(raw, spec.network.output.cost);
  if (prepared.n < 1) throw new DataError('the dataset has no samples');
  return yield* splitDatasetSliced(prepared, spec.data.split, spec.seed, normalizes(spec), alloc);
}

/** A spec checked against its data: the network with the initial weights a run would start from. */
export interface CheckedLab {
  net: Network;
  /** Samples in the training split. */
  trainSamples: number;
}

/**
 * Checks a spec against raw data as `prepareParts` then `assembleLab` would (the targets suit
 * the cost, the split leaves training samples, initial weights fit the network), with the same
 * errors, but without copying, splitting or normalising the data; returns the network with its
 * initial weights (those the lab would start from) and the size of the training split. For
 * refusing a spec early, on main, whatever the size of the data.
 */
export function checkLab(spec: LabSpec, raw: Dataset, initialWeights?: Float64Array | WeightsFile): CheckedLab {
  const prepared = prepareTargets(raw, spec.network.output.cost);
  if (prepared.n < 1) throw new DataError('the dataset has no samples');
  const { train } = splitSizes(prepared.n, spec.data.split);
  const net = networkFor(spec, prepared.inputNames.length, prepared.targetNames.length);
  setInitialWeights(spec, net, initialWeights);
  return { net, trainSamples: train };
}

/** True when the spec normalises its inputs (CSV data with normalize on). */
function normalizes(spec: LabSpec): boolean {
  return isCsvData(spec.data) && spec.data.normalize;
}

/**
 * What `prepareParts` depends on besides the raw data: two specs with the same key get the
 * same parts from the same data (the seed matters only when it draws a split).
 */
export function partsKey(spec: LabSpec): string {
  const { validation, test } = spec.data.split;
  const drawn = validation > 0 || test > 0;
  return JSON.stringify([spec.network.output.cost, validation, test, drawn ? spec.seed : null, normalizes(spec)]);
}

/**
 * Builds the lab from prepared parts: the network, with its initial weights drawn from the
 * spec's seed, or `initialWeights`: a flat vector of the network's size, or a weights file whose
 * layers must match the network (WeightsError naming the layer if not). With `params`, the
 * network's parameter vector is that one (a data-parallel run's, in shared memory).
 */
export function assembleLab(spec: LabSpec, parts: LabParts, initialWeights?: Float64Array | WeightsFile, params?: Float64Array): Lab {
  const data = parts.train;
  const net = networkFor(spec, data.inputNames.length, data.targetNames.length, params);
  setInitialWeights(spec, net, initialWeights);
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

/**
 * Gives `net` its initial weights: those of a weights file (whose layers must match), a flat
 * vector of the network's size, or drawn from the spec's seed.
 */
function setInitialWeights(spec: LabSpec, net: Network, initialWeights?: Float64Array | WeightsFile): void {
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
}

/** `prepareParts` then `assembleLab`: a lab straight from a spec and its raw data. */
export function createLab(spec: LabSpec, raw: Dataset, initialWeights?: Float64Array | WeightsFile): Lab {
  return assembleLab(spec, prepareParts(spec, raw), initialWeights);
}
