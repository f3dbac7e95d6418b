/**
 * A view worker: computes what the window's views draw (view-compute.ts) on its own thread, so
 * the page's thread only puts finished pixels on canvases. Requests are served one at a time,
 * in order; the views send a new one only when their last one is answered (latest-job.ts), so
 * none queues up behind a slow one.
 */
import { createViewState } from '../lib/view-compute';
import { dispatchViewRequest } from '../lib/view-dispatch';
import type { FromViewWorker, ToViewWorker } from '../lib/view-protocol';

/** The worker's global scope, as far as this file uses it (the renderer's types are the DOM's). */
const scope = self as unknown as {
  postMessage(message: FromViewWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToViewWorker>) => void) | null;
};

const state = createViewState();
let queue: Promise<void> = Promise.resolve();

scope.onmessage = (e) => {
  const { id, request } = e.data;
  queue = queue.then(async () => {
    try {
      const { result, transfer } = await dispatchViewRequest(state, request, (done, total) => scope.postMessage({ type: 'progress', id, done, total }));
      scope.postMessage({ type: 'reply', id, ok: true, result }, transfer);
    } catch (err) {
      scope.postMessage({ type: 'reply', id, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  });
};

scope.postMessage({ type: 'ready' });
