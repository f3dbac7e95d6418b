/**
 * What the CSV importer makes of text in other encodings and of files that are not text, and the
 * messages for data it cannot use, on both drivers (streaming and one read), which must agree:
 *
 * - Windows-1252's 0x80-0x9F (€ „ “ – ™ ...) decode to the characters of the code page, checked
 *   against Python's cp1252 codec (the table below), not to C1 control characters;
 * - UTF-16 (LE and BE, with or without a byte order mark) reads as the same table as UTF-8;
 * - gzip, ZIP (.xlsx), SQLite and binary files are named for what they are;
 * - numbers grouped by (non-breaking) spaces read as numbers; a value that is still not a number
 *   names the invisible space in it;
 * - a target or input column with no values at all says so (not "no rows are left ... choose mean").
 */
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importCsv, importCsvSync, previewCsv } from '../../../src-main/storage/csv-import';
import { CsvError, type CsvReadOptions, type CsvTable } from '../../../src-main/storage/csv-types';
import { encodeTable } from '../../../src-main/storage/dataset-encode';
import { textDecoder } from '../../../src-main/storage/text-decode';

/** bytes([0x80..0x9f]).decode('cp1252', errors='replace') in Python 3. */
const CP1252_80_9F =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-csv-text-'));
});

function write(name: string, bytes: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Imports with both drivers, checks they agree, returns the table. */
async function both(path: string, options: CsvReadOptions = {}): Promise<CsvTable> {
  const streamed = await importCsv(path, options);
  const read = importCsvSync(path, options);
  expect(read.format).toEqual(streamed.format);
  expect(read.columns).toEqual(streamed.columns);
  read.data.forEach((d, j) => expect(Array.from(d)).toEqual(Array.from(streamed.data[j])));
  return streamed;
}

/** The message both drivers and the preview give for `path` (they must give the same one). */
async function failure(path: string): Promise<string> {
  let sync: unknown = null;
  try {
    importCsvSync(path);
  } catch (e) {
    sync = e;
  }
  const streamed = await importCsv(path).then(() => null, (e: unknown) => e);
  const preview = await previewCsv(path).then(() => null, (e: unknown) => e);
  for (const e of [sync, streamed, preview]) expect(e).toBeInstanceOf(CsvError);
  expect((streamed as Error).message).toBe((sync as Error).message);
  expect((preview as Error).message).toBe((sync as Error).message);
  return (sync as Error).message;
}

/** UTF-16 bytes of `text`, little- or big-endian, with a byte order mark if asked. */
function utf16(text: string, endian: 'le' | 'be', bom: boolean): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  if (endian === 'be') body.swap16();
  const mark = bom ? (endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  return new Uint8Array([...mark, ...body]);
}

describe('legacy encodings: Windows-1252', () => {
  it('decodes 0x80-0x9F as the code page says (€ „ “ – ™), not as control characters', () => {
    const bytes = new Uint8Array(32).map((_, i) => 0x80 + i);
    expect(textDecoder('windows-1252').decode(bytes)).toBe(CP1252_80_9F);
    // The same bytes in pieces, as the streaming import feeds them.
    const d = textDecoder('windows-1252');
    expect(d.decode(bytes.subarray(0, 7), { stream: true }) + d.decode(bytes.subarray(7), { stream: true }) + d.decode()).toBe(CP1252_80_9F);
    // Negative control: the strict UTF-8 decoder refuses these bytes outright.
    expect(() => textDecoder('utf-8').decode(bytes)).toThrow();
  });

  it('imports a Windows-1252 file with those characters in its categories', async () => {
    const latin = (s: string) => new Uint8Array([...s].map((c) => (c.charCodeAt(0) < 0x100 ? c.charCodeAt(0) : 0x3f)));
    const cells = ['Preis \x80', '\x84Zitat\x93', 'a \x96 b', 'Marke\x99', 'Gr\xfc\xdfe'];
    const text = `ware;menge\n${cells.map((c, i) => `${c};${i + 1}`).join('\n')}\n`;
    const t = await both(write('cp1252.csv', latin(text)));
    expect(t.format.encoding).toBe('windows-1252');
    expect(t.columns[0].categories).toEqual(['Preis €', '„Zitat“', 'a – b', 'Marke™', 'Grüße'].sort());
    expect(Array.from(t.data[1])).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('UTF-16', () => {
  const text = 'name,x,y\r\nSüd,1.5,2\r\n€uro,-3,4\r\nemoji 😀,0.25,1e3\r\n';
  let reference: CsvTable;
  beforeAll(async () => {
    reference = await both(write('utf8.csv', text));
  });

  it.each([
    ['little-endian with a byte order mark', 'le', true],
    ['big-endian with a byte order mark', 'be', true],
    ['little-endian without one', 'le', false],
    ['big-endian without one', 'be', false],
  ] as const)('reads %s as the same table as UTF-8', async (_what, endian, bom) => {
    const t = await both(write(`utf16-${endian}-${bom}.csv`, utf16(text, endian, bom)));
    expect(t.format.encoding).toBe(`utf-16${endian}`);
    expect(t.columns).toEqual(reference.columns);
    t.data.forEach((d, j) => expect(Array.from(d)).toEqual(Array.from(reference.data[j])));
    const preview = await previewCsv(join(dir, `utf16-${endian}-${bom}.csv`));
    expect(preview.names).toEqual(['name', 'x', 'y']);
    expect(preview.rows[2][0]).toBe('emoji 😀');
  });

  it('reads a UTF-16 file larger than one read of the streaming import', async () => {
    const rows = Array.from({ length: 20000 }, (_, i) => `Süd${i % 3},${i}`).join('\n');
    const t = await both(write('big16.csv', utf16(`k,v\n${rows}\n`, 'le', true)));
    expect(t.rows).toBe(20000);
    expect(t.columns[0].categories).toEqual(['Süd0', 'Süd1', 'Süd2']);
    expect(t.data[1][19999]).toBe(19999);
  });
});

describe('files that are not CSV text', () => {
  const csv = 'x,y\n1,2\n3,4\n';
  it.each([
    ['gzip', () => gzipSync(csv), /^data\.csv\.gz is gzip-compressed, not a CSV text file: decompress it first/],
    ['ZIP (.xlsx)', () => new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]), /is a ZIP archive \(an Excel \.xlsx workbook is one\), not a CSV text file: unpack it, or save the sheet from Excel as "CSV UTF-8"/],
    ['SQLite (a project file)', () => Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(100)]), /is an SQLite database \(an MLP Lab project file is one\), not a CSV text file/],
    ['binary with NUL bytes', () => new Uint8Array(Array.from({ length: 600 }, (_, i) => (i * 7919) % 256)), /is binary data \(it holds NUL bytes\), not a CSV text file/],
    ['binary with control characters', () => new Uint8Array(Array.from({ length: 600 }, (_, i) => 1 + ((i * 31) % 255))), /is binary data \(it holds control characters\), not a CSV text file/],
  ])('names a %s file for what it is', async (_what, bytes, message) => {
    expect(await failure(write('data.csv.gz', bytes()))).toMatch(message);
  });

  it('still reads text with tabs, form feeds and CR line ends (the negative control)', async () => {
    const t = await both(write('tabs.csv', 'a\tb\r1\t2\r\f3\t4\r'));
    expect(t.rows).toBe(2);
  });
});

describe('numbers grouped by spaces, and invisible spaces', () => {
  it('reads thousands grouped by no-break spaces (U+00A0, U+202F) and thin spaces, and padding with them', async () => {
    const text = 'a;b\n1\u00a0234,5;1\n2\u202f500;2\n\u00a012,25\u00a0;3\n1\u00a0000\u00a0000,5;4\n-3\u2009000;5\n';
    const t = await both(write('fr.csv', text));
    expect(t.format).toMatchObject({ delimiter: ';', decimal: ',' });
    expect(t.columns[0].kind).toBe('numeric');
    expect(Array.from(t.data[0])).toEqual([1234.5, 2500, 12.25, 1000000.5, -3000]);
    const point = await both(write('en.csv', 'a,b\n1\u00a0234.5,1\n2\u202f500,2\n'));
    expect(Array.from(point.data[0])).toEqual([1234.5, 2500]);
  });

  it('leaves badly grouped numbers as text, and the message names the invisible space in the value', async () => {
    const t = await both(write('bad.csv', 'a;b\n1\u00a023;1\n2;2\n3;3\n'));
    expect(t.columns[0].invalid).toBe(1);
    expect(() => encodeTable(t, { inputs: ['a'], targets: ['b'], missing: 'drop', cost: 'sum-of-squares' })).toThrow(
      'bad.csv line 2, column "a" is "1\u00a023" (with a non-breaking space (U+00A0)), not a number',
    );
    // An ordinary space is visible, and not read as grouping: the message needs no note.
    const plain = await both(write('plain.csv', 'a;b\n1 000;1\n2;2\n3;3\n'));
    expect(() => encodeTable(plain, { inputs: ['a'], targets: ['b'], missing: 'drop', cost: 'sum-of-squares' })).toThrow(/column "a" is "1 000", not a number;/);
  });
});

describe('columns with no values', () => {
  it('says a target column has no values, whatever the missing-value policy', async () => {
    const t = await both(write('empty-target.csv', 'x,y\n1,\n2,NA\n3,?\n4,\n'));
    for (const missing of ['drop', 'mean', 'error'] as const) {
      expect(() => encodeTable(t, { inputs: ['x'], targets: ['y'], missing, cost: 'sum-of-squares' })).toThrow(
        'empty-target.csv: target column "y" has no values: on all 4 rows it is empty or a missing-value marker (NA, ?, ...); choose another target column, or fill it in',
      );
    }
  });

  it('says an input column has no values, instead of filling in a mean of nothing', async () => {
    const t = await both(write('empty-input.csv', 'x,z,y\n1,,1\n2,,0\n3,,1\n'));
    expect(() => encodeTable(t, { inputs: ['x', 'z'], targets: ['y'], missing: 'mean', cost: 'sigmoid-cross-entropy' })).toThrow(
      /input column "z" has no values: on all 3 rows it is empty .*; leave it out, or fill it in/,
    );
    // The negative control: a column with some values is used (its gaps filled with the mean).
    const some = await both(write('some-input.csv', 'x,z,y\n1,,1\n2,4,0\n3,,1\n'));
    const { data } = encodeTable(some, { inputs: ['x', 'z'], targets: ['y'], missing: 'mean', cost: 'sigmoid-cross-entropy' });
    expect(Array.from(data.inputs)).toEqual([1, 4, 2, 4, 3, 4]);
  });
});
