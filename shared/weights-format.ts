/**
 * The weights JSON file: a trained network in a form any tool can read (docs/weights-format.md,
 * docs/weights.schema.json). Numbers are written by JSON.stringify, which prints the shortest
 * decimal that reads back to the same double, so export then import is exact, bit for bit.
 *
 *     { "format": "mlp-lab-weights", "version": 1, "inputs": [...], "outputs": [...],
 *       "normalization": null | { "mean": [...], "std": [...] },
 *       "cost": "sigmoid-cross-entropy",
 *       "layers": [ { "activation": "tanh", "weights": [[...], ...], "bias": [...] }, ... ] }
 *
 * weights[i][j] connects input i to unit j; the last layer is linear and the cost's output
 * function (identity, sigmoid, softmax) turns its outputs into predictions.
 *
 * Version 2 adds the mixture density network (PRML §5.6): "cost": "mixture-density" with
 * "components": K; "outputs" then names the D target columns and the last layer has K(D+2)
 * units (mixing logits, means, log standard deviations: shared/engine/mdn.ts). Files of the
 * other costs are still written as version 1, so readers of version 1 keep reading them.
 */
import { type ActivationName, isActivationName } from './engine/activations';
import { costFor } from './engine/costs';
import { COST_NAMES, type CostName, isCostName, targetWidth } from './engine/cost-types';
import { laplaceTask } from './engine/evidence';
import { mixtureOutputs } from './engine/mdn';
import { Network } from './engine/network';
import { UserError } from './errors';
import { type LaplaceSection, parseLaplaceSection } from './laplace-section';

/** Input normalisation applied to raw inputs before the first layer: (x - mean) / std. */
export interface Normalization {
  mean: number[];
  std: number[];
}

/** One layer as written in the file. */
export interface WeightsLayer {
  activation: ActivationName;
  /** inputs x units: weights[i][j] connects input i to unit j. */
  weights: number[][];
  bias: number[];
}

/** The newest weights format version this build reads (it reads every older one too). */
export const WEIGHTS_VERSION = 2;

/** The weights file: version 1, or version 2 (which a mixture density network needs). */
export interface WeightsFile {
  format: 'mlp-lab-weights';
  version: 1 | 2;
  inputs: string[];
  /** One name per output unit; for mixture-density, one per target column (D of them). */
  outputs: string[];
  normalization: Normalization | null;
  cost: CostName;
  /** mixture-density only (version 2): K, the number of Gaussian components. */
  components?: number;
  /** For classifiers trained from a label column: the label of each output (optional). */
  classLabels?: string[];
  layers: WeightsLayer[];
  /** Optional (any version): the Laplace approximation of `mlp-lab laplace`, PRML §5.7 (laplace-section.ts). */
  laplace?: LaplaceSection;
}

/** A weights file that cannot be read; the message names the field or layer. */
export class WeightsError extends UserError {
  override name = 'WeightsError';
}

/** Column names and preprocessing that travel with the weights. */
export interface WeightsMeta {
  inputs: string[];
  outputs: string[];
  normalization?: Normalization | null;
  classLabels?: string[];
}

/** The weights file for a network's current parameters. */
export function toWeightsFile(net: Network, meta: WeightsMeta): WeightsFile {
  const targets = targetWidth(net.cost, net.outputs);
  if (meta.inputs.length !== net.inputs || meta.outputs.length !== targets) {
    throw new WeightsError(`names do not fit the network: ${meta.inputs.length} input and ${meta.outputs.length} output names for ${net.inputs} inputs and ${targets} ${targets === net.outputs ? 'outputs' : 'targets'}`);
  }
  // JSON has no NaN or Infinity (JSON.stringify writes null): such weights are never exported.
  for (const [k, l] of net.layers.entries()) {
    const bad = [...l.weights, ...l.bias].findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new WeightsError(`layer ${k + 1} holds a weight that is not a finite number (${[...l.weights, ...l.bias][bad]}): these weights cannot be exported; train again with a smaller learning rate`);
  }
  const mixture = net.cost.name === 'mixture-density';
  const file: WeightsFile = {
    format: 'mlp-lab-weights',
    version: mixture ? 2 : 1,
    inputs: [...meta.inputs],
    outputs: [...meta.outputs],
    normalization: meta.normalization ? { mean: [...meta.normalization.mean], std: [...meta.normalization.std] } : null,
    cost: net.cost.name,
    ...(mixture ? { components: net.cost.components ?? 1 } : {}),
    layers: net.layers.map((l) => {
      const weights: number[][] = [];
      for (let i = 0; i < l.inputs; i++) weights.push(Array.from(l.weights.subarray(i * l.units, (i + 1) * l.units)));
      return { activation: l.activation.name as ActivationName, weights, bias: Array.from(l.bias) };
    }),
  };
  if (meta.classLabels) file.classLabels = [...meta.classLabels];
  return file;
}

