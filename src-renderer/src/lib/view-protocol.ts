/**
 * The messages between the window and its view workers (src-renderer/src/workers/view.worker.ts):
 * what the views ask to have computed off the main thread, and what comes back. Every request
 * carries a correlation id; the worker says `ready` once loaded; typed arrays travel in the
 * transfer list (moved, not copied), as between main and the trainer threads.
 */
import type { DatasetPayload } from '@shared/ipc';
import type { WeightSnapshot } from '@shared/run';
import type { LabSpec } from '@shared/spec';
import type { Rgb } from './colormap';
import type { HeatOptions } from './field-paint';
import type { Plane } from './plane';
import type { Quality } from './quality';
import type { LayerMaps } from './unit-maps';

/** A network to evaluate: its spec (for the shapes and the cost), its data's widths, and its weights. */
export interface NetworkRef {
  spec: LabSpec;
  /** Input columns of the data. */
  inputs: number;
  /** Target columns of the data. */
  targets: number;
  /** The flat parameter vector (moved to the worker). */
  weights: Float64Array<ArrayBuffer>;
}

/** The decision-boundary view: the heatmap, the boundary and the hidden units' maps of one plane. */
export interface PlaneRequest {
  kind: 'plane';
  net: NetworkRef;
  plane: Plane;
  heat: HeatOptions;
  /** Per hidden layer, its activation's name (the maps' colour ranges follow it). */
  activations: string[];
  /** The units' maps' background (the theme's). */
  mapBackground: Rgb;
}

/** A plane computed and painted. */
export interface PlaneResult {
  resolution: number;
  /** resolution x resolution RGBA: the heatmap, row 0 at the top. */
  heat: Uint8ClampedArray<ArrayBuffer>;
  /** The decision boundary as contour segments in grid units (see drawSegments). */
  segments: Float32Array<ArrayBuffer>[];
  /** The hidden units' maps, per hidden layer. */
  units: LayerMaps[];
  /** Milliseconds the worker spent on it. */
  ms: number;
}

/** The data the metrics are measured on: the window's sample of each part (sent once per dataset). */
export interface DataRequest {
  kind: 'data';
  data: DatasetPayload;
}

/** Quality of a network on one part of the data the worker holds. */
export interface QualityRequest {
  kind: 'quality';
  net: NetworkRef;
  part: 'train' | 'validation' | 'test';
}

/** The quality measured, on `n` of the part's `total` samples. */
export interface QualityResult {
  quality: Quality;
  /** The part measured (train when the asked one is empty). */
  part: 'train' | 'validation' | 'test';
  /** Samples measured. */
  n: number;
  /** Samples in the part. */
  total: number;
  ms: number;
}

/** What to animate. */
export interface AnimationSource {
  spec: LabSpec;
  /** Run label for the caption ("Run 3"). */
  label: string;
  initialWeights: Float64Array;
  snapshots: WeightSnapshot[];
  /** The run's final (latest) weights and step. */
  weights: Float64Array;
  finalStep: number;
  data: DatasetPayload;
}

/** The learning animation of a run as an animated GIF, drawn from the data the worker holds. */
export type AnimationRequest = { kind: 'animation' } & Omit<AnimationSource, 'data'>;

/** The GIF and its frame count. */
export interface AnimationResult {
  bytes: Uint8Array<ArrayBuffer>;
  frames: number;
}

/** The network diagram of wide layers: every layer's weights as an image (weight-matrix.ts). */
export interface MatricesRequest {
  kind: 'matrices';
  net: NetworkRef;
  background: Rgb;
}

/** Per layer, its (inputs + 1) x units RGBA image. */
export interface MatricesResult {
  layers: { inputs: number; units: number; rgba: Uint8ClampedArray<ArrayBuffer> }[];
}

/** Every request. */
export type ViewRequest = PlaneRequest | DataRequest | QualityRequest | AnimationRequest | MatricesRequest;

/** What each request kind answers. */
export interface ViewResults {
  plane: PlaneResult;
  data: null;
  quality: QualityResult;
  animation: AnimationResult;
  matrices: MatricesResult;
}

/** A request as posted, with its correlation id. */
export interface ToViewWorker {
  id: number;
  request: ViewRequest;
}

/** What the worker posts: ready once, then per request progress (animations) and one reply. */
export type FromViewWorker =
  | { type: 'ready' }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };
