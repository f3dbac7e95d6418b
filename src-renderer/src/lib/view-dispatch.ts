/**
 * Every view request, as a view worker (or its stand-in on the page's thread) serves it: the
 * learning animation here (it draws on OffscreenCanvases), everything else in view-compute.ts.
 */
import { learningAnimationGif } from './learning-animation';
import { handleViewRequest, type ViewState } from './view-compute';
import type { AnimationResult, ViewRequest } from './view-protocol';

/** Serves `req`; the buffers of the result to move are listed in `transfer`. */
export async function dispatchViewRequest(
  state: ViewState, req: ViewRequest, onProgress: (done: number, total: number) => void,
): Promise<{ result: unknown; transfer: Transferable[] }> {
  if (req.kind !== 'animation') return handleViewRequest(state, req);
  const d = state.data;
  if (!d) throw new Error('the data has not reached the animation worker yet');
  const r = (await learningAnimationGif({ ...req, data: d }, onProgress)) as AnimationResult;
  return { result: r, transfer: [r.bytes.buffer] };
}
