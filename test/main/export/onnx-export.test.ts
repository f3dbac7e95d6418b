/**
 * `mlp-lab export --format onnx`: the exported model, run by ONNX Runtime (onnxruntime-web's
 * WebAssembly CPU backend, in Node), predicts what `mlp-lab predict` prints for the same raw
 * rows: to 1e-5 relative in float32 and 1e-12 in float64, for every hidden activation with every
 * canonical cost and for a mixture density network, with the normalisation inside the graph.
 * "Relative" is |onnx - predict| / max(|predict|, the largest |predict| of that output column),
 * so an output near zero is judged against its column's scale.
 *
 * Negative controls: a model exported from weights with one weight moved by 1e-3, and one whose
 * normalisation was left out, fail the same comparison. Where Debian's python3-onnx is installed,
 * onnx.checker.check_model(..., full_check=True) accepts every exported model and rejects a
 * model with a dangling node input.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES } from '../../../shared/engine/activations';
import { costFor } from '../../../shared/engine/costs';
import { mixtureOutputs } from '../../../shared/engine/mdn';
import { Network } from '../../../shared/engine/network';
import { Rng } from '../../../shared/engine/rng';
import { toWeightsFile, type WeightsFile } from '../../../shared/weights-format';
import { runCli } from '../../../src-main/cli';
import { ONNX_EXPORT_VERSION } from '../../../src-main/export/onnx-model';
import { pythonWith, runPython } from '../../support/python';

const { onnx } = onnxProto;
const checker = pythonWith(['onnx'], 'install it with: apt-get install python3-onnx (Debian), or pip install onnx');
const TOLERANCE = { float32: 1e-5, float64: 1e-12 } as const;
type Dtype = keyof typeof TOLERANCE;
const ROWS = 64;
let dir: string;
const written: string[] = [];

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

/** A weights file with seeded random weights: 3 raw inputs (normalised) -> 5 `activation` -> 4 `activation` -> the cost's outputs. */
function weightsFile(activation: string, cost: string, seed: number): WeightsFile {
  const mixture = cost === 'mixture-density';
  const outputs = mixture ? ['t1', 't2'] : cost === 'sum-of-squares' ? ['u', 'v'] : ['a', 'b', 'c'];
  const units = mixture ? mixtureOutputs(3, 2) : outputs.length;
  const net = new Network(3, [{ units: 5, activation }, { units: 4, activation }, { units, activation: 'linear' }], costFor({ cost, components: 3 }));
  const rng = new Rng(seed);
  for (let i = 0; i < net.params.length; i++) net.params[i] = rng.normal();
  return toWeightsFile(net, {
    inputs: ['x1', 'x2', 'x3'],
    outputs,
    normalization: { mean: [10, -3, 0.5], std: [4, 0.25, 2] },
    ...(cost === 'softmax-cross-entropy' ? { classLabels: ['red', 'green', 'blue'] } : {}),
  });
}

/** ROWS raw rows around the normalisation's means, as a CSV file and as numbers. */
function rows(): { csv: string; x: Float64Array } {
  const rng = new Rng(42);
  const x = new Float64Array(ROWS * 3);
  const mean = [10, -3, 0.5];
  const std = [4, 0.25, 2];
  for (let i = 0; i < x.length; i++) x[i] = mean[i % 3] + 2.5 * std[i % 3] * rng.normal();
  const lines = ['x1,x2,x3'];
  for (let r = 0; r < ROWS; r++) lines.push(Array.from(x.subarray(r * 3, r * 3 + 3)).map(String).join(','));
  return { csv: `${lines.join('\n')}\n`, x };
}

/** The columns of `mlp-lab predict`'s CSV output, by header name. */
function parseCsv(text: string): Map<string, number[]> {
  const [header, ...lines] = text.trim().split('\n').map((l) => l.split(','));
  return new Map(header.map((h, j) => [h, lines.map((l) => Number(l[j]))]));
}

