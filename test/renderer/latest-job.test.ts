/**
 * LatestJob: at most one computation in flight; requests while one runs collapse into one
 * computation of the newest inputs after it; every answer is shown (no starvation).
 */
import { describe, expect, it } from 'vitest';
import { LatestJob } from '../../src-renderer/src/lib/latest-job';

function deferred() {
  const waiting: { input: number; resolve: (v: number) => void }[] = [];
  return { waiting, run: (input: number) => new Promise<number>((resolve) => waiting.push({ input, resolve })) };
}

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('LatestJob', () => {
  it('runs one at a time and then once more with the newest inputs, showing each answer', async () => {
    let input = 1;
    const shown: number[] = [];
    const d = deferred();
    const job = new LatestJob<number, number>(() => input, d.run, (r) => shown.push(r), () => {}, 0);
    job.request();
    for (input = 2; input <= 5; input++) job.request();
    expect(d.waiting.map((w) => w.input)).toEqual([1]);
    d.waiting[0].resolve(10);
    await tick();
    // 2, 3 and 4 were skipped: the next computation took the inputs as they were then.
    expect(shown).toEqual([10]);
    expect(d.waiting.map((w) => w.input)).toEqual([1, 6]);
    d.waiting[1].resolve(60);
    await tick();
    expect(shown).toEqual([10, 60]);
    expect(job.busy).toBe(false);
  });

  it('rests as long as the last computation took before the next', async () => {
    const d = deferred();
    const job = new LatestJob<number, number>(() => 1, d.run, () => {}, () => {}, 1000);
    job.request();
    await tick(60);
    d.waiting[0].resolve(1);
    job.request();
    await tick(10);
    expect(d.waiting).toHaveLength(1);
    await tick(80);
    expect(d.waiting).toHaveLength(2);
  });

  it('negative control: without a request while busy, nothing runs again', async () => {
    const d = deferred();
    const job = new LatestJob<number, number>(() => 1, d.run, () => {}, () => {}, 0);
    job.request();
    d.waiting[0].resolve(1);
    await tick();
    expect(d.waiting).toHaveLength(1);
  });
});
