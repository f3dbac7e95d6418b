/**
 * What the window says about a run's figures, and whose weights they are of: the status line,
 * the run history and the comparison all word it here, so every number carries its label.
 *
 * A run's training and validation figures (RunMetrics.train, .validation) are evaluated on every
 * sample of the set, at the weights of a step they name. While a run trains, the training set is
 * evaluated now and then (a large one less often) and the live E/N is `recent`, an average over
 * the batches since the last report: an estimate, and labelled as one.
 */
import type { PartMetrics, RunMetrics, RunStatus } from '@shared/run';
import { isFinal } from '@shared/run';

/** Whose weights a set of figures is of, in words ("final weights", "weights of step 1,200"). */
export function whoseWeights(part: PartMetrics | undefined, status: RunStatus, step: number, bestStep?: number): string {
  if (!part) return '';
  if (part.step === undefined) return 'average of recent batches (saved by an older MLP Lab)';
  if (isFinal(status) && bestStep !== undefined && part.step === bestStep && bestStep < step) return `restored weights of step ${bestStep.toLocaleString('en-US')}`;
  if (isFinal(status) && part.step === step) return 'final weights';
  return `weights of step ${part.step.toLocaleString('en-US')}`;
}

/** True when the figures are of the run's current weights, over the whole set (not an estimate). */
export function exactNow(part: PartMetrics | undefined, status: RunStatus, step: number, bestStep?: number): boolean {
  if (!part || part.step === undefined) return false;
  return part.step === step || (isFinal(status) && bestStep !== undefined && part.step === bestStep);
}

/** The early-stopping sentence for a run that ended on restored weights, or null. */
export function earlyStopText(status: RunStatus, step: number, bestStep?: number): string | null {
  if (!isFinal(status) || bestStep === undefined || bestStep >= step) return null;
  return `stopped at step ${step.toLocaleString('en-US')}, best validation at step ${bestStep.toLocaleString('en-US')}, weights restored`;
}

/** The training E/N to show for a live or ended run, and whether it is the estimate. */
export function trainingEPerSample(m: RunMetrics | null, status: RunStatus, bestStep?: number): { value: number | undefined; estimate: boolean } {
  if (!m) return { value: undefined, estimate: false };
  if (exactNow(m.train, status, m.step, bestStep)) return { value: m.train!.EPerSample, estimate: false };
  if (status === 'running' && m.recent !== undefined) return { value: m.recent, estimate: true };
  if (m.train) return { value: m.train.EPerSample, estimate: m.train.step === undefined };
  return { value: m.recent, estimate: m.recent !== undefined };
}
