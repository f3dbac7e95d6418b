/**
 * The CSV importer on real files: the fixtures in test/fixtures/csv (a German spreadsheet export,
 * a BOM + CRLF file, quoted newlines, a ragged file, a Windows-1252 file) and generated ones.
 * Every behaviour is checked on both drivers (streaming and one read), which must agree.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importCsv, importCsvSync, previewCsv } from '../../../src-main/storage/csv-import';
import { CsvError, type CsvReadOptions, type CsvTable, ImportCancelled } from '../../../src-main/storage/csv-types';

const fixtures = new URL('../../fixtures/csv/', import.meta.url).pathname;
const fixture = (name: string) => join(fixtures, name);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-csv-'));
});

function write(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Imports with both drivers, checks they agree, returns the table. */
async function both(path: string, options: CsvReadOptions = {}): Promise<CsvTable> {
  const streamed = await importCsv(path, options);
  const read = importCsvSync(path, options);
  expect(read.format).toEqual(streamed.format);
  expect(read.columns).toEqual(streamed.columns);
  expect(Array.from(read.lines)).toEqual(Array.from(streamed.lines));
  read.data.forEach((d, j) => expect(Array.from(d)).toEqual(Array.from(streamed.data[j])));
  expect(read.blankLines).toBe(streamed.blankLines);
  return streamed;
}

/** The error both drivers give for `path` (they must give the same one). */
async function failure(path: string, options: CsvReadOptions = {}): Promise<CsvError> {
  let sync: unknown;
  try {
    importCsvSync(path, options);
  } catch (e) {
    sync = e;
  }
  const streamed = await importCsv(path, options).then(() => null, (e: unknown) => e);
  expect(sync).toBeInstanceOf(CsvError);
  expect(streamed).toBeInstanceOf(CsvError);
  expect((streamed as Error).message).toBe((sync as Error).message);
  return sync as CsvError;
}

describe('CSV import: limits', () => {
  it('refuses a one-line file of 500,000 columns before making a buffer per column', async () => {
    const path = join(dir, 'one-line.csv');
    writeFileSync(path, `${Array.from({ length: 500_000 }, () => '1').join(',')}\n`);
    const before = process.memoryUsage().rss;
    await expect(importCsv(path, { header: false })).rejects.toThrow(/one-line\.csv line 1: 500,000 columns; MLP Lab imports at most 10,000\. Is the delimiter right \(","\)\?/);
    expect(() => importCsvSync(path, { header: false })).toThrow(/500,000 columns/);
    // It used 5.8 GB when a buffer was made for every column; now far less than one.
    expect(process.memoryUsage().rss - before).toBeLessThan(500e6);
  });
});

