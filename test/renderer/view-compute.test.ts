/**
 * What the view workers compute (view-compute.ts), called as the worker calls it: a plane comes
 * back as pixels, boundary segments and unit maps sized for its grid; metrics are measured on the
 * rows the worker holds and say how many of the part's samples that was.
 */
import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { samplePart } from '../../shared/data/plot-sample';
import type { DatasetPayload } from '../../shared/ipc';
import { createLab } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';
import { measureQuality } from '../../src-renderer/src/lib/quality';
import { createViewState, handleViewRequest } from '../../src-renderer/src/lib/view-compute';
import type { PlaneResult, QualityResult } from '../../src-renderer/src/lib/view-protocol';

const spec = parseSpec({
  format: 'mlp-lab-spec', version: 1, seed: 4,
  data: { builtin: 'xor-quadrants', n: 5000, split: { validation: 0.2, test: 0 } },
  network: { hidden: [{ units: 5, activation: 'tanh' }, { units: 3, activation: 'relu' }], output: { cost: 'sigmoid-cross-entropy' } },
});
const lab = createLab(spec, generateBuiltin('xor-quadrants', 5000, 4));
const payload: DatasetPayload = {
  inputNames: ['x1', 'x2'], targetNames: ['label'], normalization: null,
  train: samplePart(lab.data), validation: samplePart(lab.validation), test: samplePart({ ...lab.validation, n: 0, inputs: new Float64Array(0), targets: new Float64Array(0) }),
  inputStats: { min: [-1, -1], max: [1, 1], mean: [0, 0] }, targetStats: { min: [0], max: [1], mean: [0.5] },
};
const ref = () => ({ spec, inputs: 2, targets: 1, weights: Float64Array.from(lab.net.params) });

describe('view-compute', () => {
  it('paints a plane: R x R heat pixels, a boundary, and the first units of each hidden layer', async () => {
    const state = createViewState();
    const plane = { xFeature: 0, yFeature: 1, xMin: -1, xMax: 1, yMin: -1, yMax: 1, resolution: 30, fixed: new Float64Array(2) };
    const { result, transfer } = handleViewRequest(state, {
      kind: 'plane', net: ref(), plane, heat: { mode: 'binary', output: 0, discretise: false, background: [255, 255, 255] },
      activations: ['tanh', 'relu'], mapBackground: [255, 255, 255],
    });
    const r = result as PlaneResult;
    expect(r.heat.length).toBe(30 * 30 * 4);
    expect(r.units.map((u) => [u.units, u.shown, u.size, u.rgba.length])).toEqual([[5, 5, 30, 5 * 900 * 4], [3, 3, 30, 3 * 900 * 4]]);
    expect(r.segments).toHaveLength(1);
    expect(transfer).toContain(r.heat.buffer);
  });

  it('measures on the sample it holds and says so: 2,000 of the 4,000 training samples', async () => {
    const state = createViewState();
    handleViewRequest(state, { kind: 'data', data: payload });
    const { result } = handleViewRequest(state, { kind: 'quality', net: ref(), part: 'train' });
    const q = result as QualityResult;
    expect([q.n, q.total]).toEqual([2000, 4000]);
    // The same as measuring the sampled rows directly.
    const direct = measureQuality(lab.net, 'sigmoid-cross-entropy', payload.train.inputs, payload.train.targets, 2000);
    expect(q.quality).toEqual(direct);
    // The validation part (1,000 rows) is measured whole.
    const v = (handleViewRequest(state, { kind: 'quality', net: ref(), part: 'validation' })).result as QualityResult;
    expect([v.n, v.total]).toEqual([1000, 1000]);
  });

  it('negative control: refuses a network that does not fit the data it holds', async () => {
    const state = createViewState();
    handleViewRequest(state, { kind: 'data', data: payload });
    expect(() => handleViewRequest(state, { kind: 'quality', net: { ...ref(), inputs: 3 }, part: 'train' })).toThrow(/does not fit/);
  });
});
