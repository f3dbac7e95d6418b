/**
 * `mlp-lab laplace` and `mlp-lab predict --uncertainty` (PRML §5.7), in-process on real files:
 * the evidence procedure's fixed point ((5.178), (5.180) hold at the reported alpha, beta,
 * gamma), the `laplace` section of the written file (parsed, schema-valid, the network
 * unchanged), error bars (5.173) and moderated outputs (5.190) checked against the posterior
 * covariance in the file with output gradients by finite differences (no backprop), and the
 * refusals a user can run into.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/cli';
import { loadSpecData } from '../../../src-main/storage/load-data';
import { kappa } from '../../../shared/engine/evidence';
import { laplace } from '../../../shared/engine/laplace';
import type { Network } from '../../../shared/engine/network';
import { createLab, type Lab } from '../../../shared/lab';
import { parseSpec } from '../../../shared/spec';
import { Trainer } from '../../../shared/training/trainer';
import { networkFromWeights, parseWeightsFile, toWeightsFile } from '../../../shared/weights-format';

let dir: string;
const schema = JSON.parse(readFileSync(new URL('../../../docs/weights.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ strict: true }).compile(schema);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

/** Writes the spec, trains it in-process (scg) and writes the weights; returns the paths and the lab. */
function trained(name: string, json: Record<string, unknown>): { spec: string; weights: string; lab: Lab } {
  const spec = join(dir, `${name}.json`);
  writeFileSync(spec, JSON.stringify(json));
  const parsed = parseSpec(json);
  const lab = createLab(parsed, loadSpecData(parsed));
  new Trainer(lab).run(parsed.training.steps);
  const weights = join(dir, `${name}-w.json`);
  writeFileSync(weights, JSON.stringify(toWeightsFile(lab.net, { inputs: lab.data.inputNames, outputs: lab.data.targetNames })));
  return { spec, weights, lab };
}

const base = { format: 'mlp-lab-spec', version: 1, seed: 7 };
const regression = {
  ...base,
  data: { builtin: 'sine-curve', n: 20, noise: 0.2 },
  network: { hidden: [{ units: 3, activation: 'tanh' }], output: { cost: 'sum-of-squares' } },
  training: { optimizer: 'scg', steps: 300 },
};
const binary = {
  ...base,
  data: { builtin: 'prml-two-class', n: 60 },
  network: { hidden: [{ units: 3, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } },
  training: { optimizer: 'scg', steps: 200, weightDecay: 0.1 },
};

/** The gradient of output unit 0's logit at x with respect to every weight, by central differences. */
function gradientByDifferences(net: Network, x: Float64Array): Float64Array {
  const g = new Float64Array(net.size);
  const h = 1e-6;
  for (let i = 0; i < net.size; i++) {
    const w = net.params[i];
    net.params[i] = w + h;
    const up = net.forward(x, 1)[0];
    net.params[i] = w - h;
    const down = net.forward(x, 1)[0];
    net.params[i] = w;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

function quadratic(g: Float64Array, cov: number[][]): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) s += g[i] * cov[i][j] * g[j];
  return s;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-cli-laplace-'));
});

