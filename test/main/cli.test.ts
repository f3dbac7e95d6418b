/**
 * The built CLI (out/main/cli.js through bin/mlp-lab.js), run as a user runs it: a child process
 * with real files. `npm test` builds before testing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/mlp-lab.js');
const xorSpec = join(root, 'docs/examples/xor-quadrants.json');
let dir: string;

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function jsonLines(s: string): Record<string, number | string>[] {
  return s.trim().split('\n').map((l) => JSON.parse(l));
}

function writeSpec(name: string, patch: Record<string, unknown>): string {
  const spec = { format: 'mlp-lab-spec', version: 1, seed: 1, ...patch };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

beforeAll(() => {
  if (!existsSync(join(root, 'out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'mlp-cli-'));
});

describe('mlp-lab CLI', () => {
  it('train --json prints progress lines then a summary; XOR quadrants learns', () => {
    const r = cli('train', xorSpec, '--steps', '3000', '--json');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    const summary = lines.at(-1)!;
    expect(lines.slice(0, -1).every((l) => l.type === 'progress')).toBe(true);
    expect(lines.length).toBeGreaterThan(50);
    expect(summary).toMatchObject({ type: 'summary', steps: 3000 });
    expect(summary.EPerSample).toBeCloseTo((summary.E as number) / 1000, 12);
    expect(summary.accuracy as number).toBeGreaterThan(0.8);
    expect(summary.seconds as number).toBeGreaterThan(0);
    // E falls: the first progress point is the initial cost.
    expect(summary.E as number).toBeLessThan(lines[0].E as number);
  });

  it('is reproducible: the same spec and seed give identical results, another seed differs', () => {
    const a = jsonLines(cli('train', xorSpec, '--steps', '200', '--json').stdout).at(-1)!;
    const b = jsonLines(cli('train', xorSpec, '--steps', '200', '--json').stdout).at(-1)!;
    const c = jsonLines(cli('train', xorSpec, '--steps', '200', '--json', '--seed', '2').stdout).at(-1)!;
    expect(a.E).toBe(b.E);
    expect(c.E).not.toBe(a.E);
  });

  it('gives identical results whatever --threads says, and one summary line per seed with --seeds', () => {
    const big = writeSpec('threads.json', {
      data: { builtin: 'xor-quadrants', n: 3000 },
      network: { hidden: [{ units: 40 }, { units: 40 }], output: { cost: 'sigmoid-cross-entropy' } },
      training: { optimizer: 'gd', learningRate: 0.001, steps: 15 },
    });
    const one = jsonLines(cli('train', big, '--threads', '1', '--json').stdout).at(-1)!;
    const two = jsonLines(cli('train', big, '--threads', '2', '--json').stdout).at(-1)!;
    expect(two.E).toBe(one.E);
    const seeds = jsonLines(cli('train', xorSpec, '--steps', '100', '--seeds', '1,2,3', '--json').stdout).filter((l) => l.type === 'summary');
    expect(seeds.map((l) => l.seed)).toEqual([1, 2, 3]);
    expect(new Set(seeds.map((l) => l.E)).size).toBe(3);
  });

  it('train --out writes weights that --init resumes from exactly, and predict uses them', () => {
    const w = join(dir, 'w.json');
    const first = cli('train', xorSpec, '--steps', '500', '--out', w);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/trained 500 steps in [\d.]+ s/);
    expect(first.stdout).toMatch(/accuracy [\d.]+%/);
    expect(first.stdout).toContain(`weights written to ${w}`);
    const file = JSON.parse(readFileSync(w, 'utf8'));
    expect(file).toMatchObject({ format: 'mlp-lab-weights', version: 1, inputs: ['x1', 'x2'], outputs: ['label'], cost: 'sigmoid-cross-entropy' });
    // 500 steps, then 0 more from the saved weights: the same E as 500 steps in one go.
    const once = jsonLines(cli('train', xorSpec, '--steps', '500', '--json').stdout).at(-1)!;
    const resumed = jsonLines(cli('train', xorSpec, '--steps', '0', '--init', w, '--json').stdout).at(-1)!;
    expect(resumed.E).toBe(once.E);

    writeFileSync(join(dir, 'points.csv'), 'x2,x1,comment\n0.5,0.5,a\n-0.5,0.5,b\n');
    const p = cli('predict', w, 'points.csv');
    expect(p.code).toBe(0);
    const rows = p.stdout.trim().split('\n');
    expect(rows[0]).toBe('x1,x2,label:p');
    expect(rows).toHaveLength(3);
    expect(Number(rows[1].split(',')[2])).toBeGreaterThan(0.5); // x1 x2 > 0: class 1
    expect(Number(rows[2].split(',')[2])).toBeLessThan(0.5);
  });

  it('trains on a CSV named relative to the spec, with normalisation written into the weights', () => {
    const lines = ['a,b,t'];
    for (let i = 0; i < 40; i++) lines.push(`${i / 4},${100 + i},${(i / 40) ** 2}`);
    writeFileSync(join(dir, 'data.csv'), `${lines.join('\r\n')}\r\n`);
    const spec = writeSpec('csv-spec.json', {
      data: { csv: 'data.csv', inputs: ['a', 'b'], targets: ['t'], normalize: true },
      network: { hidden: [{ units: 3, activation: 'tanh' }], output: { cost: 'sum-of-squares' } },
      training: { optimizer: 'gd', learningRate: 0.01, steps: 300 },
    });
    const w = join(dir, 'csv-w.json');
    const r = spawnSync(process.execPath, [bin, 'train', spec, '--json', '--out', w], { encoding: 'utf8', cwd: tmpdir() });
    expect(r.status, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).at(-1)!.rmse as number).toBeLessThan(0.2);
    const file = JSON.parse(readFileSync(w, 'utf8'));
    expect(file.normalization.mean[0]).toBeCloseTo(4.875, 12);
    expect(file.normalization.mean[1]).toBeCloseTo(119.5, 12);
  });

  it('gradcheck prints the seed\'s lines and per-layer errors; exit 0 when within tolerance, 1 when not', () => {
    const ok = cli('gradcheck', xorSpec);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/finite difference -?[\d.e-]+\n back propagation -?[\d.e-]+/);
    expect(ok.stdout).toMatch(/layer 1 +12 values +max relative error [\d.e-]+ +ok/);
    expect(ok.stdout).toContain('gradient check passed');
    const strict = cli('gradcheck', xorSpec, '--tolerance', '1e-30');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('gradient check FAILED');
    const json = JSON.parse(cli('gradcheck', xorSpec, '--json').stdout);
    expect(json.passed).toBe(true);
    expect(json.groups).toHaveLength(3);
  });

  const failures: [string, () => string[], RegExp, number][] = [
    ['a missing spec file', () => ['train', 'nope.json'], /^mlp-lab: cannot find the spec file nope\.json\n$/, 1],
    ['a file that is not JSON', () => { writeFileSync(join(dir, 'junk.json'), 'hello'); return ['train', 'junk.json']; }, /^mlp-lab: junk\.json is not valid JSON .*is it a spec file\?\n$/, 1],
    ['zero hidden units', () => ['train', writeSpec('zero.json', { data: { builtin: 'xor-quadrants' }, network: { hidden: [{ units: 0 }], output: { cost: 'sigmoid-cross-entropy' } } })], /network\.hidden\[0\]\.units must be a whole number >= 1, got 0/, 1],
    ['an unknown activation', () => ['train', writeSpec('act.json', { data: { builtin: 'xor-quadrants' }, network: { hidden: [{ units: 2, activation: 'swish' }], output: { cost: 'sigmoid-cross-entropy' } } })], /activation must be one of linear, sigmoid, tanh, relu, got "swish"/, 1],
    ['a cost that does not fit the targets', () => ['train', writeSpec('mismatch.json', { data: { builtin: 'sine-regression' }, network: { hidden: [{ units: 2 }], output: { cost: 'softmax-cross-entropy' } } })], /softmax-cross-entropy needs class labels, but column "t" holds values like .*: use sum-of-squares/, 1],
    ['a missing CSV', () => ['train', writeSpec('nocsv.json', { data: { csv: 'missing.csv', inputs: ['a'], targets: ['t'] }, network: { output: { cost: 'sum-of-squares' } } })], /cannot find the CSV file .*missing\.csv/, 1],
    ['a CSV with a short row', () => { writeFileSync(join(dir, 'short.csv'), 'a,t\n1,2\n3\n'); return ['train', writeSpec('short.json', { data: { csv: 'short.csv', inputs: ['a'], targets: ['t'] }, network: { output: { cost: 'sum-of-squares' } } })]; }, /short\.csv line 3: row has 1 fields, the header has 2/, 1],
    ['a CSV with text in a numeric column', () => { writeFileSync(join(dir, 'text.csv'), 'a,t\n1,2\nabc,3\n'); return ['train', writeSpec('text.json', { data: { csv: 'text.csv', inputs: ['a'], targets: ['t'] }, network: { output: { cost: 'sum-of-squares' } } })]; }, /text\.csv line 3, column "a" is "abc", not a number/, 1],
    ['a CSV without the named column', () => { writeFileSync(join(dir, 'cols.csv'), 'a,t\n1,2\n'); return ['train', writeSpec('cols.json', { data: { csv: 'cols.csv', inputs: ['b'], targets: ['t'] }, network: { output: { cost: 'sum-of-squares' } } })]; }, /cols\.csv has no input column "b"; its columns are a, t/, 1],
    ['a diverging learning rate', () => ['train', writeSpec('diverge.json', { data: { builtin: 'sine-regression' }, network: { hidden: [{ units: 6 }], output: { cost: 'sum-of-squares' } }, training: { learningRate: 50, steps: 1000 } })], /diverged at step \d+: E\/N rose to .* with learning rate 50: try a smaller learning rate/, 3],
    ['an unknown option', () => ['train', xorSpec, '--bogus'], /^mlp-lab: train has no option --bogus\nusage:/, 2],
    ['an unknown command', () => ['fly'], /^mlp-lab: unknown command "fly"/, 2],
    ['a bad --steps', () => ['train', xorSpec, '--steps', 'many'], /--steps must be a whole number >= 0, got "many"/, 2],
  ];
  for (const [what, args, message, code] of failures) {
    it(`reports ${what} in one line on stderr, without a stack trace (exit ${code})`, () => {
      const r = cli(...args());
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      if (code === 1) expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('predict refuses weights whose shapes do not fit, naming the layer', () => {
    const w = join(dir, 'bad-w.json');
    cli('train', xorSpec, '--steps', '1', '--out', w);
    const f = JSON.parse(readFileSync(w, 'utf8'));
    f.layers[1].weights.pop();
    writeFileSync(w, JSON.stringify(f));
    writeFileSync(join(dir, 'p.csv'), 'x1,x2\n1,1\n');
    const r = cli('predict', w, 'p.csv');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/layer 2: "weights" must have 4 rows \(one per input\), has 3/);
  });
});
