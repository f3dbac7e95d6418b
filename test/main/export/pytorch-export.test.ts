/**
 * The PyTorch hand-off: `mlp-lab export SPEC --format pytorch --out DIR` writes a folder whose
 * train.py trains the lab's network with PyTorch, and `mlp-lab import-weights` takes the result
 * back as a run. Pinned against MLP Lab's own trainer (in process): full-batch gradient descent
 * on the seed's sine regression from the same initial weights, 1000 steps, gives our weights to
 * 1e-9 relative, on one process and on two under torchrun (gloo), and so does SGD on mini-batches
 * (the same batch order), and momentum and Adam with weight decay. Negative controls: the weights
 * of step 999, and SGD in another seed's batch order, fail that comparison.
 *
 * The parity tests need a Python that imports torch (Debian: apt-get install python3-torch, for
 * /usr/bin/python3); the data test needs numpy. Where they are missing the tests skip, and their
 * names say why.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab } from '../../../shared/lab';
import { parseSpec, type LabSpec } from '../../../shared/spec';
import { evaluate } from '../../../shared/training/evaluation';
import { Trainer } from '../../../shared/training/trainer';
import { networkFromWeights, parseWeightsFile } from '../../../shared/weights-format';
import { runCli } from '../../../src-main/cli';
import { loadSpecData } from '../../../src-main/storage/load-data';
import { readProjectFile } from '../../../src-main/storage/project-file';
import { pythonWith, runPython } from '../../support/python';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const sineSpecPath = join(root, 'docs/examples/sine-regression.json');
const torch = pythonWith(['torch', 'numpy'], 'install PyTorch: apt-get install python3-torch (Debian), or pip install torch numpy');
const numpy = pythonWith(['numpy'], 'install numpy: apt-get install python3-numpy, or pip install numpy');
const skipped = (p: typeof torch) => (p.ok ? '' : ` (skipped: ${p.reason})`);
let dir: string;

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

function writeSpec(name: string, patch: Record<string, unknown>): string {
  const base = JSON.parse(readFileSync(sineSpecPath, 'utf8')) as Record<string, unknown>;
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ ...base, ...patch }));
  return path;
}

/** MLP Lab's own weights after `steps` steps of the spec, trained in this process. */
function trainHere(spec: LabSpec, steps: number): Float64Array {
  const lab = createLab({ ...spec, training: { ...spec.training, steps } }, loadSpecData(spec));
  new Trainer(lab).run(steps);
  return Float64Array.from(lab.net.params);
}

