/**
 * Browser mode's workspace is a wall, not a prefix: through the router of a browser-host app on
 * real storage, every call that reads a file the page names (CSV preview and import, open project,
 * import weights) or writes one (save as, export weights) is refused, with a message, when the
 * path really leads outside the workspace folder: by `..`, an absolute path, a symbolic link to a
 * file outside, a link to a folder outside, or a link to nothing outside. The files outside stay
 * byte for byte as they were and nothing new appears there. Negative controls: the same calls on
 * real files inside, and through links that stay inside, succeed. Listing the folder skips what it
 * cannot list, and names no file can have leave nothing behind. Files the app already holds are
 * checked again: the open project's file before each save, an upload (opened untitled, its
 * scratch copy removed), the recent list and autosaved copies (another workspace's stay hidden).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectSummary, RunSummary } from '../../../shared/ipc';
import { workspaceFiles } from '../../../src-main/app/file-access';
import { createLabApp, type LabApp } from '../../../src-main/app/lab-app';
import { createAppStorage } from '../../../src-main/storage/app-storage';
import { workerUrl } from '../../support/worker';

const CSV = 'x,y\n0,0\n1,1\n2,0\n3,1\n4,0\n5,1\n';
let base: string;
let ws: string;
let outside: string;
let app: LabApp;
/** Every file outside the workspace, with its bytes, before the refused calls. */
let before: Map<string, string>;

async function call<T>(name: string, payload: unknown = {}): Promise<T> {
  const r = await app.router.call(name, payload);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as T;
}

/** The error a call answers with (fails the test if it succeeds). */
async function refusal(name: string, payload: unknown): Promise<{ name: string; message: string }> {
  const r = await app.router.call(name, payload);
  if (r.ok) throw new Error(`${name} ${JSON.stringify(payload)} was not refused`);
  return r.error;
}

function snapshot(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'latin1')]));
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'mlp-wall-')));
  ws = join(base, 'ws');
  outside = join(base, 'outside');
  mkdirSync(ws);
  mkdirSync(outside);
  const data = join(base, 'data');
  mkdirSync(data);
  app = createLabApp({
    transport: 'browser', version: 'test', files: workspaceFiles(ws), appDataDir: data, workerUrl, threads: 1,
    log: { warn: () => {}, error: () => {} }, ...createAppStorage(data),
  });
  // A real project and weights file, made inside and then moved out, so that reading them would succeed.
  await call('lab:saveProjectAs', { path: 'p.mlplab' });
  renameSync(join(ws, 'p.mlplab'), join(outside, 'p.mlplab'));
  const run = await call<RunSummary>('lab:startRun', { paused: true });
  const { weights } = await call<{ weights: unknown }>('lab:exportWeights', { runId: run.id, download: true });
  writeFileSync(join(outside, 'w.json'), JSON.stringify(weights));
  await call('lab:newProject', {});
  writeFileSync(join(outside, 'secret.csv'), CSV);
  writeFileSync(join(outside, 'victim.json'), 'keep me\n');
  writeFileSync(join(outside, 'victim.mlplab'), 'keep me too\n');
  for (const f of ['secret.csv', 'p.mlplab', 'w.json', 'victim.json', 'victim.mlplab']) symlinkSync(join(outside, f), join(ws, f));
  symlinkSync(outside, join(ws, 'out'));
  symlinkSync(join(outside, 'created.json'), join(ws, 'dangling.json'));
  symlinkSync(join(outside, 'created.mlplab'), join(ws, 'dangling.mlplab'));
  // Inside, for the negative controls: a real file, a folder, a link that stays inside.
  writeFileSync(join(ws, 'data.csv'), CSV);
  writeFileSync(join(ws, '..notes.csv'), CSV);
  mkdirSync(join(ws, 'sub'));
  symlinkSync(join(ws, 'data.csv'), join(ws, 'sub', 'alias.csv'));
  before = snapshot(outside);
});

afterAll(async () => {
  await app.close();
  rmSync(base, { recursive: true, force: true });
});

