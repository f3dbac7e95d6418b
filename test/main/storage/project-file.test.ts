/**
 * Project files on disk: a full round trip, bounded snapshots, migrations on an in-memory copy,
 * and the refusals, damage in the rows included. Every refused file is checked byte for byte
 * afterwards (sha256 before and after) and for SQLite side files (-journal, -wal): opening must
 * never modify it.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { readProjectFile } from '../../../src-main/storage/project-file';
import { writeProjectFile } from '../../../src-main/storage/project-save';
import { ProjectFileError, type ProjectFileProblem } from '../../../src-main/storage/project-inspect';
import { MAX_SNAPSHOTS } from '../../../src-main/storage/project';
import { fakeRun, germanProject, germanSpec } from '../../support/projects';

const fixture = new URL('../../fixtures/csv/german-spreadsheet.csv', import.meta.url).pathname;
let dir: string;
let good: string;

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-project-'));
  good = join(dir, 'good.mlplab');
  await writeProjectFile(good, germanProject(fixture));
});

/** Copies the good file to `name`, lets `change` alter it, returns its path. */
function variant(name: string, change: (path: string) => void): string {
  const path = join(dir, name);
  copyFileSync(good, path);
  change(path);
  return path;
}

/** Opens `path` expecting refusal with `problem` and a message matching `message`; the file must be unchanged. */
function expectRefused(path: string, problem: ProjectFileProblem, message: RegExp): void {
  const before = sha(path);
  const siblings = readdirSync(dir).sort();
  let error: unknown;
  try {
    readProjectFile(path);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ProjectFileError);
  expect((error as ProjectFileError).problem).toBe(problem);
  expect((error as Error).message).toMatch(message);
  expect(sha(path)).toBe(before);
  expect(readdirSync(dir).sort()).toEqual(siblings); // no -journal, -wal or -shm appeared
}

