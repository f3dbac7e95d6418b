/**
 * The work the view workers do, as plain functions over a small state (the networks built so
 * far, and the data sample): a plane's heatmap, boundary and unit maps; the weight matrices;
 * the quality of the weights on a part of the data. No DOM: the learning animation, which draws
 * on OffscreenCanvases, is dispatched beside these in view-dispatch.ts. The worker
 * (workers/view.worker.ts) calls them on its own thread; where no worker can be started they run
 * on the page's thread, with the same results.
 */
import type { Network } from '@shared/engine/network';
import type { DatasetPayload } from '@shared/ipc';
import { networkFor } from '@shared/lab';
import { boundarySegments, paintField } from './field-paint';
import { evaluatePlaneField } from './plane-field';
import type { PlaneField } from './plane';
import { measureQuality } from './quality';
import { paintUnitMaps } from './unit-maps';
import { largestWeight, paintWeightMatrix } from './weight-matrix';
import type {
  MatricesRequest, MatricesResult, NetworkRef, PlaneRequest, PlaneResult, QualityRequest, QualityResult, ViewRequest,
} from './view-protocol';

/** A view worker's memory between requests. */
export interface ViewState {
  /** The last network built, by shape: building one allocates, setting its weights does not. */
  net: { key: string; net: Network } | null;
  /** The last plane's buffers, reused while the shapes stay. */
  field: PlaneField | null;
  /** The window's sample of the data (for quality and animations). */
  data: DatasetPayload | null;
}

/** A fresh state. */
export function createViewState(): ViewState {
  return { net: null, field: null, data: null };
}

/** The network of `ref` with its weights (RangeError when they do not fit). */
function networkOf(state: ViewState, ref: NetworkRef): Network {
  const key = JSON.stringify([ref.spec.network, ref.inputs, ref.targets]);
  if (!state.net || state.net.key !== key) state.net = { key, net: networkFor(ref.spec, ref.inputs, ref.targets) };
  const net = state.net.net;
  if (net.size !== ref.weights.length) throw new RangeError(`the weights have ${ref.weights.length} values, the network needs ${net.size}`);
  net.params.set(ref.weights);
  return net;
}

/** The plane evaluated, painted and contoured. */
export function computePlane(state: ViewState, req: PlaneRequest): PlaneResult {
  const t0 = performance.now();
  const net = networkOf(state, req.net);
  const field = evaluatePlaneField(net, req.plane, state.field ?? undefined);
  state.field = field;
  const R = field.resolution;
  const heat = new Uint8ClampedArray(R * R * 4);
  paintField(heat, field, req.heat);
  const segments = boundarySegments(field, req.heat.mode, req.heat.output) as Float32Array<ArrayBuffer>[];
  const units = paintUnitMaps(field, req.activations, req.mapBackground);
  return { resolution: R, heat, segments, units, ms: performance.now() - t0 };
}

/** Every layer's weights painted as a matrix image. */
export function computeMatrices(state: ViewState, req: MatricesRequest): MatricesResult {
  const net = networkOf(state, req.net);
  const maxAbs = largestWeight(net.params);
  return {
    layers: net.layers.map((l) => {
      const rgba = new Uint8ClampedArray((l.inputs + 1) * l.units * 4);
      paintWeightMatrix(rgba, l.weights, l.bias, l.inputs, l.units, maxAbs, req.background);
      return { inputs: l.inputs, units: l.units, rgba };
    }),
  };
}

/** Quality on the sample of a part (the training part when the asked one is empty). */
export function computeQuality(state: ViewState, req: QualityRequest): QualityResult {
  const t0 = performance.now();
  const d = state.data;
  if (!d) throw new Error('the data has not reached the metrics worker yet');
  if (d.inputNames.length !== req.net.inputs || d.targetNames.length !== req.net.targets) throw new Error('the network does not fit the data the worker holds');
  const net = networkOf(state, req.net);
  const part = d[req.part].total > 0 ? req.part : 'train';
  const p = d[part];
  const quality = measureQuality(net, req.net.spec.network.output.cost, p.inputs, p.targets, p.n, d.classLabels);
  return { quality, part, n: p.n, total: p.total, ms: performance.now() - t0 };
}

/** Handles every request but the animation; the buffers of the result to move are listed in `transfer`. */
export function handleViewRequest(state: ViewState, req: Exclude<ViewRequest, { kind: 'animation' }>): { result: unknown; transfer: ArrayBuffer[] } {
  switch (req.kind) {
    case 'data':
      state.data = req.data;
      return { result: null, transfer: [] };
    case 'plane': {
      const r = computePlane(state, req);
      return { result: r, transfer: [r.heat.buffer, ...r.segments.map((s) => s.buffer), ...r.units.map((u) => u.rgba.buffer)] };
    }
    case 'quality':
      return { result: computeQuality(state, req), transfer: [] };
    case 'matrices': {
      const r = computeMatrices(state, req);
      return { result: r, transfer: r.layers.map((l) => l.rgba.buffer) };
    }
    default:
      throw new Error(`unknown view request ${(req as { kind: string }).kind}`);
  }
}
