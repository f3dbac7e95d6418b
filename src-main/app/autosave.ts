/**
 * Autosave: a project with unsaved changes gets a recovery copy (storage/recovery.ts) at most
 * every `seconds`, so a crash loses at most that much work; a real save removes the copy. After
 * a crash the window lists the copies (lab:listRecovery) and can open one as unsaved changes of
 * the project it came from (lab:openRecovery).
 */
import type { ProjectService } from '../services/project-service';
import type { RecoveryStore } from '../storage/ports';
import type { RecoveryKey } from '../storage/recovery';

/** Where autosave problems are reported. */
interface AutosaveLog {
  error(message: string, error?: unknown): void;
}

/** The autosave of one app's project. */
export class Autosave {
  /** The key of a project never saved: unique to this session. */
  private readonly untitledKey: RecoveryKey = { untitled: `${process.pid}-${Date.now()}` };
  private last = Date.now();
  private readonly timer: ReturnType<typeof setInterval>;
  /** A copy opened with lab:openRecovery: the project now saved in its place. */
  private restoredCopy: string | null = null;

  constructor(private readonly project: ProjectService, private readonly recovery: RecoveryStore, seconds: number, log?: AutosaveLog) {
    const ms = seconds * 1000;
    this.timer = setInterval(() => {
      if (!project.isDirty || Date.now() - this.last < ms) return;
      this.last = Date.now();
      try {
        recovery.write(this.key(), project.snapshot()).catch((e: unknown) => log?.error('autosave failed', e));
      } catch (e) {
        log?.error('autosave failed', e);
      }
    }, Math.min(ms, 15000));
    this.timer.unref();
  }

  private key(): RecoveryKey {
    return this.project.currentPath ? { path: this.project.currentPath } : this.untitledKey;
  }

  /** The project was saved for real: its copies are no longer needed. */
  saved(): void {
    this.recovery.discard(this.key());
    this.recovery.discard(this.untitledKey);
    // A restored copy of a project never saved has another session's key: remove it by path.
    if (this.restoredCopy) this.recovery.discardCopy(this.restoredCopy);
    this.restoredCopy = null;
  }

  /** The project now open came from the recovery copy at `path` (or, null, from elsewhere). */
  openedCopy(path: string | null): void {
    this.restoredCopy = path;
  }

  /** Stops autosaving. */
  close(): void {
    clearInterval(this.timer);
  }
}
