/**
 * Optimizers update the flat parameter vector (from `Network`) using an objective that returns
 * E and dE/dw for the current step's batch. First-order methods (gd, sgd, momentum, adam)
 * evaluate it once per step; the batch second-order methods (scaled conjugate gradients,
 * L-BFGS) evaluate it several times.
 *
 * Contract: if the objective throws (a run stopped mid-step), `step` rethrows and leaves
 * `params` exactly as they were at the start of the step, and the optimizer's state too.
 * `learningRate` is a public mutable field: a change takes effect at the next step.
 *
 * One file per method under optimizers/; this module re-exports them and builds one by name.
 */
import { Adam } from './optimizers/adam';
import { GradientDescent } from './optimizers/gradient-descent';
import { Lbfgs } from './optimizers/lbfgs';
import { Momentum } from './optimizers/momentum';
import { ScaledConjugateGradients } from './optimizers/scg';
import type { Optimizer } from './optimizers/types';

export type { Objective, Optimizer } from './optimizers/types';
export { Adam, GradientDescent, Lbfgs, Momentum, ScaledConjugateGradients };

/** The optimizer names `createOptimizer` accepts, which are the names a spec may use. */
export const OPTIMIZER_NAMES = ['gd', 'sgd', 'momentum', 'adam', 'scg', 'lbfgs'] as const;
/** One of `OPTIMIZER_NAMES`. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/**
 * What `createOptimizer` reads: a structural subset of the spec's training section, so the
 * engine need not import the spec. Fields a method does not use are ignored.
 */
export interface OptimizerSettings {
  optimizer: OptimizerName;
  /** eta for gd, sgd, momentum and adam; ignored by scg. */
  learningRate: number;
  /** mu of `momentum`, 0 <= mu < 1. */
  momentum: number;
  /** Adam's decay rates (0 <= beta < 1) and epsilon (> 0). */
  beta1: number;
  beta2: number;
  epsilon: number;
  /** L-BFGS: m, the number of past steps remembered (default 10). */
  memory?: number;
}

/**
 * A fresh optimizer for the settings. `gd` and `sgd` are the same rule, PRML (5.41) and (5.43);
 * they differ in the batch the caller passes. Throws a RangeError naming the bad setting.
 */
export function createOptimizer(settings: OptimizerSettings): Optimizer {
  const { optimizer, learningRate } = settings;
  switch (optimizer) {
    case 'gd':
    case 'sgd':
      return new GradientDescent(learningRate, optimizer);
    case 'momentum':
      return new Momentum(learningRate, settings.momentum);
    case 'adam':
      return new Adam(learningRate, settings.beta1, settings.beta2, settings.epsilon);
    case 'scg':
      return new ScaledConjugateGradients(learningRate);
    case 'lbfgs': // issue 19
      return new Lbfgs(learningRate, settings.memory ?? 10);
    default:
      throw new RangeError(`unknown optimizer "${String(optimizer)}": use one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
}