describe('browser mode: reading through the workspace wall', () => {
  const reads: [string, string][] = [
    ['a link to a file outside', 'secret.csv'],
    ['a link to a folder outside', 'out/secret.csv'],
    ['..', '../outside/secret.csv'],
    ['an absolute path', '/etc/passwd'],
  ];
  it.each(reads)('CSV preview and import refuse %s', async (_what, path) => {
    for (const [name, payload] of [
      ['lab:previewCsv', { file: { path } }],
      ['lab:importCsv', { file: { path }, inputs: ['x'], targets: ['y'] }],
    ] as const) {
      const e = await refusal(name, payload);
      expect(e.name).toBe('NotAvailable');
      expect(e.message).toMatch(/is outside the workspace folder/);
    }
  });

  it('open project and import weights refuse links to files and folders outside', async () => {
    for (const path of ['p.mlplab', 'out/p.mlplab', join(outside, 'p.mlplab')]) {
      expect(await refusal('lab:openProject', { path })).toMatchObject({ name: 'NotAvailable', message: expect.stringMatching(/outside the workspace folder/) });
    }
    for (const path of ['w.json', 'out/w.json']) {
      expect(await refusal('lab:importWeights', { path })).toMatchObject({ name: 'NotAvailable', message: expect.stringMatching(/outside the workspace folder/) });
    }
    expect((await call<ProjectSummary>('lab:getProject')).path).toBeNull();
  });

  it('reads real files inside, through links that stay inside, and names that start with ".."', async () => {
    for (const path of ['data.csv', 'sub/alias.csv', '..notes.csv', join(ws, 'data.csv')]) {
      const preview = await call<{ columns: { name: string }[] }>('lab:previewCsv', { file: { path } });
      expect(preview.columns.map((c) => c.name)).toEqual(['x', 'y']);
    }
    const missing = await refusal('lab:previewCsv', { file: { path: 'nothing.csv' } });
    expect(missing).toMatchObject({ name: 'NotAvailable', message: 'nothing.csv does not exist' });
    expect(await refusal('lab:previewCsv', { file: { path: 'sub' } })).toMatchObject({ name: 'NotAvailable', message: 'sub is not a file' });
  });
});

describe('browser mode: writing through the workspace wall', () => {
  it('save as and export weights refuse links to files outside, folders outside and links to nothing', async () => {
    const run = await call<RunSummary>('lab:startRun', { paused: true });
    for (const path of ['victim.mlplab', 'out/new.mlplab', 'out/victim', 'dangling.mlplab', '../outside/new.mlplab']) {
      const e = await refusal('lab:saveProjectAs', { path });
      expect(e.name).toBe('NotAvailable');
      expect(e.message).toMatch(/outside the workspace folder|a link to a file that does not exist/);
    }
    for (const path of ['victim.json', 'out/new.json', 'dangling.json', join(outside, 'new.json')]) {
      const e = await refusal('lab:exportWeights', { runId: run.id, path });
      expect(e.name).toBe('NotAvailable');
      expect(e.message).toMatch(/outside the workspace folder|a link to a file that does not exist/);
    }
    expect(snapshot(outside)).toEqual(before);
  });

  it('saves and exports to real names and folders inside (the negative control)', async () => {
    const saved = await call<{ project: ProjectSummary }>('lab:saveProjectAs', { path: 'mine' });
    expect(saved.project.path).toBe(join(ws, 'mine.mlplab'));
    const run = await call<RunSummary>('lab:startRun', { paused: true });
    const out = await call<{ path: string }>('lab:exportWeights', { runId: run.id, path: 'sub/w' });
    expect(out.path).toBe(join(ws, 'sub', 'w.json'));
    expect(JSON.parse(readFileSync(out.path, 'utf8'))).toHaveProperty('format');
    expect((await call<ProjectSummary>('lab:openProject', { path: 'mine.mlplab' })).path).toBe(join(ws, 'mine.mlplab'));
    expect(snapshot(outside)).toEqual(before);
  });

  it('refuses names with NUL and names too long, leaving no stray file', async () => {
    const names = readdirSync(ws);
    const nul = await refusal('lab:saveProjectAs', { path: 'stray\0.mlplab' });
    expect(nul).toMatchObject({ name: 'NotAvailable', message: 'a file name cannot contain a NUL character' });
    const long = await refusal('lab:saveProjectAs', { path: 'a'.repeat(300) });
    expect(long).toMatchObject({ name: 'NotAvailable', message: expect.stringMatching(/too long/) });
    const run = await call<RunSummary>('lab:startRun', { paused: true });
    expect(await refusal('lab:exportWeights', { runId: run.id, path: 'w\0.json' })).toMatchObject({ name: 'NotAvailable' });
    expect(await refusal('lab:previewCsv', { file: { path: 'data\0.csv' } })).toMatchObject({ name: 'NotAvailable' });
    expect(readdirSync(ws).sort()).toEqual(names.sort());
    expect(existsSync(join(ws, 'stray'))).toBe(false);
  });
});

