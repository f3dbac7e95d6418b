/**
 * The recent-projects list: `<appData>/recent-projects.json`, most recent first, at most
 * MAX_RECENT entries. The app-data folder is a parameter (Electron's `app.getPath('userData')`
 * in the app, a temp folder in tests). A damaged list is treated as empty, never as an error:
 * it is a convenience, and the next update rewrites it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** One remembered project. */
export interface RecentProject {
  /** Absolute path. */
  path: string;
  /** ISO 8601 time it was last opened or saved. */
  openedAt: string;
}

/** Entries kept. */
export const MAX_RECENT = 10;

interface RecentFile {
  format: 'mlp-lab-recent';
  version: 1;
  projects: RecentProject[];
}

/** Where the list lives. */
export function recentListPath(appData: string): string {
  return join(appData, 'recent-projects.json');
}

/** The list, most recent first; `existing`: only files that are still there. */
export function readRecent(appData: string, existing = false): RecentProject[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(recentListPath(appData), 'utf8'));
  } catch {
    return [];
  }
  const file = parsed as Partial<RecentFile>;
  if (file?.format !== 'mlp-lab-recent' || !Array.isArray(file.projects)) return [];
  const list = file.projects.filter((p): p is RecentProject => typeof p?.path === 'string' && typeof p?.openedAt === 'string');
  return existing ? list.filter((p) => existsSync(p.path)) : list;
}

function writeRecent(appData: string, projects: RecentProject[]): void {
  mkdirSync(appData, { recursive: true });
  const path = recentListPath(appData);
  const tmp = `${path}.${process.pid}.tmp`;
  const file: RecentFile = { format: 'mlp-lab-recent', version: 1, projects };
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Puts `path` first (once), trimming the list to MAX_RECENT; returns the new list. */
export function addRecent(appData: string, path: string, now = new Date()): RecentProject[] {
  const abs = resolve(path);
  const list = [{ path: abs, openedAt: now.toISOString() }, ...readRecent(appData).filter((p) => p.path !== abs)].slice(0, MAX_RECENT);
  writeRecent(appData, list);
  return list;
}

/** Removes `path` (a file that could not be opened, or "remove from list"); returns the new list. */
export function removeRecent(appData: string, path: string): RecentProject[] {
  const abs = resolve(path);
  const list = readRecent(appData).filter((p) => p.path !== abs);
  writeRecent(appData, list);
  return list;
}
