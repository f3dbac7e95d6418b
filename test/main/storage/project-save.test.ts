/**
 * Saving as SQLite means it: a save is a transaction on the project file itself, so it honours
 * another program's lock, keeps what others committed (runs from a second writer land), rolls
 * back a hot journal a dead writer left, keeps the file's mode and symlinks, never loses the old
 * file when the disk fills, and does not overwrite a spec someone else changed without asking.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { readProjectFile } from '../../../src-main/storage/project-file';
import { appendRuns, saveProjectFile, SpecConflict, writeProjectFile } from '../../../src-main/storage/project-save';
import { newRunId } from '../../../src-main/training/training-service';
import { fakeRun, germanProject, germanSpec } from '../../support/projects';

const fixture = new URL('../../fixtures/csv/german-spreadsheet.csv', import.meta.url).pathname;
let dir: string;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-save-'));
});

/** A project file with `runs` runs, read back as the app would hold it. */
async function opened(name = 'lab.mlplab', runs = 1) {
  const path = join(dir, name);
  await writeProjectFile(path, germanProject(fixture, runs));
  return { path, ...readProjectFile(path) };
}

describe('saving into the project file', () => {
  it('keeps the runs another writer added since the project was read, and hands them back', async () => {
    const { path, project, base } = await opened();
    appendRuns(path, [fakeRun('from-cli', project.spec)]);
    const mine = { ...project, runs: [...project.runs, fakeRun('from-app', project.spec)] };
    const saved = saveProjectFile(path, mine, base);
    expect(saved.added.map((r) => r.id)).toEqual(['from-cli']);
    expect(readProjectFile(path).project.runs.map((r) => r.id).sort()).toEqual(['from-app', 'from-cli', 'run-1']);
    // The app adopts the CLI's run; the next save deletes only what the app deleted.
    const next = { ...mine, runs: [...mine.runs.filter((r) => r.id !== 'run-1'), ...saved.added] };
    const again = saveProjectFile(path, next, saved.base);
    expect(readProjectFile(path).project.runs.map((r) => r.id).sort()).toEqual(['from-app', 'from-cli']);
    // Once adopted, the CLI's run is the project's: deleting it deletes it from the file.
    saveProjectFile(path, { ...next, runs: next.runs.filter((r) => r.id !== 'from-cli') }, again.base);
    expect(readProjectFile(path).project.runs.map((r) => r.id)).toEqual(['from-app']);
  });

  it('two mlp-lab train --save at the same time: both runs land', async () => {
    const { path } = await opened('cli.mlplab', 0);
    const script = (id: string) => `
      import { appendRuns } from ${JSON.stringify(new URL('../../../src-main/storage/project-save.ts', import.meta.url).pathname)};
      import { fakeRun, germanSpec } from ${JSON.stringify(new URL('../../support/projects.ts', import.meta.url).pathname)};
      for (let k = 0; k < 20; k++) appendRuns(${JSON.stringify(path)}, [fakeRun('${id}-' + k, germanSpec())]);`;
    const files = ['a', 'b'].map((id) => {
      const f = join(dir, `append-${id}.mts`);
      writeFileSync(f, script(id));
      return f;
    });
    const { spawn } = await import('node:child_process');
    await Promise.all(files.map((f) => new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', f], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(err))));
    })));
    const ids = readProjectFile(path).project.runs.map((r) => r.id);
    expect(ids).toHaveLength(40);
    for (const id of ['a', 'b']) for (let k = 0; k < 20; k++) expect(ids).toContain(`${id}-${k}`);
  }, 60_000);

  it('waits for another program\'s lock, then fails saying so, with nothing lost; once the lock is gone its change is kept', async () => {
    const { path, project, base } = await opened();
    const other = new Database(path, { timeout: 5000 });
    other.prepare('BEGIN IMMEDIATE').run();
    other.prepare("INSERT INTO ui_state (key, value) VALUES ('theirs', '1')").run();
    const before = sha(path);
    const t0 = Date.now();
    expect(() => saveProjectFile(path, project, base, { busyTimeoutMs: 300 })).toThrow(/held it locked for 0\.3 s; nothing was lost/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(sha(path)).toBe(before);
    other.prepare('COMMIT').run();
    appendRuns(path, [fakeRun('committed-meanwhile', project.spec)]);
    other.close();
    saveProjectFile(path, project, base);
    expect(readProjectFile(path).project.runs.map((r) => r.id)).toContain('committed-meanwhile');
  });

  it('reads through a hot journal a killed writer left: the half-written save is rolled back, never taken for the project', async () => {
    const { path, project } = await opened();
    // A writer that dies inside its transaction, with more changed pages than its cache holds:
    // SQLite has already written some of them into the file, the originals into the journal.
    const sqlite = new URL('../../../node_modules/better-sqlite3/lib/index.js', import.meta.url).pathname;
    const script = `
      const Database = require(${JSON.stringify(sqlite)});
      const db = new Database(${JSON.stringify(path)});
      db.pragma('cache_size = 2');
      db.prepare('BEGIN IMMEDIATE').run();
      const big = Buffer.alloc(400000, 7);
      db.prepare('UPDATE dataset_column SET data = ?').run(big);
      db.prepare("UPDATE spec SET json = '{\\"broken\\": true}'").run();
      process.kill(process.pid, 'SIGKILL');`;
    try {
      execFileSync(process.execPath, ['-e', script], { stdio: 'ignore' });
    } catch {
      // killed, as intended
    }
    expect(existsSync(`${path}-journal`)).toBe(true);
    const back = readProjectFile(path);
    expect(back.project.spec).toEqual(project.spec);
    expect(back.project.dataset!.data.map((c) => Array.from(c))).toEqual(project.dataset!.data.map((c) => Array.from(c)));
    expect(existsSync(`${path}-journal`)).toBe(false);
    // Saving afterwards works on the repaired file, and it stays whole.
    saveProjectFile(path, { ...back.project, ui: { after: true } }, back.base);
    expect(readProjectFile(path).project.ui).toEqual({ after: true });
  });

  it('keeps the file\'s permissions and a symbolic link through Save and Save As', async () => {
    const real = join(dir, 'real.mlplab');
    await writeProjectFile(real, germanProject(fixture, 1));
    chmodSync(real, 0o600);
    const link = join(dir, 'link.mlplab');
    symlinkSync(real, link);
    const { project, base } = readProjectFile(link);
    saveProjectFile(link, { ...project, ui: { saved: 1 } }, base);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(real).mode & 0o777).toBe(0o600);
    await writeProjectFile(link, { ...project, ui: { saved: 2 } });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(real).mode & 0o777).toBe(0o600);
    expect(realpathSync(link)).toBe(realpathSync(real));
    expect(readProjectFile(real).project.ui).toEqual({ saved: 2 });
  });

  it('a save that runs out of room leaves the old file as it was and nothing beside it', async () => {
    const { path, project, base } = await opened();
    const before = sha(path);
    const siblings = readdirSync(dir).sort();
    const bigger = { ...project, runs: Array.from({ length: 40 }, (_, i) => fakeRun(`r${i}`, project.spec, 40, 4000)) };
    expect(() => saveProjectFile(path, bigger, base, { maxPages: 40 })).toThrow(/cannot save .*lab\.mlplab: the disk is full; the file on disk is unchanged/);
    expect(sha(path)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(siblings);
  });

  it('does not overwrite a spec someone else changed without asking; the caller chooses whose to keep', async () => {
    const { path, project, base } = await opened();
    const theirs = { ...project.spec, seed: 77 };
    const other = readProjectFile(path);
    saveProjectFile(path, { ...other.project, spec: theirs }, other.base);
    const mine = { ...project, spec: { ...project.spec, seed: 5 }, ui: { mine: true } };
    expect(() => saveProjectFile(path, mine, base)).toThrow(SpecConflict);
    expect(readProjectFile(path).project.spec.seed).toBe(77);
    const kept = saveProjectFile(path, mine, base, { specConflict: 'theirs' });
    expect(kept.theirSpec!.seed).toBe(77);
    expect(readProjectFile(path).project).toMatchObject({ spec: { seed: 77 }, ui: { mine: true } });
    const overwritten = saveProjectFile(path, mine, base, { specConflict: 'mine' });
    expect(overwritten.theirSpec).toBeNull();
    expect(readProjectFile(path).project.spec.seed).toBe(5);
  });

  it('taking a spec this version cannot read (a newer MLP Lab\'s) writes nothing and says what to do; keeping mine still saves', async () => {
    const { path, project, base } = await opened();
    // Another program writes a setup with a field this version does not know.
    const other = new Database(path);
    other.prepare('UPDATE spec SET json = ? WHERE id = 1').run(JSON.stringify({ ...project.spec, seed: 77, fromTheFuture: true }));
    other.close();
    const before = sha(path);
    const mine = { ...project, spec: { ...project.spec, seed: 5 }, ui: { mine: true } };
    expect(() => saveProjectFile(path, mine, base, { specConflict: 'theirs' })).toThrow(/cannot take the lab setup \(spec\) of lab\.mlplab: this MLP Lab cannot read it \(.*fromTheFuture.*\); nothing was saved\. Save yours over it, or use Save As/);
    expect(sha(path)).toBe(before);
    // The control: keeping mine over it saves, and the file reads again.
    expect(saveProjectFile(path, mine, base, { specConflict: 'mine' }).theirSpec).toBeNull();
    expect(readProjectFile(path).project).toMatchObject({ spec: { seed: 5 }, ui: { mine: true } });
  });

  it('the CLI\'s appended runs leave the spec alone', async () => {
    const { path, project } = await opened();
    const appSpec = { ...project.spec, seed: 99 };
    const app = readProjectFile(path);
    saveProjectFile(path, { ...app.project, spec: appSpec }, app.base);
    appendRuns(path, [fakeRun('cli', germanSpec())]);
    expect(readProjectFile(path).project.spec.seed).toBe(99);
  });

  it('run ids from two writers do not collide, even in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => newRunId()));
    expect(ids.size).toBe(20_000);
    for (const id of ids) expect(id).toMatch(/^run-[0-9a-z]+-[0-9a-f]{12}$/);
    // Negative control: the old scheme (time and a per-process counter) gives two writers the same id.
    const oldId = (counter: number, now: number) => `run-${now.toString(36)}-${counter.toString(36)}`;
    expect(oldId(1, 1_700_000_000_000)).toBe(oldId(1, 1_700_000_000_000));
  });

  it('Save As never overwrites a file that is not an MLP Lab project', async () => {
    const notes = join(dir, 'notes.mlplab');
    writeFileSync(notes, 'my notes, not a project');
    await expect(writeProjectFile(notes, germanProject(fixture, 0))).rejects.toThrow(/a file that is not an MLP Lab project is already there; choose another name/);
    expect(readFileSync(notes, 'utf8')).toBe('my notes, not a project');
  });
});
