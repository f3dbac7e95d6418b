/**
 * What the network becomes when the window imports a CSV file (issue 16, items 7 and 15): from
 * any lab, a mixture density network's included, the import works and picks a cost that fits
 * the targets; the layers are initialised with Xavier (tanh, sigmoid, output) or He (ReLU) unless
 * the wizard says to keep the lab's initialisation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleSpec } from '../../../shared/gallery';
import { checkLab } from '../../../shared/lab';
import { type LabSpec, parseSpec } from '../../../shared/spec';
import { createAppStorage } from '../../../src-main/storage/app-storage';
import { costFor } from '../../../src-main/storage/import-network';
import { importCsvSync } from '../../../src-main/storage/csv-import';

const fixture = new URL('../../fixtures/csv/german-spreadsheet.csv', import.meta.url).pathname;
/** PRML figure 5.21's lab: a mixture density network with K = 3 (`components` in its output). */
const mdnLab = parseSpec(exampleSpec('fig5.21-mdn'));
const seedLab = parseSpec({
  format: 'mlp-lab-spec', version: 1, seed: 1, data: { builtin: 'xor-quadrants' },
  network: { hidden: [{ units: 4, activation: 'tanh' }, { units: 3, activation: 'relu', init: { std: 1, bias: 0.1 } }], output: { cost: 'sigmoid-cross-entropy' } },
});

async function importInto(current: LabSpec, inputs: string[], targets: string[], scaledInit?: boolean) {
  const { csv } = createAppStorage(mkdtempSync(join(tmpdir(), 'mlp-import-')));
  return csv.import(fixture, 'kunden.csv', { file: { path: fixture }, inputs, targets, options: { missing: 'mean' }, ...(scaledInit === undefined ? {} : { scaledInit }) }, current);
}

describe('importing a CSV file while the lab is a mixture density network', () => {
  it('is the lab the test means: a mixture density output with components', () => {
    expect(mdnLab.network.output).toMatchObject({ cost: 'mixture-density', components: 3 });
  });

  it('takes a two-class label target with a sigmoid output (no components left behind), and the network can train on it', async () => {
    const { spec, dataset } = await importInto(mdnLab, ['Alter', 'Einkommen'], ['Gekündigt']);
    expect(spec.network.output.cost).toBe('sigmoid-cross-entropy');
    expect(spec.network.output).not.toHaveProperty('components');
    expect(spec.network.hidden.map((h) => h.units)).toEqual(mdnLab.network.hidden.map((h) => h.units));
    expect(() => checkLab(spec, dataset)).not.toThrow();
  });

  it('takes a label target of four classes with softmax outputs', async () => {
    const { spec, dataset } = await importInto(mdnLab, ['Alter'], ['Region']);
    expect(spec.network.output.cost).toBe('softmax-cross-entropy');
    expect(dataset.targetNames).toEqual(['Region=Nord', 'Region=Ost', 'Region=Süd', 'Region=West']);
    expect(() => checkLab(spec, dataset)).not.toThrow();
  });

  it('keeps the mixture density network, with its K, for a numeric target (it models numbers)', async () => {
    const { spec, dataset } = await importInto(mdnLab, ['Alter'], ['Einkommen']);
    expect(spec.network.output).toMatchObject({ cost: 'mixture-density', components: 3 });
    expect(() => checkLab(spec, dataset)).not.toThrow();
  });

  it('picks the costs the other labs pick for the same targets (labels from sum-of-squares are the reference)', () => {
    const table = importCsvSync(fixture, {});
    for (const targets of [['Gekündigt'], ['Region']]) {
      expect(costFor(table, targets, 'mixture-density')).toBe(costFor(table, targets, 'sum-of-squares'));
    }
    // Negative control: a classifier's cost is not what a regression lab keeps for numbers.
    expect(costFor(table, ['Einkommen'], 'mixture-density')).not.toBe('sigmoid-cross-entropy');
  });
});

describe('the initialisation an import gives the network', () => {
  it('is Xavier for tanh layers and the output, He for ReLU layers, each layer keeping its bias constant', async () => {
    const { spec } = await importInto(seedLab, ['Alter', 'Einkommen'], ['Gekündigt']);
    expect(spec.network.hidden.map((h) => h.init)).toEqual([
      { scheme: 'xavier', std: 1, bias: 0 },
      { scheme: 'he', std: 1, bias: 0.1 },
    ]);
    expect(spec.network.output.init).toEqual({ scheme: 'xavier', std: 1, bias: 0 });
  });

  it('comes with normalised inputs, unless the wizard says otherwise', async () => {
    expect((await importInto(seedLab, ['Alter', 'Einkommen'], ['Gekündigt'])).spec.data).toMatchObject({ normalize: true });
  });

  it('is the lab\'s own when the wizard asks to keep it', async () => {
    const { spec } = await importInto(seedLab, ['Alter', 'Einkommen'], ['Gekündigt'], false);
    expect(spec.network.hidden.map((h) => h.init)).toEqual(seedLab.network.hidden.map((h) => h.init));
    expect(spec.network.output.init).toEqual(seedLab.network.output.init);
  });
});
