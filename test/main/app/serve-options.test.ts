/**
 * `npm run serve`'s options: the workspace is the user's projects folder (`~/MLP Lab`, created)
 * unless --workspace names another, never the folder the command was started in; bad values are
 * refused with what to change. The built serve.js is checked the same way in test/main/serve.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultWorkspace, parseServeArgs } from '../../../src-main/app/serve-options';

const dirs: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mlp-serve-opts-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('serve options', () => {
  it('defaults the workspace to "MLP Lab" in the home folder, creating it, not the current folder', () => {
    const home = temp();
    const cwd = temp();
    const o = parseServeArgs([], { home, cwd });
    expect(o.workspace).toBe(join(home, 'MLP Lab'));
    expect(o.workspace).toBe(defaultWorkspace(home));
    expect(o.workspace).not.toBe(cwd);
    expect(statSync(o.workspace).isDirectory()).toBe(true);
    expect(o).toMatchObject({ port: 0, host: '127.0.0.1', threads: undefined });
    // A second start finds the folder there and keeps what is in it.
    writeFileSync(join(o.workspace, 'a.mlplab'), 'x');
    expect(parseServeArgs([], { home, cwd }).workspace).toBe(o.workspace);
    expect(existsSync(join(o.workspace, 'a.mlplab'))).toBe(true);
  });

  it('--workspace names an existing folder, relative to the current folder; a missing one is refused, not created', () => {
    const home = temp();
    const cwd = temp();
    mkdirSync(join(cwd, 'labs'));
    expect(parseServeArgs(['--workspace', 'labs'], { home, cwd }).workspace).toBe(join(cwd, 'labs'));
    expect(() => parseServeArgs(['--workspace', 'lbas'], { home, cwd })).toThrow(/--workspace lbas: there is no folder .*lbas; create it first/);
    expect(existsSync(join(cwd, 'lbas'))).toBe(false);
    expect(existsSync(join(home, 'MLP Lab'))).toBe(false);
    writeFileSync(join(cwd, 'file'), '');
    expect(() => parseServeArgs(['--workspace', 'file'], { home, cwd })).toThrow(/is a file, not a folder/);
  });

  it('reads --port, --host and --threads, and refuses bad values with what to change', () => {
    const env = { home: temp(), cwd: temp() };
    expect(parseServeArgs(['--port', '8080', '--host', '::1', '--threads', '3'], env)).toMatchObject({ port: 8080, host: '::1', threads: 3 });
    expect(() => parseServeArgs(['--port', '70000'], env)).toThrow('--port must be 0-65535, got 70000');
    expect(() => parseServeArgs(['--port', '1.5'], env)).toThrow(/--port must be/);
    expect(() => parseServeArgs(['--threads', '0'], env)).toThrow(/--threads must be a whole number/);
    expect(() => parseServeArgs(['--wrokspace', 'x'], env)).toThrow(/usage: serve/);
  });
});
