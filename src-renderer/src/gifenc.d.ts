// Types for gifenc 1.x (it ships none): the parts the learning animation uses.
declare module 'gifenc' {
  /** A palette: [r, g, b] (or [r, g, b, a]) byte triples. */
  export type Palette = number[][];
  /** Up to `maxColors` colours covering the RGBA pixels (pairwise nearest-neighbour clustering). */
  export function quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number, options?: { format?: 'rgb565' | 'rgb444' | 'rgba4444' }): Palette;
  /** The palette index of every pixel: its nearest colour. */
  export function applyPalette(rgba: Uint8Array | Uint8ClampedArray, palette: Palette, format?: 'rgb565' | 'rgb444' | 'rgba4444'): Uint8Array;
  export interface FrameOptions {
    palette?: Palette;
    /** Milliseconds. */
    delay?: number;
    /** -1 once, 0 for ever, n more times. */
    repeat?: number;
    transparent?: boolean;
    transparentIndex?: number;
    dispose?: number;
    first?: boolean;
  }
  export interface Encoder {
    writeFrame(index: Uint8Array, width: number, height: number, options?: FrameOptions): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  export function GIFEncoder(options?: { auto?: boolean; initialCapacity?: number }): Encoder;
}
