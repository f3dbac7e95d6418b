/**
 * The window's ONNX and PyTorch exports through the router (lab:exportModel), as the page calls
 * them: a trained run's ONNX model, run by ONNX Runtime, predicts what the run's exported weights
 * predict (float32 to 1e-5, float64 to 1e-12, relative to the output's scale); the PyTorch export is a zip holding one
 * folder with train.py, config.json (the current spec), the initial weights and the data. In a
 * browser the bytes come back to download; in the desktop app they go where the save dialog says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import * as ort from 'onnxruntime-web';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExportedModel, ProjectSummary, RunDetail, RunSummary } from '../../../shared/ipc';
import { predictFromWeights, type WeightsFile } from '../../../shared/weights-format';
import { type Dialogs, dialogFiles, workspaceFiles } from '../../../src-main/app/file-access';
import { createLabApp, type LabApp } from '../../../src-main/app/lab-app';
import { workerUrl } from '../../support/worker';
import { call } from '../../support/lab-app-call';
const dirs: string[] = [];
const apps: LabApp[] = [];

function start(dialogs: Dialogs | null = null): LabApp {
  const data = mkdtempSync(join(tmpdir(), 'mlp-model-export-'));
  dirs.push(data);
  const app = createLabApp({
    transport: dialogs ? 'electron' : 'browser', version: 'test', files: dialogs ? dialogFiles(dialogs) : workspaceFiles(data), appDataDir: data, workerUrl, threads: 1,
    store: null, csv: null, log: { warn: () => {}, error: () => {} },
  });
  apps.push(app);
  return app;
}

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The seed's XOR quadrants trained for 300 steps; returns the run's id. */
async function trainedRun(app: LabApp): Promise<string> {
  const p = await call<ProjectSummary>(app, 'lab:newProject', {});
  await call(app, 'lab:updateSpec', { spec: { ...p.spec, training: { ...p.spec.training, steps: 300 } } });
  const run = await call<RunSummary>(app, 'lab:startRun', {});
  for (;;) {
    const d = await call<RunDetail>(app, 'lab:getRun', { runId: run.id });
    if (['finished', 'stopped', 'diverged', 'failed'].includes(d.status)) {
      expect(d.status).toBe('finished');
      return run.id;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('lab:exportModel', () => {
  it('ONNX (browser download): ONNX Runtime predicts what the run\'s weights predict, in float32 and float64', async () => {
    const app = start();
    const runId = await trainedRun(app);
    const { weights } = await call<{ weights: WeightsFile }>(app, 'lab:exportWeights', { runId, download: true });
    const x = Float64Array.from({ length: 2 * 50 }, (_, i) => Math.sin(i * 1.7) * 1.5);
    const want = predictFromWeights(weights, x, 50);
    for (const [dtype, tol] of [['float32', 1e-5], ['float64', 1e-12]] as const) {
      const r = await call<ExportedModel>(app, 'lab:exportModel', { format: 'onnx', runId, dtype, download: true });
      expect(r.name).toBe(dtype === 'float32' ? 'Untitled.onnx' : 'Untitled-float64.onnx');
      // Plain bytes, not a Node Buffer (which would cross the browser's wire as JSON).
      expect(Object.getPrototypeOf(r.bytes)).toBe(Uint8Array.prototype);
      const session = await ort.InferenceSession.create(r.bytes!);
      const out = await session.run({ x: new ort.Tensor(dtype, dtype === 'float32' ? Float32Array.from(x) : x, [50, 2]) });
      const y = out['y'].data as Float32Array | Float64Array;
      // Relative to max(|value|, the largest |value|): one output column here (onnx-export.test.ts).
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      let worst = 0;
      want.forEach((v, i) => (worst = Math.max(worst, Math.abs(y[i] - v) / Math.max(Math.abs(v), scale))));
      expect(worst, dtype).toBeLessThanOrEqual(tol);
      await session.release();
    }
  });

  it('PyTorch (browser download): a zip of one folder with train.py, the current spec, initial weights and data', async () => {
    const app = start();
    const p = await call<ProjectSummary>(app, 'lab:newProject', {});
    const r = await call<ExportedModel>(app, 'lab:exportModel', { format: 'pytorch', download: true });
    expect(r.name).toBe('Untitled-pytorch.zip');
    const files = unzipSync(r.bytes!);
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'config.json', 'initial-weights.json', 'train-t.npy', 'train-x.npy', 'train.py'].map((f) => `Untitled-pytorch/${f}`));
    const config = JSON.parse(new TextDecoder().decode(files['Untitled-pytorch/config.json']));
    expect(config.spec).toEqual(p.spec);
    expect(new TextDecoder().decode(files['Untitled-pytorch/train.py'])).toMatch(/^"""Train an MLP Lab network with PyTorch/);
  });

  it('desktop: writes where the save dialog says; without a way to ask, says what to do instead', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mlp-model-export-out-'));
    dirs.push(out);
    const asked: string[] = [];
    const dialogs: Dialogs = {
      openProject: async () => null, saveProject: async () => null, openCsv: async () => null, openWeights: async () => null, saveWeights: async () => null,
      saveExport: async (name, kind) => {
        asked.push(`${name} ${kind}`);
        return join(out, name);
      },
    };
    const app = start(dialogs);
    await call(app, 'lab:newProject', {});
    const r = await call<ExportedModel>(app, 'lab:exportModel', { format: 'pytorch' });
    expect(asked).toEqual(['Untitled-pytorch.zip zip']);
    expect(r.path).toBe(join(out, 'Untitled-pytorch.zip'));
    expect(Object.keys(unzipSync(readFileSync(r.path!)))).toContain('Untitled-pytorch/train.py');
    await expect(call(start(), 'lab:exportModel', { format: 'pytorch' })).rejects.toThrow(/choose a file with the page's file picker/);
    await expect(call(app, 'lab:exportModel', { format: 'onnx', runId: 'run-nope', download: true })).rejects.toThrow(/run-nope|no run/);
    await expect(call(app, 'lab:exportModel', { format: 'onnx', download: true })).rejects.toThrow(/malformed request/);
  });
});
