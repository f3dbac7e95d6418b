/**
 * The app's seams onto storage: the CSV service (preview, import) and the project store (read,
 * write), as the project service calls them, on real files.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../../shared/spec';
import { createAppStorage } from '../../../src-main/storage/app-storage';
import { readProjectFile } from '../../../src-main/storage/project-file';
import { fakeRun, germanSpec } from '../../support/projects';

const fixture = new URL('../../fixtures/csv/german-spreadsheet.csv', import.meta.url).pathname;
const current = parseSpec({
  format: 'mlp-lab-spec', version: 1, seed: 1, data: { builtin: 'xor-quadrants' },
  network: { hidden: [{ units: 4 }], output: { cost: 'sum-of-squares' } },
});

describe('app storage', () => {
  it('previews a CSV as the import wizard shows it', async () => {
    const { csv } = createAppStorage(mkdtempSync(join(tmpdir(), 'mlp-app-')));
    const p = await csv.preview(fixture, {});
    expect(p).toMatchObject({ delimiter: ';', decimal: ',', hasHeader: true, totalRowsEstimate: 12 });
    expect(p.columns.map((c) => c.kind)).toEqual(['id', 'numeric', 'numeric', 'categorical', 'numeric', 'categorical']);
    expect(p.columns[0].suggestion).toMatch(/^leave it out: a different value on every row/);
    expect(p.columns[3]).toMatchObject({ categories: ['Nord', 'Ost', 'Süd', 'West'], missing: 1 });
    expect(p.rows[0]).toEqual(['K001', '34', '2.450,50', 'Nord', '1', 'nein']);
  });

  it('imports into a spec (switching a regression cost to a classifier\'s for a label target) and saves the table, not just the encoding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-app-'));
    const { csv, store } = createAppStorage(dir);
    const request = { file: { path: fixture }, inputs: ['Alter', 'Region'], targets: ['Gekündigt'], options: { missing: 'mean' as const } };
    const { dataset, info, spec } = await csv.import(fixture, 'kunden.csv', request, current);
    expect(spec.network.output.cost).toBe('sigmoid-cross-entropy');
    expect(spec.data).toMatchObject({ csv: 'kunden.csv', delimiter: ';', decimal: ',', missing: 'mean' });
    const { summary, ...named } = info;
    expect(named).toEqual({ source: 'csv', name: 'kunden.csv', n: 12, inputNames: ['Alter', 'Region=Nord', 'Region=Ost', 'Region=Süd', 'Region=West'], targetNames: ['Gekündigt=ja'] });
    expect(summary).toMatchObject({ rows: 12, used: 12, classBalance: [{ label: 'nein', count: 7 }, { label: 'ja', count: 5 }] });
    const weightsMeta = { inputs: info.inputNames, outputs: ['Gekündigt=ja'], normalization: null, classLabels: ['ja'] };
    const run = { ...fakeRun('r1', spec, 2, 5 * 4 + 4 + 4 + 1), weightsMeta };
    const path = join(dir, 'app.mlplab');
    await store.write(path, { spec, dataset, datasetInfo: info, runs: [run], uiState: { selectedRun: 'r1' } });
    const onDisk = readProjectFile(path).project;
    expect(onDisk.dataset?.columns.map((c) => c.name)).toEqual(['Kunde', 'Alter', 'Einkommen', 'Region', 'Kinder', 'Gekündigt']);
    expect(onDisk.runs[0].weightsMeta).toMatchObject({ inputs: info.inputNames, outputs: ['Gekündigt=ja'], classLabels: ['ja'] });
    const back = (await store.read(path)).data;
    expect(back.datasetInfo).toEqual(info);
    expect(Array.from(back.dataset!.inputs)).toEqual(Array.from(dataset.inputs));
    expect(back.runs.map((r) => r.id)).toEqual(['r1']);
    expect(back.runs[0].weightsMeta).toEqual(weightsMeta);
    expect(back.uiState).toEqual({ selectedRun: 'r1' });
  });

  it('stores a dataset that did not come from an import as its encoded columns, and reads it back the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-app-'));
    const { store } = createAppStorage(dir);
    const spec = germanSpec('made.csv');
    const dataset = { inputs: Float64Array.of(1, 2, 3, 4), targets: Float64Array.of(0, 1), n: 2, inputNames: ['a', 'b'], targetNames: ['t'], classLabels: ['yes'] };
    const path = join(dir, 'made.mlplab');
    await store.write(path, { spec, dataset, datasetInfo: { source: 'csv', name: 'made.csv', n: 2, inputNames: ['a', 'b'], targetNames: ['t'] }, runs: [], uiState: {} });
    const back = (await store.read(path)).data;
    expect(back.dataset).toEqual(dataset);
  });
});
