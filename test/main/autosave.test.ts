/**
 * Autosave and recovery through the app's calls, on real project files: unsaved changes get a
 * recovery copy, the copy restores them after a "crash" (a new app on the same data folder), and
 * a real save removes it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspaceFiles } from '../../src-main/app/file-access';
import { createAppStorage } from '../../src-main/storage/app-storage';
import { createLabApp, type LabApp } from '../../src-main/app/lab-app';
import { workerUrl } from '../support/worker';


function app(dir: string, workspace: string): LabApp {
  return createLabApp({
    transport: 'browser', version: 'test', files: workspaceFiles(workspace), appDataDir: dir, workerUrl, threads: 1,
    autosaveSeconds: 0.05, log: { warn: () => {}, error: () => {} }, ...createAppStorage(dir),
  });
}

async function call<T = any>(a: LabApp, name: string, payload: unknown = {}): Promise<T> {
  const r = await a.router.call(name, payload);
  if (!r.ok) throw new Error(`${r.error.name}: ${r.error.message}`);
  return r.value as T;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('autosave and recovery', () => {
  it('keeps unsaved changes in a recovery copy that a new session restores; saving removes it', async () => {
    const data = mkdtempSync(join(tmpdir(), 'mlp-data-'));
    const ws = mkdtempSync(join(tmpdir(), 'mlp-ws-'));
    const first = app(data, ws);
    await call(first, 'lab:saveProjectAs', { path: 'lab.mlplab' });
    const spec = (await call(first, 'lab:getProject')).spec;
    await call(first, 'lab:updateSpec', { spec: { ...spec, seed: 42 } });
    await sleep(200);
    // "Crash": the first app is abandoned without saving; a new one starts on the same folders.
    await first.close();
    const second = app(data, ws);
    const copies = await call(second, 'lab:listRecovery');
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ name: 'lab', source: join(ws, 'lab.mlplab') });
    const restored = await call(second, 'lab:openRecovery', { path: copies[0].path });
    expect(restored.spec.seed).toBe(42);
    expect(restored.dirty).toBe(true);
    expect(restored.path).toBe(join(ws, 'lab.mlplab'));
    await call(second, 'lab:saveProject');
    expect(await call(second, 'lab:listRecovery')).toHaveLength(0);
    // The saved file now holds the recovered change.
    const reopened = await call(second, 'lab:openProject', { path: 'lab.mlplab' });
    expect(reopened.spec.seed).toBe(42);
    await second.close();
  });

  it('negative control: a project without unsaved changes leaves no copy', async () => {
    const data = mkdtempSync(join(tmpdir(), 'mlp-data-'));
    const ws = mkdtempSync(join(tmpdir(), 'mlp-ws-'));
    const a = app(data, ws);
    await call(a, 'lab:saveProjectAs', { path: 'clean.mlplab' });
    await sleep(200);
    expect(await call(a, 'lab:listRecovery')).toHaveLength(0);
    await a.close();
  });

  it('refuses to open a path that is not one of the recovery copies', async () => {
    const data = mkdtempSync(join(tmpdir(), 'mlp-data-'));
    const a = app(data, mkdtempSync(join(tmpdir(), 'mlp-ws-')));
    const r = await a.router.call('lab:openRecovery', { path: '/etc/passwd' });
    expect(r).toMatchObject({ ok: false, error: { name: 'NotAvailable' } });
    await a.close();
  });
});
