/**
 * The browser host's wall: which paths the page may read and write in the workspace folder.
 * `workspaceFiles()` (file-access.ts) asks here for every path the page names.
 *
 * A path is judged by where it really leads, not only by how it is spelled: every path is resolved
 * with `realpath` (symbolic links followed, `..` removed) and must lie strictly inside the
 * workspace folder's own real path. A file that does not exist yet (save as, export) is judged
 * by its folder's real path, and a link that leads nowhere is refused, because writing through
 * it would create its target wherever it points. What is handed back is the real path, so the
 * file read or written is the one that was checked.
 *
 * A path spelled outside the workspace is refused before the disk is asked anything (the answer
 * must not tell what exists out there), and so are names that cannot be a file (a NUL character,
 * which SQLite would cut the name at). A file already held (the open project's) is checked again
 * right before it is written (file-access.ts `recheck`): a folder or file swapped for a link
 * since it was opened is then refused, not written through.
 */
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { NotAvailable } from '../../shared/errors';
import type { WorkspaceFile } from '../../shared/ipc';

/** The files the workspace listing shows: projects, CSV data and weights. */
const LISTED = /\.(mlplab|csv|json)$/i;

/** Why the file system refused `path`, in words (an errno code), or null for other errors. */
function reason(e: unknown): string | null {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT': return 'does not exist';
    case 'ENAMETOOLONG': return 'has a name too long for the file system';
    case 'ELOOP': return 'is a loop of symbolic links';
    case 'ENOTDIR': return 'goes through a file as if it were a folder';
    case 'EACCES': case 'EPERM': return 'cannot be read (permission denied)';
    default: return null;
  }
}

/** A NotAvailable for `path` the file system refused with `e`; rethrows other errors. */
function refused(path: string, e: unknown): NotAvailable {
  const why = reason(e);
  if (why === null) throw e;
  return new NotAvailable(`${path} ${why}`);
}

/** True when `real` lies strictly inside the folder `realRoot` (both real paths). */
function isInside(realRoot: string, real: string): boolean {
  const rel = relative(realRoot, real);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** The confinement of one workspace folder. */
export interface WorkspacePaths {
  /** The workspace folder as given, made absolute (what the page shows). */
  readonly root: string;
  /** The real path of an existing regular file inside the workspace, to read. */
  readable(path: string): string;
  /** The real path to write `path` to: an existing file inside, or a new name in a folder inside. */
  writable(path: string): string;
  /** Project, CSV and weights files directly in the folder that `readable` accepts, by name. */
  list(): WorkspaceFile[];
  /** True when `writable` accepts `path` now (the page may use it); never throws. */
  contains(path: string): boolean;
}

/** The paths of the workspace folder `folder` (relative paths are taken inside it). */
export function workspacePaths(folder: string): WorkspacePaths {
  const root = resolve(folder);

  /** The workspace's real path now (it is looked up each time: the folder may be replaced). */
  const realRoot = (): string => {
    try {
      return realpathSync(root);
    } catch (e) {
      throw new NotAvailable(`the workspace folder ${root} ${reason(e) ?? 'cannot be read'}: restart with --workspace DIR`);
    }
  };
  /** True when `path`, with no link followed, names something inside the workspace (as given or real). */
  const spelledInside = (top: string, path: string): boolean => {
    const full = resolve(root, path);
    return isInside(root, full) || isInside(top, full);
  };
  const outside = (path: string): NotAvailable =>
    new NotAvailable(`${path} is outside the workspace folder ${root}: the page can only use files inside it (symbolic links leading out are not followed)`);
  /**
   * `path` made absolute against the workspace, after refusing names no file can have and paths
   * spelled outside it: those are refused before the disk is asked anything, so the answer says
   * nothing of what exists out there.
   */
  const absolute = (top: string, path: string): string => {
    if (path.includes('\0')) throw new NotAvailable('a file name cannot contain a NUL character');
    if (!spelledInside(top, path)) throw outside(path);
    return resolve(root, path);
  };

  return {
    root,
    readable(path) {
      const top = realRoot();
      let real: string;
      let st: Stats;
      const full = absolute(top, path);
      try {
        real = realpathSync(full);
        st = statSync(real);
      } catch (e) {
        throw refused(path, e);
      }
      if (!isInside(top, real)) throw outside(path);
      if (!st.isFile()) throw new NotAvailable(`${path} is not a file`);
      return real;
    },
    writable(path) {
      const top = realRoot();
      const full = absolute(top, path);
      let exists = true;
      try {
        lstatSync(full);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw refused(path, e);
        exists = false;
      }
      let real: string;
      if (exists) {
        try {
          real = realpathSync(full);
        } catch (e) {
          // A link to nothing: writing through it would create the file it points at.
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NotAvailable(`${path} is a link to a file that does not exist: choose another name`);
          throw refused(path, e);
        }
        const st = statSync(real);
        if (!st.isFile()) throw new NotAvailable(`${path} is not a file: choose another name`);
        // A hard link shares its file with names elsewhere, perhaps outside: writing would change those too.
        if (st.nlink > 1) throw new NotAvailable(`${path} is one of ${st.nlink} hard links to the same file (others may be outside the workspace): choose another name`);
      } else {
        let folderReal: string;
        try {
          folderReal = realpathSync(dirname(full));
        } catch (e) {
          throw refused(dirname(path), e);
        }
        real = join(folderReal, basename(full));
      }
      if (!isInside(top, real)) throw outside(path);
      return real;
    },
    contains(path) {
      try {
        this.writable(path);
        return true;
      } catch {
        return false;
      }
    },
    list() {
      const top = realRoot();
      let names: Buffer[];
      try {
        names = readdirSync(top, { encoding: 'buffer' });
      } catch (e) {
        throw refused(root, e);
      }
      const files: WorkspaceFile[] = [];
      for (const raw of names) {
        const name = raw.toString('utf8');
        // A name that is not UTF-8 cannot be named back to us by the page: leave it out.
        if (!Buffer.from(name, 'utf8').equals(raw) || !LISTED.test(name)) continue;
        try {
          const real = realpathSync(join(top, name));
          const st = statSync(real);
          if (!st.isFile() || !isInside(top, real)) continue;
          files.push({ name, size: st.size, modified: st.mtime.toISOString() });
        } catch {
          // Dangling or looping links, names the file system refuses, files gone meanwhile.
          continue;
        }
      }
      return files.sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}

