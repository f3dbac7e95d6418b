/**
 * Edits of a lab spec as the builder makes them: each takes a copy of the spec and returns the
 * changed copy, keeping dependent fields consistent (a full-batch optimizer drops the batch size,
 * a mini-batch one gets one), so the combinations the spec refuses cannot be produced by a click.
 */
import type { OptimizerName } from '@shared/engine/optimizers';
import { defaultInit, scaledInit } from '@shared/default-init';
import type { ActivationName } from '@shared/engine/activations';
import { type HiddenLayerSpec, isCsvData, type LabSpec } from '@shared/spec';

/** A deep copy of a spec (plain JSON data). */
export function cloneSpec(spec: LabSpec): LabSpec {
  return JSON.parse(JSON.stringify(spec)) as LabSpec;
}

/** True for optimizers that always use the whole training set. */
export function isFullBatch(optimizer: OptimizerName): boolean {
  return optimizer === 'gd' || optimizer === 'scg' || optimizer === 'lbfgs';
}

/** A new hidden layer like the last one (or 4 tanh units, initialised as the data's default: issue 16). */
export function newHiddenLayer(spec: LabSpec): HiddenLayerSpec {
  const last = spec.network.hidden[spec.network.hidden.length - 1];
  return last
    ? { units: last.units, activation: last.activation, init: { ...last.init } }
    : { units: 4, activation: 'tanh', init: defaultInit('tanh', isCsvData(spec.data)) };
}

/**
 * Sets a hidden layer's activation; a layer on a variance-scaling scheme follows it (He for
 * ReLU, Xavier for the others: shared/default-init.ts), any other initialisation is kept.
 */
export function setActivation(layer: HiddenLayerSpec, activation: ActivationName): void {
  layer.activation = activation;
  if (layer.init.scheme !== 'truncated-normal') layer.init = { ...layer.init, scheme: scaledInit(activation).scheme };
}

/** Switches the optimizer, fixing the batch size to what it needs. */
export function setOptimizer(spec: LabSpec, optimizer: OptimizerName): void {
  spec.training.optimizer = optimizer;
  if (isFullBatch(optimizer)) spec.training.batchSize = null;
  else if (spec.training.batchSize === null) spec.training.batchSize = 32;
  // The evidence procedure needs the whole training set in every step (PRML §5.7.2).
  if (!isFullBatch(optimizer)) delete spec.training.evidence;
}

/**
 * Switches the evidence procedure (PRML §5.7.2) on (re-estimating every `every` steps) or off.
 * It sets the weight decay itself, so a fixed one is dropped; a mini-batch optimizer becomes
 * scaled conjugate gradients, which uses the whole training set.
 */
export function setEvidence(spec: LabSpec, every: number | null): void {
  if (every === null) {
    delete spec.training.evidence;
    return;
  }
  spec.training.evidence = { every, alpha: spec.training.evidence?.alpha ?? 0.01, beta: spec.training.evidence?.beta ?? 50 };
  spec.training.weightDecay = 0;
  if (!isFullBatch(spec.training.optimizer)) setOptimizer(spec, 'scg');
}

/** Sets the validation fraction; early stopping is switched off when there is none left. */
export function setValidation(spec: LabSpec, fraction: number): void {
  spec.data.split.validation = fraction;
  if (fraction === 0) spec.training.earlyStopping = null;
}

/** Moves hidden layer `from` to position `to`. */
export function moveLayer(spec: LabSpec, from: number, to: number): void {
  const h = spec.network.hidden;
  if (to < 0 || to >= h.length || from === to) return;
  const [layer] = h.splice(from, 1);
  h.splice(to, 0, layer);
}

/** True when two specs describe the same model and data (so one's weights fit the other's views). */
export function sameModel(a: LabSpec, b: LabSpec): boolean {
  return JSON.stringify([a.network, a.data, a.seed]) === JSON.stringify([b.network, b.data, b.seed]);
}

/** True when a change from `a` to `b` changes the data the views plot (or the targets' form). */
export function dataChanged(a: LabSpec | null, b: LabSpec): boolean {
  return !a || JSON.stringify([a.data, a.seed, a.network.output.cost]) !== JSON.stringify([b.data, b.seed, b.network.output.cost]);
}
