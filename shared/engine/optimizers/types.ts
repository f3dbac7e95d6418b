/**
 * The contract every optimizer honours; see optimizers.ts for the overview.
 */

/**
 * E(w) and its gradient for the current batch: writes dE/dw into `grad` (same length as w) and
 * returns E. May throw to abort the step.
 *
 * Optimizers always pass the `params` vector they were given as `w` (trial points are written
 * into it and undone if rejected), so an objective that ignores `w` and reads the network's own
 * parameter vector gives the same answers as one that reads `w`, when that vector is `params`.
 */
export interface Objective {
  (w: Float64Array, grad: Float64Array): number;
  /**
   * Optional: the objective and then the plain gradient step w <- w - eta dE/dw, in place, in
   * one go; returns E at w before the step. The same bits as calling the objective and then
   * updating every weight, but the gradient itself is not handed back: an engine that computes
   * it on several threads adds up each thread's share and steps that share of w in one pass,
   * there (gradient descent's update is otherwise a serial pass between parallel phases).
   */
  descend?(w: Float64Array, eta: number): number;
}

/** One update rule over the flat parameter vector. */
export interface Optimizer {
  readonly name: string;
  /**
   * True when `step` takes its step through `objective.descend` whenever the objective has one
   * (once, at `params`): the objective then also sees the weights before the step.
   */
  readonly descends?: boolean;
  /** The step size eta (ignored by methods that choose their own step lengths). */
  learningRate: number;
  /**
   * One update of `params`; returns E at the parameters the step started from. If the
   * objective throws, rethrows with `params` and the optimizer's state as they were before the
   * step, so repeating the step later gives what an uninterrupted run would have.
   */
  step(params: Float64Array, objective: Objective): number;
  /** Forgets any internal state (moments, search directions, step counts). */
  reset(): void;
}