/** max |a - b| / max |b|: the relative error of a weight vector. */
function relativeError(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

function weightsAt(path: string): Float64Array {
  return Float64Array.from(networkFromWeights(parseWeightsFile(JSON.parse(readFileSync(path, 'utf8')))).params);
}

/** Runs train.py in `folder` on `processes` processes; returns the weights it wrote. */
function trainWithPytorch(python: string, folder: string, processes: number, extra: string[] = []): Float64Array {
  const out = `weights-${processes}.json`;
  const args = ['train.py', '--out', out, '--log', `log-${processes}.json`, ...extra];
  const env = { ...process.env, OMP_NUM_THREADS: '1' };
  if (processes === 1) runPython(python, args, { cwd: folder, env });
  // torchrun's default output redirection crashes with Debian's torch 1.13 on Python 3.11.
  else runPython(python, ['-m', 'torch.distributed.run', '--standalone', '--redirects', '1', '--tee', '1', '--nproc_per_node', String(processes), ...args], { cwd: folder, env });
  return weightsAt(join(folder, out));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-pytorch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mlp-lab export --format pytorch', () => {
  it('writes train.py, config.json, the initial weights and the data files', async () => {
    const out = join(dir, 'sine-files');
    const r = await run('export', sineSpecPath, '--format', 'pytorch', '--out', out, '--steps', '50');
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['README.txt', 'config.json', 'initial-weights.json', 'train-t.npy', 'train-x.npy', 'train.py']);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ format: 'mlp-lab-pytorch', version: 1, seed: 1, cost: 'sum-of-squares', inputs: ['x'], outputs: ['t'] });
    expect(config.layers).toEqual([{ units: 6, activation: 'tanh' }, { units: 1, activation: 'linear' }]);
    expect(config.training).toMatchObject({ optimizer: 'gd', learningRate: 0.001, steps: 50, batchSize: null, weightDecay: 0 });
    // The initial weights are the lab's own, drawn from the spec's seed, to the bit.
    const spec = parseSpec(JSON.parse(readFileSync(sineSpecPath, 'utf8')));
    const lab = createLab(spec, loadSpecData(spec));
    expect(Array.from(weightsAt(join(out, 'initial-weights.json')))).toEqual(Array.from(lab.initial));
  });

  it.skipIf(!numpy.ok)(`its .npy files read back in numpy as the trainer's data, to the bit${skipped(numpy)}`, async () => {
    if (!numpy.ok) return;
    // A CSV lab with normalisation, class labels (one-hot targets) and a validation split.
    const csv = join(dir, 'points.csv');
    writeFileSync(csv, `a;b;label\n${Array.from({ length: 40 }, (_, i) => `${(i * 0.37) % 3};${i % 7 - 2.5};${['red', 'green', 'blue'][i % 3]}`).join('\n')}\n`);
    const specPath = join(dir, 'points.json');
    writeFileSync(specPath, JSON.stringify({
      format: 'mlp-lab-spec', version: 1, seed: 3,
      data: { csv: 'points.csv', inputs: ['a', 'b'], targets: ['label'], split: { validation: 0.25 } },
      network: { hidden: [{ units: 3, activation: 'relu' }], output: { cost: 'softmax-cross-entropy' } },
      training: { optimizer: 'adam', learningRate: 0.01, batchSize: 8, steps: 10 },
    }));
    const out = join(dir, 'points-files');
    expect((await run('export', specPath, '--format', 'pytorch', '--out', out)).code).toBe(0);
    const spec = parseSpec(JSON.parse(readFileSync(specPath, 'utf8')));
    const lab = createLab(spec, loadSpecData(spec, specPath));
    const dump = runPython(numpy.python, ['-c', 'import json, sys, numpy as np; print(json.dumps({n: np.load(n).tolist() for n in sys.argv[1:]}))', 'train-x.npy', 'train-t.npy', 'validation-x.npy', 'validation-t.npy'], { cwd: out });
    const arrays = JSON.parse(dump) as Record<string, number[][]>;
    expect(arrays['train-x.npy'].flat()).toEqual(Array.from(lab.data.inputs));
    expect(arrays['train-x.npy']).toHaveLength(lab.data.n);
    expect(arrays['train-t.npy'].flat()).toEqual(Array.from(lab.data.targets));
    expect(arrays['train-t.npy'][0]).toHaveLength(3); // one-hot over the three labels
    expect(arrays['validation-x.npy'].flat()).toEqual(Array.from(lab.validation.inputs));
    expect(arrays['validation-t.npy'].flat()).toEqual(Array.from(lab.validation.targets));
    const initial = JSON.parse(readFileSync(join(out, 'initial-weights.json'), 'utf8'));
    expect(initial).toMatchObject({ inputs: ['a', 'b'], outputs: ['label=blue', 'label=green', 'label=red'], classLabels: ['blue', 'green', 'red'] });
    expect(initial.normalization.mean).toEqual(lab.normalization!.mean);
  });

  it('refuses an optimizer train.py does not have, and a missing --out, with messages that say what to do', async () => {
    const scg = writeSpec('scg.json', { training: { optimizer: 'scg', steps: 10 } });
    const r = await run('export', scg, '--format', 'pytorch', '--out', join(dir, 'scg'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no scg optimizer.*choose gd, sgd, momentum, adam/);
    const u = await run('export', sineSpecPath, '--format', 'pytorch');
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('--out DIR');
    expect((await run('export', sineSpecPath, '--format', 'pytorch', '--out', dir, '--dtype', 'float64')).code).toBe(2);
  });
});

