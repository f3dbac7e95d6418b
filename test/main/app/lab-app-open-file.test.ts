/**
 * LabApp.openFile: how the desktop app opens a project it was handed by the system (command
 * line, double-click, its own recent menu) rather than by a dialog the renderer asked for.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpec } from '../../../shared/spec';
import { createLabApp, type LabApp } from '../../../src-main/app/lab-app';
import { DEFAULT_SPEC_JSON } from '../../../shared/starter-specs';
import { dialogFiles } from '../../../src-main/app/file-access';
import type { ProjectData } from '../../../src-main/storage/ports';
import { workerUrl } from '../../support/worker';

let app: LabApp;
let dir: string;
const read: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-open-file-'));
  app = createLabApp({
    transport: 'electron', version: 'test', appDataDir: dir,
    files: dialogFiles({ openProject: async () => null, saveProject: async () => null, openCsv: async () => null, openWeights: async () => null, saveWeights: async () => null, saveExport: async () => null }),
    workerUrl, threads: 1,
    store: {
      read: (path: string) => {
        read.push(path);
        const data: ProjectData = { spec: parseSpec(DEFAULT_SPEC_JSON), dataset: null, datasetInfo: null, runs: [], uiState: {} };
        return { data, base: null };
      },
      save: () => {
        throw new Error('not saved in this test');
      },
      write: async () => ({ spec: '', runs: new Map(), dataset: null }),
      baseOf: () => ({ spec: '', runs: new Map(), dataset: null }),
    },
    csv: null,
    log: { warn: () => {}, error: () => {} },
  });
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('LabApp.openFile', () => {
  it('the renderer cannot open a path no dialog handed out', async () => {
    const file = join(dir, 'elsewhere.mlplab');
    writeFileSync(file, '');
    const r = await app.router.call('lab:openProject', { path: file });
    expect(r).toMatchObject({ ok: false, error: { name: 'NotAvailable' } });
  });

  it('opens a file main was handed, lists it as recent, and lets the renderer reopen it later', async () => {
    const file = join(dir, 'double-clicked.mlplab');
    writeFileSync(file, '');
    const summary = await app.openFile(file);
    expect(summary).toMatchObject({ name: 'double-clicked', path: file, dirty: false });
    expect(read.at(-1)).toBe(file);
    const recent = await app.router.call('lab:listRecentProjects', {});
    expect(recent.ok && (recent.value as { path: string }[])[0]?.path).toBe(file);
    const again = await app.router.call('lab:openProject', { path: file });
    expect(again.ok).toBe(true);
  });
});
