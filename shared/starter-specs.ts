/**
 * The specs a new lab starts from: the seed's XOR quadrants (what the app opens), the seed's
 * sine regression, and for every other built-in dataset the starter network and optimizer its
 * description names (data/builtin.ts).
 */
import { BUILTINS, type BuiltinName } from './data/builtin';
import { NotAvailable } from './errors';
import { type LabSpec, parseSpec } from './spec';

/** The seed's XOR quadrants, as the app opens it. */
export const DEFAULT_SPEC_JSON = {
  format: 'mlp-lab-spec',
  version: 1,
  seed: 1,
  data: { builtin: 'xor-quadrants', n: 1000 },
  network: {
    hidden: [{ units: 4, activation: 'tanh', init: { std: 1, bias: 0 } }],
    output: { cost: 'sigmoid-cross-entropy', init: { std: 1, bias: 0 } },
  },
  training: { optimizer: 'gd', learningRate: 0.001, steps: 100000 },
} as const;

/** The seed's regression example. */
export const SINE_SPEC_JSON = {
  format: 'mlp-lab-spec',
  version: 1,
  seed: 1,
  data: { builtin: 'sine-regression', n: 100 },
  network: {
    hidden: [{ units: 6, activation: 'tanh', init: { std: 1, bias: -0.5 } }],
    output: { cost: 'sum-of-squares', init: { std: 1, bias: 0.5 } },
  },
  training: { optimizer: 'gd', learningRate: 0.001, steps: 100000 },
} as const;

/** A built-in dataset's parameters as the gallery sets them (defaults: the dataset's own, seed 1). */
export interface StarterParams {
  n?: number;
  noise?: number;
  classes?: number;
  seed?: number;
}

/**
 * The spec of a new lab on built-in dataset `builtin` (default: the seed's XOR quadrants): the
 * seed's own settings for the seed's two datasets, the dataset's starter network otherwise.
 * Throws NotAvailable for an unknown dataset, SpecError for parameters out of range.
 */
export function starterSpec(builtin = 'xor-quadrants', params: StarterParams = {}): LabSpec {
  const info = BUILTINS.find((b) => b.name === builtin);
  if (!info) throw new NotAvailable(`there is no built-in dataset "${builtin}"`);
  const name: BuiltinName = info.name;
  const seedBase = name === 'sine-regression' ? SINE_SPEC_JSON : DEFAULT_SPEC_JSON;
  const base = info.starter
    ? {
        ...DEFAULT_SPEC_JSON,
        network: { hidden: info.starter.hidden.map((units) => ({ units, activation: 'tanh' })), output: { cost: info.cost } },
        training: { optimizer: info.starter.optimizer, learningRate: info.starter.learningRate, steps: info.starter.steps },
      }
    : seedBase;
  const data = {
    builtin: name,
    n: params.n ?? info.defaultN,
    ...(params.noise !== undefined ? { noise: params.noise } : {}),
    ...(params.classes !== undefined && info.classes ? { classes: params.classes } : {}),
  };
  return parseSpec({ ...base, seed: params.seed ?? base.seed, data });
}