/** Validates untrusted JSON as a weights file; throws `WeightsError` naming what is wrong. */
export function parseWeightsFile(json: unknown): WeightsFile {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new WeightsError('a weights file must be a JSON object');
  const o = json as Record<string, unknown>;
  if (o.format !== 'mlp-lab-weights') throw new WeightsError(`"format" must be "mlp-lab-weights": this is not an MLP Lab weights file`);
  if (o.version !== 1 && o.version !== 2) {
    throw new WeightsError(`"version" ${JSON.stringify(o.version)} is not supported: this MLP Lab reads versions 1 and ${WEIGHTS_VERSION}${typeof o.version === 'number' && o.version > WEIGHTS_VERSION ? ' (the file is from a newer MLP Lab)' : ''}`);
  }
  const version = o.version;
  const inputs = strings(o.inputs, 'inputs');
  const outputs = strings(o.outputs, 'outputs');
  if (!isCostName(o.cost)) throw new WeightsError(`"cost" must be one of ${COST_NAMES.join(', ')}, got ${JSON.stringify(o.cost)}`);
  let components: number | undefined;
  if (o.cost === 'mixture-density') {
    if (version < 2) throw new WeightsError('"cost" mixture-density needs a version 2 file (version 1 has no mixture density networks)');
    if (!(typeof o.components === 'number' && Number.isInteger(o.components) && o.components >= 1)) {
      throw new WeightsError(`"components" must be a whole number >= 1 for mixture-density, got ${JSON.stringify(o.components)}`);
    }
    components = o.components;
  } else if (o.components !== undefined) {
    throw new WeightsError(`"components" belongs to mixture-density weights, not to ${o.cost}`);
  }
  // The last layer has one unit per output name, or K(D+2) for a mixture over D target columns.
  const lastUnits = components === undefined ? outputs.length : mixtureOutputs(components, outputs.length);
  if (!Array.isArray(o.layers) || o.layers.length === 0) throw new WeightsError('"layers" must be a non-empty list');
  let fanIn = inputs.length;
  const layers = o.layers.map((raw, l): WeightsLayer => {
    const where = `layer ${l + 1}`;
    if (typeof raw !== 'object' || raw === null) throw new WeightsError(`${where} must be an object`);
    const r = raw as Record<string, unknown>;
    if (!isActivationName(r.activation)) throw new WeightsError(`${where}: unknown activation ${JSON.stringify(r.activation)}`);
    if (!Array.isArray(r.weights) || r.weights.length !== fanIn) {
      throw new WeightsError(`${where}: "weights" must have ${fanIn} rows (one per input), has ${Array.isArray(r.weights) ? r.weights.length : 'none'}`);
    }
    const bias = numbers(r.bias, `${where} bias`);
    const units = bias.length;
    const weights = r.weights.map((row, i) => {
      const v = numbers(row, `${where} weights row ${i + 1}`);
      if (v.length !== units) throw new WeightsError(`${where}: weights row ${i + 1} has ${v.length} values, the layer has ${units} units`);
      return v;
    });
    fanIn = units;
    return { activation: r.activation, weights, bias };
  });
  if (layers[layers.length - 1].activation !== 'linear') throw new WeightsError(`the last layer must be linear (the cost applies the output function)`);
  if (fanIn !== lastUnits) {
    throw new WeightsError(components === undefined
      ? `the last layer has ${fanIn} units but "outputs" names ${outputs.length}`
      : `the last layer has ${fanIn} units but a mixture of ${components} components over the ${outputs.length} targets "outputs" names needs ${components} x (${outputs.length} + 2) = ${lastUnits}`);
  }
  let normalization: Normalization | null = null;
  if (o.normalization !== null && o.normalization !== undefined) {
    const n = o.normalization as Record<string, unknown>;
    const mean = numbers(n.mean, 'normalization mean');
    const std = numbers(n.std, 'normalization std');
    if (mean.length !== inputs.length || std.length !== inputs.length) throw new WeightsError(`normalization needs ${inputs.length} means and stds, one per input`);
    if (std.some((s) => !(s > 0))) throw new WeightsError('normalization std values must be greater than 0');
    normalization = { mean, std };
  }
  const file: WeightsFile = { format: 'mlp-lab-weights', version, inputs, outputs, normalization, cost: o.cost, ...(components !== undefined ? { components } : {}), layers };
  if (o.classLabels !== undefined) {
    const labels = strings(o.classLabels, 'classLabels');
    if (labels.length !== outputs.length) throw new WeightsError(`"classLabels" must name ${outputs.length} classes, names ${labels.length}`);
    file.classLabels = labels;
  }
  try {
    new Network(inputs.length, layers.map((l) => ({ units: l.bias.length, activation: l.activation })), costFor(file));
  } catch (e) {
    throw new WeightsError((e as Error).message);
  }
  // The Laplace section (issue 19): optional in every version, checked against the layers.
  if (o.laplace !== undefined) {
    const parameters = layers.reduce((p, l) => p + l.weights.length * l.bias.length + l.bias.length, 0);
    try {
      file.laplace = parseLaplaceSection(o.laplace, parameters, laplaceTask(file.cost));
    } catch (e) {
      throw new WeightsError(`"laplace": ${(e as Error).message}`);
    }
  }
  return file;
}

