/**
 * Killing a process at any moment of a save leaves the old or the new project, never a broken
 * one, now that a save is a transaction on the file itself: a child process (save-child.ts) saves
 * a ~5 MB project in place in a loop and is killed with SIGKILL at a random moment, many times;
 * after each kill the file must open as one complete, self-consistent generation (SQLite rolls
 * the interrupted transaction back from its journal when the file next opens). With a second
 * writer appending runs at the same time, every run it reported saved must be there too, whichever
 * of the two is killed. The negative control kills a naive in-place writer the same way and must
 * catch it leaving broken files, or the test could not tell the difference.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readProjectFile } from '../../../src-main/storage/project-file';
import { ProjectFileError } from '../../../src-main/storage/project-inspect';

const child = fileURLToPath(new URL('./save-child.ts', import.meta.url));

interface Child {
  proc: ChildProcess;
  /** The last count the child reported done ("saved g", "appended k"). */
  done: () => number;
}

/** Starts the child; resolves once it has reported `first` completions. */
function start(mode: 'save' | 'append' | 'naive', target: string, first = 1): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, mode, target], { stdio: ['ignore', 'pipe', 'pipe'] });
  let done = 0;
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      const m = [...d.toString().matchAll(/(?:saved|appended) (\d+)/g)];
      if (m.length) done = Number(m[m.length - 1][1]);
      if (done >= first) resolve({ proc, done: () => done });
    });
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`save-child exited (${code}) before saving: ${err}`));
    });
  });
}

function kill(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the target holds after a kill: a consistent generation and the appended runs, or why not. */
function inspect(target: string): { generation: number; appended: number[] } | { broken: string } {
  try {
    const { project } = readProjectFile(target);
    const g = project.ui.generation as number;
    const col = project.dataset!.data[0];
    if (!col.every((v) => v === g)) return { broken: `dataset of generation ${g} holds other values` };
    const own = project.runs.filter((r) => r.id.startsWith('g'));
    if (own.length !== g % 3 || !own.every((r) => r.id.startsWith(`g${g}-`))) return { broken: `generation ${g} has runs ${own.map((r) => r.id).join(', ')}` };
    const appended = project.runs.filter((r) => r.id.startsWith('a')).map((r) => Number(r.id.slice(1)));
    return { generation: g, appended };
  } catch (e) {
    if (e instanceof ProjectFileError) return { broken: e.message };
    throw e;
  }
}

describe('kill-safe saves', () => {
  it('survives SIGKILL at random moments of an in-place save, 16 times: the file is always the old or the new project', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-kill-'));
    const target = join(dir, 'project.mlplab');
    let interrupted = 0;
    // About 4 kills in 10 land mid-write, so 16 kills all missing one has a chance near 1e-4.
    for (let k = 0; k < 16; k++) {
      const writer = await start('save', target);
      await sleep(Math.random() * 80);
      const reported = writer.done();
      await kill(writer.proc);
      // A rollback journal beside the file: the kill landed inside a transaction.
      if (existsSync(`${target}-journal`)) interrupted++;
      const state = inspect(target);
      expect(state, `kill ${k + 1}`).toHaveProperty('generation');
      const g = (state as { generation: number }).generation;
      // Each child starts again at generation 1: the last save it reported, or the one in flight.
      expect([reported, reported + 1], `kill ${k + 1}`).toContain(g);
    }
    console.log(`in-place save: 16 kills, ${interrupted} of them inside a transaction; the project opened whole every time`);
    expect(interrupted).toBeGreaterThan(0);
  }, 300_000);

  it('two writers at once (the app saving, the CLI appending runs), one of them killed: both writers\' saved work is there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-two-'));
    const target = join(dir, 'project.mlplab');
    for (let k = 0; k < 6; k++) {
      const saver = await start('save', target);
      const appender = await start('append', target);
      await sleep(50 + Math.random() * 150);
      const [victim, survivor] = k % 2 === 0 ? [saver, appender] : [appender, saver];
      await kill(victim.proc);
      await sleep(30 + Math.random() * 50);
      const appendedReported = appender.done();
      const savedReported = saver.done();
      await kill(survivor.proc);
      const state = inspect(target);
      expect(state, `round ${k + 1}`).toHaveProperty('generation');
      const { generation, appended } = state as { generation: number; appended: number[] };
      expect(generation).toBeGreaterThanOrEqual(savedReported);
      // Every run the appender reported is in the file; each round's appender counts from 1 again.
      for (let a = 1; a <= appendedReported; a++) expect(appended, `round ${k + 1}: run a${a}`).toContain(a);
    }
  }, 300_000);

  it('negative control: the same kills catch a naive in-place writer leaving a broken project', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-kill-naive-'));
    const target = join(dir, 'project.mlplab');
    const broken: string[] = [];
    for (let k = 0; k < 15 && broken.length < 3; k++) {
      const { proc } = await start('naive', target, 2);
      await sleep(Math.random() * 30);
      await kill(proc);
      const state = inspect(target);
      if ('broken' in state) broken.push(state.broken);
    }
    expect(broken.length).toBeGreaterThan(0);
    expect(broken[0]).toMatch(/project\.mlplab is (incomplete|damaged|not an MLP Lab project)|holds other values|runs/);
  }, 300_000);
});