describe('train.py against MLP Lab\'s trainer', () => {
  const spec = () => parseSpec(JSON.parse(readFileSync(sineSpecPath, 'utf8')));
  let folder: string;
  let ours: Float64Array;

  beforeAll(async () => {
    if (!torch.ok) return;
    folder = join(dir, 'sine-gd');
    expect((await run('export', sineSpecPath, '--format', 'pytorch', '--out', folder, '--steps', '1000')).code).toBe(0);
    ours = trainHere(spec(), 1000);
  });

  it.skipIf(!torch.ok)(`full-batch GD, 1000 steps on the sine regression, one process: our weights to 1e-9${skipped(torch)}`, () => {
    if (!torch.ok) return;
    const theirs = trainWithPytorch(torch.python, folder, 1);
    expect(relativeError(theirs, ours)).toBeLessThan(1e-9);
    // Negative control: one step fewer is far outside the tolerance, so the comparison can fail.
    expect(relativeError(theirs, trainHere(spec(), 999))).toBeGreaterThan(1e-7);
  });

  it.skipIf(!torch.ok)(`the same under torchrun with two processes (gloo), each a shard of every batch${skipped(torch)}`, () => {
    if (!torch.ok) return;
    const theirs = trainWithPytorch(torch.python, folder, 2);
    expect(relativeError(theirs, ours)).toBeLessThan(1e-9);
  });

  it.skipIf(!torch.ok)(`SGD on mini-batches of 16 draws the lab's batch order: 300 steps to 1e-9, on one and two processes${skipped(torch)}`, async () => {
    if (!torch.ok) return;
    const sgdPath = writeSpec('sine-sgd.json', { training: { optimizer: 'sgd', learningRate: 0.01, batchSize: 16, steps: 300 } });
    const sgdFolder = join(dir, 'sine-sgd');
    expect((await run('export', sgdPath, '--format', 'pytorch', '--out', sgdFolder)).code).toBe(0);
    const sgdSpec = parseSpec(JSON.parse(readFileSync(sgdPath, 'utf8')));
    const here = trainHere(sgdSpec, 300);
    expect(relativeError(trainWithPytorch(torch.python, sgdFolder, 1), here)).toBeLessThan(1e-9);
    expect(relativeError(trainWithPytorch(torch.python, sgdFolder, 2), here)).toBeLessThan(1e-9);
    // Negative control: another seed's batch order (same initial weights) ends elsewhere.
    const otherOrder = createLab({ ...sgdSpec, seed: 2 }, loadSpecData(sgdSpec), createLab(sgdSpec, loadSpecData(sgdSpec)).initial);
    new Trainer(otherOrder).run(300);
    expect(relativeError(trainWithPytorch(torch.python, sgdFolder, 1), otherOrder.net.params)).toBeGreaterThan(1e-6);
  });

  it.skipIf(!torch.ok)(`momentum, and Adam with weight decay, on mini-batches: 200 steps to 1e-9${skipped(torch)}`, async () => {
    if (!torch.ok) return;
    for (const training of [
      { optimizer: 'momentum', learningRate: 0.005, momentum: 0.9, batchSize: 20, steps: 200 },
      { optimizer: 'adam', learningRate: 0.01, weightDecay: 0.01, batchSize: 20, steps: 200 },
    ]) {
      const path = writeSpec(`sine-${training.optimizer}.json`, { training });
      const folder = join(dir, `sine-${training.optimizer}`);
      expect((await run('export', path, '--format', 'pytorch', '--out', folder)).code).toBe(0);
      const here = trainHere(parseSpec(JSON.parse(readFileSync(path, 'utf8'))), 200);
      expect(relativeError(trainWithPytorch(torch.python, folder, 1), here), training.optimizer).toBeLessThan(1e-9);
    }
  });

  it.skipIf(!torch.ok)(`the seed's XOR quadrants (zero biases, cross-entropy), 50 steps: our weights to 1e-9${skipped(torch)}`, async () => {
    if (!torch.ok) return;
    const xorPath = join(root, 'docs/examples/xor-quadrants.json');
    const xorFolder = join(dir, 'xor');
    expect((await run('export', xorPath, '--format', 'pytorch', '--out', xorFolder, '--steps', '50')).code).toBe(0);
    const xor = parseSpec(JSON.parse(readFileSync(xorPath, 'utf8')));
    expect(relativeError(trainWithPytorch(torch.python, xorFolder, 1), trainHere(xor, 50))).toBeLessThan(1e-9);
  });

  it.skipIf(!torch.ok)(`import-weights adds the result to a project as a run, with train.py's cost curve${skipped(torch)}`, async () => {
    if (!torch.ok) return;
    trainWithPytorch(torch.python, folder, 1, ['--out', 'weights.json', '--log', 'training-log.json']);
    const project = join(dir, 'sine.mlplab');
    expect((await run('init', sineSpecPath, '-o', project)).code).toBe(0);
    const r = await run('import-weights', project, join(folder, 'weights.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('cost curve: 1000 steps');
    const runs = readProjectFile(project).project.runs;
    expect(runs).toHaveLength(1);
    const imported = runs[0];
    expect(imported.status).toBe('finished');
    expect(imported.message).toMatch(/trained with PyTorch .*1 process/);
    expect(imported.metrics?.step).toBe(1000);
    expect(relativeError(imported.finalWeights!, ours)).toBeLessThan(1e-9);
    // The curve: train.py's E/N per step; its first point is E/N at the initial weights, which
    // are the lab's own (the same bits as a fresh lab).
    const fresh = createLab(spec(), loadSpecData(spec()));
    expect(Array.from(imported.initialWeights)).toEqual(Array.from(fresh.initial));
    expect(imported.curve.steps).toHaveLength(1000);
    const e0 = evaluate(fresh.net, fresh.data).EPerSample;
    expect(Math.abs(imported.curve.train[0] - e0) / e0).toBeLessThan(1e-12);
    // E/N and RMSE are measured here on the project's data with the imported weights.
    const end = createLab(spec(), loadSpecData(spec()), imported.finalWeights!);
    expect(imported.metrics?.train?.EPerSample).toBe(evaluate(end.net, end.data).EPerSample);
    // The exported run can go on to ONNX like any other.
    expect((await run('export', project, '--format', 'onnx', '--out', join(dir, 'sine.onnx'))).code).toBe(0);
  });

  it('import-weights refuses weights that do not fit the project\'s network, naming the layer', async () => {
    const project = join(dir, 'xor.mlplab');
    expect((await run('init', join(root, 'docs/examples/xor-quadrants.json'), '-o', project)).code).toBe(0);
    const spec = parseSpec(JSON.parse(readFileSync(sineSpecPath, 'utf8')));
    const lab = createLab(spec, loadSpecData(spec));
    const { toWeightsFile } = await import('../../../shared/weights-format');
    const w = join(dir, 'sine-weights.json');
    writeFileSync(w, JSON.stringify(toWeightsFile(lab.net, { inputs: ['x'], outputs: ['t'] })));
    const r = await run('import-weights', project, w);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/layer 1 is 1 -> 6 in the weights file but 2 -> 4 in the network/);
    expect(readProjectFile(project).project.runs).toHaveLength(0);
  });
});
