/**
 * What each hidden unit computes over the plane (TensorFlow Playground's neuron thumbnails), as
 * pixels: one T x T RGBA image per unit shown (T = the grid's R, at most MAP_SIZE: the maps are
 * shown about 52 pixels wide, and 24 maps of a layer at 100 x 100 would be a megabyte of pixels
 * per snapshot), its output z over the same grid as the main view, sampled at every (R/T)-th point,
 * on a diverging scale fixed by the activation's range (tanh -1..1, sigmoid 0..1; relu and
 * linear from 0 or -m to m, m the largest |z| on the plane).
 */
import { divergingLut, type Rgb } from './colormap';
import type { PlaneField } from './plane';

/** Most thumbnails painted per layer. */
export const MAX_UNIT_MAPS = 24;
/** Most pixels per side of a map. */
export const MAP_SIZE = 50;

/** One hidden layer's maps. */
export interface LayerMaps {
  /** Hidden layer index (0 = the first). */
  layer: number;
  /** Units in the layer. */
  units: number;
  /** Units painted (the first `shown`). */
  shown: number;
  /** Pixels per side of each image. */
  size: number;
  /** `shown` images one after the other, each size x size RGBA. */
  rgba: Uint8ClampedArray<ArrayBuffer>;
}

/** The value range a unit's map spans, by activation (see the file comment). */
function range(values: Float64Array, units: number, u: number, n: number, activation: string): [number, number] {
  if (activation === 'sigmoid') return [0, 1];
  if (activation !== 'relu' && activation !== 'linear') return [-1, 1];
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(values[i * units + u]));
  return [activation === 'relu' ? 0 : -m || -1, m || 1];
}

/** Paints the first `max` units of every hidden layer of `field`; `activations[l]` names layer l's function. */
export function paintUnitMaps(field: PlaneField, activations: readonly string[], background: Rgb, max = MAX_UNIT_MAPS, size = MAP_SIZE): LayerMaps[] {
  const R = field.resolution;
  const n = R * R;
  const T = Math.min(R, size);
  // The grid point each pixel shows.
  const at = Int32Array.from({ length: T * T }, (_, p) => Math.floor(((Math.floor(p / T) + 0.5) * R) / T) * R + Math.floor((((p % T) + 0.5) * R) / T));
  const lut = divergingLut(background, 0.9);
  return field.hidden.map((values, l) => {
    const units = values.length / n;
    const shown = Math.min(units, max);
    const rgba = new Uint8ClampedArray(shown * T * T * 4);
    for (let u = 0; u < shown; u++) {
      const [lo, hi] = range(values, units, u, n, activations[l] ?? 'tanh');
      const scale = 1 / (hi - lo);
      const base = u * T * T * 4;
      for (let p = 0; p < T * T; p++) {
        const t = (values[at[p] * units + u] - lo) * scale;
        const j = Math.max(0, Math.min(255, Math.round(t * 255))) * 3;
        const o = base + p * 4;
        rgba[o] = lut[j];
        rgba[o + 1] = lut[j + 1];
        rgba[o + 2] = lut[j + 2];
        rgba[o + 3] = 255;
      }
    }
    return { layer: l, units, shown, size: T, rgba };
  });
}
