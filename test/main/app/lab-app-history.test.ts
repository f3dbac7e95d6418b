/**
 * The calls behind the window's gallery, import wizard and run history, through the router on
 * real storage and trainer threads: new projects from the gallery with their parameters, parallel
 * runs from overrides, restoring a run (spec and weights), CSV import progress, cancellation and
 * errors that say where, the dataset summary, and discarding autosaved copies.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../../shared/data/builtin';
import type { LabEvent, ProjectSummary, RunDetail, RunSummary } from '../../../shared/ipc';
import { workspaceFiles } from '../../../src-main/app/file-access';
import { createAppStorage } from '../../../src-main/storage/app-storage';
import { createLabApp, type LabApp } from '../../../src-main/app/lab-app';
import { readProjectFile } from '../../../src-main/storage/project-file';
import { appendRuns, saveProjectFile } from '../../../src-main/storage/project-save';
import { fakeRun } from '../../support/projects';
import { workerUrl } from '../../support/worker';
import { call } from '../../support/lab-app-call';

const dirs: string[] = [];
const apps: LabApp[] = [];

function start(threads = 2): { app: LabApp; ws: string; data: string; events: LabEvent[] } {
  const data = mkdtempSync(join(tmpdir(), 'mlp-hist-data-'));
  const ws = mkdtempSync(join(tmpdir(), 'mlp-hist-ws-'));
  dirs.push(data, ws);
  const app = createLabApp({
    transport: 'browser', version: 'test', files: workspaceFiles(ws), appDataDir: data, workerUrl, threads,
    log: { warn: () => {}, error: () => {} }, ...createAppStorage(data),
  });
  apps.push(app);
  const events: LabEvent[] = [];
  app.router.subscribe((e) => events.push(e));
  return { app, ws, data, events };
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function finished(a: LabApp, ids: string[]): Promise<RunDetail[]> {
  for (;;) {
    const p = await call<ProjectSummary>(a, 'lab:getProject');
    if (ids.every((id) => ['finished', 'stopped', 'diverged', 'failed'].includes(p.runs.find((r) => r.id === id)?.status ?? ''))) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Promise.all(ids.map((runId) => call<RunDetail>(a, 'lab:getRun', { runId })));
}

describe('a project\'s session', () => {
  it('changes when another project is opened or created, never while one is edited or saved', async () => {
    const { app } = start(1);
    const first = await call<ProjectSummary>(app, 'lab:getProject');
    const edited = await call<ProjectSummary>(app, 'lab:updateSpec', { spec: { ...first.spec, seed: 7 } });
    expect(edited.session).toBe(first.session);
    expect(edited.revision).toBeGreaterThan(first.revision);
    const saved = await call<{ project: ProjectSummary }>(app, 'lab:saveProjectAs', { path: 'kept.mlplab' });
    expect(saved.project.session).toBe(first.session);
    expect((await call<ProjectSummary>(app, 'lab:saveProject')).session).toBe(first.session);
    const fresh = await call<ProjectSummary>(app, 'lab:newProject', { builtin: 'blobs' });
    expect(fresh.session).not.toBe(first.session);
    const example = await call<ProjectSummary>(app, 'lab:openExample', { id: 'fig5.3b-sin-pi-x' });
    expect(new Set([first.session, fresh.session, example.session]).size).toBe(3);
  });
});

describe('new projects from the gallery', () => {
  it('takes the dataset\'s parameters and starts with its starter network and cost', async () => {
    const { app } = start(1);
    const p = await call<ProjectSummary>(app, 'lab:newProject', { builtin: 'blobs', n: 120, noise: 0.2, classes: 4, seed: 9 });
    expect(p.spec.seed).toBe(9);
    expect(p.spec.data).toMatchObject({ builtin: 'blobs', n: 120, noise: 0.2, classes: 4 });
    expect(p.spec.network.output.cost).toBe('softmax-cross-entropy');
    expect(p.spec.training.optimizer).toBe('adam');
    const d = await call<{ train: { n: number }; targetNames: string[] }>(app, 'lab:getDataset');
    expect(d.train.n).toBe(120);
    expect(d.targetNames).toEqual(['class=0', 'class=1', 'class=2', 'class=3']);
    expect(p.dirty).toBe(false);
  });

  it('the seed post\'s datasets keep the seed\'s settings', async () => {
    const { app } = start(1);
    const p = await call<ProjectSummary>(app, 'lab:newProject', { builtin: 'sine-regression' });
    expect(p.spec.training).toMatchObject({ optimizer: 'gd', learningRate: 0.001, steps: 100000 });
    expect(p.spec.network.hidden[0]).toMatchObject({ units: 6, init: { bias: -0.5 } });
  });
});

describe('a new run that replaces the running one', () => {
  it('starts it at once; the replaced run ends stopped with its figures measured on its final weights', async () => {
    const { app } = start(2);
    const spec = (await call<ProjectSummary>(app, 'lab:getProject')).spec;
    await call(app, 'lab:updateSpec', { spec: { ...spec, data: { ...spec.data, n: 2000 }, training: { ...spec.training, optimizer: 'adam', batchSize: 32, steps: 1e9 } } });
    const old = await call<RunSummary>(app, 'lab:startRun', {});
    for (;;) {
      const p = await call<ProjectSummary>(app, 'lab:getProject');
      if ((p.runs.find((r) => r.id === old.id)?.metrics?.step ?? 0) > 20) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const next = await call<RunSummary>(app, 'lab:startRun', { replaces: old.id });
    expect(next.id).not.toBe(old.id);
    const [ended] = await finished(app, [old.id]);
    expect(ended.status).toBe('stopped');
    // Measured when it stopped, at the step it stopped at: not an older checkpoint's figures.
    expect(ended.metrics!.train!.step).toBe(ended.metrics!.step);
    await call(app, 'lab:stopRun', { runId: next.id });
  });
});

describe('parallel runs', () => {
  it('starts one run per override, each with its own learning rate, side by side on the pool', async () => {
    const { app } = start(2);
    const spec = (await call<ProjectSummary>(app, 'lab:getProject')).spec;
    await call(app, 'lab:updateSpec', { spec: { ...spec, data: { ...spec.data, n: 200 }, training: { ...spec.training, optimizer: 'adam', steps: 150 } } });
    const runs = await call<RunSummary[]>(app, 'lab:startRuns', { overrides: [0.001, 0.01, 0.1].map((lr) => ({ 'training.learningRate': lr })) });
    expect(runs.map((r) => r.spec.training.learningRate)).toEqual([0.001, 0.01, 0.1]);
    expect(runs.every((r) => r.spec.training.threads === 1)).toBe(true);
    const done = await finished(app, runs.map((r) => r.id));
    expect(done.map((d) => d.status)).toEqual(['finished', 'finished', 'finished']);
    // The largest learning rate gets furthest in 150 Adam steps.
    const final = done.map((d) => d.metrics!.train!.EPerSample);
    expect(final[2]).toBeLessThan(final[0]);
    expect((await call<ProjectSummary>(app, 'lab:getProject')).runs).toHaveLength(3);
  });

  it('N seeds generate each run\'s own data and weights', async () => {
    const { app } = start(2);
    const spec = (await call<ProjectSummary>(app, 'lab:getProject')).spec;
    await call(app, 'lab:updateSpec', { spec: { ...spec, data: { ...spec.data, n: 100 }, training: { ...spec.training, steps: 5 } } });
    const runs = await call<RunSummary[]>(app, 'lab:startRuns', { overrides: [{ seed: 1 }, { seed: 2 }] });
    const [a, b] = await finished(app, runs.map((r) => r.id));
    expect(a.spec.seed).toBe(1);
    expect(b.spec.seed).toBe(2);
    expect(Array.from(a.initialWeights)).not.toEqual(Array.from(b.initialWeights));
    // Each run keeps its own data and split: the window scores seed 2's run on seed 2's data.
    const current = await call<{ train: { inputs: Float64Array } }>(app, 'lab:getDataset');
    const ofB = await call<{ train: { inputs: Float64Array } }>(app, 'lab:getDataset', { runId: b.id });
    const ofA = await call<{ train: { inputs: Float64Array } }>(app, 'lab:getDataset', { runId: a.id });
    expect(Array.from(ofA.train.inputs)).toEqual(Array.from(current.train.inputs));
    expect(Array.from(ofB.train.inputs)).not.toEqual(Array.from(current.train.inputs));
    expect(Array.from(ofB.train.inputs)).toEqual(Array.from(generateBuiltin('xor-quadrants', 100, 2).inputs));
  });

  it('refuses the whole set, naming the run, when one override is not a valid spec; none starts', async () => {
    const { app } = start(1);
    const r = await app.router.call('lab:startRuns', { overrides: [{ 'training.learningRate': 0.1 }, { 'training.learningRate': -1 }] });
    expect(r).toMatchObject({ ok: false, error: { name: 'SpecError', message: expect.stringMatching(/^run 2 \(training\.learningRate = -1\): training\.learningRate must be greater than 0/) } });
    const unknown = await app.router.call('lab:startRuns', { overrides: [{ 'training.speed': 3 }] });
    expect(unknown).toMatchObject({ ok: false, error: { message: expect.stringMatching(/training\.speed is not a field of the spec/) } });
    expect((await call<ProjectSummary>(app, 'lab:getProject')).runs).toHaveLength(0);
  });
});

describe('restoring a run', () => {
  it('makes the run\'s spec current and its weights the next run\'s initial weights, until cleared', async () => {
    const { app } = start(1);
    const spec = (await call<ProjectSummary>(app, 'lab:getProject')).spec;
    const trained = { ...spec, data: { ...spec.data, n: 150 }, network: { ...spec.network, hidden: [{ ...spec.network.hidden[0], units: 5 }] }, training: { ...spec.training, optimizer: 'adam', learningRate: 0.02, steps: 60 } };
    await call(app, 'lab:updateSpec', { spec: trained });
    const run = await call<RunSummary>(app, 'lab:startRun', {});
    const [detail] = await finished(app, [run.id]);
    await call(app, 'lab:updateSpec', { spec });
    const restored = await call<ProjectSummary>(app, 'lab:restoreRun', { runId: run.id, weights: true });
    expect(restored.spec).toEqual(detail.spec);
    expect(restored.pendingInitialWeights).toEqual({ layers: 2, source: 'run 1' });
    const next = await call<RunSummary>(app, 'lab:startRun', { paused: true });
    const nextDetail = await call<RunDetail>(app, 'lab:getRun', { runId: next.id });
    expect(Array.from(nextDetail.initialWeights)).toEqual(Array.from(detail.weights));
    await call(app, 'lab:stopRun', { runId: next.id });

    await call(app, 'lab:restoreRun', { runId: run.id, weights: true });
    const cleared = await call<ProjectSummary>(app, 'lab:clearInitialWeights');
    expect(cleared.pendingInitialWeights).toBeNull();
  });
});

const CSV = [
  'Kunde;Alter;Einkommen;Region;Gekündigt',
  'K001;34;2.450,50;Nord;nein',
  'K002;51;3.120,00;Süd;ja',
  'K003;;1.980,75;Nord;nein',
  'K004;28;2.210,10;West;nein',
  'K005;45;NA;Süd;ja',
  'K006;39;2.875,25;Ost;nein',
  'K007;62;4.010,90;West;ja',
  'K008;23;1.650,00;Nord;nein',
].join('\n');

describe('CSV import from the window', () => {
  it('imports with categorical columns, reports progress, and summarises every column and the class balance', async () => {
    const { app, events } = start(1);
    const bytes = new TextEncoder().encode(CSV);
    const p = await call<ProjectSummary>(app, 'lab:importCsv', {
      file: { bytes, name: 'kunden.csv' }, options: { missing: 'mean' }, inputs: ['Alter', 'Einkommen', 'Region'], targets: ['Gekündigt'],
    });
    expect(p.spec.data).toMatchObject({ csv: 'kunden.csv', delimiter: ';', decimal: ',', missing: 'mean', categorical: [] });
    expect(p.spec.network.output.cost).toBe('sigmoid-cross-entropy');
    const s = p.dataset!.summary!;
    expect(s).toMatchObject({ rows: 8, used: 8, missing: 'mean' });
    expect(s.columns.find((c) => c.name === 'Alter')).toMatchObject({ role: 'input', kind: 'numeric', missing: 1, min: 23, max: 62 });
    expect(s.columns.find((c) => c.name === 'Einkommen')).toMatchObject({ missing: 1, min: 1650, max: 4010.9 });
    expect(s.columns.find((c) => c.name === 'Kunde')).toMatchObject({ role: 'unused' });
    expect(s.columns.find((c) => c.name === 'Region')?.categories).toEqual([
      { label: 'Nord', count: 3 }, { label: 'Süd', count: 2 }, { label: 'West', count: 2 }, { label: 'Ost', count: 1 },
    ]);
    expect(s.classBalance).toEqual([{ label: 'nein', count: 5 }, { label: 'ja', count: 3 }]);
    const progress = events.filter((e) => e.type === 'import-progress');
    expect(progress.at(-1)).toMatchObject({ file: 'kunden.csv', bytesRead: bytes.length, totalBytes: bytes.length, rows: 8 });
  });

  it('reads a numeric column as categories when asked', async () => {
    const { app } = start(1);
    const csv = 'x;zip;y\n1;10115;0\n2;20095;1\n3;10115;0\n4;80331;1\n';
    const p = await call<ProjectSummary>(app, 'lab:importCsv', {
      file: { bytes: new TextEncoder().encode(csv), name: 'zip.csv' }, options: { categorical: ['zip'] }, inputs: ['x', 'zip'], targets: ['y'],
    });
    expect(p.dataset!.inputNames).toEqual(['x', 'zip=10115', 'zip=20095', 'zip=80331']);
    expect(p.spec.data).toMatchObject({ categorical: ['zip'] });
  });

  it('weights made for other input columns are refused naming the column; the same columns are accepted', async () => {
    const { app } = start(1);
    await call<ProjectSummary>(app, 'lab:importCsv', {
      file: { bytes: new TextEncoder().encode(CSV), name: 'kunden.csv' }, options: { missing: 'mean' }, inputs: ['Alter', 'Einkommen', 'Region'], targets: ['Gekündigt'],
    });
    const run = await call<RunSummary>(app, 'lab:startRun', { paused: true });
    await call(app, 'lab:stopRun', { runId: run.id });
    const { weights } = await call<{ weights: { inputs: string[] } }>(app, 'lab:exportWeights', { runId: run.id, download: true });
    // The same shapes (2 numeric inputs, 4 categories), trained on other columns.
    const other = { ...weights, inputs: ['Age', ...weights.inputs.slice(1)] };
    const refused = await app.router.call('lab:importWeights', { bytes: new TextEncoder().encode(JSON.stringify(other)), name: 'other.json' });
    expect(refused).toMatchObject({ ok: false, error: { name: 'WeightsError' } });
    expect(!refused.ok && refused.error.message).toBe('the weights file\'s input 1 is "Age", this lab\'s is "Alter": the weights were trained on other columns (or another column order)');
    expect((await call<ProjectSummary>(app, 'lab:getProject')).pendingInitialWeights).toBeNull();
    const fits = await call<ProjectSummary>(app, 'lab:importWeights', { bytes: new TextEncoder().encode(JSON.stringify(weights)), name: 'same.json' });
    expect(fits.pendingInitialWeights).toEqual({ layers: 2, source: 'same.json' });
    const unnormalised = { ...weights, normalization: null };
    const warned = await call<ProjectSummary>(app, 'lab:importWeights', { bytes: new TextEncoder().encode(JSON.stringify(unnormalised)), name: 'raw.json' });
    expect(warned.pendingInitialWeights?.warnings).toEqual(['the weights were trained without input normalisation, this lab normalises its inputs']);
  });

  it('an error says the line and the column it is about', async () => {
    const { app } = start(1);
    const bad = `${CSV}\nK009;40;abc;Nord;ja\n`;
    const r = await app.router.call('lab:importCsv', { file: { bytes: new TextEncoder().encode(bad), name: 'bad.csv' }, inputs: ['Alter', 'Einkommen'], targets: ['Gekündigt'] });
    expect(r).toMatchObject({ ok: false, error: { name: 'CsvError', line: 10, column: 'Einkommen' } });
    const ragged = await app.router.call('lab:previewCsv', { file: { bytes: new TextEncoder().encode('a,b,c\n1,2,3\n1,2\n'), name: 'ragged.csv' } });
    expect(ragged).toMatchObject({ ok: false, error: { name: 'CsvError', line: 3 } });
  });

  it('cancels a large import under way: the import fails with ImportCancelled and the project keeps its data', async () => {
    const { app, ws, events } = start(1);
    const rows = ['a,b,c,d,e,y'];
    for (let i = 0; i < 400_000; i++) rows.push(`${i},${i * 0.5},${i % 7},${i % 11},${(i * 7) % 13},${i % 2}`);
    writeFileSync(join(ws, 'big.csv'), `${rows.join('\n')}\n`);
    const pending = app.router.call('lab:importCsv', { file: { path: 'big.csv' }, inputs: ['a', 'b'], targets: ['y'] });
    for (let i = 0; i < 500 && !events.some((e) => e.type === 'import-progress'); i++) await new Promise((r) => setTimeout(r, 5));
    await call(app, 'lab:cancelImport');
    expect(await pending).toMatchObject({ ok: false, error: { name: 'ImportCancelled' } });
    expect((await call<ProjectSummary>(app, 'lab:getProject')).dataset?.source).toBe('builtin');
  });
});

describe('autosaved copies', () => {
  it('discards a copy the user declines, and removes a restored untitled copy once the project is saved', async () => {
    const { app, ws, data } = start(1);
    await call(app, 'lab:saveProjectAs', { path: 'seed.mlplab' });
    // Two copies of projects never saved, as crashed sessions leave them (docs/project-file.md).
    const recovery = join(data, 'recovery');
    mkdirSync(recovery, { recursive: true });
    for (const key of ['aaaa', 'bbbb']) {
      copyFileSync(join(ws, 'seed.mlplab'), join(recovery, `${key}.mlplab`));
      writeFileSync(join(recovery, `${key}.json`), JSON.stringify({ format: 'mlp-lab-recovery', path: join(recovery, `${key}.mlplab`), source: null, savedAt: new Date().toISOString() }));
    }
    const copies = await call<{ path: string }[]>(app, 'lab:listRecovery');
    expect(copies).toHaveLength(2);
    await call(app, 'lab:discardRecovery', { path: copies[0].path });
    expect(existsSync(copies[0].path)).toBe(false);
    const restored = await call<ProjectSummary>(app, 'lab:openRecovery', { path: copies[1].path });
    expect(restored).toMatchObject({ name: 'Untitled', path: null, dirty: true });
    await call(app, 'lab:saveProjectAs', { path: 'recovered.mlplab' });
    expect(await call(app, 'lab:listRecovery')).toEqual([]);
    expect(readdirSync(recovery)).toEqual([]);
  });
});

describe('saving a project another program writes to', () => {
  it('keeps the runs the CLI appended (they join the window\'s list) and asks before replacing a setup changed elsewhere', async () => {
    const { app, ws } = start(1);
    await call(app, 'lab:saveProjectAs', { path: 'shared.mlplab' });
    const path = join(ws, 'shared.mlplab');
    const opened = readProjectFile(path);
    appendRuns(path, [{ ...fakeRun('from-cli', opened.project.spec, 1, 17), weightsMeta: null }]);
    const spec = (await call<ProjectSummary>(app, 'lab:getProject')).spec;
    await call(app, 'lab:updateSpec', { spec: { ...spec, training: { ...spec.training, steps: 123 } } });
    const saved = await call<ProjectSummary>(app, 'lab:saveProject');
    expect(saved.runs.map((r) => r.id)).toContain('from-cli');
    expect(saved.dirty).toBe(false);

    // Someone else changes the file's setup: the next save asks, and 'theirs' takes it.
    const now = readProjectFile(path);
    saveProjectFile(path, { ...now.project, spec: { ...now.project.spec, seed: 31 } }, now.base);
    await call(app, 'lab:updateSpec', { spec: { ...saved.spec, training: { ...saved.spec.training, steps: 456 } } });
    const refused = await app.router.call('lab:saveProject', {});
    expect(refused).toMatchObject({ ok: false, error: { name: 'SpecConflict' } });
    const theirs = await call<ProjectSummary>(app, 'lab:saveProject', { specConflict: 'theirs' });
    expect(theirs.spec.seed).toBe(31);
    expect(readProjectFile(path).project.spec.seed).toBe(31);
  });
});
