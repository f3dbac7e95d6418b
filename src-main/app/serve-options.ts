/**
 * `npm run serve`'s command line: the port, the interface, the trainer threads and the workspace
 * folder (the only folder the page may read and write, workspace-paths.ts).
 *
 * The workspace defaults to the user's projects folder, `MLP Lab` in the home folder
 * (`~/MLP Lab`; `C:\Users\NAME\MLP Lab` on Windows), created when missing; never the current
 * folder, which from a checkout of MLP Lab would put exports among its sources. `--workspace DIR`
 * names another folder, which must exist (a mistyped name is not silently created).
 */
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../../shared/errors';

/** The folder's name in the home folder. */
export const DEFAULT_WORKSPACE_NAME = 'MLP Lab';

/** What `serve` runs with. */
export interface ServeOptions {
  /** 0-65535; 0 = any free port. */
  port: number;
  /** The interface to listen on. */
  host: string;
  /** An absolute path to an existing folder. */
  workspace: string;
  /** Worker threads, or undefined for the machine's parallelism. */
  threads: number | undefined;
}

/** The user's projects folder: `MLP Lab` in `home`. */
export function defaultWorkspace(home: string): string {
  return join(home, DEFAULT_WORKSPACE_NAME);
}

/**
 * Parses `args` (without node and the script); `home` and `cwd` are the user's home folder and
 * the folder relative paths are taken from. Creates the default workspace when it is missing.
 * Throws a UserError saying what to change.
 */
export function parseServeArgs(args: string[], env: { home: string; cwd: string }): ServeOptions {
  let values: { port?: string; host?: string; workspace?: string; threads?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        workspace: { type: 'string' },
        threads: { type: 'string' },
      },
    }));
  } catch (e) {
    throw new UserError(`${(e as Error).message}; usage: serve [--port N] [--host ADDR] [--workspace DIR] [--threads K]`);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port ?? '') || port > 65535) throw new UserError(`--port must be 0-65535, got ${values.port}`);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new UserError(`--threads must be a whole number >= 1, got ${values.threads}`);
  let workspace: string;
  if (values.workspace === undefined) {
    workspace = defaultWorkspace(env.home);
    mkdirSync(workspace, { recursive: true });
  } else {
    workspace = resolve(env.cwd, values.workspace);
    let isFolder = false;
    try {
      isFolder = statSync(workspace).isDirectory();
    } catch {
      throw new UserError(`--workspace ${values.workspace}: there is no folder ${workspace}; create it first, or leave --workspace out to use ${defaultWorkspace(env.home)}`);
    }
    if (!isFolder) throw new UserError(`--workspace ${values.workspace}: ${workspace} is a file, not a folder`);
  }
  return { port, host: values.host ?? '127.0.0.1', workspace, threads };
}
