/**
 * The window's side of a view worker (workers/view.worker.ts): typed requests with correlation
 * ids, answers as promises, progress callbacks. Two workers serve the views, so a slow job never
 * holds up a fast one: `planes` for the data view (a plane per weight snapshot, tens of
 * milliseconds) and `measures` for what needs the data (metrics on a sample of each part, the
 * learning animation; up to a second on an MNIST-sized network).
 *
 * Where a worker cannot start (no Worker in this environment, or the script refused), the same
 * functions (view-dispatch.ts) run on the page's thread instead, after a macrotask, so the views
 * still work, only less smoothly; `inWorker` says which.
 */
import { createViewState, type ViewState } from './view-compute';
import { dispatchViewRequest } from './view-dispatch';
import type { DatasetPayload } from '@shared/ipc';
import type { FromViewWorker, ToViewWorker, ViewRequest, ViewResults } from './view-protocol';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  progress?: (done: number, total: number) => void;
  request: ViewRequest;
}

/** One view worker, or its stand-in on the page's thread. */
export class ViewWorker {
  private worker: Worker | null = null;
  private local: ViewState | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The last `data` request, replayed if the worker has to be replaced by the stand-in. */
  private data: ViewRequest | null = null;

  constructor(readonly name: string) {
    try {
      if (typeof Worker === 'undefined') throw new Error('no Worker here');
      const w = new Worker(new URL('../workers/view.worker.ts', import.meta.url), { type: 'module', name });
      w.onmessage = (e: MessageEvent<FromViewWorker>) => this.receive(e.data);
      w.onerror = (e) => {
        e.preventDefault();
        this.fallBack(`the ${name} worker failed: ${e.message || 'it could not be loaded'}`);
      };
      this.worker = w;
    } catch (e) {
      this.fallBack(`no ${name} worker: ${(e as Error).message}`);
    }
  }

  /** True while requests run on the worker's own thread. */
  get inWorker(): boolean {
    return this.worker !== null;
  }

  /** Runs everything on the page's thread from now on, including requests already sent. */
  private fallBack(reason: string): void {
    console.warn(`MLP Lab: ${reason}; computing the views on the page's thread`);
    this.worker?.terminate();
    this.worker = null;
    this.local = createViewState();
    const waiting = [...this.pending.entries()];
    this.pending.clear();
    if (this.data) void dispatchViewRequest(this.local, this.data, () => {});
    for (const [, p] of waiting) this.runLocally(p);
  }

  private receive(msg: FromViewWorker): void {
    if (msg.type === 'ready') return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.progress?.(msg.done, msg.total);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(msg.error));
  }

  private runLocally(p: Pending): void {
    const state = this.local as ViewState;
    setTimeout(() => {
      dispatchViewRequest(state, p.request, (done, total) => p.progress?.(done, total)).then((r) => p.resolve(r.result), (e: unknown) => p.reject(e as Error));
    }, 0);
  }

  /**
   * Computes `request`; the typed arrays in `transfer` are moved to the worker (the caller must
   * not use them afterwards). `progress` hears how far a long job got.
   */
  call<R extends ViewRequest>(request: R, transfer: Transferable[] = [], progress?: (done: number, total: number) => void): Promise<ViewResults[R['kind']]> {
    if (request.kind === 'data') this.data = request;
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve: resolve as (v: unknown) => void, reject, request, ...(progress ? { progress } : {}) };
      if (!this.worker) {
        this.runLocally(p);
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, p);
      const message: ToViewWorker = { id, request };
      this.worker.postMessage(message, transfer);
    });
  }
}

let planes: ViewWorker | null = null;
let measures: ViewWorker | null = null;

/** The worker of the data view's planes (created on first use). */
export function planeWorker(): ViewWorker {
  return (planes ??= new ViewWorker('planes'));
}

/** The worker of metrics and animations, which holds the data sample (created on first use). */
export function measureWorker(): ViewWorker {
  return (measures ??= new ViewWorker('measures'));
}

let measureData: DatasetPayload | null = null;

/**
 * The measure worker, holding `data` for the jobs sent next (the data the shown run trained on:
 * the project's, or a run's own split); the data is sent only when it changed. Requests are
 * answered in order, so a job sent after this sees this data.
 */
export function measureOn(data: DatasetPayload): ViewWorker {
  const w = measureWorker();
  if (data !== measureData) {
    measureData = data;
    void w.call({ kind: 'data', data }).catch(() => {});
  }
  return w;
}
