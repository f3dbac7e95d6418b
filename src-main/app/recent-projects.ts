/**
 * Recently opened projects, kept as a small JSON file in the app's data folder. A file that is
 * missing or unreadable counts as an empty list (it is only a convenience); entries whose project
 * file no longer exists are dropped when listed.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import type { RecentProject } from '../../shared/ipc';

/** How many recent projects are kept. */
export const MAX_RECENT = 10;

/** The recent-projects list in `file`. */
export class RecentProjects {
  constructor(private readonly file: string) {}

  private read(): RecentProject[] {
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      if (!Array.isArray(data)) return [];
      return data.filter((r): r is RecentProject => typeof r?.path === 'string' && typeof r?.name === 'string' && typeof r?.openedAt === 'string');
    } catch {
      return [];
    }
  }

  /** The projects, newest first, that still exist. */
  list(): RecentProject[] {
    return this.read().filter((r) => existsSync(r.path));
  }

  /** Puts `path` at the top of the list. */
  add(path: string): void {
    const full = resolve(path);
    const entry: RecentProject = { path: full, name: basename(full, extname(full)), openedAt: new Date().toISOString() };
    const list = [entry, ...this.read().filter((r) => r.path !== full)].slice(0, MAX_RECENT);
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(list, null, 1));
    renameSync(tmp, this.file);
  }
}
