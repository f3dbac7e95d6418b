/**
 * The CLI's project commands, run as a user runs them (child processes, real files):
 * init from a CSV spec, train a project and save the run, export its weights, predict with them,
 * gradcheck a project, and the errors along the way.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readProjectFile } from '../../../src-main/storage/project-file';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(root, 'bin/mlp-lab.js');
let dir: string;

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function spec(name: string, data: Record<string, unknown>, cost = 'sigmoid-cross-entropy'): string {
  writeFileSync(join(dir, name), JSON.stringify({
    format: 'mlp-lab-spec', version: 1, seed: 2,
    data: { csv: 'kunden.csv', inputs: ['Alter', 'Einkommen', 'Region'], targets: ['Gekündigt'], split: { validation: 0.25 }, ...data },
    network: { hidden: [{ units: 3, activation: 'tanh' }], output: { cost } },
    training: { optimizer: 'adam', learningRate: 0.05, steps: 60, batchSize: 4 },
  }));
  return name;
}

beforeAll(() => {
  if (!existsSync(join(root, 'out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'mlp-cli-project-'));
  copyFileSync(new URL('../../fixtures/csv/german-spreadsheet.csv', import.meta.url), join(dir, 'kunden.csv'));
});

describe('mlp-lab init / train --save / export', () => {
  it('init imports the spec\'s CSV into a new project and says what it found', () => {
    const r = cli('init', spec('kunden.json', { missing: 'mean' }), '-o', 'kunden.mlplab');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created kunden.mlplab from kunden.json');
    expect(r.stdout).toContain('data: kunden.csv: 12 rows; delimiter ";", decimal ",", header row, UTF-8');
    expect(r.stdout).toContain('Kunde (id), Alter (numeric, 1 missing), Einkommen (numeric, 1 missing), Region (categorical, 1 missing)');
    expect(r.stdout).toContain('dataset: 12 samples, 6 inputs, 1 target');
    expect(r.stdout).toMatch(/Alter: 1 missing values filled with the column mean/);
    expect(r.stdout).toMatch(/task: binary \("Gekündigt" holds two class labels\); the spec's cost sigmoid-cross-entropy fits/);
    const { project } = readProjectFile(join(dir, 'kunden.mlplab'));
    expect(project.dataset?.rows).toBe(12);
    expect(project.runs).toEqual([]);
  });

  it('init refuses to overwrite without --force (exit 2), and writes nothing when the data is bad (exit 1)', () => {
    const again = cli('init', 'kunden.json', '-o', 'kunden.mlplab');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/kunden\.mlplab already exists; choose another name, or add --force to replace it/);
    const strict = cli('init', spec('strict.json', { missing: 'error' }), '-o', 'strict.mlplab');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe('mlp-lab: kunden.csv line 4, column "Alter" is empty (missing); fill it in, or choose missing "drop" (leave such rows out) or "mean" (fill in the column mean)\n');
    expect(existsSync(join(dir, 'strict.mlplab'))).toBe(false);
    const wrongCost = cli('init', spec('cost.json', {}, 'sum-of-squares'), '-o', 'cost.mlplab');
    expect(wrongCost.code).toBe(1);
    expect(wrongCost.stderr).toMatch(/column "Gekündigt" holds class labels \(ja, nein\): use softmax-cross-entropy/);
  });

  it('train PROJECT --save appends runs to the history; export writes the latest run\'s weights; predict uses them', () => {
    const first = cli('train', 'kunden.mlplab', '--save', '--json');
    expect(first.stderr).toBe('run saved to kunden.mlplab\n');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ type: 'summary', steps: 60 });
    const second = cli('train', 'kunden.mlplab', '--save', '--steps', '30', '--seed', '9');
    expect(second.code).toBe(0);
    const { project } = readProjectFile(join(dir, 'kunden.mlplab'));
    expect(project.runs).toHaveLength(2);
    const [a, b] = project.runs;
    expect(a.status).toBe('finished');
    expect(a.curve.steps.length).toBeGreaterThan(0);
    expect(a.finalWeights?.length).toBe(6 * 3 + 3 + 3 + 1);
    expect(a.weightsMeta?.normalization?.mean).toHaveLength(6);
    expect(b.spec).toMatchObject({ seed: 9, training: { steps: 30 } });

    const out = cli('export', 'kunden.mlplab', '--out', 'w.json');
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/weights of run 2 \(finished, .*\) written to w\.json/);
    const w = JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8'));
    expect(w).toMatchObject({ format: 'mlp-lab-weights', outputs: ['Gekündigt=ja'], classLabels: ['ja'], inputs: ['Alter', 'Einkommen', 'Region=Nord', 'Region=Ost', 'Region=Süd', 'Region=West'] });
    expect(w.normalization.mean).toEqual(b.weightsMeta?.normalization?.mean);
    const byId = JSON.parse(cli('export', 'kunden.mlplab', '--run', a.id).stdout);
    expect(byId.layers[0].bias).toEqual(Array.from(a.finalWeights!.subarray(18, 21)));

    writeFileSync(join(dir, 'neu.csv'), 'Alter;Region;Einkommen\r\n40;Süd;2.000,50\r\n25;Nord;3.100,00\r\n');
    const p = cli('predict', 'w.json', 'neu.csv');
    expect(p.code).toBe(0);
    const rows = p.stdout.trim().split('\n');
    expect(rows[0]).toBe('Alter,Einkommen,Region,Gekündigt=ja:p');
    expect(rows[1]).toMatch(/^40,2000\.5,Süd,0\.\d+|^40,2000\.5,Süd,[\d.e-]+$/);
  });

  it('gradcheck accepts a project wherever a spec goes', () => {
    const r = cli('gradcheck', 'kunden.mlplab');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gradient check passed');
  });

  it('explains what to do: export before any run, --save on a spec, a damaged project', () => {
    expect(cli('init', 'kunden.json', '-o', 'empty.mlplab').code).toBe(0);
    const none = cli('export', 'empty.mlplab');
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('mlp-lab: empty.mlplab has no trained run yet; train one with: mlp-lab train empty.mlplab --save\n');
    const onSpec = cli('train', 'kunden.json', '--save');
    expect(onSpec.code).toBe(2);
    expect(onSpec.stderr).toMatch(/^mlp-lab: --save needs a project file; create one with: mlp-lab init kunden\.json -o PROJECT\.mlplab/);
    const bytes = readFileSync(join(dir, 'kunden.mlplab'));
    writeFileSync(join(dir, 'cut.mlplab'), bytes.subarray(0, bytes.length - 4096));
    const cut = cli('train', 'cut.mlplab');
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/^mlp-lab: cut\.mlplab is incomplete: the file has \d+ bytes but its header says \d+/);
  });
});
