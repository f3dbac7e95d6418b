/**
 * The initialisation a layer gets when the spec does not name one (issue 16, item 15): the
 * seed's truncated normal with std 1 on built-in data, Xavier (tanh, sigmoid, linear, output) or
 * He (ReLU) on CSV data; and the weights a CSV lab then starts from have the spread those schemes
 * promise, measured on the drawn weights against the formulas of Glorot & Bengio and He et al.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../shared/data/dataset';
import { createLab } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';

const network = {
  hidden: [{ units: 128, activation: 'tanh' }, { units: 64, activation: 'relu' }, { units: 8, activation: 'sigmoid' }],
  output: { cost: 'softmax-cross-entropy' },
};
const csvSpec = (net: object = network) => parseSpec({ format: 'mlp-lab-spec', version: 1, data: { csv: 'digits.csv', inputs: ['a'], targets: ['t'] }, network: net });

describe('the default initialisation', () => {
  it('on CSV data: Xavier for tanh and sigmoid layers and the output layer, He for ReLU', () => {
    const spec = csvSpec();
    expect(spec.network.hidden.map((h) => h.init.scheme)).toEqual(['xavier', 'he', 'xavier']);
    expect(spec.network.output.init).toEqual({ scheme: 'xavier', std: 1, bias: 0 });
  });

  it('on the built-in datasets: the seed\'s truncated normal with std 1 (negative control for the CSV default)', () => {
    const spec = parseSpec({ format: 'mlp-lab-spec', version: 1, data: { builtin: 'blobs' }, network });
    for (const init of [...spec.network.hidden.map((h) => h.init), spec.network.output.init]) expect(init).toEqual({ scheme: 'truncated-normal', std: 1, bias: 0 });
  });

  it('is only a default: a CSV spec that names a scheme, or gives a std (the truncated normal\'s), keeps it', () => {
    const spec = csvSpec({
      hidden: [{ units: 4, init: { scheme: 'truncated-normal' } }, { units: 4, init: { std: 0.5 } }, { units: 4, activation: 'relu', init: { bias: 0.1 } }],
      output: { cost: 'sum-of-squares', init: { scheme: 'he' } },
    });
    expect(spec.network.hidden.map((h) => h.init)).toEqual([
      { scheme: 'truncated-normal', std: 1, bias: 0 },
      { scheme: 'truncated-normal', std: 0.5, bias: 0 },
      { scheme: 'he', std: 1, bias: 0.1 },
    ]);
    expect(spec.network.output.init.scheme).toBe('he');
  });

  it('draws weights whose spread is Xavier\'s and He\'s: sample std over the truncated normal\'s factor', () => {
    // 64 inputs (digits' 8x8 pixels) -> 128 tanh -> 64 relu -> 8 sigmoid -> 10 softmax.
    const d = 64;
    const n = 20;
    const data: Dataset = { inputs: new Float64Array(n * d).map((_, i) => (i * 7) % 17), targets: Float64Array.from({ length: n * 10 }, (_, i) => Number(i % 10 === Math.floor(i / 10) % 10)), n, inputNames: Array.from({ length: d }, (_, j) => `p${j}`), targetNames: Array.from({ length: 10 }, (_, j) => `t=${j}`) };
    const lab = createLab(csvSpec(), data);
    // A normal truncated at ±2σ has std σ·√(1 − 4φ(2)/(2Φ(2) − 1)) = 0.8796σ.
    const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    const cut = Math.sqrt(1 - (4 * phi2) / 0.9544997361036416);
    const expected = [Math.sqrt(2 / (64 + 128)), Math.sqrt(2 / 128), Math.sqrt(2 / (64 + 8)), Math.sqrt(2 / (8 + 10))];
    lab.net.layers.forEach((layer, l) => {
      const w = layer.weights;
      let s = 0;
      for (const v of w) s += v * v;
      const std = Math.sqrt(s / w.length);
      // The sampling error of a std from m draws is about std/√(2m): allow 5 of them (the last layer has 80 weights).
      expect(Math.abs(std / (expected[l] * cut) - 1)).toBeLessThan(5 / Math.sqrt(2 * w.length));
      // Negative control: the seed's std 1 is far from every one of these.
      expect(Math.abs(std - cut)).toBeGreaterThan(0.1);
    });
  });
});
