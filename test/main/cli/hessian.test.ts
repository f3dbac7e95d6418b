/**
 * `mlp-lab hessian` (src-main/cli/hessian.ts), run in-process on real files: the --json object
 * and its parameter order (the weights file's), E as train reports it (weight decay included),
 * every method, the refusal of a network whose P x P matrix would not fit, and usage errors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/cli';
import { loadSpecData } from '../../../src-main/storage/load-data';
import { hessian } from '../../../shared/engine/hessian';
import { symmetricEigen } from '../../../shared/engine/eigen';
import { createLab } from '../../../shared/lab';
import { parseSpec } from '../../../shared/spec';
import { toWeightsFile } from '../../../shared/weights-format';

let dir: string;

/** Runs the CLI in this process; returns the exit code and what it printed. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

const specJson = (hidden: number, weightDecay: number) => ({
  format: 'mlp-lab-spec', version: 1, seed: 3,
  data: { builtin: 'sine-regression', n: 30 },
  network: { hidden: [{ units: hidden, activation: 'tanh' }], output: { cost: 'sum-of-squares' } },
  training: { optimizer: 'gd', learningRate: 0.01, steps: 10, weightDecay },
});

/** Writes a spec and the weights file of its initial weights; returns both paths. */
function write(name: string, hidden: number, weightDecay: number): { spec: string; weights: string } {
  const json = specJson(hidden, weightDecay);
  const spec = join(dir, `${name}.json`);
  writeFileSync(spec, JSON.stringify(json));
  const parsed = parseSpec(json);
  const lab = createLab(parsed, loadSpecData(parsed));
  const weights = join(dir, `${name}-w.json`);
  writeFileSync(weights, JSON.stringify(toWeightsFile(lab.net, { inputs: lab.data.inputNames, outputs: lab.data.targetNames })));
  return { spec, weights };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-cli-hessian-'));
});

describe('mlp-lab hessian', () => {
  it('--json prints {parameters, method, E, hessian, eigenvalues} in the weights file\'s parameter order', async () => {
    const { spec, weights } = write('small', 3, 0.1);
    const r = await cli('hessian', spec, '--weights', weights, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['parameters', 'method', 'E', 'hessian', 'eigenvalues']);
    // 1-3-1: weights[0][0..2], bias[0..2], weights[0..2][0], bias[0].
    expect(out.parameters).toBe(10);
    expect(out.method).toBe('exact');
    expect(out.hessian).toHaveLength(10);
    expect(out.hessian.every((row: number[]) => row.length === 10)).toBe(true);
    // d^2E/db^2 of the linear output's bias is N for sum of squares, and has no weight decay: the
    // last parameter is that bias. d^2E/dw^2 of an output weight is sum z_j^2 + lambda.
    expect(out.hessian[9][9]).toBeCloseTo(30, 12);
    const parsed = parseSpec(specJson(3, 0.1));
    const lab = createLab(parsed, loadSpecData(parsed));
    lab.net.forward(lab.data.inputs, 30);
    const z = lab.net.layerOutputs(0, 30);
    let zz = 0;
    for (let r0 = 0; r0 < 30; r0++) zz += z[r0 * 3 + 1] ** 2;
    expect(out.hessian[7][7]).toBeCloseTo(zz + 0.1, 11);
    // E as train reports it: the cost plus lambda/2 sum of squared weights.
    const ww = lab.net.layers.reduce((s, l) => s + l.weights.reduce((a, w) => a + w * w, 0), 0);
    expect(out.E).toBeCloseTo(lab.net.error(lab.data.inputs, lab.data.targets, 30) + 0.05 * ww, 12);
    // The same matrix and eigenvalues as the engine's.
    const h = hessian(lab.net, lab.data.inputs, lab.data.targets, 30, 'exact', { weightDecay: 0.1 });
    expect(out.hessian.flat()).toEqual(Array.from(h.matrix!));
    expect(out.eigenvalues).toEqual(Array.from(symmetricEigen(h.matrix!, 10, { vectors: false }).values));
    for (let i = 1; i < 10; i++) expect(out.eigenvalues[i]).toBeGreaterThanOrEqual(out.eigenvalues[i - 1]);
  });

  it('finite-difference and outer-product agree with exact where they should; diagonal adds its diagonal', async () => {
    const { spec, weights } = write('methods', 4, 0);
    const get = async (m: string) => JSON.parse((await cli('hessian', spec, '--weights', weights, '--method', m, '--json')).stdout);
    const exact = await get('exact');
    const fd = await get('finite-difference');
    const scale = Math.max(...exact.hessian.flat().map(Math.abs));
    const worst = Math.max(...exact.hessian.flat().map((v: number, i: number) => Math.abs(v - fd.hessian.flat()[i])));
    expect(worst / scale).toBeLessThan(1e-7);
    const outer = await get('outer-product');
    expect(outer.method).toBe('outer-product');
    expect(outer.eigenvalues[0]).toBeGreaterThan(-1e-9); // J^T J is positive semi-definite
    const diag = await get('diagonal');
    expect(diag.diagonal).toHaveLength(13);
    expect(diag.hessian[0][1]).toBe(0);
    expect([...diag.eigenvalues]).toEqual([...diag.diagonal].sort((a, b) => a - b));
  });

  it('prints a readable summary without --json', async () => {
    const { spec, weights } = write('text', 2, 0);
    const r = await cli('hessian', spec, '--weights', weights);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Hessian of E over 30 training samples: 7 x 7, exact, by the R-operator/);
    expect(r.stdout).toMatch(/eigenvalues from .* to .*; \d+ negative/);
  });

  it('refuses a network whose P x P matrix would not fit, and says the diagonal method still works', async () => {
    const { spec, weights } = write('big', 900, 0); // P = 900 + 900 + 900 + 1 = 2701
    const r = await cli('hessian', spec, '--weights', weights);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2701 parameters: its 2701 x 2701 Hessian \(58 MB\) is more than this build forms.*--method diagonal/);
    const d = await cli('hessian', spec, '--weights', weights, '--method', 'diagonal', '--json');
    expect(d.code).toBe(0);
    const out = JSON.parse(d.stdout);
    expect(out.hessian).toBeUndefined();
    expect(out.diagonal).toHaveLength(2701);
  });

  it('usage mistakes exit 2; weights that do not fit the spec exit 1 naming the file', async () => {
    const { spec, weights } = write('usage', 3, 0);
    expect((await cli('hessian', spec)).code).toBe(2);
    const bad = await cli('hessian', spec, '--weights', weights, '--method', 'newton');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--method must be one of exact, outer-product, diagonal, finite-difference/);
    const other = write('other', 5, 0);
    const wrong = await cli('hessian', spec, '--weights', other.weights);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/other-w\.json does not fit the spec's network: layer 1 is 1 -> 5/);
  });
});