describe('browser mode: listing the workspace', () => {
  it('lists the project, CSV and weights files inside, skipping what cannot be listed or leads outside', async () => {
    const dir = join(base, 'listing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.csv'), CSV);
    writeFileSync(join(dir, 'b.mlplab'), 'x');
    writeFileSync(join(dir, 'readme.txt'), 'x');
    symlinkSync(join(dir, 'a.csv'), join(dir, 'c.csv'));
    symlinkSync(join(dir, 'gone.csv'), join(dir, 'dangling.csv'));
    symlinkSync(join(dir, 'loop2.csv'), join(dir, 'loop1.csv'));
    symlinkSync(join(dir, 'loop1.csv'), join(dir, 'loop2.csv'));
    symlinkSync(join(outside, 'secret.csv'), join(dir, 'secret.csv'));
    mkdirSync(join(dir, 'folder.csv'));
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    // Not UTF-8: the page could never name it back.
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0x66, 0xff, 0x2e, 0x63, 0x73, 0x76])]), CSV);
    const files = workspaceFiles(dir);
    try {
      expect(files.list().map((f) => f.name)).toEqual(['a.csv', 'b.mlplab', 'c.csv']);
      expect(files.list()[0]).toMatchObject({ size: CSV.length, modified: expect.stringMatching(/^\d{4}-/) });
      // A FIFO is not a file to read (reading it would wait forever).
      await expect(files.open('csv', { path: 'pipe.csv' })).rejects.toThrow('pipe.csv is not a file');
      await expect(files.open('csv', { path: 'loop1.csv' })).rejects.toThrow(/loop of symbolic links/);
    } finally {
      files.close();
    }
  });

  it('the app lists the workspace through the same wall', async () => {
    const names = (await call<{ name: string }[]>('lab:listWorkspace')).map((f) => f.name);
    expect(names).toContain('data.csv');
    expect(names).toContain('mine.mlplab');
    for (const n of ['secret.csv', 'p.mlplab', 'w.json', 'victim.json', 'dangling.json']) expect(names).not.toContain(n);
  });
});

