/**
 * From imported table to engine dataset: one-hot inputs, class-label targets, missing values
 * (drop, mean, error) with their counts, and the task a choice of targets proposes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLab } from '../../../shared/lab';
import { parseSpec } from '../../../shared/spec';
import { parseNumber } from '../../../src-main/storage/csv-cells';
import { importCsvSync } from '../../../src-main/storage/csv-import';
import { encodeTable, proposeTask } from '../../../src-main/storage/dataset-encode';

const german = importCsvSync(new URL('../../fixtures/csv/german-spreadsheet.csv', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'mlp-encode-'));
function table(name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return importCsvSync(path);
}

describe('encoding a table as a dataset', () => {
  it('one-hot encodes a categorical input, drops rows with missing values and counts them per column', () => {
    const { data, report } = encodeTable(german, { inputs: ['Alter', 'Einkommen', 'Region'], targets: ['Gekündigt'], missing: 'drop', cost: 'sigmoid-cross-entropy' });
    expect(data.inputNames).toEqual(['Alter', 'Einkommen', 'Region=Nord', 'Region=Ost', 'Region=Süd', 'Region=West']);
    expect(report).toMatchObject({ rows: 9, rowsDropped: 3, missing: { Alter: 1, Einkommen: 1, Region: 1 }, imputed: {} });
    expect(data.n).toBe(9);
    expect(Array.from(data.inputs.subarray(0, 6))).toEqual([34, 2450.5, 1, 0, 0, 0]); // K001, Nord
    // ja/nein: "ja" is the positive class of the single sigmoid output.
    expect(data.targetNames).toEqual(['Gekündigt=ja']);
    expect(data.classLabels).toEqual(['ja']);
    expect(Array.from(data.targets.subarray(0, 3))).toEqual([0, 1, 0]);
  });

  it('imputes the column mean for inputs (the category frequencies for a categorical one) and reports the counts', () => {
    const { data, report } = encodeTable(german, { inputs: ['Alter', 'Region'], targets: ['Kinder'], missing: 'mean', cost: 'sum-of-squares' });
    expect(report).toMatchObject({ rows: 12, rowsDropped: 0, imputed: { Alter: 1, Region: 1 } });
    const d = data.inputNames.length;
    const ages = [34, 51, 28, 45, 39, 62, 23, 47, 31, 55, 29];
    expect(data.inputs[2 * d]).toBeCloseTo(ages.reduce((a, b) => a + b) / ages.length, 12); // K003's age
    // K009 has no region: 3 Nord, 2 Ost, 3 Süd, 3 West among the other 11.
    expect(Array.from(data.inputs.subarray(8 * d + 1, 8 * d + 5)).map((v) => v * 11)).toEqual([3, 2, 3, 3].map((v) => expect.closeTo(v, 12)));
  });

  it('with missing "error" stops at the first missing value, naming file, line and column', () => {
    expect(() => encodeTable(german, { inputs: ['Alter'], targets: ['Kinder'], missing: 'error', cost: 'sum-of-squares' }))
      .toThrow('german-spreadsheet.csv line 4, column "Alter" is empty (missing); fill it in, or choose missing "drop" (leave such rows out) or "mean" (fill in the column mean)');
  });

  it('refuses text in a numeric column, a label column for sum-of-squares or a mixture density, 3 classes for sigmoid, and unknown columns', () => {
    const mixed = table('mixed.csv', 'a,t\n1,2\nabc,3\n4,5\n');
    expect(() => encodeTable(mixed, { inputs: ['a'], targets: ['t'], missing: 'drop', cost: 'sum-of-squares' })).toThrow(/^mixed\.csv line 3, column "a" is "abc", not a number; fix the value or leave the column out, or read the column as categories/);
    expect(() => encodeTable(german, { inputs: ['Alter'], targets: ['Region'], missing: 'drop', cost: 'sum-of-squares' })).toThrow(/column "Region" holds class labels \(Nord, Ost, Süd, West\): use softmax-cross-entropy/);
    expect(() => encodeTable(german, { inputs: ['Alter'], targets: ['Region'], missing: 'drop', cost: 'sigmoid-cross-entropy' })).toThrow(/has 4 classes .*sigmoid-cross-entropy is for two: use softmax-cross-entropy/);
    expect(() => encodeTable(german, { inputs: ['Alter'], targets: ['Region'], missing: 'drop', cost: 'mixture-density' })).toThrow(/column "Region" holds class labels \(Nord, Ost, Süd, West\): a mixture density network models numeric targets; use softmax-cross-entropy/);
    // ...while a numeric target is fine for a mixture density network.
    expect(encodeTable(german, { inputs: ['Alter'], targets: ['Kinder'], missing: 'drop', cost: 'mixture-density' }).data.targetNames).toEqual(['Kinder']);
    expect(() => encodeTable(german, { inputs: ['Age'], targets: ['Kinder'], missing: 'drop', cost: 'sum-of-squares' })).toThrow('german-spreadsheet.csv has no input column "Age"; its columns are Kunde, Alter, Einkommen, Region, Kinder, Gekündigt');
  });

  it('gives softmax a one-hot target per class with the labels, which createLab trains on as they are', () => {
    const { data } = encodeTable(german, { inputs: ['Alter', 'Kinder'], targets: ['Region'], missing: 'drop', cost: 'softmax-cross-entropy' });
    expect(data.targetNames).toEqual(['Region=Nord', 'Region=Ost', 'Region=Süd', 'Region=West']);
    expect(data.classLabels).toEqual(['Nord', 'Ost', 'Süd', 'West']);
    const spec = parseSpec({
      format: 'mlp-lab-spec', version: 1, seed: 1,
      data: { csv: 'x.csv', inputs: ['Alter', 'Kinder'], targets: ['Region'] },
      network: { hidden: [{ units: 3 }], output: { cost: 'softmax-cross-entropy' } },
    });
    const lab = createLab(spec, data);
    expect(lab.net.outputs).toBe(4);
    expect(lab.data.classLabels).toEqual(['Nord', 'Ost', 'Süd', 'West']);
    expect(lab.normalization?.mean[0]).toBeCloseTo(data.inputs.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b) / data.n, 12);
  });

  it('warns about ID-like and constant inputs instead of refusing them', () => {
    const { report } = encodeTable(german, { inputs: ['Kunde', 'Alter'], targets: ['Kinder'], missing: 'drop', cost: 'sum-of-squares' });
    expect(report.warnings).toEqual(['input "Kunde": a different value on every row: looks like an identifier or a name; consider leaving it out']);
  });
});

describe('proposing the task and cost', () => {
  it('two labels: binary with sigmoid; more labels or small whole numbers: multi-class with softmax; numbers: regression', () => {
    expect(proposeTask(german, ['Gekündigt'])).toMatchObject({ task: 'binary', cost: 'sigmoid-cross-entropy', classes: ['ja', 'nein'] });
    expect(proposeTask(german, ['Region'])).toMatchObject({ task: 'multi-class', cost: 'softmax-cross-entropy' });
    expect(proposeTask(german, ['Kinder'])).toMatchObject({ task: 'multi-class', cost: 'softmax-cross-entropy', classes: ['0', '1', '2', '3'] });
    expect(proposeTask(german, ['Einkommen'])).toMatchObject({ task: 'regression', cost: 'sum-of-squares', classes: null });
    const t = table('tasks.csv', 'y,a,b,c,d\n0,1,0,1,5.5\n1,0,1,1,2\n0,1,0,0,3\n');
    expect(proposeTask(t, ['y'])).toMatchObject({ task: 'binary', cost: 'sigmoid-cross-entropy' });
    expect(proposeTask(t, ['a', 'b'])).toMatchObject({ task: 'multi-class', cost: 'softmax-cross-entropy' });
    expect(proposeTask(t, ['a', 'c'])).toMatchObject({ task: 'multi-label', cost: 'sigmoid-cross-entropy' });
    expect(proposeTask(t, ['a', 'd'])).toMatchObject({ task: 'regression', cost: 'sum-of-squares' });
  });
});

describe('reading numbers', () => {
  it('gives exactly the double Number() gives, for "." and "," decimals', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 20000; i++) {
      const s = ((rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 4)).toFixed(Math.floor(rand() * 12));
      expect(Object.is(parseNumber(s, '.'), Number(s))).toBe(true);
      expect(Object.is(parseNumber(s.replace('.', ','), ','), Number(s))).toBe(true);
    }
    for (const s of ['1e-3', '-2.5E+4', '+7', '.5', '5.', ' 3 ', '-0', '12345678901234567890']) expect(Object.is(parseNumber(s, '.'), Number(s))).toBe(true);
    expect(parseNumber('1.234.567,89', ',')).toBe(1234567.89);
  });

  it('refuses what Number() would wrongly accept: blanks, hex, binary, Infinity; and "1,5" when the mark is "."', () => {
    for (const s of ['', '   ', '0x1F', '0b101', '0o17', 'Infinity', '-Infinity', 'NaN', '1,5', '1 000', '--1', '1e', 'e5']) {
      expect(parseNumber(s, '.'), s).toBeNaN();
    }
    expect(parseNumber('1,2,3', ',')).toBeNaN();
  });
});
