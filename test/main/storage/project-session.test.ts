/**
 * The File menu without a window: New, Save (refused until Save As), Save As, Open, the recent
 * list, autosave to a recovery copy at most every N seconds, and finding that copy after a crash.
 * A failed import or open leaves the open project and its file exactly as they were.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { importCsv } from '../../../src-main/storage/csv-import';
import { newProject, withRun } from '../../../src-main/storage/project';
import { ProjectFileError } from '../../../src-main/storage/project-inspect';
import { ProjectSession } from '../../../src-main/storage/project-session';
import { addRecent, MAX_RECENT, readRecent, recentListPath } from '../../../src-main/storage/recent-projects';
import { findRecovery, listRecovery, recoveryPath } from '../../../src-main/storage/recovery';
import { fakeRun, germanProject, germanSpec } from '../../support/projects';

const fixtures = new URL('../../fixtures/csv/', import.meta.url).pathname;
let dir: string;
let appData: string;
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-session-'));
  appData = join(dir, 'app-data');
});

describe('project session', () => {
  it('Save needs a file first; Save As writes it, Open reads it back, and both go on the recent list', () => {
    const session = new ProjectSession(appData, germanProject(join(fixtures, 'german-spreadsheet.csv'), 1));
    expect(session.dirty).toBe(true);
    expect(() => session.save()).toThrow(/has not been saved yet: choose where to save it \(Save As\)/);
    const a = join(dir, 'a.mlplab');
    session.saveAs(a);
    expect(session).toMatchObject({ path: a, dirty: false });
    session.update((p) => withRun(p, fakeRun('run-2', p.spec)));
    expect(session.dirty).toBe(true);
    session.save();
    const other = new ProjectSession(appData, newProject(germanSpec()));
    const report = other.open(a);
    expect(report.recovery).toBeNull();
    expect(other.project.runs.map((r) => r.id)).toEqual(['run-1', 'run-2']);
    expect(other.dirty).toBe(false);
    const b = join(dir, 'b.mlplab');
    other.saveAs(b);
    expect(other.recent().map((r) => r.path)).toEqual([b, a]);
  });

  it('Open of a broken file throws and keeps the open project; a missing file leaves the recent list', () => {
    const session = new ProjectSession(appData, germanProject(join(fixtures, 'german-spreadsheet.csv'), 1));
    const a = join(dir, 'a.mlplab');
    session.saveAs(a);
    const png = join(dir, 'image.mlplab');
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    expect(() => session.open(png)).toThrow(/it is a PNG image/);
    expect(session.path).toBe(a);
    addRecent(appData, join(dir, 'gone.mlplab'));
    expect(() => session.open(join(dir, 'gone.mlplab'))).toThrow(ProjectFileError);
    expect(readRecent(appData).map((r) => r.path)).toEqual([a]);
  });

  it('a failed CSV import changes nothing: not the open project, not its file', async () => {
    const session = new ProjectSession(appData, germanProject(join(fixtures, 'german-spreadsheet.csv'), 1));
    const a = join(dir, 'a.mlplab');
    session.saveAs(a);
    const before = { project: session.project, hash: sha(a) };
    await expect(
      (async () => {
        const table = await importCsv(join(fixtures, 'ragged.csv'));
        session.update((p) => ({ ...p, dataset: { ...table, importedAt: '', settings: {} } }));
      })(),
    ).rejects.toThrow(/ragged\.csv line 6: row has 5 fields, the header has 6/);
    expect(session.project).toBe(before.project);
    expect(session.dirty).toBe(false);
    expect(sha(a)).toBe(before.hash);
  });

  it('autosaves a recovery copy at most every N seconds, only with unsaved changes; saving removes it', () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const session = new ProjectSession(appData, germanProject(join(fixtures, 'german-spreadsheet.csv'), 0), { intervalSeconds: 60, now: () => now });
    expect(session.autosave()).toBe(true); // untitled, unsaved
    expect(listRecovery(appData)).toHaveLength(1);
    expect(listRecovery(appData)[0].source).toBeNull();
    now += 30_000;
    expect(session.autosave()).toBe(false); // within the minute
    now += 31_000;
    expect(session.autosave()).toBe(true);
    const a = join(dir, 'a.mlplab');
    session.saveAs(a);
    expect(listRecovery(appData)).toEqual([]); // the untitled copy went with Save As
    expect(session.autosave()).toBe(false); // nothing unsaved
    session.update((p) => withRun(p, fakeRun('late', p.spec)));
    expect(session.autosave()).toBe(true);
    expect(existsSync(recoveryPath(appData, { path: a }))).toBe(true);
    session.save();
    expect(existsSync(recoveryPath(appData, { path: a }))).toBe(false);
  });

  it('after a crash, opening the project reports the newer recovery copy, which restores the unsaved work', () => {
    const a = join(dir, 'a.mlplab');
    const crashed = new ProjectSession(appData, germanProject(join(fixtures, 'german-spreadsheet.csv'), 1));
    crashed.saveAs(a);
    utimesSync(a, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000)); // saved two minutes ago
    crashed.update((p) => withRun(p, fakeRun('unsaved', p.spec)));
    expect(crashed.autosave()).toBe(true);
    // ... the app dies here, without saving or closing.

    const next = new ProjectSession(appData, newProject(germanSpec()));
    const report = next.open(a);
    expect(report.recovery).not.toBeNull();
    expect(report.recovery!.source).toBe(a);
    expect(next.project.runs.map((r) => r.id)).toEqual(['run-1']);
    next.restore(report.recovery!);
    expect(next.project.runs.map((r) => r.id)).toEqual(['run-1', 'unsaved']);
    expect(next.dirty).toBe(true);
    next.save();
    expect(findRecovery(appData, a)).toBeNull();
  });
});

describe('recent projects', () => {
  it('keeps the newest MAX_RECENT, each once, and treats a damaged list as empty', () => {
    for (let i = 0; i < MAX_RECENT + 3; i++) addRecent(appData, join(dir, `p${i}.mlplab`), new Date(2026, 0, 1, 0, i));
    addRecent(appData, join(dir, 'p5.mlplab'));
    const list = readRecent(appData);
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0].path).toBe(join(dir, 'p5.mlplab'));
    expect(list.filter((p) => p.path.endsWith('p5.mlplab'))).toHaveLength(1);
    expect(list.some((p) => p.path.endsWith('p0.mlplab'))).toBe(false);
    expect(readRecent(appData, true)).toEqual([]); // none of these files exist
    writeFileSync(recentListPath(appData), '{ not json');
    expect(readRecent(appData)).toEqual([]);
    expect(addRecent(appData, join(dir, 'x.mlplab'))).toHaveLength(1);
  });
});
