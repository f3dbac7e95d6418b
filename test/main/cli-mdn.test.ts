/**
 * The built CLI with a mixture density network, as a user runs it: a project file made from a
 * spec, trained and saved, its weights exported (version 2), gradient-checked, and `predict`
 * printing each component's pi, mu and sigma with the conditional mean and mode.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { conditionalMean, conditionalMode } from '../../shared/engine/mdn';
import { parseWeightsFile, predictFromWeights } from '../../shared/weights-format';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/mlp-lab.js');
let dir: string;

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, 'out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'mlp-cli-mdn-'));
  writeFileSync(join(dir, 'mdn.json'), JSON.stringify({
    format: 'mlp-lab-spec', version: 1, seed: 4,
    data: { builtin: 'sine-regression', n: 60 },
    network: { hidden: [{ units: 5, activation: 'tanh' }], output: { cost: 'mixture-density', components: 2 } },
    training: { optimizer: 'adam', learningRate: 0.01, steps: 300, batchSize: 20 },
  }));
});

describe('mlp-lab with a mixture density network', () => {
  it('init, train --save, export: the project keeps K and the weights file is version 2 with components', () => {
    expect(cli('init', 'mdn.json', '-o', 'mdn.mlplab').code).toBe(0);
    const t = cli('train', 'mdn.mlplab', '--save', '--json');
    expect(t.code, t.stderr).toBe(0);
    const summary = JSON.parse(t.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ type: 'summary', steps: 300 });
    expect(Number.isFinite(summary.EPerSample)).toBe(true);
    expect(summary.rmse).toBeGreaterThan(0);
    expect(summary.accuracy).toBeUndefined();
    const e = cli('export', 'mdn.mlplab', '--out', 'w.json');
    expect(e.code, e.stderr).toBe(0);
    const file = parseWeightsFile(JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8')));
    expect(file).toMatchObject({ version: 2, cost: 'mixture-density', components: 2, outputs: ['t'] });
    expect(file.layers.at(-1)!.bias).toHaveLength(6);
  });

  it('gradcheck passes on the mixture density spec', () => {
    const g = cli('gradcheck', 'mdn.json', '--json');
    expect(g.code, g.stdout + g.stderr).toBe(0);
    expect(JSON.parse(g.stdout).passed).toBe(true);
  });

  it('every PRML gallery spec trains from the command line as it is', () => {
    const gallery = join(root, 'docs/examples/prml');
    for (const f of readdirSync(gallery).filter((n) => n.endsWith('.json'))) {
      const r = cli('train', join(gallery, f), '--steps', '20', '--json');
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'summary' });
    }
  });

  it('predict prints pi, mu, sigma per component, then the conditional mean and mode, as CSV columns', () => {
    writeFileSync(join(dir, 'points.csv'), 'x\n0.1\n0.5\n0.9\n');
    const p = cli('predict', 'w.json', 'points.csv');
    expect(p.code, p.stderr).toBe(0);
    const [header, ...rows] = p.stdout.trim().split('\n');
    expect(header).toBe('x,pi1,mu1,sigma1,pi2,mu2,sigma2,t:mean,t:mode');
    const file = parseWeightsFile(JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8')));
    const y = predictFromWeights(file, Float64Array.of(0.1, 0.5, 0.9), 3);
    const mean = conditionalMean(y, 3, 2, 1);
    const mode = conditionalMode(y, 3, 2, 1);
    rows.forEach((line, r) => {
      const v = line.split(',').map(Number);
      expect(v).toEqual([[0.1, 0.5, 0.9][r], y[r * 6], y[r * 6 + 2], y[r * 6 + 4], y[r * 6 + 1], y[r * 6 + 3], y[r * 6 + 5], mean[r], mode[r]]);
      expect(v[1] + v[4]).toBeCloseTo(1, 14);
      expect(v[3] > 0 && v[6] > 0).toBe(true);
    });
  });
});
