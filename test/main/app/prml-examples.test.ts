/**
 * The PRML gallery through the router, as the window calls it: the examples are listed with
 * their notes, one opens as a new unsaved project on its built-in data, and the MDN example
 * trains on a worker and exports version-2 weights.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleSpec, type GalleryEntry } from '../../../shared/gallery';
import type { DatasetPayload, ProjectSummary, RunDetail, RunSummary } from '../../../shared/ipc';
import { parseSpec } from '../../../shared/spec';
import type { WeightsFile } from '../../../shared/weights-format';
import { workspaceFiles } from '../../../src-main/app/file-access';
import { createAppStorage } from '../../../src-main/storage/app-storage';
import { createLabApp, type LabApp } from '../../../src-main/app/lab-app';
import { workerUrl } from '../../support/worker';
import { call } from '../../support/lab-app-call';

const dirs: string[] = [];
const apps: LabApp[] = [];

function start(): LabApp {
  const data = mkdtempSync(join(tmpdir(), 'mlp-gallery-data-'));
  dirs.push(data);
  const app = createLabApp({
    transport: 'browser', version: 'test', files: workspaceFiles(data), appDataDir: data, workerUrl, threads: 1,
    log: { warn: () => {}, error: () => {} }, ...createAppStorage(data),
  });
  apps.push(app);
  return app;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('lab:listExamples and lab:openExample', () => {
  it('lists the PRML figures with a note each', async () => {
    const list = await call<GalleryEntry[]>(start(), 'lab:listExamples');
    expect(list.map((g) => g.figure)).toEqual(expect.arrayContaining(['5.3 (a)', '5.4', '5.9 (M = 1)', '5.9 (M = 10) / 5.12', '5.19 (inverse)', '5.21']));
    for (const g of list) expect(g.note).toMatch(/PRML figure/);
  });

  it('opens an example as a new, unsaved project with its spec and built-in data, and refuses unknown ids', async () => {
    const app = start();
    const p = await call<ProjectSummary>(app, 'lab:openExample', { id: 'fig5.21-mdn' });
    expect(p).toMatchObject({ name: 'Untitled', path: null, dirty: false, runs: [] });
    expect(p.spec).toEqual(parseSpec(exampleSpec('fig5.21-mdn')));
    expect(p.spec.network.output).toMatchObject({ cost: 'mixture-density', components: 3 });
    const d = await call<DatasetPayload>(app, 'lab:getDataset');
    expect(d.inputNames).toEqual(['x']);
    expect([d.train.n, d.validation.n]).toEqual([240, 60]);
    await expect(call(app, 'lab:openExample', { id: 'fig9.9' })).rejects.toThrow(/there is no example "fig9.9" in the gallery/);
    await expect(call(app, 'lab:openExample', {})).rejects.toThrow(/malformed request/);
  });

  it('trains the MDN example on a worker and exports its weights as version 2 with K = 3', async () => {
    const app = start();
    await call(app, 'lab:openExample', { id: 'fig5.21-mdn' });
    const run = await call<RunSummary>(app, 'lab:startRun', {});
    let detail: RunDetail;
    for (;;) {
      detail = await call<RunDetail>(app, 'lab:getRun', { runId: run.id });
      if (['finished', 'stopped', 'diverged', 'failed'].includes(detail.status)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(detail.status).toBe('finished');
    // 1 -> 5 tanh -> 3 x (1 + 2) outputs: 10 + 54 parameters.
    expect(detail.weights).toHaveLength(1 * 5 + 5 + 5 * 9 + 9);
    const { weights } = await call<{ weights: WeightsFile }>(app, 'lab:exportWeights', { runId: run.id, download: true });
    expect(weights).toMatchObject({ version: 2, cost: 'mixture-density', components: 3, outputs: ['t'] });
  });
});
