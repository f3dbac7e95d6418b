/**
 * The built `npm run serve` (out/main/serve.js) started from a folder, as a user starts it: with
 * no --workspace its workspace is `~/MLP Lab` (made), not the folder it was started in; a
 * missing --workspace folder stops it with a message. `npm test` builds first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const serve = join(root, 'out/main/serve.js');
let home: string;

beforeAll(() => {
  if (!existsSync(serve)) throw new Error('out/main/serve.js is missing: run `npm run build` (npm test does)');
  home = mkdtempSync(join(tmpdir(), 'mlp-serve-home-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('npm run serve', () => {
  it('without --workspace serves ~/MLP Lab, not the folder it was started in', async () => {
    const child = spawn(process.execPath, [serve, '--threads', '1'], {
      cwd: root,
      env: { ...process.env, HOME: home, USERPROFILE: home, MLP_LAB_DATA: join(home, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    try {
      const end = Date.now() + 20_000;
      while (!/workspace: .*\n/.test(out)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`serve.js printed no workspace:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(out).toContain(`workspace: ${join(home, 'MLP Lab')}\n`);
      expect(out).not.toContain(`workspace: ${root}`);
      expect(statSync(join(home, 'MLP Lab')).isDirectory()).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('stops with a message when --workspace names no folder', () => {
    const r = spawnSync(process.execPath, [serve, '--workspace', join(home, 'nope')], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, HOME: home, MLP_LAB_DATA: join(home, 'data') } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^mlp-lab serve: --workspace .*nope: there is no folder/);
    expect(existsSync(join(home, 'nope'))).toBe(false);
  });
});
