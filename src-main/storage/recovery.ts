/**
 * Autosave: a recovery copy of the open project, so a crash loses at most a minute of work.
 *
 * The copy is `<appData>/recovery/<key>.mlplab`, a complete project file written atomically like
 * any save, with `<key>.json` beside it naming the project it belongs to. The key is a hash of
 * the project's absolute path (or of an id for a project never saved), so each project has one
 * copy and a second save replaces the first. Saving the project for real removes its copy;
 * a copy that is newer than its project file after a restart means the app did not close cleanly.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Project } from './project';
import { writeProjectFile } from './project-file';

/** Which project a recovery copy belongs to: its file, or (never saved) an id for this session. */
export type RecoveryKey = { path: string } | { untitled: string };

/** A recovery copy found on disk. */
export interface RecoveryCopy {
  /** The copy itself (open it with readProjectFile). */
  path: string;
  /** The project file it belongs to, or null for a project never saved. */
  source: string | null;
  /** ISO 8601 time the copy was written. */
  savedAt: string;
}

/** The folder of recovery copies. */
export function recoveryDir(appData: string): string {
  return join(appData, 'recovery');
}

function keyHash(key: RecoveryKey): string {
  const text = 'path' in key ? `path:${resolve(key.path)}` : `untitled:${key.untitled}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

/** Where the recovery copy of `key` goes. */
export function recoveryPath(appData: string, key: RecoveryKey): string {
  return join(recoveryDir(appData), `${keyHash(key)}.mlplab`);
}

/** Writes the recovery copy of `project` now. */
export function writeRecovery(appData: string, key: RecoveryKey, project: Project, now = new Date()): RecoveryCopy {
  mkdirSync(recoveryDir(appData), { recursive: true });
  const path = recoveryPath(appData, key);
  writeProjectFile(path, project, { now });
  const copy: RecoveryCopy = { path, source: 'path' in key ? resolve(key.path) : null, savedAt: now.toISOString() };
  writeFileSync(path.replace(/\.mlplab$/, '.json'), `${JSON.stringify({ format: 'mlp-lab-recovery', ...copy })}\n`);
  return copy;
}

/** Deletes the recovery copy of `key`, if any. */
export function discardRecovery(appData: string, key: RecoveryKey): void {
  const path = recoveryPath(appData, key);
  rmSync(path, { force: true });
  rmSync(path.replace(/\.mlplab$/, '.json'), { force: true });
}

/**
 * The recovery copy of the project file at `projectPath` if it is newer than the file (the app
 * stopped before saving), else null.
 */
export function findRecovery(appData: string, projectPath: string): RecoveryCopy | null {
  const path = recoveryPath(appData, { path: projectPath });
  if (!existsSync(path)) return null;
  const copyTime = statSync(path).mtimeMs;
  const fileTime = existsSync(projectPath) ? statSync(projectPath).mtimeMs : 0;
  if (copyTime <= fileTime) return null;
  return { path, source: resolve(projectPath), savedAt: new Date(copyTime).toISOString() };
}

/** Every recovery copy on disk (for "recover unsaved projects" after a crash), newest first. */
export function listRecovery(appData: string): RecoveryCopy[] {
  let names: string[];
  try {
    names = readdirSync(recoveryDir(appData));
  } catch {
    return [];
  }
  const out: RecoveryCopy[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      const c = JSON.parse(readFileSync(join(recoveryDir(appData), name), 'utf8')) as RecoveryCopy & { format?: string };
      if (c.format === 'mlp-lab-recovery' && existsSync(c.path)) out.push({ path: c.path, source: c.source, savedAt: c.savedAt });
    } catch {
      // a half-written note: skip it
    }
  }
  return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

/** Options of an Autosaver. */
export interface AutosaveOptions {
  /** The least time between two recovery writes (default 60 s). */
  intervalSeconds?: number;
  /** The clock (ms since the epoch); tests pass their own. */
  now?: () => number;
}

/**
 * Writes recovery copies no more often than every `intervalSeconds`: call `maybeSave` as often
 * as you like (after every edit, on a timer); it writes only when the interval has passed.
 */
export class Autosaver {
  private last = -Infinity;
  private readonly interval: number;
  private readonly now: () => number;

  constructor(private readonly appData: string, options: AutosaveOptions = {}) {
    this.interval = (options.intervalSeconds ?? 60) * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Writes the copy if the interval has passed since the last write; returns whether it did. */
  maybeSave(key: RecoveryKey, project: Project): boolean {
    const t = this.now();
    if (t - this.last < this.interval) return false;
    writeRecovery(this.appData, key, project, new Date(t));
    this.last = t;
    return true;
  }

  /** Forgets the last write time, so the next `maybeSave` writes (after a real save). */
  reset(): void {
    this.last = -Infinity;
  }
}
