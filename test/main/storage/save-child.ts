/**
 * A process that writes a project over and over until it is killed (for atomic-save.test.ts).
 *
 *     node --import tsx save-child.ts save|append|naive TARGET
 *
 * `save`: generation g of the project, saved in place with saveProjectFile (the app's Save), is
 * self-checking: its UI state says g, every value of its dataset column "g" is g (the dataset is
 * rewritten each time, about 5 MB), and it has g % 3 runs of its own, "g<g>-<i>". Runs another
 * writer appended are kept in every generation. After each save it prints "saved g".
 * `append`: adds one run "a<k>" at a time with appendRuns (`mlp-lab train --save`), printing
 * "appended k" after each.
 * `naive` (the negative control) overwrites the target in place, in 64 KB writes, without SQLite.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ColumnInfo } from '../../../src-main/storage/csv-types';
import { type Project, newProject, type ProjectRun } from '../../../src-main/storage/project';
import { readFileBase } from '../../../src-main/storage/project-file';
import { appendRuns, saveProjectFile, writeProjectFile } from '../../../src-main/storage/project-save';
import { fakeRun, germanSpec } from '../../support/projects';

const [mode, target] = process.argv.slice(2);
const ROWS = 150_000;

function column(name: string): ColumnInfo {
  return { name, kind: 'numeric', valueType: 'number', categories: null, missing: 0, firstMissingLine: null, invalid: 0, firstInvalid: null, distinct: null, integer: false, stats: null, reason: null };
}

/** Generation g of the test project (about 5 MB), with `others` (runs another writer added). */
function generation(g: number, others: readonly ProjectRun[] = []): Project {
  const spec = germanSpec();
  const data = [new Float64Array(ROWS).fill(g), Float64Array.from({ length: ROWS }, (_, i) => Math.sin(i)), Float64Array.from({ length: ROWS }, (_, i) => i * g)];
  const dataset = {
    file: 'generated.csv', importedAt: new Date(g).toISOString(), settings: {},
    format: { delimiter: ',' as const, decimal: '.' as const, header: true, encoding: 'utf-8' as const, newline: '\n' as const },
    rows: ROWS, columns: ['g', 'x', 'y'].map(column), data, lines: Int32Array.from({ length: ROWS }, (_, i) => i + 2), blankLines: 0, notes: [],
  };
  const project = newProject(spec, dataset);
  const own = Array.from({ length: g % 3 }, (_, i) => fakeRun(`g${g}-${i}`, spec));
  return { ...project, runs: [...others, ...own], ui: { generation: g } };
}

async function main(): Promise<void> {
  if (mode === 'save') {
    let base = existsSync(target) ? readFileBase(target) : await writeProjectFile(target, generation(0));
    const others: ProjectRun[] = [];
    for (let g = 1; ; g++) {
      const r = saveProjectFile(target, generation(g, others), base, { specConflict: 'mine' });
      others.push(...r.added);
      base = r.base;
      process.stdout.write(`saved ${g}\n`);
    }
  } else if (mode === 'append') {
    if (!existsSync(target)) await writeProjectFile(target, generation(0));
    const spec = germanSpec();
    for (let k = 1; ; k++) {
      appendRuns(target, [fakeRun(`a${k}`, spec)]);
      process.stdout.write(`appended ${k}\n`);
    }
  } else if (mode === 'naive') {
    // Two finished database images, one larger than the other; each "save" overwrites in place.
    const image = async (g: number): Promise<Buffer> => {
      const tmp = `${target}.image-${g}`;
      await writeProjectFile(tmp, generation(g));
      const db = new Database(tmp, { readonly: true });
      const bytes = db.serialize();
      db.close();
      return bytes;
    };
    const images = [await image(1), await image(2)];
    for (let g = 1; ; g++) {
      const bytes = images[(g - 1) % 2];
      const fd = openSync(target, 'w');
      for (let at = 0; at < bytes.length; at += 65536) writeSync(fd, bytes, at, Math.min(65536, bytes.length - at));
      closeSync(fd);
      process.stdout.write(`saved ${g}\n`);
    }
  } else {
    process.stderr.write('usage: save-child.ts save|append|naive TARGET\n');
    process.exit(2);
  }
}

void main();
