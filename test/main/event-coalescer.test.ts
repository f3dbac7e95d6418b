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
});
