/**
 * Colours of the data views: two classes on a diverging orange-blue map (TensorFlow Playground's
 * convention: orange negative / class 0, blue positive / class 1), up to ten classes from a
 * colour-blind-friendly palette, and weights by sign.
 */

/** An RGB colour, each channel 0-255. */
export type Rgb = [number, number, number];

/** Class 0 and class 1 of a two-class problem. */
export const CLASS0: Rgb = [245, 147, 34];
export const CLASS1: Rgb = [8, 119, 189];

/** Distinct class colours (Okabe-Ito / Tableau-like), class index mod length. */
export const PALETTE: readonly Rgb[] = [
  [8, 119, 189], [245, 147, 34], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

/** CSS colour of a class: the two-class pair for k = 2, else the palette. */
export function classColor(index: number, classes: number): string {
  const c = classes <= 2 ? (index === 0 ? CLASS0 : CLASS1) : PALETTE[index % PALETTE.length];
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** RGB of a class (see classColor). */
export function classRgb(index: number, classes: number): Rgb {
  return classes <= 2 ? (index === 0 ? CLASS0 : CLASS1) : PALETTE[index % PALETTE.length];
}

/** a + (b - a) t per channel. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/**
 * A 256-entry lookup table for p in [0, 1]: class-0 colour at 0, the background at 0.5, class-1
 * colour at 1; `strength` (0-1) is how far the ends go from the background (a pale heatmap keeps
 * the points readable). Returns RGB triples packed in a Uint8ClampedArray(256 * 3).
 */
export function divergingLut(background: Rgb, strength = 0.75): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const p = i / 255;
    const c = p < 0.5 ? mix(background, CLASS0, (0.5 - p) * 2 * strength) : mix(background, CLASS1, (p - 0.5) * 2 * strength);
    lut[i * 3] = c[0];
    lut[i * 3 + 1] = c[1];
    lut[i * 3 + 2] = c[2];
  }
  return lut;
}

/** Colour of a weight: blue positive, orange negative (the playground's convention). */
export function weightColor(w: number): string {
  return w >= 0 ? 'rgb(8, 119, 189)' : 'rgb(245, 147, 34)';
}
