/**
 * What the window says about a run's figures (lib/run-figures.ts) and the Xavier/He std the
 * builder shows (shared/lab.ts layerFans): every number carries whose weights it is of, and the
 * builder's std is the one the engine draws with.
 */
import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { initStd } from '../../shared/engine/init';
import { createLab, layerFans } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';
import { earlyStopText, trainingEPerSample, whoseWeights } from '../../src-renderer/src/lib/run-figures';

describe('run figures', () => {
  const train = { E: 10, EPerSample: 0.1, accuracy: 0.9, step: 500 };

  it('a running run shows the recent batches\' E/N marked as an estimate; an ended one its final weights\' whole-set E/N', () => {
    const running = { step: 520, epoch: 1, recent: 0.13, train, stepsPerSecond: 100, seconds: 5 };
    expect(trainingEPerSample(running, 'running')).toEqual({ value: 0.13, estimate: true });
    const ended = { ...running, step: 500 };
    expect(trainingEPerSample(ended, 'finished')).toEqual({ value: 0.1, estimate: false });
    expect(whoseWeights(train, 'finished', 500)).toBe('final weights');
    expect(whoseWeights(train, 'paused', 520)).toBe('weights of step 500');
  });

  it('early stopping: the figures are of the restored weights, and the run says so', () => {
    const restored = { ...train, step: 300 };
    expect(whoseWeights(restored, 'finished', 500, 300)).toBe('restored weights of step 300');
    expect(trainingEPerSample({ step: 500, epoch: 1, train: restored, stepsPerSecond: 0, seconds: 1 }, 'finished', 300)).toEqual({ value: 0.1, estimate: false });
    expect(earlyStopText('finished', 500, 300)).toBe('stopped at step 500, best validation at step 300, weights restored');
    expect(earlyStopText('finished', 500, 500)).toBeNull();
    expect(earlyStopText('running', 500, 300)).toBeNull();
  });

  it('figures from an older file (no step) are labelled as the estimate they are', () => {
    const old = { E: 10, EPerSample: 0.1 };
    expect(whoseWeights(old, 'finished', 500)).toMatch(/average of recent batches/);
    expect(trainingEPerSample({ step: 500, epoch: 1, train: old, stepsPerSecond: 0, seconds: 1 }, 'finished')).toEqual({ value: 0.1, estimate: true });
  });
});

describe('the builder\'s Xavier and He std', () => {
  it('is the std the engine draws each layer with (fan-out = the layer\'s own units)', () => {
    const spec = parseSpec({
      format: 'mlp-lab-spec', version: 1, seed: 1, data: { builtin: 'blobs', n: 60, classes: 4 },
      network: { hidden: [{ units: 30, init: { scheme: 'xavier' } }, { units: 7, init: { scheme: 'he' }, activation: 'relu' }], output: { cost: 'softmax-cross-entropy', init: { scheme: 'xavier' } } },
    });
    const lab = createLab(spec, generateBuiltin('blobs', 60, 1, { classes: 4 }));
    const fans = layerFans(spec, 2, 4);
    const inits = [...spec.network.hidden.map((h) => h.init), spec.network.output.init];
    lab.net.layers.forEach((layer, l) => {
      expect(fans[l]).toEqual({ fanIn: layer.inputs, fanOut: layer.units });
      expect(initStd(inits[l], fans[l].fanIn, fans[l].fanOut)).toBe(initStd(inits[l], layer.inputs, layer.units));
    });
    // Negative control: the next layer's units as fan-out (what the builder used) is another std.
    expect(initStd(inits[0], 2, 7)).not.toBe(initStd(inits[0], lab.net.layers[0].inputs, lab.net.layers[0].units));
  });
});
