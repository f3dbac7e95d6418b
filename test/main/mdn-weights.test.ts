/**
 * Mixture density networks in the weights file (version 2, docs/weights-format.md): export and
 * import are exact, the schema accepts them and still accepts version 1, what is inconsistent is
 * refused with a message, and the numpy loader of the doc predicts the same mixture parameters.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../shared/data/dataset';
import { createLab } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';
import { Trainer } from '../../shared/training/trainer';
import { networkFromWeights, parseWeightsFile, predictFromWeights, toWeightsFile, weightsFor } from '../../shared/weights-format';

const schema = JSON.parse(readFileSync(new URL('../../docs/weights.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ strict: true }).compile(schema);

/** n samples of 2 inputs and D targets, deterministic. */
function data(n: number, D: number): Dataset {
  const inputs = Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(1.7 * i));
  const targets = Float64Array.from({ length: D * n }, (_, i) => Math.cos(0.9 * i));
  return { inputs, targets, n, inputNames: ['x1', 'x2'], targetNames: Array.from({ length: D }, (_, d) => `t${d + 1}`) };
}

function trainedMdn(K: number, D: number, cost = 'mixture-density') {
  const spec = parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 3,
    data: { builtin: 'sine-regression', n: 40 },
    network: { hidden: [{ units: 4, activation: 'tanh' }], output: cost === 'mixture-density' ? { cost, components: K } : { cost } },
    training: { optimizer: 'adam', learningRate: 0.01, steps: 20, batchSize: 10 },
  });
  const lab = createLab(spec, data(40, D));
  new Trainer(lab).run(20);
  const file = toWeightsFile(lab.net, { inputs: lab.data.inputNames, outputs: lab.data.targetNames, normalization: { mean: [0.1, -0.2], std: [0.5, 0.6] } });
  return { lab, file };
}

describe('weights file, version 2: mixture density networks', () => {
  it('is written as version 2 with components, outputs naming the D targets, and K(D+2) last-layer units', () => {
    const { file } = trainedMdn(3, 2);
    expect(file.version).toBe(2);
    expect(file.cost).toBe('mixture-density');
    expect(file.components).toBe(3);
    expect(file.outputs).toEqual(['t1', 't2']);
    expect(file.layers[1].bias).toHaveLength(12);
    // Other costs stay version 1, readable by version-1 readers.
    expect(trainedMdn(1, 1, 'sum-of-squares').file.version).toBe(1);
  });

  it('export then import through JSON text is exact, bit for bit, and predicts the same mixtures', () => {
    for (const [K, D] of [[3, 1], [2, 2], [1, 3]] as const) {
      const { lab, file } = trainedMdn(K, D);
      const back = parseWeightsFile(JSON.parse(JSON.stringify(file)));
      expect(back.components).toBe(K);
      const net = networkFromWeights(back);
      expect(net.cost.components).toBe(K);
      expect(net.outputs).toBe(K * (D + 2));
      for (let i = 0; i < net.params.length; i++) expect(Object.is(net.params[i], lab.net.params[i])).toBe(true);
      expect(Array.from(weightsFor(lab.net, back))).toEqual(Array.from(lab.net.params));
      const raw = Float64Array.of(0.6, 1.0, -0.3, 0.2);
      const normed = Float64Array.of((0.6 - 0.1) / 0.5, (1.0 + 0.2) / 0.6, (-0.3 - 0.1) / 0.5, (0.2 + 0.2) / 0.6);
      expect(Array.from(predictFromWeights(back, raw, 2))).toEqual(Array.from(lab.net.predict(normed, 2)));
    }
  });

  it('validates against docs/weights.schema.json; the schema still takes version 1 and refuses a mixture without K', () => {
    const { file } = trainedMdn(3, 1);
    const json = JSON.parse(JSON.stringify(file));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(JSON.parse(JSON.stringify(trainedMdn(1, 1, 'sum-of-squares').file)))).toBe(true);
    const { components: _k, ...noK } = json;
    expect(validate(noK)).toBe(false);
    expect(validate({ ...json, version: 1 })).toBe(false);
    expect(validate({ ...json, cost: 'sum-of-squares' })).toBe(false); // components on another cost
  });

  it('refuses inconsistent mixture files with a message that says what is wrong', () => {
    const { file } = trainedMdn(3, 1);
    expect(() => parseWeightsFile({ ...file, version: 1 })).toThrow(/mixture-density needs a version 2 file/);
    const { components: _k, ...noK } = file;
    expect(() => parseWeightsFile(noK)).toThrow(/"components" must be a whole number >= 1 for mixture-density, got undefined/);
    expect(() => parseWeightsFile({ ...file, components: 2 })).toThrow(/a mixture of 2 components over the 1 targets "outputs" names needs 2 x \(1 \+ 2\) = 6/);
    expect(() => parseWeightsFile({ ...file, cost: 'sum-of-squares' })).toThrow(/"components" belongs to mixture-density weights, not to sum-of-squares/);
    const three = networkFromWeights(file);
    expect(() => weightsFor(three, { ...file, components: 1 })).toThrow(/the weights are a mixture of 1 components, the network's of 3/);
  });

  const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  it.runIf(python.status === 0)('the numpy loader in docs/weights-format.md returns the same pi, mu, sigma as MLP Lab', () => {
    const doc = readFileSync(new URL('../../docs/weights-format.md', import.meta.url), 'utf8');
    const loader = /```python\n([\s\S]*?)```/.exec(doc)![1];
    const dir = mkdtempSync(join(tmpdir(), 'mlp-mdn-weights-'));
    for (const [K, D] of [[3, 1], [2, 2]] as const) {
      const { file } = trainedMdn(K, D);
      const path = join(dir, `mdn-${K}-${D}.json`);
      writeFileSync(path, JSON.stringify(file));
      const X = [[0.3, -0.7], [-0.9, 0.2], [0.5, 0.5]];
      const ours = Array.from(predictFromWeights(file, Float64Array.from(X.flat()), 3));
      const out = execFileSync('python3', ['-c', `${loader}\nimport json,sys\nprint(json.dumps(predict(sys.argv[1], ${JSON.stringify(X)}).ravel().tolist()))`, path], { encoding: 'utf8' });
      const theirs = JSON.parse(out) as number[];
      expect(theirs.length).toBe(ours.length);
      theirs.forEach((v, i) => expect(v).toBeCloseTo(ours[i], 12));
    }
  });
});