describe('mlp-lab laplace', () => {
  it('--evidence re-estimates alpha and beta to their fixed point and writes the laplace section', async () => {
    const { spec, weights, lab } = trained('reg', regression);
    const r = await cli('laplace', spec, '--weights', weights, '--evidence', '--out', join(dir, 'reg-w2.json'), '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ type: 'laplace', task: 'regression', parameters: 10, samples: 20, evidence: true, converged: true });
    // At the fixed point alpha w^T w = gamma (5.178) and beta sum (y - t)^2 = N - gamma (5.180).
    const n = lab.data.n;
    const y = lab.net.forward(lab.data.inputs, n);
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (y[i] - lab.data.targets[i]) ** 2;
    const ww = lab.net.params.reduce((s, w) => s + w * w, 0);
    expect(out.alpha * ww).toBeCloseTo(out.gamma, 8);
    expect(out.beta * ss).toBeCloseTo(n - out.gamma, 8);
    expect(out.gamma).toBeGreaterThan(0);
    expect(out.gamma).toBeLessThan(10);
    // The same numbers as the engine's.
    const e = laplace(lab.net, lab.data.inputs, lab.data.targets, n, { alpha: 0.01, beta: n / ss, evidence: true });
    expect(out.alpha).toBe(e.alpha);
    expect(out.logEvidence).toBe(e.logEvidence);
  });

  it('the written file is the weights file plus a schema-valid laplace section; the network is unchanged', async () => {
    const text = readFileSync(join(dir, 'reg-w2.json'), 'utf8');
    const json = JSON.parse(text);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    const original = JSON.parse(readFileSync(join(dir, 'reg-w.json'), 'utf8'));
    const { laplace: section, ...rest } = json;
    expect(rest).toEqual(original);
    expect(json.version).toBe(1);
    const file = parseWeightsFile(json);
    expect(file.laplace!.covariance).toHaveLength(10);
    expect(file.laplace!.covariance[3][7]).toBe(file.laplace!.covariance[7][3]);
    expect(section.task).toBe('regression');
  });

  it('predict --uncertainty adds <target>_std = sqrt(1/beta + g^T A^-1 g) (PRML (5.173)), wider away from the data', async () => {
    const csv = join(dir, 'xs.csv');
    writeFileSync(csv, 'x\n0.25\n0.5\n2.5\n');
    const r = await cli('predict', join(dir, 'reg-w2.json'), csv, '--uncertainty');
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header).toBe('x,t,t_std');
    const file = parseWeightsFile(JSON.parse(readFileSync(join(dir, 'reg-w2.json'), 'utf8')));
    const net = networkFromWeights(file);
    const stds = rows.map((line, i) => {
      const [x, , std] = line.split(',').map(Number);
      const g = gradientByDifferences(net, Float64Array.of(x));
      expect(std, `row ${i + 1}`).toBeCloseTo(Math.sqrt(1 / file.laplace!.beta! + quadratic(g, file.laplace!.covariance)), 6);
      return std;
    });
    expect(stds[0]).toBeGreaterThan(1 / Math.sqrt(file.laplace!.beta!));
    expect(stds[2]).toBeGreaterThan(2 * stds[1]); // x = 2.5 is far outside the data's [0, 1]
    // Without --uncertainty the columns are as before.
    expect((await cli('predict', join(dir, 'reg-w2.json'), csv)).stdout.split('\n')[0]).toBe('x,t');
  });

  it('for a sigmoid classifier: alpha from the spec\'s weight decay; predict --uncertainty adds <target>_moderated (PRML (5.190))', async () => {
    const { spec, weights } = trained('bin', binary);
    const r = await cli('laplace', spec, '--weights', weights, '--out', join(dir, 'bin-w2.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/A = alpha I \+ H \(PRML \(5\.185\)\)/);
    expect(r.stdout).toMatch(/alpha from the spec's weight decay\nalpha 0\.100000\n/);
    const csv = join(dir, 'pts.csv');
    writeFileSync(csv, 'x1,x2\n0,0\n1,1\n3,-3\n');
    const p = await cli('predict', join(dir, 'bin-w2.json'), csv, '--uncertainty');
    expect(p.code, p.stderr).toBe(0);
    const [header, ...rows] = p.stdout.trim().split('\n');
    expect(header).toBe('x1,x2,label:p,label_moderated');
    const file = parseWeightsFile(JSON.parse(readFileSync(join(dir, 'bin-w2.json'), 'utf8')));
    const net = networkFromWeights(file);
    for (const line of rows) {
      const [x1, x2, pMap, moderated] = line.split(',').map(Number);
      const x = Float64Array.of(x1, x2);
      const a = net.forward(x, 1)[0];
      const s2 = quadratic(gradientByDifferences(net, x), file.laplace!.covariance);
      expect(moderated).toBeCloseTo(1 / (1 + Math.exp(-kappa(s2) * a)), 7);
      expect(Math.abs(moderated - 0.5)).toBeLessThanOrEqual(Math.abs(pMap - 0.5)); // moderated towards 1/2
    }
  });

  it('refuses what it cannot do, saying what to do instead', async () => {
    const { spec, weights } = trained('plain', regression);
    const noAlpha = await cli('laplace', spec, '--weights', weights, '--out', join(dir, 'x.json'));
    expect(noAlpha.code).toBe(2);
    expect(noAlpha.stderr).toMatch(/give --alpha A, or --evidence to estimate it/);
    const b = trained('bin2', binary);
    const beta = await cli('laplace', b.spec, '--weights', b.weights, '--beta', '3', '--out', join(dir, 'x.json'));
    expect(beta.code).toBe(2);
    expect(beta.stderr).toMatch(/--beta is the noise precision of a regression/);
    const csv = join(dir, 'xs2.csv');
    writeFileSync(csv, 'x\n0.5\n');
    const noSection = await cli('predict', weights, csv, '--uncertainty');
    expect(noSection.code).toBe(1);
    expect(noSection.stderr).toMatch(/no "laplace" section: make one with mlp-lab laplace/);
    const mdnSpec = join(dir, 'mdn.json');
    writeFileSync(mdnSpec, JSON.stringify({ ...regression, network: { hidden: [{ units: 3 }], output: { cost: 'mixture-density', components: 2 } } }));
    const mdn = await cli('laplace', mdnSpec, '--weights', weights, '--alpha', '1', '--out', join(dir, 'x.json'));
    expect(mdn.code).toBe(2);
    expect(mdn.stderr).toMatch(/covers sum-of-squares and cross-entropy networks; this spec's cost is mixture-density/);
  });

  it('a malformed laplace section is refused naming the field', () => {
    const json = JSON.parse(readFileSync(join(dir, 'reg-w2.json'), 'utf8'));
    json.laplace.covariance.pop();
    expect(() => parseWeightsFile(json)).toThrow(/"laplace": "covariance" must have 10 rows, one per parameter, has 9/);
    const noBeta = JSON.parse(readFileSync(join(dir, 'reg-w2.json'), 'utf8'));
    noBeta.laplace.beta = null;
    expect(() => parseWeightsFile(noBeta)).toThrow(/"laplace": "beta" must be a number greater than 0/);
    expect(validate({ ...noBeta, laplace: { ...noBeta.laplace, extra: 1 } })).toBe(false);
  });
});
