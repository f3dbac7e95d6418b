/**
 * The recent-projects list: the newest first, each once, bounded, robust to damage.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { addRecent, MAX_RECENT, readRecent, recentListPath } from '../../../src-main/storage/recent-projects';

let dir: string;
let appData: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-recent-'));
  appData = join(dir, 'app-data');
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
