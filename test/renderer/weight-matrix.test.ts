/** A layer's weights as an image (weight-matrix.ts): row j, column i holds w_ji, the bias last. */
import { describe, expect, it } from 'vitest';
import { CLASS0, CLASS1 } from '../../src-renderer/src/lib/colormap';
import { largestWeight, paintWeightMatrix } from '../../src-renderer/src/lib/weight-matrix';

describe('paintWeightMatrix', () => {
  // 3 inputs -> 2 units: weights[i * 2 + j].
  const weights = Float64Array.of(1, -0.25, 0, 0.5, -1, 0.01);
  const bias = Float64Array.of(-0.5, 0.25);
  const px = new Uint8ClampedArray(4 * 2 * 4);
  paintWeightMatrix(px, weights, bias, 3, 2, largestWeight(Float64Array.of(...weights, ...bias)), [255, 255, 255]);
  const at = (row: number, col: number) => Array.from(px.subarray((row * 4 + col) * 4, (row * 4 + col) * 4 + 3));

  it('puts w_ji at row j, column i, full colour for the largest |w|, by sign', () => {
    expect(at(0, 0)).toEqual(CLASS1); // w from input 0 to unit 0 = +1 = max|w|
    expect(at(0, 2)).toEqual(CLASS0); // w from input 2 to unit 0 = -1
    expect(at(1, 0)).not.toEqual(at(0, 0)); // -0.25 is weaker and orange
  });

  it('puts the bias in the last column', () => {
    // bias of unit 1 = +0.25: blue-ish, paler than +1.
    const b = at(1, 3);
    expect(b[2]).toBeGreaterThan(b[0]);
    expect(b[0]).toBeGreaterThan(CLASS1[0]);
  });

  it('negative control: a transposed reading (row i, column j) would not match', () => {
    // w from input 1 to unit 0 is 0 (palest); row 1, column 0 holds w from input 0 to unit 1 = -0.25.
    expect(at(0, 1)).not.toEqual(at(1, 0));
  });
});
