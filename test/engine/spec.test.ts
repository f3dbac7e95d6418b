import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSpec } from '../../shared/spec';
import { createLab } from '../../shared/lab';
import { evaluate } from '../../shared/training/evaluation';
import { Trainer } from '../../shared/training/trainer';
import { generateBuiltin } from '../../shared/data/builtin';

const base = {
  format: 'mlp-lab-spec', version: 1, seed: 1,
  data: { builtin: 'xor-quadrants', n: 200 },
  network: { hidden: [{ units: 4, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } },
  training: { optimizer: 'gd', learningRate: 0.01, steps: 10 },
};

function withPatch(patch: (s: any) => void): unknown {
  const s = structuredClone(base);
  patch(s);
  return s;
}

describe('lab spec', () => {
  it('parses the documented examples and fills the seed\'s defaults', () => {
    for (const f of ['xor-quadrants', 'sine-regression']) {
      const spec = parseSpec(JSON.parse(readFileSync(new URL(`../../docs/examples/${f}.json`, import.meta.url), 'utf8')));
      expect(spec.training.learningRate).toBe(0.001);
    }
    const s = parseSpec(base);
    expect(s.network.hidden[0].init).toEqual({ scheme: 'truncated-normal', std: 1, bias: 0 });
    expect(s.network.output.init).toEqual({ scheme: 'truncated-normal', std: 1, bias: 0 });
  });

  const bad: [string, (s: any) => void, RegExp][] = [
    ['a foreign file', (s) => { s.format = 'something-else'; }, /^format must be "mlp-lab-spec"/],
    ['a newer version', (s) => { s.version = 2; }, /^version must be 1, got 2 \(written by a newer MLP Lab/],
    ['zero units', (s) => { s.network.hidden[0].units = 0; }, /^network\.hidden\[0\]\.units must be a whole number >= 1, got 0/],
    ['an unknown activation', (s) => { s.network.hidden[0].activation = 'swish'; }, /^network\.hidden\[0\]\.activation must be one of linear, sigmoid, tanh, relu, got "swish"/],
    ['an unknown cost', (s) => { s.network.output.cost = 'hinge'; }, /^network\.output\.cost must be one of/],
    ['a negative learning rate', (s) => { s.training.learningRate = -1; }, /^training\.learningRate must be greater than 0, got -1/],
    ['a learning rate that is text', (s) => { s.training.learningRate = 'fast'; }, /^training\.learningRate must be a finite number, got "fast"/],
    ['an unknown builtin', (s) => { s.data.builtin = 'mnist'; }, /^data\.builtin must be one of xor-quadrants, sine-regression/],
    ['no data', (s) => { delete s.data; }, /^data must be a JSON object \(it is missing\)/],
    ['a column that is input and target', (s) => { s.data = { csv: 'a.csv', inputs: ['x', 't'], targets: ['t'] }; }, /column "t" is both an input and a target/],
    ['a zero init std', (s) => { s.network.hidden[0].init = { std: 0 }; }, /^network\.hidden\[0\]\.init\.std must be greater than 0/],
    // Limits (shared/limits.ts): refused before anything of that size exists.
    ['30 million units', (s) => { s.network.hidden[0].units = 3e7; }, /^network\.hidden\[0\]\.units must be at most 65,536 \(a limit of MLP Lab: README, "Limits"\), got 30000000/],
    ['20 million built-in samples', (s) => { s.data.n = 2e7; }, /^data\.n must be at most 1,000,000/],
    ['a trillion and one steps', (s) => { s.training.steps = 1e12 + 1; }, /^training\.steps must be at most 1e12/],
    ['33 hidden layers', (s) => { s.network.hidden = Array.from({ length: 33 }, () => ({ units: 2 })); }, /^network\.hidden has 33 layers; at most 32 are allowed/],
    ['hidden layers too wide together', (s) => { s.network.hidden = [{ units: 60000 }, { units: 60000 }]; }, /^network\.hidden needs 3,600,060,000 weights between its layers; at most 20,000,000 parameters are allowed/],
  ];
  for (const [what, patch, message] of bad) {
    it(`refuses ${what} with a message naming the field`, () => {
      expect(() => parseSpec(withPatch(patch))).toThrow(message);
    });
  }

  it('refuses a network the data makes too large before allocating it, naming the count', () => {
    const s = parseSpec(withPatch((x) => { x.network.hidden = [{ units: 40000 }]; }));
    const wide = { inputs: new Float64Array(2 * 600), targets: new Float64Array(2), n: 2, inputNames: Array.from({ length: 600 }, (_, i) => `x${i}`), targetNames: ['t'] };
    expect(() => createLab(s, wide)).toThrow(/^the network would have 24,080,001 weights and biases for 600 inputs and 1 outputs; at most 20,000,000 are allowed/);
  });

  it('refuses targets that do not suit the cost, naming the sample and column', () => {
    const spec = parseSpec(withPatch((s) => { s.network.output.cost = 'sigmoid-cross-entropy'; }));
    const data = { inputs: Float64Array.of(0, 1, 2), targets: Float64Array.of(0, 1, 1.5), n: 3, inputNames: ['x'], targetNames: ['t'] };
    expect(() => createLab(spec, data)).toThrow(/sigmoid-cross-entropy needs targets in \[0, 1\]: sample 3, column "t" is 1.5/);
    const soft = parseSpec(withPatch((s) => { s.network.output.cost = 'softmax-cross-entropy'; }));
    const twoCols = { ...data, targets: Float64Array.of(1, 0, 0.5, 0.4, 0, 1), targetNames: ['a', 'b'] };
    expect(() => createLab(soft, twoCols)).toThrow(/sample 2 sums to 0.9/);
  });

  it('one-hot encodes a label column for softmax and trains on it', () => {
    const spec = parseSpec(withPatch((s) => { s.network.output.cost = 'softmax-cross-entropy'; }));
    const lab = createLab(spec, generateBuiltin('xor-quadrants', 200, 1));
    expect(lab.data.targetNames).toEqual(['label=0', 'label=1']);
    expect(lab.data.classLabels).toEqual(['0', '1']);
    expect(lab.net.outputs).toBe(2);
    const before = evaluate(lab.net, lab.data).E;
    new Trainer(lab).run(50);
    expect(evaluate(lab.net, lab.data).E).toBeLessThan(before);
  });

  it('is reproducible: the same spec and seed give the same data, weights and results; another seed does not', () => {
    const run = (seed: number) => {
      const spec = parseSpec({ ...base, seed });
      const lab = createLab(spec, generateBuiltin('xor-quadrants', 200, seed));
      new Trainer(lab).run(20);
      return Array.from(lab.net.params);
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });
});
