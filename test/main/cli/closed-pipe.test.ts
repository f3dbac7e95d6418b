/**
 * The built CLI (bin/mlp-lab.js) writing into a pipe whose reader goes away, as `mlp-lab predict
 * … | head` and `mlp-lab train --json | head` do: the command ends quietly (nothing on stderr, no
 * stack trace) with exit code 141, and a long training run ends too instead of running on.
 * The unit half checks endQuietlyOnClosedPipe on a stand-in stream: EPIPE exits, other errors
 * are still thrown.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSED_PIPE_EXIT, endQuietlyOnClosedPipe } from '../../../src-main/cli/closed-pipe';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(root, 'bin/mlp-lab.js');
const xor = join(root, 'docs/examples/xor-quadrants.json');
let dir: string;

beforeAll(() => {
  if (!existsSync(join(root, 'out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'mlp-cli-pipe-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the CLI with its stdout on a pipe that this side closes after the first chunk (what
 * `head -1` does); resolves with the exit code and everything written to stderr.
 */
function readFirstChunkThenClose(args: string[]): Promise<{ code: number | null; signal: string | null; stderr: string; first: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let first = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the command did not end after its reader went away; stderr:\n${stderr}`));
    }, 60_000);
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout!.once('data', (b: Buffer) => {
      first = b.toString();
      child.stdout!.destroy();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, first });
    });
  });
}

describe('a closed pipe ends the command quietly', () => {
  it('predict | head: exit 141, nothing on stderr', async () => {
    const weights = join(dir, 'w.json');
    const trained = spawnSync(process.execPath, [bin, 'train', xor, '--steps', '10', '--out', weights], { encoding: 'utf8' });
    expect(trained.status, trained.stderr).toBe(0);
    const rows = Array.from({ length: 300_000 }, (_, i) => `${(i % 97) / 97},${(i % 89) / 89}`);
    writeFileSync(join(dir, 'points.csv'), `x1,x2\n${rows.join('\n')}\n`);
    const r = await readFirstChunkThenClose(['predict', weights, 'points.csv']);
    expect(r.first).toMatch(/^x1,x2,label:p\n/);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(CLOSED_PIPE_EXIT);
  });

  it('train --json | head: a run of two million steps ends with the pipe, exit 141, nothing on stderr', async () => {
    const r = await readFirstChunkThenClose(['train', xor, '--steps', '2000000', '--json']);
    expect(JSON.parse(r.first.split('\n')[0])).toMatchObject({ type: 'progress', step: 0 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(CLOSED_PIPE_EXIT);
  });
});

describe('endQuietlyOnClosedPipe', () => {
  it('exits with 141 on EPIPE and EOF, and throws any other write error', () => {
    const out = new EventEmitter();
    const exits: number[] = [];
    endQuietlyOnClosedPipe([out as unknown as NodeJS.WriteStream], (code) => exits.push(code));
    out.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    out.emit('error', Object.assign(new Error('write EOF'), { code: 'EOF' }));
    expect(exits).toEqual([141, 141]);
    expect(() => out.emit('error', Object.assign(new Error('no space left'), { code: 'ENOSPC' }))).toThrow('no space left');
    expect(exits).toEqual([141, 141]);
  });
});
