/**
 * checkLab refuses exactly what preparing the data and assembling the lab refuse, with the same
 * errors, and leaves the data alone: main uses it to check a spec on any size of data.
 */
import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import type { Dataset } from '../../shared/data/dataset';
import { assembleLab, checkLab, prepareParts } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';
import { toWeightsFile, type WeightsFile } from '../../shared/weights-format';

function spec(network: Record<string, unknown>, data: Record<string, unknown> = {}) {
  return parseSpec({ format: 'mlp-lab-spec', version: 1, seed: 2, data: { builtin: 'xor-quadrants', n: 40, ...data }, network });
}
const xor = generateBuiltin('xor-quadrants', 40, 2);
const sine = generateBuiltin('sine-regression', 40, 2);
const tiny: Dataset = { ...xor, n: 2, inputs: xor.inputs.slice(0, 4), targets: xor.targets.slice(0, 2) };
const empty: Dataset = { ...xor, n: 0, inputs: new Float64Array(0), targets: new Float64Array(0) };
const sigmoid = { hidden: [{ units: 3 }], output: { cost: 'sigmoid-cross-entropy' } };
const softmax = { hidden: [{ units: 3 }], output: { cost: 'softmax-cross-entropy' } };
const otherShape = toWeightsFile(assembleLab(spec({ hidden: [{ units: 5 }], output: { cost: 'sigmoid-cross-entropy' } }), prepareParts(spec(sigmoid), xor)).net, { inputs: ['x1', 'x2'], outputs: ['t'] });

/** The error (name and message) a function throws, or null. */
function errorOf(f: () => unknown): { name: string; message: string } | null {
  try {
    f();
    return null;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
}

const cases: [string, ReturnType<typeof spec>, Dataset, WeightsFile?][] = [
  ['a good spec', spec(sigmoid), xor],
  ['softmax on a regression target', spec(softmax), sine],
  ['sigmoid cross-entropy on targets outside [0, 1]', spec(sigmoid), { ...sine, targets: sine.targets.map((t) => t * 5) }],
  ['a split that leaves no training samples', spec(sigmoid, { split: { validation: 0.45, test: 0.45 } }), tiny],
  ['no samples', spec(sigmoid), empty],
  ['initial weights of another shape', spec(sigmoid), xor, otherShape],
];

describe('checkLab', () => {
  for (const [what, s, raw, weights] of cases) {
    it(`${what}: the same outcome as prepareParts + assembleLab`, () => {
      const before = Float64Array.from(raw.inputs);
      const full = errorOf(() => assembleLab(s, prepareParts(s, raw), weights));
      const checked = errorOf(() => checkLab(s, raw, weights));
      expect(checked).toEqual(full);
      if (what === 'a good spec') expect(full).toBeNull();
      else expect(full).not.toBeNull();
      expect(Array.from(raw.inputs)).toEqual(Array.from(before));
    });
  }

  it('builds the network the lab would have, with the same initial weights, and sizes the training split', () => {
    const s = spec(softmax, { split: { validation: 0.25 } });
    const labels: Dataset = { ...xor, targets: xor.targets.map((t) => t * 2) };
    const lab = assembleLab(s, prepareParts(s, labels));
    const { net, trainSamples } = checkLab(s, labels);
    expect(net.outputs).toBe(2);
    expect(Array.from(net.params)).toEqual(Array.from(lab.initial));
    expect(trainSamples).toBe(lab.data.n);
    // Given weights are taken as they are.
    const given = Float64Array.from({ length: net.size }, (_, i) => i / 10);
    expect(Array.from(checkLab(s, labels, given).net.params)).toEqual(Array.from(given));
  });
});