describe('browser mode: files the app already holds', () => {
  it('saving the open project checks its file again: a folder or the file swapped for a link out since it was opened is refused, not written through', async () => {
    mkdirSync(join(ws, 'held'));
    await call('lab:saveProjectAs', { path: 'held/h' });
    const spec = (await call<ProjectSummary>('lab:getProject')).spec;
    // Someone with access to the folder swaps it for a link to a folder outside holding a file of that name.
    writeFileSync(join(outside, 'h.mlplab'), 'not to be touched\n');
    renameSync(join(ws, 'held'), join(ws, 'held.old'));
    symlinkSync(outside, join(ws, 'held'));
    await call('lab:updateSpec', { spec: { ...spec, seed: 777 } });
    const e = await refusal('lab:saveProject', { specConflict: 'mine' });
    expect(e).toMatchObject({ name: 'NotAvailable', message: expect.stringMatching(/outside the workspace folder/) });
    expect(readFileSync(join(outside, 'h.mlplab'), 'utf8')).toBe('not to be touched\n');
    // The negative control: with the folder back, the same save goes through.
    rmSync(join(ws, 'held'));
    renameSync(join(ws, 'held.old'), join(ws, 'held'));
    expect((await call<ProjectSummary>('lab:saveProject', {})).path).toBe(join(ws, 'held', 'h.mlplab'));
    // The file itself swapped for a link to a file outside.
    renameSync(join(ws, 'held', 'h.mlplab'), join(ws, 'held', 'h.old'));
    symlinkSync(join(outside, 'h.mlplab'), join(ws, 'held', 'h.mlplab'));
    await call('lab:updateSpec', { spec: { ...spec, seed: 778 } });
    expect(await refusal('lab:saveProject', {})).toMatchObject({ name: 'NotAvailable' });
    expect(readFileSync(join(outside, 'h.mlplab'), 'utf8')).toBe('not to be touched\n');
    rmSync(join(outside, 'h.mlplab'));
    before = snapshot(outside);
  });

  it('an uploaded project opens untitled under its file\'s name: Save asks for a place instead of writing the scratch copy', async () => {
    await call('lab:saveProjectAs', { path: 'up-src' });
    const bytes = new Uint8Array(readFileSync(join(ws, 'up-src.mlplab')));
    const opened = await call<ProjectSummary>('lab:openProject', { bytes, name: 'from-my-laptop.mlplab' });
    expect(opened).toMatchObject({ path: null, name: 'from-my-laptop' });
    expect(await refusal('lab:saveProject', {})).toMatchObject({ name: 'NotAvailable', message: expect.stringMatching(/not been saved yet: use Save As/) });
    const saved = await call<{ project: ProjectSummary }>('lab:saveProjectAs', { path: 'from-my-laptop' });
    expect(saved.project.path).toBe(join(ws, 'from-my-laptop.mlplab'));
  });

  it('uploads and downloads leave no scratch copy behind; discard leaves any other file alone', async () => {
    const files = workspaceFiles(ws);
    try {
      const up = await files.open('csv', { bytes: new TextEncoder().encode(CSV), name: 'u.csv' });
      const down = files.scratchFile('download.mlplab');
      writeFileSync(down, 'x');
      expect(existsSync(up) && existsSync(down)).toBe(true);
      files.discard(up);
      files.discard(down);
      expect(existsSync(up) || existsSync(down)).toBe(false);
      files.discard(join(ws, 'data.csv'));
      expect(existsSync(join(ws, 'data.csv'))).toBe(true);
    } finally {
      files.close();
    }
  });

  it('the recent list and autosaved copies of another workspace (same user data) are neither shown nor opened', async () => {
    const wsB = join(base, 'wsB');
    mkdirSync(wsB);
    const data = join(base, 'data');
    const other = createLabApp({
      transport: 'browser', version: 'test', files: workspaceFiles(wsB), appDataDir: data, workerUrl, threads: 1, autosaveSeconds: 0.05,
      log: { warn: () => {}, error: () => {} }, ...createAppStorage(data),
    });
    try {
      const callB = async <T>(name: string, payload: unknown = {}): Promise<T> => {
        const r = await other.router.call(name, payload);
        if (!r.ok) throw new Error(r.error.message);
        return r.value as T;
      };
      await callB('lab:saveProjectAs', { path: 'private-client' });
      const spec = (await callB<ProjectSummary>('lab:getProject')).spec;
      await callB('lab:updateSpec', { spec: { ...spec, seed: 4242 } });
      const source = join(wsB, 'private-client.mlplab');
      const deadline = Date.now() + 5000;
      let copies: { path: string }[] = [];
      while (copies.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        copies = createAppStorage(data).recovery.list().filter((c) => c.source === source);
      }
      expect(copies).toHaveLength(1);
      // The negative control: the workspace the files are in sees them (once another project is open).
      await callB('lab:newProject', {});
      expect((await callB<{ path: string }[]>('lab:listRecovery', {})).map((c) => c.path)).toContain(copies[0].path);
      expect((await callB<{ path: string }[]>('lab:listRecentProjects')).map((r) => r.path)).toContain(join(wsB, 'private-client.mlplab'));
      // This workspace does not.
      expect((await call<{ path: string }[]>('lab:listRecentProjects')).map((r) => r.path)).not.toContain(join(wsB, 'private-client.mlplab'));
      expect((await call<{ name: string }[]>('lab:listRecovery')).map((c) => c.name)).not.toContain('private-client');
      expect(await refusal('lab:openRecovery', { path: copies[0].path })).toMatchObject({ name: 'NotAvailable' });
    } finally {
      await other.close();
    }
  });

  it('a file inside that is a hard link to one outside is not written over; one name alone is (the control)', async () => {
    writeFileSync(join(outside, 'shared.json'), 'outside\n');
    linkSync(join(outside, 'shared.json'), join(ws, 'shared.json'));
    const run = await call<RunSummary>('lab:startRun', { paused: true });
    expect(await refusal('lab:exportWeights', { runId: run.id, path: 'shared.json' })).toMatchObject({ name: 'NotAvailable', message: expect.stringMatching(/hard links/) });
    writeFileSync(join(outside, 'shared.mlplab'), 'outside\n');
    linkSync(join(outside, 'shared.mlplab'), join(ws, 'shared.mlplab'));
    expect(await refusal('lab:saveProjectAs', { path: 'shared.mlplab' })).toMatchObject({ name: 'NotAvailable', message: expect.stringMatching(/hard links/) });
    expect(readFileSync(join(outside, 'shared.json'), 'utf8')).toBe('outside\n');
    expect(readFileSync(join(outside, 'shared.mlplab'), 'utf8')).toBe('outside\n');
    rmSync(join(outside, 'shared.json'));
    rmSync(join(outside, 'shared.mlplab'));
    expect((await call<{ path: string }>('lab:exportWeights', { runId: run.id, path: 'shared.json' })).path).toBe(join(ws, 'shared.json'));
  });

  it('a path spelled outside is refused before the disk is asked: the answer is the same whether it exists or not', async () => {
    writeFileSync(join(outside, 'plan.txt'), 'secret\n');
    const a = await refusal('lab:previewCsv', { file: { path: join(outside, 'plan.txt', 'x') } });
    const b = await refusal('lab:previewCsv', { file: { path: join(outside, 'no-such.txt', 'x') } });
    expect(a.message.replace('plan.txt', 'X')).toBe(b.message.replace('no-such.txt', 'X'));
    expect(a.message).toMatch(/is outside the workspace folder/);
    rmSync(join(outside, 'plan.txt'));
  });
});