/** `mlp-lab predict`'s numbers for the rows, in the ONNX outputs' layout (name -> row-major values). */
async function predictCli(weightsPath: string, csvPath: string, file: WeightsFile): Promise<Record<string, number[]>> {
  const r = await run('predict', weightsPath, csvPath);
  expect(r.code, r.stderr).toBe(0);
  const cols = parseCsv(r.stdout);
  const col = (name: string) => {
    const c = cols.get(name);
    if (!c) throw new Error(`predict printed no column ${name}`);
    return c;
  };
  const interleave = (names: string[]) => Array.from({ length: ROWS }, (_, i) => names.map((n) => col(n)[i])).flat();
  if (file.cost === 'mixture-density') {
    const K = file.components!;
    const ks = Array.from({ length: K }, (_, j) => j + 1);
    return {
      pi: interleave(ks.map((j) => `pi${j}`)),
      mu: interleave(ks.flatMap((j) => file.outputs.map((o) => `mu${j}:${o}`))),
      sigma: interleave(ks.map((j) => `sigma${j}`)),
    };
  }
  return { y: interleave(file.outputs.map((o) => (file.cost === 'sum-of-squares' ? o : `${o}:p`))) };
}

/** The model's outputs for the rows, by ONNX Runtime. */
async function predictOnnx(modelPath: string, x: Float64Array, dtype: Dtype): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(modelPath)));
  try {
    const input = new ort.Tensor(dtype, dtype === 'float32' ? Float32Array.from(x) : x, [ROWS, 3]);
    const out = await session.run({ x: input });
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Array.from(t.data as Float32Array | Float64Array)]));
  } finally {
    await session.release();
  }
}

/** The largest |onnx - predict| / max(|predict|, column scale) over every output value. */
function worstError(got: Record<string, number[]>, want: Record<string, number[]>, columns: Record<string, number>): number {
  let worst = 0;
  for (const [name, w] of Object.entries(want)) {
    const g = got[name];
    expect(g, `output ${name}`).toBeDefined();
    expect(g.length).toBe(w.length);
    const k = columns[name];
    const scale = new Array(k).fill(0);
    w.forEach((v, i) => (scale[i % k] = Math.max(scale[i % k], Math.abs(v))));
    w.forEach((v, i) => (worst = Math.max(worst, Math.abs(g[i] - v) / Math.max(Math.abs(v), scale[i % k]))));
  }
  return worst;
}

function columnsOf(file: WeightsFile): Record<string, number> {
  const K = file.components ?? 1;
  return file.cost === 'mixture-density' ? { pi: K, mu: K * file.outputs.length, sigma: K } : { y: file.outputs.length };
}

let csvPath: string;
let x: Float64Array;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
  dir = mkdtempSync(join(tmpdir(), 'mlp-onnx-'));
  const r = rows();
  csvPath = join(dir, 'rows.csv');
  writeFileSync(csvPath, r.csv);
  x = r.x;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PAIRS = [
  ...ACTIVATION_NAMES.flatMap((activation) => ['sum-of-squares', 'sigmoid-cross-entropy', 'softmax-cross-entropy'].map((cost) => ({ activation, cost }))),
  { activation: 'tanh', cost: 'mixture-density' },
];

describe('ONNX export run by ONNX Runtime equals mlp-lab predict', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it.each(PAIRS.map((p, i) => ({ ...p, seed: i + 1 })))(`${dtype}: $activation hidden layers, $cost`, async ({ activation, cost, seed }) => {
      const file = weightsFile(activation, cost, seed);
      const weightsPath = join(dir, `${activation}-${cost}.json`);
      writeFileSync(weightsPath, JSON.stringify(file));
      const modelPath = join(dir, `${activation}-${cost}-${dtype}.onnx`);
      const r = await run('export', weightsPath, '--format', 'onnx', '--dtype', dtype, '--out', modelPath);
      expect(r.code, r.stderr).toBe(0);
      written.push(modelPath);
      const want = await predictCli(weightsPath, csvPath, file);
      const got = await predictOnnx(modelPath, x, dtype);
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      expect(worstError(got, want, columnsOf(file))).toBeLessThanOrEqual(TOLERANCE[dtype]);
    });
  }

  it('negative controls: a weight moved by 1e-3, or the normalisation left out, fails the comparison', async () => {
    const file = weightsFile('tanh', 'sigmoid-cross-entropy', 7);
    const weightsPath = join(dir, 'control.json');
    writeFileSync(weightsPath, JSON.stringify(file));
    const want = await predictCli(weightsPath, csvPath, file);
    const moved = structuredClone(file);
    moved.layers[1].weights[2][1] += 1e-3;
    const noNorm = { ...structuredClone(file), normalization: null };
    for (const [name, bad] of [['moved', moved], ['unnormalised', noNorm]] as const) {
      const w = join(dir, `control-${name}.json`);
      writeFileSync(w, JSON.stringify(bad));
      const m = join(dir, `control-${name}.onnx`);
      expect((await run('export', w, '--format', 'onnx', '--dtype', 'float64', '--out', m)).code).toBe(0);
      expect(worstError(await predictOnnx(m, x, 'float64'), want, columnsOf(file)), name).toBeGreaterThan(1e-6);
    }
  });
});

