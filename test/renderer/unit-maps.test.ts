/** The hidden units' maps (unit-maps.ts): at most MAP_SIZE pixels a side, each pixel the grid point under it. */
import { describe, expect, it } from 'vitest';
import { divergingLut } from '../../src-renderer/src/lib/colormap';
import type { PlaneField } from '../../src-renderer/src/lib/plane';
import { MAP_SIZE, paintUnitMaps } from '../../src-renderer/src/lib/unit-maps';

/** A 100 x 100 field of one tanh unit whose value is its column's position, -1 (left) to 1 (right). */
function field(R: number): PlaneField {
  const z = Float64Array.from({ length: R * R }, (_, i) => ((i % R) / (R - 1)) * 2 - 1);
  return { resolution: R, outputs: 1, y: new Float64Array(R * R), hidden: [z] };
}

describe('paintUnitMaps', () => {
  const bg: [number, number, number] = [255, 255, 255];
  const lut = divergingLut(bg, 0.9);
  const colour = (v: number) => {
    const j = Math.round(((v + 1) / 2) * 255) * 3;
    return [lut[j], lut[j + 1], lut[j + 2]];
  };

  it('paints a 100 x 100 grid as 50 x 50 maps, pixel (r, c) from grid point (2r + 1, 2c + 1)', () => {
    const [m] = paintUnitMaps(field(100), ['tanh'], bg);
    expect([m.size, m.shown, m.rgba.length]).toEqual([MAP_SIZE, 1, 50 * 50 * 4]);
    for (const c of [0, 17, 49]) {
      const px = Array.from(m.rgba.subarray((3 * 50 + c) * 4, (3 * 50 + c) * 4 + 3));
      expect(px).toEqual(colour(((2 * c + 1) / 99) * 2 - 1));
    }
  });

  it('keeps a grid smaller than MAP_SIZE as it is', () => {
    const [m] = paintUnitMaps(field(30), ['tanh'], bg);
    expect(m.size).toBe(30);
    expect(Array.from(m.rgba.subarray(29 * 4, 29 * 4 + 3))).toEqual(colour(1));
  });

  it('negative control: the left edge is not the right edge', () => {
    const [m] = paintUnitMaps(field(100), ['tanh'], bg);
    expect(Array.from(m.rgba.subarray(0, 3))).not.toEqual(Array.from(m.rgba.subarray(49 * 4, 49 * 4 + 3)));
  });
});
