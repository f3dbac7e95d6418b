import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { createLab } from '../../shared/lab';
import { Trainer } from '../../shared/training/trainer';
import { parseSpec } from '../../shared/spec';
import { networkFromWeights, parseWeightsFile, predictFromWeights, toWeightsFile, weightsFor } from '../../shared/weights-format';

const schema = JSON.parse(readFileSync(new URL('../../docs/weights.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ strict: true }).compile(schema);

function trainedLab(cost: string, hidden = [{ units: 5, activation: 'tanh' }, { units: 3, activation: 'relu' }]) {
  const spec = parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 2,
    data: { builtin: 'xor-quadrants', n: 100 },
    network: { hidden, output: { cost } },
    training: { optimizer: 'gd', learningRate: 0.01, steps: 30 },
  });
  const lab = createLab(spec, generateBuiltin('xor-quadrants', 100, 2));
  new Trainer(lab).run(30);
  return lab;
}

function exported(cost: string) {
  const lab = trainedLab(cost);
  const file = toWeightsFile(lab.net, {
    inputs: lab.data.inputNames, outputs: lab.data.targetNames,
    normalization: { mean: [0.1, -0.2], std: [0.5, 0.6] }, classLabels: lab.data.classLabels,
  });
  return { lab, file };
}

describe('weights file', () => {
  it('export then import is exact, bit for bit, through JSON text', () => {
    for (const cost of ['sigmoid-cross-entropy', 'softmax-cross-entropy', 'sum-of-squares']) {
      const { lab, file } = exported(cost);
      const back = parseWeightsFile(JSON.parse(JSON.stringify(file)));
      const net = networkFromWeights(back);
      expect(net.params.length).toBe(lab.net.params.length);
      for (let i = 0; i < net.params.length; i++) expect(Object.is(net.params[i], lab.net.params[i])).toBe(true);
    }
  });

  it('never exports weights that are not finite numbers (JSON would write null), naming the layer', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const lab = trainedLab('sigmoid-cross-entropy');
      lab.net.layers[1].bias[2] = bad;
      const meta = { inputs: lab.data.inputNames, outputs: lab.data.targetNames };
      expect(() => toWeightsFile(lab.net, meta)).toThrow(`layer 2 holds a weight that is not a finite number (${bad})`);
    }
  });

  it('writes weights[i][j] as the connection from input i to unit j', () => {
    const { lab, file } = exported('sigmoid-cross-entropy');
    const l0 = lab.net.layers[0];
    expect(file.layers[0].weights.length).toBe(2);
    expect(file.layers[0].weights[1][3]).toBe(l0.weights[1 * l0.units + 3]);
  });

  it('validates against docs/weights.schema.json, and the schema rejects a broken file', () => {
    const { file } = exported('softmax-cross-entropy');
    expect(validate(JSON.parse(JSON.stringify(file))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...file, cost: 'hinge' })).toBe(false);
    expect(validate({ ...file, layers: [{ activation: 'tanh', weights: [[1]] }] })).toBe(false);
  });

  it('refuses foreign, newer and inconsistent files with a message that says what is wrong', () => {
    const { file } = exported('sigmoid-cross-entropy');
    expect(() => parseWeightsFile({ format: 'something' })).toThrow(/not an MLP Lab weights file/);
    expect(() => parseWeightsFile({ ...file, version: 3 })).toThrow(/version" 3 is not supported: this MLP Lab reads versions 1 and 2 \(the file is from a newer MLP Lab\)/);
    const broken = structuredClone(file);
    broken.layers[1].weights.pop();
    expect(() => parseWeightsFile(broken)).toThrow(/layer 2: "weights" must have 5 rows \(one per input\), has 4/);
    const ragged = structuredClone(file);
    ragged.layers[0].weights[1].push(0);
    expect(() => parseWeightsFile(ragged)).toThrow(/layer 1: weights row 2 has 6 values, the layer has 5 units/);
  });

  it('refuses weights for a differently shaped network, naming the layer', () => {
    const { file } = exported('sigmoid-cross-entropy');
    const other = trainedLab('sigmoid-cross-entropy', [{ units: 5, activation: 'tanh' }, { units: 4, activation: 'relu' }]);
    expect(() => weightsFor(other.net, file)).toThrow(/layer 2 is 5 -> 3 in the weights file but 5 -> 4 in the network/);
  });

  it('predicts through the stored normalisation', () => {
    const { lab, file } = exported('sum-of-squares');
    const raw = Float64Array.of(0.6, 1.0);
    const normed = Float64Array.of((0.6 - 0.1) / 0.5, (1.0 + 0.2) / 0.6);
    expect(Array.from(predictFromWeights(file, raw, 1))).toEqual(Array.from(lab.net.predict(normed, 1)));
  });

  const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  it.runIf(python.status === 0)('the 10-line numpy loader in docs/weights-format.md predicts what MLP Lab predicts', () => {
    const doc = readFileSync(new URL('../../docs/weights-format.md', import.meta.url), 'utf8');
    const loader = /```python\n([\s\S]*?)```/.exec(doc)![1];
    expect(loader.trim().split('\n').length).toBeLessThanOrEqual(10);
    const dir = mkdtempSync(join(tmpdir(), 'mlp-weights-'));
    for (const cost of ['sigmoid-cross-entropy', 'softmax-cross-entropy', 'sum-of-squares']) {
      const { file } = exported(cost);
      const path = join(dir, `${cost}.json`);
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