describe('the exported model', () => {
  it('names its input and outputs and carries the column names, cost, class labels and format version as metadata', async () => {
    const file = weightsFile('relu', 'softmax-cross-entropy', 3);
    const w = join(dir, 'meta.json');
    writeFileSync(w, JSON.stringify(file));
    const m = join(dir, 'meta.onnx');
    expect((await run('export', w, '--format', 'onnx', '--out', m)).code).toBe(0);
    const model = onnx.ModelProto.decode(readFileSync(m));
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(meta).toMatchObject({
      mlp_lab_onnx_version: String(ONNX_EXPORT_VERSION),
      inputs: '["x1","x2","x3"]',
      outputs: '["a","b","c"]',
      cost: 'softmax-cross-entropy',
      output_function: 'softmax',
      class_labels: '["red","green","blue"]',
      dtype: 'float32',
    });
    expect(model.graph?.input?.map((i) => i.name)).toEqual(['x']);
    expect(model.graph?.output?.map((o) => o.name)).toEqual(['y']);
    expect(model.graph?.input?.[0]?.type?.tensorType?.elemType).toBe(onnx.TensorProto.DataType.FLOAT);
    const mdn = weightsFile('tanh', 'mixture-density', 4);
    writeFileSync(w, JSON.stringify(mdn));
    expect((await run('export', w, '--format', 'onnx', '--dtype', 'float64', '--out', m)).code).toBe(0);
    const mdnModel = onnx.ModelProto.decode(readFileSync(m));
    expect(mdnModel.graph?.output?.map((o) => o.name)).toEqual(['pi', 'mu', 'sigma']);
    expect(Object.fromEntries(mdnModel.metadataProps.map((p) => [p.key, p.value]))).toMatchObject({ cost: 'mixture-density', components: '3', outputs: '["t1","t2"]', dtype: 'float64' });
  });

  it('refuses a bad --dtype, a missing --out and a file that is not weights, with a message', async () => {
    const w = join(dir, 'meta.json');
    expect((await run('export', w, '--format', 'onnx', '--dtype', 'float16', '--out', join(dir, 'x.onnx'))).stderr).toContain('--dtype must be float32 or float64');
    expect((await run('export', w, '--format', 'onnx')).stderr).toContain('--out MODEL.onnx');
    expect((await run('export', w, '--format', 'onnx', '--steps', '3', '--out', join(dir, 'x.onnx'))).stderr).toContain('--steps does not apply to --format onnx');
    const r = await run('export', csvPath, '--format', 'onnx', '--out', join(dir, 'x.onnx'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rows\.csv is not valid JSON/);
  });

  it.skipIf(!checker.ok)(`passes onnx.checker.check_model(full_check=True), which rejects a broken graph${checker.ok ? '' : ` (skipped: ${checker.reason})`}`, () => {
    if (!checker.ok) return;
    expect(written.length).toBe(2 * PAIRS.length);
    const check = 'import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\nprint("ok", len(sys.argv) - 1)';
    expect(runPython(checker.python, ['-c', check, ...written]).trim()).toBe(`ok ${written.length}`);
    // Negative control: a node reading a tensor nothing defines is refused.
    const broken = onnx.ModelProto.decode(readFileSync(written[0]));
    const first = broken.graph?.node?.[0];
    if (!first?.input) throw new Error('the exported graph has no nodes');
    first.input[0] = 'nowhere';
    const b = join(dir, 'broken.onnx');
    writeFileSync(b, onnx.ModelProto.encode(broken).finish());
    expect(() => runPython(checker.python, ['-c', check, b])).toThrow(/nowhere/);
  });
});
