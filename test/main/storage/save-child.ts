/**
 * A process that saves a project over and over until it is killed (for atomic-save.test.ts).
 *
 *     node --import tsx save-child.ts atomic|naive TARGET
 *
 * Generation g of the project is self-checking: its UI state says g, every value of its dataset
 * column "g" is g, and it has g % 3 runs. After each complete save it prints "saved g".
 * `atomic` saves with writeProjectFile; `naive` (the negative control) overwrites the target in
 * place, in 64 KB writes, as a save without a temporary file would.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { type Project, newProject } from '../../../src-main/storage/project';
import { writeProjectFile } from '../../../src-main/storage/project-file';
import type { ColumnInfo } from '../../../src-main/storage/csv-types';
import { fakeRun, germanSpec } from '../../support/projects';

const [mode, target] = process.argv.slice(2);
const ROWS = 150_000;

function column(name: string): ColumnInfo {
  return { name, kind: 'numeric', valueType: 'number', categories: null, missing: 0, firstMissingLine: null, invalid: 0, firstInvalid: null, distinct: null, integer: false, stats: null, reason: null };
}

/** Generation g of the test project (about 5 MB). */
function generation(g: number): Project {
  const spec = germanSpec();
  const data = [new Float64Array(ROWS).fill(g), Float64Array.from({ length: ROWS }, (_, i) => Math.sin(i)), Float64Array.from({ length: ROWS }, (_, i) => i * g)];
  const dataset = {
    file: 'generated.csv', importedAt: new Date(0).toISOString(), settings: {},
    format: { delimiter: ',' as const, decimal: '.' as const, header: true, encoding: 'utf-8' as const, newline: '\n' as const },
    rows: ROWS, columns: ['g', 'x', 'y'].map(column), data, lines: Int32Array.from({ length: ROWS }, (_, i) => i + 2), blankLines: 0, notes: [],
  };
  const project = newProject(spec, dataset);
  return { ...project, runs: Array.from({ length: g % 3 }, (_, i) => fakeRun(`g${g}-${i}`, spec)), ui: { generation: g } };
}

if (mode === 'atomic') {
  for (let g = 1; ; g++) {
    writeProjectFile(target, generation(g));
    process.stdout.write(`saved ${g}\n`);
  }
} else if (mode === 'naive') {
  // Two finished database images, one larger than the other; each "save" overwrites in place.
  const image = (g: number): Buffer => {
    const tmp = `${target}.image-${g}`;
    writeProjectFile(tmp, generation(g));
    const db = new Database(tmp, { readonly: true });
    const bytes = db.serialize();
    db.close();
    return bytes;
  };
  const images = [image(1), image(2)];
  for (let g = 1; ; g++) {
    const bytes = images[(g - 1) % 2];
    const fd = openSync(target, 'w');
    for (let at = 0; at < bytes.length; at += 65536) writeSync(fd, bytes, at, Math.min(65536, bytes.length - at));
    closeSync(fd);
    process.stdout.write(`saved ${g}\n`);
  }
} else {
  process.stderr.write('usage: save-child.ts atomic|naive TARGET\n');
  process.exit(2);
}
