/**
 * Between the app and one consumer (a window, a browser tab): events are held
 * while the consumer is busy and delivered when it is ready, at most `maxPerSecond` batches a
 * second. Cost points are never dropped: the points of all held progress events of a run are
 * joined into one. Weight snapshots are replaced: only the latest per run is delivered, and a
 * run's snapshots at most `maxSnapshotBytesPerSecond` bytes a second (4 MB/s: an MNIST-sized
 * network's 1.6 MB of weights about twice a second, a small one's ten times), so a wide network's
 * weights do not flood the window (every copy and decode of them is the page's work); the latest
 * always follows. State changes are kept in order. So a slow consumer sees fewer, larger
 * messages, and training, which never waits for anyone, does not slow down.
 */
import type { LabEvent } from '../../shared/ipc';
import { concatEvidence } from '../../shared/evidence-training';
import type { CostCurve } from '../../shared/run';

/** Delivers a batch of events; a returned promise means "busy until it settles" (the next batch waits). */
export type Deliver = (events: LabEvent[]) => void | Promise<void>;

type Progress = Extract<LabEvent, { type: 'run-progress' }>;
type Snapshot = Extract<LabEvent, { type: 'run-snapshot' }>;

function concat(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function joinPoints(a: CostCurve, b: CostCurve): CostCurve {
  // An evidence run's alpha, beta, gamma (issue 19) are joined like the cost points.
  const evidence = a.evidence && b.evidence ? concatEvidence(a.evidence, b.evidence) : (a.evidence ?? b.evidence);
  return {
    steps: concat(a.steps, b.steps),
    train: concat(a.train, b.train),
    validationSteps: concat(a.validationSteps, b.validationSteps),
    validation: concat(a.validation, b.validation),
    ...(evidence ? { evidence } : {}),
  };
}

/** Holds and merges events for one consumer. */
export class EventCoalescer {
  /** Events in arrival order; progress and snapshot entries are merged in place. */
  private held: LabEvent[] = [];
  private progressAt = new Map<string, number>();
  private snapshotAt = new Map<string, number>();
  private busy = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the timer fires (Date.now() time). */
  private timerAt = 0;
  private lastFlush = 0;
  private closed = false;
  /** When each run's last snapshot was delivered (Date.now()). */
  private readonly snapshotSent = new Map<string, number>();

  constructor(
    private readonly deliver: Deliver,
    private readonly maxPerSecond = 30,
    private readonly maxSnapshotBytesPerSecond = 4 * 2 ** 20,
  ) {}

  /** When a held snapshot may go: its run's last one's time plus its own size at the byte rate. */
  private dueAt(e: Snapshot): number {
    const last = this.snapshotSent.get(e.runId);
    return last === undefined ? 0 : last + (1000 * e.weights.byteLength) / this.maxSnapshotBytesPerSecond;
  }

  /** Takes an event from the service. */
  push(event: LabEvent): void {
    if (this.closed) return;
    if (event.type === 'run-progress') {
      const at = this.progressAt.get(event.runId);
      if (at !== undefined) {
        const old = this.held[at] as Progress;
        this.held[at] = { ...event, points: joinPoints(old.points, event.points) };
      } else {
        this.progressAt.set(event.runId, this.held.length);
        this.held.push(event);
      }
    } else if (event.type === 'run-snapshot') {
      const at = this.snapshotAt.get(event.runId);
      if (at !== undefined) this.held[at] = event as Snapshot;
      else {
        this.snapshotAt.set(event.runId, this.held.length);
        this.held.push(event);
      }
    } else {
      // A state change (or a project event): later progress must come after it, in a new slot.
      if ('runId' in event) {
        this.progressAt.delete(event.runId);
        this.snapshotAt.delete(event.runId);
        // A reset run's earlier weights are obsolete: its initial weights follow.
        if (event.type === 'run-state' && event.reset) this.dropSnapshots(event.runId);
      }
      this.held.push(event);
    }
    this.schedule();
  }

  private dropSnapshots(runId: string): void {
    this.held = this.held.filter((e) => !(e.type === 'run-snapshot' && e.runId === runId));
    this.progressAt.clear();
    this.held.forEach((e, i) => e.type === 'run-progress' && this.progressAt.set(e.runId, i));
  }

  /** Events waiting for the consumer. */
  get pending(): number {
    return this.held.length;
  }

  private schedule(): void {
    if (this.busy || this.held.length === 0 || this.closed) return;
    let at = this.lastFlush + 1000 / this.maxPerSecond;
    // Only snapshots waiting for their turn: wake when the first is due.
    if (this.held.every((e) => e.type === 'run-snapshot')) at = Math.max(at, Math.min(...this.held.map((e) => this.dueAt(e as Snapshot))));
    // A timer already set for that soon or sooner stands; one set for a waiting snapshot gives way to news.
    if (this.timer) {
      if (this.timerAt <= at) return;
      clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, Math.max(0, at - Date.now()));
  }

  private async flush(): Promise<void> {
    if (this.busy || this.held.length === 0 || this.closed) return;
    const now = Date.now();
    const batch: LabEvent[] = [];
    const later: Snapshot[] = [];
    for (const e of this.held) {
      if (e.type !== 'run-snapshot') batch.push(e);
      else if (this.dueAt(e) > now) later.push(e);
      else {
        batch.push(e);
        this.snapshotSent.set(e.runId, now);
      }
    }
    this.held = [];
    this.progressAt.clear();
    this.snapshotAt.clear();
    for (const e of later) {
      this.snapshotAt.set(e.runId, this.held.length);
      this.held.push(e);
    }
    if (batch.length === 0) {
      this.schedule();
      return;
    }
    this.busy = true;
    this.lastFlush = Date.now();
    try {
      await this.deliver(batch);
    } catch {
      // A consumer that failed (a closed window) gets nothing more from this batch.
    } finally {
      this.busy = false;
      this.schedule();
    }
  }

  /** Stops delivering. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.held = [];
  }
}
