/**
 * A pool of trainer workers sized to the machine. A job takes a worker for as long as it runs
 * (a whole training run, or one gradient check); jobs beyond the pool's size wait in a queue.
 * A worker that crashes or is terminated is replaced, and only its own job fails.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ReplyEvent, ToWorker } from '../../shared/worker-protocol';

/** A request as the caller writes it: the pool adds the correlation id. */
export type RequestBody = ToWorker extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

/**
 * Where the built trainer worker is: out/main/trainer-worker.js. This module may itself be built
 * into out/main (an entry) or out/main/chunks (shared by several entries), so look from out/main.
 */
export function defaultWorkerUrl(): URL {
  const here = new URL('.', import.meta.url);
  const main = here.pathname.endsWith('/chunks/') ? new URL('..', here) : here;
  return new URL('trainer-worker.js', main);
}

/** Options of a pool. */
export interface PoolOptions {
  /** Number of workers (default: os.availableParallelism()). */
  size?: number;
  /** The trainer worker script (default: out/main/trainer-worker.js beside this module). */
  workerUrl?: URL | string;
}

/** Receives a worker's events while a job holds it, and learns if the worker dies. */
export interface JobHandlers {
  onEvent(event: FromWorker): void;
  onCrash(reason: string): void;
}

/** One worker of the pool, lent to one job at a time. */
export class PooledWorker {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  private handlers: JobHandlers | null = null;
  private replies = new Map<number, (r: ReplyEvent) => void>();
  private nextId = 1;
  private dead = false;
  private lastError = '';

  constructor(url: URL | string, private readonly onDeath: (w: PooledWorker) => void) {
    this.worker = new Worker(url);
    this.ready = new Promise((resolve, reject) => {
      const onEarlyExit = (code: number) => reject(new Error(`the trainer worker exited while starting (code ${code})${this.lastError ? `: ${this.lastError}` : ''}`));
      this.worker.once('exit', onEarlyExit);
      this.worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          this.worker.off('exit', onEarlyExit);
          resolve();
        }
      });
    });
    this.ready.catch(() => {});
    this.worker.on('message', (m: FromWorker) => this.dispatch(m));
    this.worker.on('error', (e) => {
      this.lastError = e.message;
    });
    this.worker.on('exit', (code) => this.died(code));
  }

  /** Sends a request and resolves with its reply. */
  request(message: RequestBody, transfer: ArrayBuffer[] = []): Promise<ReplyEvent> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.dead) {
        reject(new Error('the trainer worker has stopped'));
        return;
      }
      this.replies.set(id, resolve);
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  /** Routes this worker's events to `handlers` (null: nobody is listening). */
  attach(handlers: JobHandlers | null): void {
    this.handlers = handlers;
  }

  private dispatch(m: FromWorker): void {
    if (m.type === 'reply') {
      const resolve = this.replies.get(m.id);
      this.replies.delete(m.id);
      resolve?.(m);
      return;
    }
    if (m.type !== 'ready') this.handlers?.onEvent(m);
  }

  private died(code: number): void {
    if (this.dead) return;
    this.dead = true;
    const reason = this.lastError
      ? `the trainer thread crashed: ${this.lastError}`
      : `the trainer thread stopped unexpectedly (exit code ${code})`;
    for (const resolve of this.replies.values()) resolve({ type: 'reply', id: 0, ok: false, error: { name: 'WorkerCrash', message: reason } });
    this.replies.clear();
    this.handlers?.onCrash(reason);
    this.handlers = null;
    this.onDeath(this);
  }

  /** True once the worker has exited. */
  get isDead(): boolean {
    return this.dead;
  }
}

/** A fixed-size pool with a FIFO queue of waiting jobs. */
export class WorkerPool {
  readonly size: number;
  private readonly url: URL | string;
  private readonly idle: PooledWorker[] = [];
  private readonly busy = new Set<PooledWorker>();
  private readonly waiting: ((w: PooledWorker) => void)[] = [];
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.url = options.workerUrl ?? defaultWorkerUrl();
    for (let i = 0; i < this.size; i++) this.idle.push(this.spawn());
  }

  private spawn(): PooledWorker {
    return new PooledWorker(this.url, (w) => this.replace(w));
  }

  /** A crashed worker leaves the pool and a fresh one takes its place. */
  private replace(dead: PooledWorker): void {
    this.busy.delete(dead);
    const i = this.idle.indexOf(dead);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.closed) return;
    this.give(this.spawn());
  }

  /** Jobs waiting for a worker. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Workers running a job now. */
  get active(): number {
    return this.busy.size;
  }

  /** A worker for one job: at once if one is idle, else when one is released (FIFO). */
  async acquire(): Promise<PooledWorker> {
    if (this.closed) throw new Error('the worker pool is closed');
    const w = this.idle.pop() ?? (await new Promise<PooledWorker>((resolve) => this.waiting.push(resolve)));
    this.busy.add(w);
    await w.ready;
    return w;
  }

  /** An idle worker if there is one now, else null (never waits in the queue). */
  async tryAcquire(): Promise<PooledWorker | null> {
    if (this.closed) return null;
    const w = this.idle.pop();
    if (!w) return null;
    this.busy.add(w);
    await w.ready;
    return w;
  }

  /** Gives a worker back after its job. */
  release(w: PooledWorker): void {
    w.attach(null);
    this.busy.delete(w);
    if (w.isDead) return;
    this.give(w);
  }

  private give(w: PooledWorker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle, ...this.busy];
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.worker.terminate()));
  }
}
