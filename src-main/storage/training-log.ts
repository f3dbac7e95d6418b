/**
 * The training log the PyTorch hand-off's train.py writes beside its weights file
 * (docs/pytorch.md): what trained the weights, the spec, the status, the number of steps and the
 * seconds, the cost curve (training E/N per step, validation E/N every validateEvery steps) and
 * the initial weights, flat in MLP Lab's parameter order.
 *
 *     { "format": "mlp-lab-training-log", "version": 1, "trainedWith": "PyTorch 2.4.0, 4 processes (nccl)",
 *       "spec": {...}, "status": "finished", "message"?: "...", "bestStep"?: 800, "steps": 1000, "seconds": 3.2,
 *       "curve": { "steps": [...], "train": [...], "validationSteps": [...], "validation": [...] },
 *       "initialWeights": [...] }
 */
import type { CostCurve } from '../../shared/run';
import { type LabSpec, parseSpec } from '../../shared/spec';

/** A training log that cannot be used; the message names the field. */
export class TrainingLogError extends Error {
  override name = 'TrainingLogError';
}

/** A validated training log. */
export interface TrainingLog {
  trainedWith: string;
  spec: LabSpec;
  status: 'finished' | 'diverged';
  message?: string;
  bestStep?: number;
  steps: number;
  seconds: number;
  curve: CostCurve;
  initialWeights: Float64Array;
}

/** Validates untrusted JSON as a training log; throws TrainingLogError naming what is wrong. */
export function parseTrainingLog(json: unknown): TrainingLog {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TrainingLogError('a training log must be a JSON object');
  const o = json as Record<string, unknown>;
  if (o.format !== 'mlp-lab-training-log') throw new TrainingLogError('"format" must be "mlp-lab-training-log": this is not a log written by train.py');
  if (o.version !== 1) throw new TrainingLogError(`"version" ${JSON.stringify(o.version)} is not supported: this MLP Lab reads version 1`);
  let spec: LabSpec;
  try {
    spec = parseSpec(o.spec);
  } catch (e) {
    throw new TrainingLogError(`"spec": ${(e as Error).message}`);
  }
  if (o.status !== 'finished' && o.status !== 'diverged') throw new TrainingLogError(`"status" must be "finished" or "diverged", got ${JSON.stringify(o.status)}`);
  const count = (v: unknown, what: string) => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0)) throw new TrainingLogError(`"${what}" must be a whole number >= 0`);
    return v;
  };
  const steps = count(o.steps, 'steps');
  if (!(typeof o.seconds === 'number' && o.seconds >= 0)) throw new TrainingLogError('"seconds" must be a number >= 0');
  const c = (o.curve ?? {}) as Record<string, unknown>;
  const list = (v: unknown, what: string, finite = true) => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && (!finite || Number.isFinite(x)))) throw new TrainingLogError(`"${what}" must be a list of numbers`);
    return Float64Array.from(v as number[]);
  };
  const curve: CostCurve = {
    steps: list(c.steps, 'curve.steps'),
    train: list(c.train, 'curve.train'),
    validationSteps: list(c.validationSteps, 'curve.validationSteps'),
    validation: list(c.validation, 'curve.validation'),
  };
  if (curve.steps.length !== curve.train.length) throw new TrainingLogError('"curve.steps" and "curve.train" must have the same length');
  if (curve.validationSteps.length !== curve.validation.length) throw new TrainingLogError('"curve.validationSteps" and "curve.validation" must have the same length');
  const log: TrainingLog = {
    trainedWith: typeof o.trainedWith === 'string' ? o.trainedWith : 'another program',
    spec,
    status: o.status,
    steps,
    seconds: o.seconds,
    curve,
    initialWeights: list(o.initialWeights, 'initialWeights'),
  };
  if (typeof o.message === 'string') log.message = o.message;
  if (o.bestStep !== undefined) log.bestStep = count(o.bestStep, 'bestStep');
  return log;
}