describe('CSV import: formats', () => {
  it('reads a German spreadsheet export: ";" fields, decimal commas, thousands dots, CRLF, a categorical column', async () => {
    const t = await both(fixture('german-spreadsheet.csv'));
    expect(t.format).toEqual({ delimiter: ';', decimal: ',', header: true, encoding: 'utf-8', newline: '\r\n' });
    expect(t.rows).toBe(12);
    expect(t.columns.map((c) => c.name)).toEqual(['Kunde', 'Alter', 'Einkommen', 'Region', 'Kinder', 'Gekündigt']);
    expect(t.columns.map((c) => c.kind)).toEqual(['id', 'numeric', 'numeric', 'categorical', 'numeric', 'categorical']);
    expect(Array.from(t.data[2].slice(0, 4))).toEqual([2450.5, 3120, 1980.75, 2210.1]); // "2.450,50" etc.
    expect(t.columns[3].categories).toEqual(['Nord', 'Ost', 'Süd', 'West']);
    expect(t.data[3][1]).toBe(2); // Süd
    // Missing: an empty cell (line 4), "NA" (line 6), an empty category (line 10).
    expect(t.columns.map((c) => c.missing)).toEqual([0, 1, 1, 1, 0, 0]);
    expect([t.columns[1].firstMissingLine, t.columns[2].firstMissingLine, t.columns[3].firstMissingLine]).toEqual([4, 6, 10]);
    expect(t.columns[0].reason).toMatch(/a different value on every row/);
  });

  it('reads a Windows-1252 file (older Excel) by detecting the encoding, and refuses it as UTF-8 naming what to do', async () => {
    const t = await both(fixture('german-cp1252.csv'));
    expect(t.format.encoding).toBe('windows-1252');
    expect(t.columns[5].name).toBe('Gekündigt');
    expect(t.columns[3].categories).toEqual(['Nord', 'Süd']);
    const e = await failure(fixture('german-cp1252.csv'), { encoding: 'utf-8' });
    expect(e.message).toMatch(/german-cp1252\.csv is not valid UTF-8 .*encoding "windows-1252", or save it as "CSV UTF-8"/);
  });

  it('strips a UTF-8 BOM, handles CRLF, skips blank lines and keeps file line numbers', async () => {
    const t = await both(fixture('bom-crlf.csv'));
    expect(t.columns[0].name).toBe('x1'); // not "\uFEFFx1"
    expect(t.format).toMatchObject({ delimiter: ',', decimal: '.', header: true, newline: '\r\n' });
    expect(t.rows).toBe(4);
    expect(t.blankLines).toBe(1);
    expect(Array.from(t.lines)).toEqual([2, 3, 5, 6]);
    expect(Array.from(t.data[0])).toEqual([0.5, 0.001, -0.75, 3]);
    expect(Array.from(t.data[1])).toEqual([-1.25, 2, 0.5, 4]);
  });

  it('keeps quoted delimiters, newlines and doubled quotes inside fields, and counts lines across them', async () => {
    const t = await both(fixture('quoted.csv'));
    const comments = t.columns[1].categories as string[];
    const at = (r: number) => comments[t.data[1][r]];
    expect([at(0), at(1), at(2), at(3), at(4), at(5)]).toEqual(['plain', 'has, a comma', 'two\nlines', 'say "hi"', 'three\nlines\nhere', 'last']);
    expect(Array.from(t.lines)).toEqual([2, 3, 4, 6, 7, 10]);
    expect(Array.from(t.data[2])).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
  });

  it('detects tab and pipe delimiters, and "." decimals in a ";" file', async () => {
    const tab = await both(write('tab.tsv', 'a\tb\tc\n1,5\t2\t3\n4\t5\t6,25\n'));
    expect(tab.format).toMatchObject({ delimiter: '\t', decimal: ',' });
    expect(Array.from(tab.data[0])).toEqual([1.5, 4]);
    const pipe = await both(write('pipe.txt', 'a|b\n1|2\n3|4\n'));
    expect(pipe.format.delimiter).toBe('|');
    const semi = await both(write('semi.csv', 'a;b\n1.5;2\n3.25;4\n'));
    expect(semi.format).toMatchObject({ delimiter: ';', decimal: '.' });
    expect(Array.from(semi.data[0])).toEqual([1.5, 3.25]);
  });

  it('detects a missing header and names the columns col1, col2, ...; an explicit header: false is obeyed', async () => {
    const t = await both(write('nohead.csv', '1,2\n3,4\n'));
    expect(t.format.header).toBe(false);
    expect(t.columns.map((c) => c.name)).toEqual(['col1', 'col2']);
    expect(t.rows).toBe(2);
    const forced = await both(write('texthead.csv', 'a,b\nc,d\n'), { header: false });
    expect(forced.rows).toBe(2);
    expect(forced.columns[0].categories).toEqual(['a', 'c']);
  });

  it('renames a duplicate header name and says so', async () => {
    const t = await both(write('dup.csv', 'x,x,y\n1,2,3\n'));
    expect(t.columns.map((c) => c.name)).toEqual(['x', 'x_2', 'y']);
    expect(t.notes[0]).toMatch(/column 2 is also named "x"; it is called "x_2"/);
  });
});

describe('CSV import: column kinds', () => {
  it('types columns: numeric, categorical, constant, ID-like (rising whole numbers)', async () => {
    const lines = ['row,x,colour,unit,t'];
    for (let i = 1; i <= 30; i++) lines.push(`${i},${(i * 0.37) % 2},${['red', 'green', 'blue'][i % 3]},kg,${i % 2}`);
    const t = await both(write('kinds.csv', `${lines.join('\n')}\n`));
    expect(t.columns.map((c) => c.kind)).toEqual(['id', 'numeric', 'categorical', 'constant', 'numeric']);
    expect(t.columns[0].reason).toMatch(/whole numbers rising row by row/);
    expect(t.columns[3].reason).toBe('every value is "kg"');
    expect(t.columns[4]).toMatchObject({ integer: true, distinct: 2 });
    const xs = Array.from({ length: 30 }, (_, i) => ((i + 1) * 0.37) % 2);
    expect(t.columns[1].stats).toMatchObject({ min: Math.min(...xs), max: Math.max(...xs) });
  });

  it('reads NA, N/A, ?, null and empty cells as missing', async () => {
    const t = await both(write('na.csv', 'a,b\n1,NA\n2,N/A\n3,?\n4,null\n5,\n6,7\n7,8\n'));
    expect(t.columns[1]).toMatchObject({ kind: 'numeric', missing: 5, firstMissingLine: 2 });
    expect(t.data[1][5]).toBe(7);
  });

  it('keeps text among numbers as "invalid" with its first line, and reads a column as categories when told', async () => {
    const t = await both(write('mixed.csv', 'a,t\n1,2\n2,3\nabc,4\n5,6\n'));
    expect(t.columns[0]).toMatchObject({ kind: 'numeric', invalid: 1, firstInvalid: { line: 4, value: 'abc' } });
    const cat = await both(write('zip.csv', 'zip,t\n10115,1\n80331,2\n10115,3\n'), { categorical: ['zip'] });
    expect(cat.columns[0]).toMatchObject({ kind: 'categorical', valueType: 'category', categories: ['10115', '80331'] });
    const e = await failure(write('zip2.csv', 'zip,t\n1,2\n'), { categorical: ['postcode'] });
    expect(e.message).toBe('zip2.csv has no column "postcode" to read as categorical; its columns are zip, t');
  });
});