describe('project file', () => {
  it('round-trips spec, dataset, runs (weights bit for bit, curves, snapshots) and UI state', () => {
    const project = germanProject(fixture);
    const { project: back, info } = readProjectFile(good);
    expect(info).toMatchObject({ schemaVersion: 1, migratedFrom: null, writer: 'MLP Lab 0.1.0' });
    expect(back.spec).toEqual(project.spec);
    expect(back.ui).toEqual(project.ui);
    const d = back.dataset!;
    expect(d.columns).toEqual(project.dataset!.columns);
    expect(d.format).toEqual(project.dataset!.format);
    expect(Array.from(d.lines)).toEqual(Array.from(project.dataset!.lines));
    d.data.forEach((col, j) => expect(Array.from(col)).toEqual(Array.from(project.dataset!.data[j]))); // NaN = missing survives
    expect(back.runs.map((r) => r.id)).toEqual(['run-1', 'run-2']);
    const [a, b] = [project.runs[0], back.runs[0]];
    const same = (x: Float64Array, y: Float64Array) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
    expect(same(a.finalWeights!, b.finalWeights!)).toBe(true); // -0 and denormals included
    expect(same(a.initialWeights, b.initialWeights)).toBe(true);
    expect(same(a.curve.train, b.curve.train)).toBe(true);
    expect(b.snapshots.map((s) => s.step)).toEqual([0, 10, 20]);
    expect(same(a.snapshots[2].weights, b.snapshots[2].weights)).toBe(true);
    expect(b.metrics).toEqual(a.metrics);
    expect(b.weightsMeta).toEqual(a.weightsMeta);
    // Read back from a Buffer at an odd offset: blobs are copied, never viewed misaligned.
    expect(b.finalWeights!.byteOffset).toBe(0);
  });

  it('keeps at most MAX_SNAPSHOTS snapshots per run, spread evenly, first and last included', async () => {
    const spec = germanSpec();
    const path = join(dir, 'snaps.mlplab');
    await writeProjectFile(path, { ...germanProject(fixture, 0), runs: [fakeRun('many', spec, 120)] });
    const steps = readProjectFile(path).project.runs[0].snapshots.map((s) => s.step);
    expect(steps).toHaveLength(MAX_SNAPSHOTS);
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBe(1190);
    expect(new Set(steps).size).toBe(MAX_SNAPSHOTS);
  });

  it('refuses a PNG renamed to .mlplab', () => {
    const png = join(dir, 'picture.mlplab');
    writeFileSync(png, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]));
    expectRefused(png, 'not-sqlite', /^picture\.mlplab is not an MLP Lab project: it is a PNG image$/);
  });

  it('refuses a spec JSON renamed to .mlplab, saying how to make a project from it', () => {
    const json = join(dir, 'spec.mlplab');
    writeFileSync(json, JSON.stringify(germanSpec()));
    expectRefused(json, 'not-sqlite', /it is an MLP Lab spec \(JSON\); create a project from it with `mlp-lab init SPEC -o PROJECT\.mlplab`/);
  });

  it('refuses an empty file', () => {
    const empty = join(dir, 'empty.mlplab');
    writeFileSync(empty, '');
    expectRefused(empty, 'not-sqlite', /empty\.mlplab is not an MLP Lab project: it is empty/);
  });

  it('refuses a foreign SQLite database (no application id), and one with our id but without our marker', () => {
    const foreign = join(dir, 'foreign.mlplab');
    const db = new Database(foreign);
    db.exec('CREATE TABLE contacts (name TEXT, phone TEXT); INSERT INTO contacts VALUES (\'Ada\', \'123\');');
    db.close();
    expectRefused(foreign, 'foreign', /^foreign\.mlplab is a SQLite database, but not an MLP Lab project \(its application id is not set\); open it with the program that made it$/);
    const impostor = join(dir, 'impostor.mlplab');
    const db2 = new Database(impostor);
    db2.pragma('application_id = 1296846924');
    db2.exec('CREATE TABLE meta (key TEXT, value TEXT)');
    db2.close();
    expectRefused(impostor, 'foreign', /impostor\.mlplab is a SQLite database, but not an MLP Lab project \(it has no MLP Lab marker\)/);
  });

  it('refuses a truncated file (cut in half; cut inside the header)', () => {
    const half = variant('half.mlplab', (p) => writeFileSync(p, readFileSync(p).subarray(0, Math.floor(readFileSync(p).length / 2))));
    expectRefused(half, 'truncated', /^half\.mlplab is incomplete: the file has \d+ bytes but its header says \d+; it was cut off while copying or downloading\. Copy it again, or open its recovery copy$/);
    const head = variant('head.mlplab', (p) => writeFileSync(p, readFileSync(p).subarray(0, 60)));
    expectRefused(head, 'truncated', /head\.mlplab is incomplete: 60 bytes, not even a whole database header/);
  });

  it('refuses a damaged file (garbage over the schema page; a b-tree page zeroed)', () => {
    const schema = variant('schema-garbage.mlplab', (p) => {
      const b = readFileSync(p);
      for (let i = 100; i < 600; i++) b[i] = (i * 37) & 0xff;
      writeFileSync(p, b);
    });
    expectRefused(schema, 'corrupt', /^schema-garbage\.mlplab is damaged \(.+\); restore it from a backup or open its recovery copy$/);
    const page = variant('page-zeroed.mlplab', (p) => {
      const b = readFileSync(p);
      const size = b.readUInt16BE(16);
      b.fill(0xff, size * 2, size * 3); // page 3
      writeFileSync(p, b);
    });
    expectRefused(page, 'corrupt', /page-zeroed\.mlplab is damaged/);
  });

  it('refuses a file from a newer schema, naming both versions', () => {
    const newer = variant('newer.mlplab', (p) => {
      const db = new Database(p);
      db.pragma('user_version = 7');
      db.close();
    });
    expectRefused(newer, 'newer', /^newer\.mlplab was written by MLP Lab schema 7; this app reads up to schema 1: update MLP Lab to open it$/);
  });

  it('refuses a spec with a field this MLP Lab does not know as a newer MLP Lab\'s file, naming the field; a spec with a bad value stays damaged', () => {
    const setSpec = (p: string, change: (spec: Record<string, any>) => void): void => {
      const db = new Database(p);
      const spec = JSON.parse((db.prepare('SELECT json FROM spec WHERE id = 1').get() as { json: string }).json);
      change(spec);
      db.prepare('UPDATE spec SET json = ? WHERE id = 1').run(JSON.stringify(spec));
      db.close();
    };
    const future = variant('future-field.mlplab', (p) => setSpec(p, (spec) => (spec.training.gradientClip = 1)));
    expectRefused(future, 'newer', /^future-field\.mlplab holds a spec with a field this MLP Lab does not know \(training\.gradientClip is not a field of training.*\); it was probably written by a newer MLP Lab: update MLP Lab to open it$/);
    const bad = variant('bad-value.mlplab', (p) => setSpec(p, (spec) => (spec.training.learningRate = -1)));
    expectRefused(bad, 'corrupt', /^bad-value\.mlplab is damaged \(its spec: training\.learningRate must be greater than 0/);
  });

  it('migrates an older schema in memory only: the file keeps its bytes until the project is saved', async () => {
    const old = variant('old.mlplab', (p) => {
      const db = new Database(p);
      db.exec('DROP TABLE ui_state');
      db.pragma('user_version = 0');
      db.close();
    });
    const before = sha(old);
    expect(() => readProjectFile(old)).toThrow(/old\.mlplab cannot be opened: no migration from project schema 0 to 1/);
    const migrations = [{ from: 0, description: 'add ui_state', up: (db: Database.Database) => db.exec('CREATE TABLE ui_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)') }];
    const { project, info } = readProjectFile(old, { migrations });
    expect(info).toMatchObject({ schemaVersion: 0, migratedFrom: 0 });
    expect(project.runs).toHaveLength(2);
    expect(project.ui).toEqual({});
    expect(sha(old)).toBe(before);
    await writeProjectFile(old, project); // saving writes the current schema
    expect(readProjectFile(old).info).toMatchObject({ schemaVersion: 1, migratedFrom: null });
  });

  it('catches damage inside the rows when the file opens: a category code out of range, NaN or infinite weights', () => {
    const category = variant('bad-code.mlplab', (p) => {
      const db = new Database(p);
      const { position, data } = db.prepare("SELECT position, data FROM dataset_column WHERE name = 'Region'").get() as { position: number; data: Buffer };
      const v = new Float64Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      v[3] = 17;
      db.prepare('UPDATE dataset_column SET data = ? WHERE position = ?').run(Buffer.from(v.buffer), position);
      db.close();
    });
    expectRefused(category, 'corrupt', /bad-code\.mlplab is damaged \(dataset column "Region", row 4: category code 17 is not one of its 4 categories\)/);
    for (const [name, value] of [['nan', Number.NaN], ['inf', Number.POSITIVE_INFINITY]] as const) {
      const path = variant(`${name}-weights.mlplab`, (p) => {
        const db = new Database(p);
        const w = Float64Array.of(...Array.from({ length: 25 }, () => 0.5));
        w[6] = value;
        db.prepare("UPDATE run SET final_weights = ? WHERE id = 'run-2'").run(Buffer.from(w.buffer));
        db.close();
      });
      expectRefused(path, 'corrupt', new RegExp(`damaged \\(run run-2's final weights hold ${value} at parameter 7\\)`));
    }
  });
});
