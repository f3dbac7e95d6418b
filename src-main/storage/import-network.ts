/**
 * What the current network becomes when the window imports a CSV file (issue 16, items 7 and
 * 15): the same hidden layers, an output whose cost fits the new targets, and, unless the wizard
 * says to keep them, weights initialised for CSV data (Xavier for tanh and sigmoid, He for ReLU;
 * shared/default-init.ts) instead of the seed's std 1.
 */
import type { CostName } from '../../shared/engine/cost-types';
import { scaledInit } from '../../shared/default-init';
import { DEFAULT_COMPONENTS, type NetworkSpec, type OutputSpec } from '../../shared/spec';
import type { TableLike } from './dataset-encode';
import { proposeTask } from './dataset-encode';

/**
 * The cost a network keeps for new targets, unless the targets rule it out: labels need a
 * classifier's cost (from sum-of-squares or a mixture density network, the one the labels
 * suggest); numbers that are not classes need sum-of-squares instead of a classifier's. A
 * mixture density network keeps numeric targets (it models them).
 */
export function costFor(table: TableLike, targets: readonly string[], current: CostName): CostName {
  const proposal = proposeTask(table, targets);
  const labels = targets.some((t) => table.columns.find((c) => c.name === t)?.valueType === 'category');
  if (!labels) {
    const classifier = current === 'sigmoid-cross-entropy' || current === 'softmax-cross-entropy';
    if (classifier && proposal.task === 'regression') return 'sum-of-squares';
    if (current === 'sigmoid-cross-entropy' && proposal.cost === 'softmax-cross-entropy') return 'softmax-cross-entropy';
    return current;
  }
  if (current === 'sum-of-squares' || current === 'mixture-density') return proposal.cost;
  if (current === 'sigmoid-cross-entropy' && (proposal.classes?.length ?? 0) !== 2) return 'softmax-cross-entropy';
  return current;
}

/** The output layer with `cost`: `components` kept for a mixture density network (default K), left out for any other cost. */
export function outputWithCost(output: OutputSpec, cost: CostName): OutputSpec {
  if (cost === 'mixture-density') return { cost, components: output.components ?? DEFAULT_COMPONENTS, init: output.init };
  return { cost, init: output.init };
}

/** How the wizard asks for the network to change. */
export interface ImportNetworkOptions {
  /** Xavier/He initialisation for every layer (default true); false keeps each layer's init. */
  scaledInit?: boolean;
}

/** The network `current` becomes for `targets` of `table`. */
export function networkForImport(table: TableLike, targets: readonly string[], current: NetworkSpec, options: ImportNetworkOptions = {}): NetworkSpec {
  const network = { hidden: current.hidden, output: outputWithCost(current.output, costFor(table, targets, current.output.cost)) };
  return options.scaledInit === false ? network : withScaledInits(network);
}

/** `network` with every layer on its variance-scaling scheme (Xavier or He), each layer's bias constant kept. */
function withScaledInits(network: NetworkSpec): NetworkSpec {
  return {
    hidden: network.hidden.map((h) => ({ ...h, init: { ...scaledInit(h.activation), bias: h.init.bias } })),
    output: { ...network.output, init: { ...scaledInit('output'), bias: network.output.init.bias } },
  };
}
