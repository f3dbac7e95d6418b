import { describe, expect, it } from 'vitest';
import type { RunMetrics } from '../../shared/run';
import { EventCoalescer } from '../../src-main/training/event-coalescer';
import type { LabEvent } from '../../shared/ipc';

const metrics = (step: number): RunMetrics => ({ step, epoch: step, train: { E: 0, EPerSample: 0 }, stepsPerSecond: 0, seconds: 0 });
const progress = (runId: string, from: number, to: number): LabEvent => ({
  type: 'run-progress', runId,
  points: {
    steps: Float64Array.from({ length: to - from }, (_, i) => from + i),
    train: Float64Array.from({ length: to - from }, (_, i) => 1 / (from + i + 1)),
    validationSteps: new Float64Array(0), validation: new Float64Array(0),
  },
  metrics: metrics(to),
});
const snapshot = (runId: string, step: number): LabEvent => ({ type: 'run-snapshot', runId, step, weights: Float64Array.of(step) });

describe('event coalescer', () => {
  it('a slow consumer gets every cost point, in order, and only the latest snapshot per run', async () => {
    const received: LabEvent[][] = [];
    let release: () => void = () => {};
    const c = new EventCoalescer((events) => {
      received.push(events);
      // The consumer is busy until released.
      return new Promise<void>((r) => { release = r; });
    }, 1000);
    c.push(progress('a', 0, 10));
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(1);
    // While the consumer is busy, 50 progress events and 50 snapshots arrive.
    for (let i = 1; i <= 50; i++) {
      c.push(progress('a', i * 10, i * 10 + 10));
      c.push(snapshot('a', i * 10 + 10));
    }
    expect(c.pending).toBe(2);
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(2);
    const [p, s] = received[1];
    expect(p.type).toBe('run-progress');
    expect(Array.from((p as Extract<LabEvent, { type: 'run-progress' }>).points.steps)).toEqual(Array.from({ length: 500 }, (_, i) => 10 + i));
    expect((p as Extract<LabEvent, { type: 'run-progress' }>).metrics.step).toBe(510);
    expect(s).toMatchObject({ type: 'run-snapshot', step: 510 });
    release();
    c.close();
  });

  it('keeps state changes in order between the progress before and after them', async () => {
    const received: LabEvent[] = [];
    const c = new EventCoalescer((events) => { received.push(...events); }, 1000);
    c.push(progress('a', 0, 5));
    c.push({ type: 'run-state', runId: 'a', status: 'paused', step: 5 });
    c.push(progress('a', 5, 8));
    c.push(progress('b', 0, 3));
    await new Promise((r) => setTimeout(r, 20));
    expect(received.map((e) => `${e.type}:${'runId' in e ? e.runId : ''}`)).toEqual(['run-progress:a', 'run-state:a', 'run-progress:a', 'run-progress:b']);
    c.close();
  });

  it('negative control: a fast consumer receives the events as they come, nothing merged', async () => {
    const received: LabEvent[][] = [];
    const c = new EventCoalescer((events) => { received.push(events); }, 1000);
    c.push(progress('a', 0, 5));
    await new Promise((r) => setTimeout(r, 10));
    c.push(progress('a', 5, 8));
    await new Promise((r) => setTimeout(r, 10));
    expect(received.map((b) => b.length)).toEqual([1, 1]);
    c.close();
  });

  it('sends a wide network’s weights at most at the byte rate, always the latest, and drops them at a reset', async () => {
    const received: LabEvent[] = [];
    // 80 KB snapshots at 400 KB/s: one per 200 ms at most.
    const c = new EventCoalescer((events) => { received.push(...events); }, 1000, 400 * 1024);
    const big = (step: number): LabEvent => ({ type: 'run-snapshot', runId: 'a', step, weights: new Float64Array(10 * 1024).fill(step) });
    const t0 = Date.now();
    for (let i = 1; i <= 30; i++) {
      c.push(big(i));
      c.push(progress('a', i - 1, i));
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    const snaps = received.filter((e) => e.type === 'run-snapshot') as Extract<LabEvent, { type: 'run-snapshot' }>[];
    const elapsed = Date.now() - t0;
    // At most one per 200 ms (plus the first), and the last one sent is the latest pushed.
    expect(snaps.length).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 1);
    expect(snaps.length).toBeGreaterThanOrEqual(2);
    expect(snaps[snaps.length - 1].step).toBe(30);
    // Progress is not held back by the snapshots waiting.
    expect(received.filter((e) => e.type === 'run-progress').length).toBeGreaterThan(snaps.length);
    // A reset drops a waiting snapshot of the run: its initial weights follow.
    c.push(big(31));
    c.push({ type: 'run-state', runId: 'a', status: 'paused', step: 0, reset: true });
    c.push({ type: 'run-snapshot', runId: 'a', step: 0, weights: Float64Array.of(0) });
    await new Promise((r) => setTimeout(r, 300));
    expect(received.some((e) => e.type === 'run-snapshot' && e.step === 31)).toBe(false);
    expect(received[received.length - 1]).toMatchObject({ type: 'run-snapshot', step: 0 });
    c.close();
  });

  it('negative control: small snapshots are not held back', async () => {
    const received: LabEvent[] = [];
    const c = new EventCoalescer((events) => { received.push(...events); }, 1000, 400 * 1024);
    for (let i = 1; i <= 5; i++) {
      c.push(snapshot('a', i));
      await new Promise((r) => setTimeout(r, 15));
    }
    expect(received.filter((e) => e.type === 'run-snapshot').length).toBe(5);
    c.close();
  });
});
