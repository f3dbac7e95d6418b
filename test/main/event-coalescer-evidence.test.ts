/**
 * Merging held progress events keeps an evidence run's alpha, beta, gamma (PRML §5.7.2): every
 * re-estimation reaches a slow consumer, in order, like the cost points.
 */
import { describe, expect, it } from 'vitest';
import type { LabEvent } from '../../shared/ipc';
import { EventCoalescer } from '../../src-main/training/event-coalescer';

const progress = (step: number, evidence: boolean): LabEvent => ({
  type: 'run-progress', runId: 'a',
  points: {
    steps: Float64Array.of(step), train: Float64Array.of(1), validationSteps: new Float64Array(0), validation: new Float64Array(0),
    ...(evidence ? { evidence: { steps: Float64Array.of(step), alpha: Float64Array.of(step / 100), beta: Float64Array.of(2), gamma: Float64Array.of(3), logEvidence: Float64Array.of(-4) } } : {}),
  },
  metrics: { step, epoch: step, train: { E: 0, EPerSample: 0 }, stepsPerSecond: 0, seconds: 0 },
});

describe('event coalescer with evidence points', () => {
  it('joins the re-estimations of merged progress events; events without any add none', async () => {
    const received: LabEvent[][] = [];
    let release: () => void = () => {};
    const c = new EventCoalescer((events) => {
      received.push(events);
      return new Promise<void>((r) => { release = r; });
    }, 1000);
    c.push(progress(0, true));
    await new Promise((r) => setTimeout(r, 20));
    for (let s = 1; s <= 6; s++) c.push(progress(s, s % 2 === 0));
    release();
    await new Promise((r) => setTimeout(r, 20));
    const p = received[1][0] as Extract<LabEvent, { type: 'run-progress' }>;
    expect(Array.from(p.points.steps)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(p.points.evidence!.steps)).toEqual([2, 4, 6]);
    expect(Array.from(p.points.evidence!.alpha)).toEqual([0.02, 0.04, 0.06]);
    release();
    c.close();
  });
});
