/**
 * When a run has diverged, and what the user is told: the threshold on a step's E/N, and the
 * message naming the step, what happened and what to do (the trainer keeps the last good weights).
 */
import type { Dataset } from '../data/dataset';

/**
 * Divergence, for every cost: a step's E/N that is not finite, or that rises above the start's by
 * more than DIVERGENCE_RISE times the start's size (at least 1): E/N = s at the first step gives
 * the threshold s + 1000 max(1, |s|). Training that works never comes near it (a mini-batch's
 * E/N varies by a few times, not a thousand); a learning rate far too large passes it within a
 * few steps, long before E overflows.
 */
export const DIVERGENCE_RISE = 1000;

/** The E/N above which a run with first-step E/N `start` has diverged. */
export function divergenceThreshold(start: number): number {
  return Number.isFinite(start) ? start + DIVERGENCE_RISE * Math.max(1, Math.abs(start)) : Number.POSITIVE_INFINITY;
}

function largest(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (!(a <= m)) m = a;
  }
  return m;
}

export function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** What a diverged step tells the user. */
export interface DivergedStep {
  /** Steps done before the one that diverged. */
  step: number;
  /** The step's E (not finite, or finite and too large). */
  e: number;
  ePerSample: number;
  /** E/N at the first step (what the threshold was drawn from). */
  startEPerSample: number;
  /** True when the update overflowed the weights (E was still finite). */
  overflowed: boolean;
  optimizer: { name: string; learningRate: number };
  /** The training data (for the data's range when E is not finite at the initial weights). */
  data: Dataset;
}

/** What went wrong when a step diverged, and what to do (see `divergenceThreshold`). */
export function divergenceMessage(d: DivergedStep): string {
  const at = d.step + 1;
  if (d.step === 0 && !Number.isFinite(d.e)) {
    // Nothing was updated yet: the data, not the learning rate, is out of range.
    return `E is not a finite number at the initial weights, before any update: the data's values are too large for the network (the largest input is ${largest(d.data.inputs).toPrecision(3)}, the largest target ${largest(d.data.targets).toPrecision(3)}); normalise or rescale the inputs and targets`;
  }
  const advice = ['gd', 'sgd', 'momentum', 'adam'].includes(d.optimizer.name)
    ? `with learning rate ${d.optimizer.learningRate}: try a smaller learning rate`
    : 'try another optimizer, or weight decay';
  const what = d.overflowed ? 'the weights overflowed' : Number.isFinite(d.e) ? `E/N rose to ${d.ePerSample.toPrecision(3)}, from ${d.startEPerSample.toPrecision(3)} at the start` : `E became ${d.e}`;
  return `diverged at step ${at}: ${what} ${advice} (the last good weights, of step ${d.overflowed ? at - 1 : Math.max(0, at - 2)}, are kept)`;
}
