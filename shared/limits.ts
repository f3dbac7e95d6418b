/**
 * The limits of a lab, enforced wherever an input enters (the spec parser for the CLI, the
 * window's calls and project files; the CSV importer; the IPC schemas), each checked before
 * anything of that size is allocated, with a message naming the limit. README lists them.
 *
 * They bound memory: a trainer holds about eight vectors of the network's parameters (weights,
 * gradient, two lanes, two fallbacks, an optimizer's moments), and a dataset is held as float64.
 */

/** The limits, by what they bound. */
export const LIMITS = {
  /** Samples of a built-in dataset. */
  samples: 1_000_000,
  /** Hidden layers of a network. */
  hiddenLayers: 32,
  /** Units of one layer. */
  units: 65_536,
  /** Weights and biases of a whole network: 20 million (160 MB per copy of the vector). */
  parameters: 20_000_000,
  /** Training steps of a run. */
  steps: 1e12,
  /** Samples per mini-batch. */
  batchSize: 1_000_000,
  /** Steps between validation checks, and checks of patience for early stopping. */
  validateEvery: 1_000_000_000,
  patience: 1_000_000,
  /** Columns of an imported CSV file. */
  csvColumns: 10_000,
  /** Cells (rows x columns) of an imported CSV file: 100 million (800 MB as float64). */
  csvCells: 100_000_000,
} as const;

/** Weights and biases of a network with `inputs` inputs and these layer widths (output layer last). */
export function parameterCount(inputs: number, widths: readonly number[]): number {
  let size = 0;
  let fanIn = inputs;
  for (const units of widths) {
    size += fanIn * units + units;
    fanIn = units;
  }
  return size;
}

/** A short form of a limit for messages: 20000000 -> "20,000,000". */
export function shown(n: number): string {
  return n >= 1e12 ? n.toExponential(0).replace('e+', 'e') : n.toLocaleString('en-US');
}
