/**
 * A checkpoint put off by a pause (Trainer's shouldDefer) is done before the next step, so a run
 * paused in the middle of its pass over the validation set gives the same curve, bit for bit, as
 * one never paused.
 */
import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { createLab } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';
import { evaluate } from '../../shared/training/evaluation';
import { AbortedError } from '../../shared/training/gradient';
import { Trainer } from '../../shared/training/trainer';

function lab() {
  const s = parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 3,
    data: { builtin: 'xor-quadrants', n: 3000, split: { validation: 0.5, test: 0 } },
    network: { hidden: [{ units: 5, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } },
    training: { optimizer: 'adam', learningRate: 0.01, batchSize: 50, steps: 40, validateEvery: 10 },
  });
  return createLab(s, generateBuiltin('xor-quadrants', 3000, 3));
}

/** Runs to the end; a checkpoint whose pass is asked `defer` at block `at` of step `step` is put off once. */
function run(deferAt: { step: number; block: number } | null) {
  let blocks = 0;
  let deferred = 0;
  let trainer: Trainer | null = null;
  const shouldDefer = () => {
    if (!deferAt || deferred > 0 || trainer?.step !== deferAt.step) return false;
    if (blocks++ === deferAt.block) {
      deferred++;
      return true;
    }
    return false;
  };
  trainer = new Trainer(lab(), { shouldDefer });
  let aborts = 0;
  while (!trainer.done) {
    try {
      trainer.advance();
    } catch (e) {
      if (!(e instanceof AbortedError)) throw e;
      aborts++;
    }
  }
  const c = trainer.drainCurve();
  return { aborts, steps: trainer.step, curve: c, params: Array.from(trainer.lab.net.params) };
}

describe('a deferred checkpoint', () => {
  it('is redone before the next step: the same steps, curve, validation points and weights as a run never paused', () => {
    const plain = run(null);
    // Step 20's checkpoint: abandoned before its second block of the 1,500 validation rows (the
    // training set is not due for evaluation there: 10 steps of 50 rows are less than
    // TRAIN_EVAL_EVERY_WORK passes over it, so the validation pass is the only one).
    const paused = run({ step: 20, block: 1 });
    expect(paused.aborts).toBe(1);
    expect(paused.steps).toBe(plain.steps);
    expect(Array.from(paused.curve.validationSteps)).toEqual([10, 20, 30, 40]);
    expect(Array.from(paused.curve.validation)).toEqual(Array.from(plain.curve.validation));
    expect(Array.from(paused.curve.train)).toEqual(Array.from(plain.curve.train));
    expect(paused.params).toEqual(plain.params);
  });

  it('negative control: a checkpoint that kept its abandoned partial pass would show a different validation E/N', () => {
    // The first block (1,024 of the 1,500 validation rows) is what an abandoned pass had seen.
    const t = new Trainer(lab());
    for (let i = 0; i < 20; i++) t.advance();
    const whole = evaluate(t.lab.net, t.lab.validation);
    const partial = evaluate(t.lab.net, t.lab.validation, 1024);
    expect(partial.EPerSample).not.toBe(whole.EPerSample);
    expect(Array.from(t.drainCurve().validation)[1]).toBe(whole.EPerSample);
  });
});