describe('CSV import: errors name file, line and what to do', () => {
  it('refuses a ragged row: "line 6: row has 5 fields, the header has 6", counting lines inside quoted fields', async () => {
    const e = await failure(fixture('ragged.csv'));
    expect(e.message).toMatch(/^ragged\.csv line 6: row has 5 fields, the header has 6; check the delimiter and the quoting on that line/);
    expect(e.line).toBe(6);
    await expect(previewCsv(fixture('ragged.csv'))).rejects.toThrow(/ragged\.csv line 6: row has 5 fields/);
  });

  it('refuses an unclosed quote, an empty file, a header-only file and a missing file', async () => {
    expect((await failure(write('open-quote.csv', 'a,b\n1,2\n3,"oops\n4,5\n'))).message).toMatch(/^open-quote\.csv line 3: a quoted field is never closed/);
    expect((await failure(write('empty.csv', '\n\n'))).message).toMatch(/^empty\.csv is empty/);
    expect((await failure(write('head.csv', 'a,b\n'))).message).toBe('head.csv has a header but no data rows');
    expect((await failure(join(dir, 'nope.csv'))).message).toMatch(/^cannot find the CSV file .*nope\.csv$/);
  });

  it('accepts a trailing delimiter on every line (some exporters write one)', async () => {
    const t = await both(write('trailing.csv', 'a;b\n1;2;\n3;4;\n'));
    expect(t.rows).toBe(2);
  });
});

describe('CSV import: preview, progress, cancellation', () => {
  it('previews the first rows as parsed with the detected format and column kinds', async () => {
    const p = await previewCsv(fixture('german-spreadsheet.csv'), {}, 3);
    expect(p.format).toMatchObject({ delimiter: ';', decimal: ',' });
    expect(p.names[5]).toBe('Gekündigt');
    expect(p.rows).toEqual([
      ['K001', '34', '2.450,50', 'Nord', '1', 'nein'],
      ['K002', '51', '3.120,00', 'Süd', '2', 'ja'],
      ['K003', '', '1.980,75', 'Nord', '0', 'nein'],
    ]);
    expect(p.columns.map((c) => c.kind)).toEqual(['id', 'numeric', 'numeric', 'categorical', 'numeric', 'categorical']);
    expect(p.wholeFile).toBe(true);
    expect(p.sampledRows).toBe(12);
  });

  it('streams a large file with progress reports, and a cancelled import rejects with ImportCancelled', async () => {
    const lines = ['a,b,c'];
    for (let i = 0; i < 200_000; i++) lines.push(`${i * 0.5},${i % 7},${(i * 13) % 101}`);
    const path = write('big.csv', `${lines.join('\n')}\n`);
    const reports: number[] = [];
    const t = await importCsv(path, {}, { onProgress: (p) => reports.push(p.bytesRead), progressIntervalMs: 0 });
    expect(t.rows).toBe(200_000);
    expect(reports.length).toBeGreaterThan(5);
    expect(reports.every((b, i) => i === 0 || b >= reports[i - 1])).toBe(true);
    expect(reports.at(-1)).toBe(Buffer.byteLength(`${lines.join('\n')}\n`));

    const controller = new AbortController();
    let seen = 0;
    const cancelled = importCsv(path, {}, { signal: controller.signal, progressIntervalMs: 0, onProgress: (p) => { seen = p.rows; controller.abort(); } });
    await expect(cancelled).rejects.toBeInstanceOf(ImportCancelled);
    await expect(cancelled).rejects.toThrow('the import of big.csv was cancelled');
    expect(seen).toBeLessThan(200_000);
    const before = new AbortController();
    before.abort();
    await expect(importCsv(path, {}, { signal: before.signal })).rejects.toBeInstanceOf(ImportCancelled);
  });
});
