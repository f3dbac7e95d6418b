/**
 * The dataset summary gives every column its own statistics, used or not (issue 16, item 6):
 * missing cells as the file has them, min / max / mean over the column's numbers, category
 * counts. The reference is computed here from the file's text with nothing of the importer:
 * split on the delimiter, Number() on each cell, a Map per column.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ColumnSummary } from '../../../shared/ipc';
import { parseSpec } from '../../../shared/spec';
import { createAppStorage } from '../../../src-main/storage/app-storage';

const ROWS = 1200;
const MISSING = new Set(['', 'NA']);

/** A weather table: a date on every row (more than 1000 different texts), rain with "Trace" once, wind directions, temperatures with gaps. */
function weatherCsv(): string {
  const dirs = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
  const lines = ['Date,Rainfall,WindDir,MinTemp,MaxTemp,RainTomorrow'];
  for (let r = 0; r < ROWS; r++) {
    const day = new Date(Date.UTC(2020, 0, 1 + r)).toISOString().slice(0, 10);
    const rain = r === 17 ? 'Trace' : r % 97 === 3 ? 'NA' : String(((r * 37) % 50) / 10);
    const dir = r % 53 === 5 ? '' : dirs[(r * 5) % 8];
    const min = r % 41 === 7 ? 'NA' : String(((r * 13) % 200) / 10 - 5);
    const max = String(((r * 29) % 250) / 10 + 10);
    lines.push([day, rain, dir, min, max, (r * 7) % 3 === 0 ? 'Yes' : 'No'].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Each column's statistics straight from the text. */
function reference(text: string): Map<string, { missing: number; text: number; numbers: number[]; counts: Map<string, number> }> {
  const [head, ...rows] = text.trim().split('\n').map((l) => l.split(','));
  const out = new Map(head.map((h) => [h, { missing: 0, text: 0, numbers: [] as number[], counts: new Map<string, number>() }]));
  for (const row of rows) {
    row.forEach((cell, j) => {
      const c = out.get(head[j])!;
      if (MISSING.has(cell)) c.missing++;
      else if (Number.isFinite(Number(cell))) c.numbers.push(Number(cell));
      else {
        c.text++;
        c.counts.set(cell, (c.counts.get(cell) ?? 0) + 1);
      }
    });
  }
  return out;
}

describe('the dataset summary of a CSV import', () => {
  it('gives every column, used or not, its own missing count, min / max / mean and category counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-summary-'));
    const path = join(dir, 'weather.csv');
    const text = weatherCsv();
    writeFileSync(path, text);
    const current = parseSpec({ format: 'mlp-lab-spec', version: 1, data: { builtin: 'xor-quadrants' }, network: { hidden: [{ units: 3 }], output: { cost: 'sigmoid-cross-entropy' } } });
    const { csv } = createAppStorage(dir);
    const { info } = await csv.import(path, 'weather.csv', { file: { path }, inputs: ['MaxTemp'], targets: ['RainTomorrow'] }, current);
    const summary = info.summary!;
    const byName = new Map<string, ColumnSummary>(summary.columns.map((c) => [c.name, c]));
    const ref = reference(text);
    expect(summary.rows).toBe(ROWS);
    expect(summary.columns.map((c) => [c.name, c.role])).toEqual([
      ['Date', 'unused'], ['Rainfall', 'unused'], ['WindDir', 'unused'], ['MinTemp', 'unused'], ['MaxTemp', 'input'], ['RainTomorrow', 'target'],
    ]);

    // Missing cells: the file's own, whatever the column holds besides.
    for (const [name, r] of ref) expect(byName.get(name)!.missing, name).toBe(r.missing);
    expect(ref.get('Date')!.missing).toBe(0); // the reference's own sanity: no date is missing
    expect(byName.get('Date')).toMatchObject({ kind: 'id', missing: 0 });
    expect(byName.get('Date')).not.toHaveProperty('min');

    // Numbers: min, max and mean over the column's numbers; text among them counted as such.
    for (const name of ['Rainfall', 'MinTemp', 'MaxTemp']) {
      const xs = ref.get(name)!.numbers;
      const c = byName.get(name)!;
      expect(c.min, name).toBe(Math.min(...xs));
      expect(c.max, name).toBe(Math.max(...xs));
      expect(c.mean!, name).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / xs.length, 12);
    }
    expect(byName.get('Rainfall')!.invalid).toBe(1);
    expect(byName.get('MinTemp')).not.toHaveProperty('invalid');

    // Categories: each one's count in the file.
    for (const name of ['WindDir', 'RainTomorrow']) {
      const counts = Object.fromEntries((byName.get(name)!.categories ?? []).map((c) => [c.label, c.count]));
      expect(counts, name).toEqual(Object.fromEntries(ref.get(name)!.counts));
    }
    // Negative control: the reference tells the columns apart (a summary copying one column's numbers into another would fail).
    expect(Math.min(...ref.get('MinTemp')!.numbers)).not.toBe(Math.min(...ref.get('MaxTemp')!.numbers));
  });

  it('names the roles of a dataset stored as its encoded columns (no source table) as the dataset uses them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-summary-'));
    const { store } = createAppStorage(dir);
    const spec = parseSpec({
      format: 'mlp-lab-spec', version: 1, data: { csv: 'made.csv', inputs: ['a', 'colour'], targets: ['t'] },
      network: { hidden: [{ units: 2 }], output: { cost: 'sigmoid-cross-entropy' } },
    });
    const dataset = { inputs: Float64Array.of(1, 0, 1, 2, 1, 0, 3, 0, 0), targets: Float64Array.of(0, 1, 1), n: 3, inputNames: ['a', 'colour=red', 'colour=blue'], targetNames: ['t'], classLabels: ['1'] };
    const path = join(dir, 'made.mlplab');
    await store.write(path, { spec, dataset, datasetInfo: { source: 'csv', name: 'made.csv', n: 3, inputNames: dataset.inputNames, targetNames: ['t'] }, runs: [], uiState: {} });
    const summary = (await store.read(path)).data.datasetInfo!.summary!;
    expect(summary.columns.map((c) => [c.name, c.role, c.min, c.max])).toEqual([
      ['a', 'input', 1, 3], ['colour=red', 'input', 0, 1], ['colour=blue', 'input', 0, 1], ['t', 'target', 0, 1],
    ]);
  });
});
