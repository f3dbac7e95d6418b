/**
 * Weights out of and into a project: an exported run predicts on raw inputs exactly as the run's
 * network did on normalised ones (normalisation and class labels travel with it), and importing
 * weights as initial weights refuses other shapes, naming the layer, and other columns.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLab } from '../../../shared/lab';
import { parseSpec } from '../../../shared/spec';
import { checkColumns, parseWeightsFile, predictFromWeights, weightsFor } from '../../../shared/weights-format';
import { datasetFromTable } from '../../../src-main/storage/load-data';
import { importCsvSync } from '../../../src-main/storage/csv-import';
import { readPredictionInputs } from '../../../src-main/storage/prediction-inputs';
import { projectRun } from '../../../src-main/storage/project-runs';
import { exportRunWeights, readWeightsFile } from '../../../src-main/storage/weights-io';
import { fakeRun, germanSpec } from '../../support/projects';

const fixture = new URL('../../fixtures/csv/german-spreadsheet.csv', import.meta.url).pathname;
const spec = germanSpec();
const table = importCsvSync(fixture);
const { data } = datasetFromTable(spec, table);

/** A run as the trainer would leave it: its lab's initial weights, nudged. */
function trainedRun() {
  const lab = createLab(spec, data);
  const final = lab.initial.map((w, i) => w + 0.01 * Math.cos(i));
  const run = projectRun({ ...fakeRun('r1', spec), initialWeights: lab.initial, finalWeights: final }, { train: lab.data, normalization: lab.normalization });
  return { lab, run, final };
}

describe('weights export and import', () => {
  it('exports a run with its normalisation and class labels; predictions on raw CSV inputs match the network on normalised ones', () => {
    const { lab, run, final } = trainedRun();
    const file = parseWeightsFile(JSON.parse(JSON.stringify(exportRunWeights(run))));
    expect(file.inputs).toEqual(['Alter', 'Einkommen', 'Region=Nord', 'Region=Ost', 'Region=Süd', 'Region=West']);
    expect(file.outputs).toEqual(['Gekündigt=ja']);
    expect(file.classLabels).toEqual(['ja']);
    expect(file.normalization).toEqual(lab.normalization);
    // Raw rows from the CSV (decimal commas, a categorical column), through the same importer.
    const dir = mkdtempSync(join(tmpdir(), 'mlp-weights-io-'));
    const csv = join(dir, 'new-customers.csv');
    writeFileSync(csv, 'Region;Einkommen;Alter\r\nSüd;2.000,50;40\r\nNord;3.100,00;25\r\n');
    const inputs = readPredictionInputs(csv, file);
    expect(inputs.columns).toEqual(['Alter', 'Einkommen', 'Region']);
    expect(inputs.cells[0]).toEqual(['40', '2000.5', 'Süd']);
    const ours = predictFromWeights(file, inputs.x, inputs.n);
    lab.net.params.set(final);
    const m = lab.normalization!;
    const raw = [[40, 2000.5, 0, 0, 1, 0], [25, 3100, 1, 0, 0, 0]];
    const normed = Float64Array.from(raw.flatMap((r) => r.map((v, j) => (v - m.mean[j]) / m.std[j])));
    const expected = lab.net.predict(normed, 2);
    expect(Array.from(ours).map((v, i) => v - expected[i]).every((d) => Math.abs(d) < 1e-12)).toBe(true);
  });

  it('refuses to export a run without final weights, saying why', () => {
    const { run } = trainedRun();
    expect(() => exportRunWeights({ ...run, status: 'failed', finalWeights: null })).toThrow('run r1 has no final weights (it failed); export a finished run');
  });

  it('weights fit a lab when shapes and columns match; another shape is refused naming the layer, other columns naming the column', () => {
    const { lab, run, final } = trainedRun();
    const file = exportRunWeights(run);
    const meta = { inputs: lab.data.inputNames, outputs: lab.data.targetNames, normalization: lab.normalization };
    expect(Array.from(weightsFor(lab.net, file))).toEqual(Array.from(final));
    expect(checkColumns(file, meta)).toEqual([]);

    const wider = parseSpec({ ...JSON.parse(JSON.stringify(spec)), network: { hidden: [{ units: 4 }], output: { cost: 'sigmoid-cross-entropy' } } });
    expect(() => weightsFor(createLab(wider, data).net, file)).toThrow('layer 1 is 6 -> 3 in the weights file but 6 -> 4 in the network');
    const renamed = { ...file, inputs: ['Age', ...file.inputs.slice(1)] };
    expect(() => checkColumns(renamed, meta)).toThrow(/the weights file's input 1 is "Age", this lab's is "Alter": the weights were trained on other columns/);
    const reordered = { ...file, inputs: [file.inputs[1], file.inputs[0], ...file.inputs.slice(2)] };
    expect(() => checkColumns(reordered, meta)).toThrow(/input 1 is "Einkommen", this lab's is "Alter".*another column order/);
    const unnormalised = { ...file, normalization: null };
    expect(checkColumns(unnormalised, meta)[0]).toMatch(/trained without input normalisation, this lab normalises/);
  });

  it('reads a weights file from disk, naming the file in every error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-weights-read-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "mlp-lab-weights", "version": 3}');
    expect(() => readWeightsFile(bad)).toThrow(`${bad}: "version" 3 is not supported: this MLP Lab reads versions 1 and 2 (the file is from a newer MLP Lab)`);
    writeFileSync(bad, 'not json');
    expect(() => readWeightsFile(bad)).toThrow(`${bad} is not valid JSON`);
    expect(() => readWeightsFile(join(dir, 'none.json'))).toThrow(/^cannot find the weights file/);
  });
});
