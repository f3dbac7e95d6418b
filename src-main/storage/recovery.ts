/**
 * Recovery copies on disk, for autosave (src-main/app/autosave.ts decides when).
 *
 * The copy is `<appData>/recovery/<key>.mlplab`, a complete project file written atomically like
 * any save, with `<key>.json` beside it naming the project it belongs to. The key is a hash of
 * the project's absolute path (or of an id for a project never saved), so each project has one
 * copy and a second save replaces the first. Saving the project for real removes its copy; a
 * copy still there after a restart means the app did not close cleanly.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Project } from './project';
import { writeProjectFile } from './project-save';

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
export async function writeRecovery(appData: string, key: RecoveryKey, project: Project, now = new Date()): Promise<RecoveryCopy> {
  mkdirSync(recoveryDir(appData), { recursive: true });
  const path = recoveryPath(appData, key);
  await writeProjectFile(path, project, { now });
  const copy: RecoveryCopy = { path, source: 'path' in key ? resolve(key.path) : null, savedAt: now.toISOString() };
  writeFileSync(path.replace(/\.mlplab$/, '.json'), `${JSON.stringify({ format: 'mlp-lab-recovery', ...copy })}\n`);
  return copy;
}

/** Deletes the recovery copy of `key`, if any. */
export function discardRecovery(appData: string, key: RecoveryKey): void {
  removeCopy(recoveryPath(appData, key));
}

/** Deletes the recovery copy at `copyPath` (a path `listRecovery` gave) and its note. */
export function removeCopy(copyPath: string): void {
  rmSync(copyPath, { force: true });
  rmSync(copyPath.replace(/\.mlplab$/i, '.json'), { force: true });
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
