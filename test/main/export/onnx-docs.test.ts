/**
 * docs/onnx.md's JavaScript serving example, run as written (with onnxruntime-web standing in for
 * onnxruntime-node: the same API) on a model exported from a trained XOR run: it prints the
 * predictions `mlp-lab predict` gives for its two rows. Negative control: the same check on
 * a model of other weights fails.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';
import { costFor } from '../../../shared/engine/costs';
import { Network } from '../../../shared/engine/network';
import { Rng } from '../../../shared/engine/rng';
import { predictFromWeights, toWeightsFile } from '../../../shared/weights-format';
import { runCli } from '../../../src-main/cli';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mlp-onnx-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ```js block of docs/onnx.md as an async function of (ort, console), reading `modelPath`. */
function docsExample(modelPath: string): (o: typeof ort, c: { log: (...a: unknown[]) => void }) => Promise<void> {
  const md = readFileSync(join(root, 'docs/onnx.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(md)![1];
  const lines = code.trim().split('\n');
  expect(lines).toHaveLength(5);
  expect(lines[0]).toBe("import * as ort from 'onnxruntime-node';");
  const body = lines.slice(1).join('\n').replace("'model.onnx'", JSON.stringify(modelPath));
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (o: typeof ort, c: { log: (...a: unknown[]) => void }) => Promise<void>;
  return new AsyncFunction('ort', 'console', body);
}

async function model(seed: number): Promise<{ path: string; want: number[] }> {
  const net = new Network(2, [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'linear' }], costFor({ cost: 'sigmoid-cross-entropy' }));
  const rng = new Rng(seed);
  for (let i = 0; i < net.params.length; i++) net.params[i] = rng.normal();
  const file = toWeightsFile(net, { inputs: ['x1', 'x2'], outputs: ['label'] });
  const w = join(dir, `w${seed}.json`);
  writeFileSync(w, JSON.stringify(file));
  const path = join(dir, `m${seed}.onnx`);
  const io = { stdout: { write: () => true }, stderr: { write: () => true } };
  expect(await runCli(['export', w, '--format', 'onnx', '--out', path], io)).toBe(0);
  return { path, want: Array.from(predictFromWeights(file, Float64Array.from([0.5, -0.5, -1, 1]), 2)) };
}

describe('docs/onnx.md', () => {
  it('its five-line JavaScript example prints the model\'s predictions for its two rows', async () => {
    ort.env.wasm.numThreads = 1;
    const { path, want } = await model(1);
    const printed: unknown[][] = [];
    await docsExample(path)(ort, { log: (...a) => printed.push(a) });
    expect(printed).toHaveLength(1);
    const [dims, data] = printed[0] as [number[], Float32Array];
    expect(dims).toEqual([2, 1]);
    Array.from(data).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6));
    // Negative control: another model's predictions differ from these.
    const other = await model(2);
    expect(Array.from(data).some((v, i) => Math.abs(v - other.want[i]) > 1e-3)).toBe(true);
  });
});
