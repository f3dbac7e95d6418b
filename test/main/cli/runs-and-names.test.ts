/**
 * The command line names runs as the window does and tells the truth about them (issue 16,
 * item 16), in-process on real files:
 * - `mlp-lab runs PROJECT` lists each run's number, name, status, steps, and the E/N and
 *   accuracy of its final weights on its own training and validation split: checked against a
 *   forward pass written here from the exported weights file (no Network, no evaluate), on a
 *   project whose stored metrics were falsified (so a copy of them would fail);
 * - `export --run` takes "2", "run 2" (the window's name) or the id;
 * - `train`'s text summary has the validation set's accuracy (or RMSE), equal to --json's;
 * - `predict` predicts the complete rows and reports the others by line;
 * - `init` says "1 target (3 classes: ...)" for one label column of three classes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../../shared/data/builtin';
import { prepareParts } from '../../../shared/lab';
import { parseSpec } from '../../../shared/spec';
import { parseWeightsFile } from '../../../shared/weights-format';
import { runCli } from '../../../src-main/cli';
import { train } from '../../../src-main/cli/train';
import type { CliIo } from '../../../src-main/cli/io';
import { readProjectFile } from '../../../src-main/storage/project-file';
import { writeProjectFile } from '../../../src-main/storage/project-save';
import { referenceMetrics } from '../../support/reference';
import { requireWorker, workerUrl } from '../../support/worker';

let dir: string;
const at = (name: string) => join(dir, name);

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return { io: { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } }, out: () => stdout, err: () => stderr };
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = capture();
  const code = args[0] === 'train' ? await train(args.slice(1), c.io, { workerUrl }) : await runCli(args, c.io);
  return { code, stdout: c.out(), stderr: c.err() };
}

const moons = {
  format: 'mlp-lab-spec', version: 1, seed: 3,
  data: { builtin: 'two-moons', n: 200, split: { validation: 0.25 } },
  network: { hidden: [{ units: 5, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } },
  training: { optimizer: 'adam', learningRate: 0.02, steps: 300, batchSize: 20 },
};

beforeAll(async () => {
  requireWorker();
  dir = mkdtempSync(join(tmpdir(), 'mlp-cli-runs-'));
  writeFileSync(at('moons.json'), JSON.stringify(moons));
  expect((await cli('init', at('moons.json'), '-o', at('moons.mlplab'))).code).toBe(0);
  for (const seed of ['3', '8']) {
    const r = await cli('train', at('moons.mlplab'), '--save', '--seed', seed);
    expect(r.code, r.stderr).toBe(0);
  }
}, 60_000);

describe('mlp-lab runs', () => {
  it('lists every run by number and name, with the E/N and accuracy of its final weights on its own split', async () => {
    // Falsify what the runs reported while training: `runs` must not show these.
    const { project } = readProjectFile(at('moons.mlplab'));
    const fake = { ...project, runs: project.runs.map((r) => ({ ...r, metrics: r.metrics && { ...r.metrics, train: { E: 1, EPerSample: 0.5, accuracy: 0.5 }, validation: { E: 1, EPerSample: 0.5, accuracy: 0.5 } } })) };
    await writeProjectFile(at('fake.mlplab'), fake);

    const json = await cli('runs', at('fake.mlplab'), '--json');
    expect(json.code, json.stderr).toBe(0);
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.number, r.name, r.status, r.steps, r.id])).toEqual(project.runs.map((r, i) => [i + 1, `run ${i + 1}`, 'finished', 300, r.id]));

    for (const [i, row] of rows.entries()) {
      const run = project.runs[i];
      const exported = await cli('export', at('fake.mlplab'), '--run', String(i + 1));
      expect(exported.code, exported.stderr).toBe(0);
      const file = parseWeightsFile(JSON.parse(exported.stdout));
      // The run's own split: its seed's shuffle, its normalisation (none here).
      const parts = prepareParts(parseSpec(run.spec), generateBuiltin('two-moons', 200, run.spec.seed));
      const trainRef = referenceMetrics(file, parts.train.inputs, parts.train.targets, parts.train.n);
      const valRef = referenceMetrics(file, parts.validation.inputs, parts.validation.targets, parts.validation.n);
      expect(row.train.EPerSample).toBeCloseTo(trainRef.EPerSample, 10);
      expect(row.train.accuracy).toBe(trainRef.accuracy);
      expect(row.validation.EPerSample).toBeCloseTo(valRef.EPerSample, 10);
      expect(row.validation.accuracy).toBe(valRef.accuracy);
      expect(row.train.EPerSample).not.toBeCloseTo(0.5, 3); // negative control: not the falsified report
    }
    // The two runs split differently (seeds 3 and 8): each is measured on its own.
    expect(rows[0].train.EPerSample).not.toBe(rows[1].train.EPerSample);

    const text = await cli('runs', at('fake.mlplab'));
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^#\s+name\s+status\s+steps\s+E\/N train\s+accuracy train\s+E\/N validation\s+accuracy validation\s+created \(UTC\)$/);
    expect(lines[1]).toMatch(new RegExp(`^1\\s+run 1\\s+finished\\s+300\\s+${rows[0].train.EPerSample.toPrecision(6)}\\s+${(rows[0].train.accuracy * 100).toFixed(2)}%\\s+${rows[0].validation.EPerSample.toPrecision(6)}`));
    expect(lines[2]).toMatch(/^2\s+run 2\s+finished/);
  });

  it('refuses a spec file (exit 2), and says so when a project has no runs', async () => {
    const spec = await cli('runs', at('moons.json'));
    expect(spec.code).toBe(2);
    expect(spec.stderr).toMatch(/moons\.json is not a project file/);
    expect((await cli('init', at('moons.json'), '-o', at('empty.mlplab'))).code).toBe(0);
    const empty = await cli('runs', at('empty.mlplab'));
    expect(empty.stdout).toMatch(/has no runs yet; train one with: mlp-lab train .*empty\.mlplab --save/);
  });
});

describe('export --run', () => {
  it('takes the number and the name the window shows, and the id', async () => {
    const { project } = readProjectFile(at('moons.mlplab'));
    const second = project.runs[1];
    const bias = (stdout: string) => parseWeightsFile(JSON.parse(stdout)).layers[0].bias;
    const expected = Array.from(second.finalWeights!.subarray(2 * 5, 3 * 5));
    for (const key of ['2', 'run 2', 'Run 2', second.id]) {
      const r = await cli('export', at('moons.mlplab'), '--run', key);
      expect(r.code, `${key}: ${r.stderr}`).toBe(0);
      expect(bias(r.stdout), key).toEqual(expected);
    }
    expect(bias((await cli('export', at('moons.mlplab'), '--run', '1')).stdout)).not.toEqual(expected);
    const out = await cli('export', at('moons.mlplab'), '--run', 'run 2', '--out', at('w2.json'));
    expect(out.stderr).toMatch(/^weights of run 2 \(finished, .*\) written to .*w2\.json\n$/);
  });

  it('names the runs there are when asked for one that is not', async () => {
    const r = await cli('export', at('moons.mlplab'), '--run', 'run 9');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`mlp-lab: ${at('moons.mlplab')} has no run "run 9"; its runs are run 1, run 2 (mlp-lab runs ${at('moons.mlplab')} lists them)\n`);
  });
});

describe('train\'s text summary', () => {
  it('gives the validation set\'s E/N and accuracy beside the training set\'s, the numbers --json gives', async () => {
    const text = await cli('train', at('moons.json'), '--steps', '200');
    const json = await cli('train', at('moons.json'), '--steps', '200', '--json');
    const summary = JSON.parse(json.stdout.trim().split('\n').at(-1)!);
    expect(summary.validation.accuracy).toBeGreaterThan(0);
    expect(text.stdout).toContain(`training:   E ${summary.E.toPrecision(8)}  E/N ${summary.EPerSample.toPrecision(6)}  accuracy ${(summary.accuracy * 100).toFixed(2)}%\n`);
    expect(text.stdout).toContain(`validation: E ${summary.validation.E.toPrecision(8)}  E/N ${summary.validation.EPerSample.toPrecision(6)}  accuracy ${(summary.validation.accuracy * 100).toFixed(2)}%\n`);
  });

  it('gives RMSE for a regression\'s validation set', async () => {
    writeFileSync(at('sine.json'), JSON.stringify({ ...moons, data: { builtin: 'sine-regression', split: { validation: 0.2 } }, network: { hidden: [{ units: 3 }], output: { cost: 'sum-of-squares' } } }));
    const text = await cli('train', at('sine.json'), '--steps', '50');
    expect(text.stdout).toMatch(/\nvalidation: E [\d.e+-]+ {2}E\/N [\d.e+-]+ {2}RMSE [\d.e+-]+\n/);
  });
});

describe('predict with incomplete rows', () => {
  it('predicts the complete rows, as a file of only those would, and reports the others by line', async () => {
    await cli('export', at('moons.mlplab'), '--out', at('w.json'));
    writeFileSync(at('some.csv'), 'x1,x2\n0.5,0.2\n,0.1\n1.5,-0.3\n0.1,NA\n-0.7,0.9\n');
    writeFileSync(at('complete.csv'), 'x1,x2\n0.5,0.2\n1.5,-0.3\n-0.7,0.9\n');
    const some = await cli('predict', at('w.json'), at('some.csv'));
    const complete = await cli('predict', at('w.json'), at('complete.csv'));
    expect(some.code, some.stderr).toBe(0);
    expect(some.stdout).toBe(complete.stdout);
    expect(some.stdout.trim().split('\n')).toHaveLength(4);
    expect(some.stderr).toBe('mlp-lab: 2 rows of some.csv not predicted, an input is missing: line 3 (x1), line 5 (x2); the other 3 rows are predicted\n');
    expect(complete.stderr).toBe('');
  });

  it('refuses a file in which no row is complete, naming the first such line', async () => {
    writeFileSync(at('none.csv'), 'x1,x2\n,1\n2,\n');
    const r = await cli('predict', at('w.json'), at('none.csv'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('mlp-lab: none.csv: no row has every input the network needs (line 2 lacks "x1"); fill them in\n');
  });
});

describe('init', () => {
  it('says "1 target (3 classes)" for one label column with three classes', async () => {
    const rows = ['a,b,kind'];
    for (let i = 0; i < 30; i++) rows.push(`${i % 7},${(i * 3) % 11},${['setosa', 'versicolor', 'virginica'][i % 3]}`);
    writeFileSync(at('iris.csv'), `${rows.join('\n')}\n`);
    writeFileSync(at('iris.json'), JSON.stringify({ format: 'mlp-lab-spec', version: 1, data: { csv: 'iris.csv', inputs: ['a', 'b'], targets: ['kind'] }, network: { hidden: [{ units: 3 }], output: { cost: 'softmax-cross-entropy' } } }));
    const r = await cli('init', at('iris.json'), '-o', at('iris.mlplab'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('dataset: 30 samples, 2 inputs, 1 target (3 classes: setosa, versicolor, virginica)\n');
    expect(r.stdout).not.toContain('3 targets');
    // The CSV default initialisation (item 15), said where the user sees it.
    expect(r.stdout).toContain('initial weights: Xavier (tanh), Xavier (output)\n');
  });

  it('still says "3 targets" for three numeric target columns', async () => {
    writeFileSync(at('multi.csv'), `x,t1,t2,t3\n${Array.from({ length: 12 }, (_, i) => `${i},${i * 0.5},${i * 0.25},${-i}`).join('\n')}\n`);
    writeFileSync(at('multi.json'), JSON.stringify({ format: 'mlp-lab-spec', version: 1, data: { csv: 'multi.csv', inputs: ['x'], targets: ['t1', 't2', 't3'] }, network: { hidden: [{ units: 2 }], output: { cost: 'sum-of-squares' } } }));
    const r = await cli('init', at('multi.json'), '-o', at('multi.mlplab'));
    expect(r.stdout).toContain('dataset: 12 samples, 1 input, 3 targets\n');
    expect(readFileSync(at('multi.mlplab')).length).toBeGreaterThan(0);
  });
});