/**
 * The weights file in `text` (a file's contents; a byte order mark is skipped), validated;
 * WeightsError messages start with `source` (the file's name).
 */
export function parseWeightsText(text: string, source: string): WeightsFile {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new WeightsError(`${source} is not valid JSON (${(e as Error).message}): is it a weights file?`);
  }
  try {
    return parseWeightsFile(json);
  } catch (e) {
    throw new WeightsError(`${source}: ${(e as Error).message}`);
  }
}

/**
 * Checks that weights trained on the columns `file` names fit a lab whose data has `lab`'s
 * columns: the same input and output names in the same order (WeightsError naming the first
 * that differs). Returns warnings about what still fits but differs: the input normalisation.
 */
export function checkColumns(file: WeightsFile, lab: WeightsMeta): string[] {
  for (const role of ['inputs', 'outputs'] as const) {
    const theirs = file[role];
    const ours = lab[role];
    const i = theirs.findIndex((c, k) => c !== ours[k]);
    const what = role.slice(0, -1);
    if (i >= 0) {
      throw new WeightsError(`the weights file's ${what} ${i + 1} is "${theirs[i]}", this lab's is "${ours[i] ?? '(none)'}": the weights were trained on other columns (or another column order)`);
    }
    if (theirs.length !== ours.length) throw new WeightsError(`the weights file has ${theirs.length} ${role}, this lab has ${ours.length}: the weights were trained on other columns`);
  }
  const a = file.normalization;
  const b = lab.normalization ?? null;
  if (!!a !== !!b) return [`the weights were trained ${a ? 'with' : 'without'} input normalisation, this lab ${b ? 'normalises' : 'does not normalise'} its inputs`];
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * (1 + Math.abs(x));
  if (a && b && a.mean.some((m, j) => !close(m, b.mean[j]) || !close(a.std[j], b.std[j]))) {
    return ['the weights file\'s normalisation differs from this lab\'s (fitted on its own training split): the network starts from slightly shifted inputs'];
  }
  return [];
}

/** A network holding the file's weights. */
export function networkFromWeights(file: WeightsFile): Network {
  const net = new Network(file.inputs.length, file.layers.map((l) => ({ units: l.bias.length, activation: l.activation })), costFor(file));
  file.layers.forEach((l, k) => {
    const layer = net.layers[k];
    l.weights.forEach((row, i) => layer.weights.set(row, i * layer.units));
    layer.bias.set(l.bias);
  });
  return net;
}

/**
 * The flat parameter vector of a weights file for `net`, refusing a file whose shapes do not
 * match, with a message naming the first layer that differs.
 */
export function weightsFor(net: Network, file: WeightsFile): Float64Array {
  if (file.layers.length !== net.layers.length) {
    throw new WeightsError(`the weights file has ${file.layers.length} layers, the network has ${net.layers.length}`);
  }
  net.layers.forEach((layer, k) => {
    const l = file.layers[k];
    const units = l.bias.length;
    const inputs = l.weights.length;
    if (units !== layer.units || inputs !== layer.inputs) {
      throw new WeightsError(`layer ${k + 1} is ${inputs} -> ${units} in the weights file but ${layer.inputs} -> ${layer.units} in the network`);
    }
    if (l.activation !== layer.activation.name) {
      throw new WeightsError(`layer ${k + 1} uses ${l.activation} in the weights file but ${layer.activation.name} in the network`);
    }
  });
  if (file.cost !== net.cost.name) throw new WeightsError(`the weights were trained with ${file.cost}, the network uses ${net.cost.name}`);
  if ((file.components ?? 1) !== (net.cost.components ?? 1)) {
    throw new WeightsError(`the weights are a mixture of ${file.components ?? 1} components, the network's of ${net.cost.components ?? 1}`);
  }
  return Float64Array.from(networkFromWeights(file).params);
}

function strings(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string')) throw new WeightsError(`"${what}" must be a non-empty list of names`);
  return v as string[];
}

function numbers(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new WeightsError(`${what} must be a list of finite numbers`);
  return v as number[];
}

/**
 * Predictions from a weights file for raw inputs x (n x inputs, row-major): the stored
 * normalisation first, then the network, then the cost's output function (for mixture-density,
 * n rows of K(D+2) mixture parameters: pi, mu, sigma; see shared/engine/mdn.ts). The one code path
 * behind `mlp-lab predict`, the app's predictions and exported-model checks.
 */
export function predictFromWeights(file: WeightsFile, x: Float64Array, n: number, net = networkFromWeights(file)): Float64Array {
  return net.predict(normalizedInputs(file, x, n), n);
}

/** n rows of raw inputs as the network takes them: z-scored with the file's normalisation, if it has one. */
export function normalizedInputs(file: WeightsFile, x: Float64Array, n: number): Float64Array {
  if (!file.normalization) return x;
  const { mean, std } = file.normalization;
  const d = mean.length;
  const input = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) input[r * d + j] = (x[r * d + j] - mean[j]) / std[j];
  return input;
}
