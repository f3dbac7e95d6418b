import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import { createLab } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';
import { chunkPlan, flopsPerSample, LANES, LocalGradient } from '../../shared/training/gradient';
import { Trainer } from '../../shared/training/trainer';

function spec(training: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 5,
    data: { builtin: 'xor-quadrants', n: 300 },
    network: { hidden: [{ units: 6, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } },
    training: { optimizer: 'gd', learningRate: 0.01, steps: 100, ...training },
    ...extra,
  });
}

/** 5000 XOR samples through two 64-unit layers: a batch the trainer cuts into four chunks. */
function chunkedLab(seed: number) {
  const s = parseSpec({
    format: 'mlp-lab-spec', version: 1, seed, data: { builtin: 'xor-quadrants', n: 5000 },
    network: { hidden: [{ units: 64 }, { units: 64 }], output: { cost: 'sigmoid-cross-entropy' } },
  });
  return createLab(s, generateBuiltin('xor-quadrants', 5000, seed));
}

describe('trainer', () => {
  it('cuts batches into chunks by work, never by thread count, and keeps small batches whole', () => {
    expect(chunkPlan(1000, 72)).toEqual({ chunks: 1, rows: 1000 });
    const mnist = 6 * (784 * 256 + 256 * 10);
    expect(chunkPlan(128, mnist)).toEqual({ chunks: 4, rows: 32 });
    // A full batch of 60,000 is cut so a stop request is seen between chunks of bounded work.
    const big = chunkPlan(60000, mnist);
    expect(big.rows * mnist).toBeLessThanOrEqual(1e8 + mnist);
  });

  it('never plans an empty chunk: every chunk has rows, and the chunks cover the batch exactly', () => {
    // A net of 15M weights on 64 rows once planned 35 chunks of 2 rows: the last ones started past row 64.
    expect(chunkPlan(64, 6 * 15e6)).toEqual({ chunks: 32, rows: 2 });
    expect(chunkPlan(0, 72)).toEqual({ chunks: 1, rows: 0 });
    for (const perSample of [72, 1e5, 3e6, 6 * 15e6, 1e9]) {
      for (let n = 1; n <= 300; n++) {
        const { chunks, rows } = chunkPlan(n, perSample);
        expect(rows, `n ${n}, ${perSample} flops a sample`).toBeGreaterThan(0);
        expect((chunks - 1) * rows, `n ${n}, ${perSample} flops a sample: the last chunk starts inside the batch`).toBeLessThan(n);
        expect(chunks * rows, `n ${n}, ${perSample} flops a sample: the chunks cover it`).toBeGreaterThanOrEqual(n);
      }
    }
  });

  it('the chunked gradient equals the one-pass gradient to rounding', () => {
    const lab = chunkedLab(2);
    const plan = chunkPlan(5000, flopsPerSample(lab.net));
    expect(plan.chunks).toBeGreaterThan(1);
    const g = new Float64Array(lab.net.size);
    const e = new LocalGradient(lab.net).gradient(lab.net.params, lab.data.inputs, lab.data.targets, 5000, g);
    const e1 = lab.net.gradient(lab.data.inputs, lab.data.targets, 5000);
    expect(e).toBeCloseTo(e1, 8);
    lab.net.grads.forEach((v, i) => expect(Math.abs(g[i] - v)).toBeLessThan(1e-9 * Math.max(1, Math.abs(v))));
  });

  it('adds chunk gradients in the lane order, bit for bit: (g0 + g2) + (g1 + g3)', () => {
    const lab = chunkedLab(3);
    const net = lab.net;
    const { chunks, rows } = chunkPlan(5000, flopsPerSample(net));
    expect(chunks).toBe(4);
    expect(LANES).toBe(2);
    // Each chunk's gradient on its own, by the plain gradient().
    const g: Float64Array[] = [];
    for (let c = 0; c < chunks; c++) {
      net.gradient(lab.data.inputs.subarray(c * rows * 2, (c + 1) * rows * 2), lab.data.targets.subarray(c * rows, (c + 1) * rows), rows);
      g.push(Float64Array.from(net.grads));
    }
    const lanes = g[0].map((_, i) => g[0][i] + g[2][i] + (g[1][i] + g[3][i]));
    const chain = g[0].map((_, i) => g[0][i] + g[1][i] + g[2][i] + g[3][i]);
    const out = new Float64Array(net.size);
    new LocalGradient(net).gradient(net.params, lab.data.inputs, lab.data.targets, 5000, out);
    expect(Array.from(out)).toEqual(Array.from(lanes));
    // Negative control: summing in plain chunk order rounds differently somewhere.
    expect(Array.from(out)).not.toEqual(Array.from(chain));
  });

  it('a fused gradient step (lanes added inside the update) equals the gradient, then w - eta g, bit for bit', () => {
    const lab = chunkedLab(6);
    const net = lab.net;
    expect(chunkPlan(5000, flopsPerSample(net)).chunks).toBe(4);
    const eta = 0.37;
    const w0 = Float64Array.from(net.params);
    const g = new Float64Array(net.size);
    const e = new LocalGradient(net).gradient(net.params, lab.data.inputs, lab.data.targets, 5000, g);
    const expected = w0.map((w, i) => w - eta * g[i]);
    net.params.set(w0);
    const keep = new Float64Array(net.size);
    const eFused = new LocalGradient(net).gradient(net.params, lab.data.inputs, lab.data.targets, 5000, new Float64Array(net.size), eta, keep);
    expect(Object.is(eFused, e)).toBe(true);
    expect(Array.from(net.params)).toEqual(Array.from(expected));
    expect(Array.from(keep)).toEqual(Array.from(w0));
    // Negative control: a gradient off in its last dozen bits already gives other weights, so
    // the equality above pins the step to exactly that gradient.
    const chain = w0.map((w, i) => w - eta * (g[i] * (1 + 2 ** -40)));
    expect(Array.from(net.params)).not.toEqual(Array.from(chain));
  });

  it('Network.gradientInto writes or adds the gradient with the bits of gradient() plus a separate addition', () => {
    const lab = createLab(spec({ optimizer: 'gd' }), generateBuiltin('xor-quadrants', 300, 4));
    const net = lab.net;
    const x = lab.data.inputs.subarray(0, 200);
    const t = lab.data.targets.subarray(0, 100);
    const e = net.gradient(x, t, 100);
    const g = Float64Array.from(net.grads);
    const into = new Float64Array(net.size).fill(Number.NaN);
    expect(Object.is(net.gradientInto(x, t, 100, into, false), e)).toBe(true);
    expect(Array.from(into)).toEqual(Array.from(g));
    const before = Float64Array.from({ length: net.size }, (_, i) => Math.sin(i) * 1e3);
    const acc = Float64Array.from(before);
    net.gradientInto(x, t, 100, acc, true);
    expect(Array.from(acc)).toEqual(Array.from(before.map((b, i) => b + g[i])));
    expect(() => net.gradientInto(x, t, 100, new Float64Array(3), false)).toThrow(/3 values/);
  });

  it('mini-batches visit every training sample once per epoch, reshuffled each epoch', () => {
    const lab = createLab(spec({ optimizer: 'sgd', batchSize: 50 }), generateBuiltin('xor-quadrants', 300, 5));
    const seen: number[][] = [];
    const t = new Trainer(lab, {
      gradient: {
        gradient: (_w, x, _t, n, grad) => {
          const rows: number[] = [];
          for (let r = 0; r < n; r++) {
            for (let i = 0; i < lab.data.n; i++) if (lab.data.inputs[2 * i] === x[2 * r] && lab.data.inputs[2 * i + 1] === x[2 * r + 1]) rows.push(i);
          }
          seen.push(rows);
          grad.fill(0);
          return 0;
        },
      },
    });
    t.run(12); // two epochs of six batches
    const epoch1 = seen.slice(0, 6).flat();
    const epoch2 = seen.slice(6, 12).flat();
    expect([...epoch1].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect([...epoch2].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(epoch1).not.toEqual(epoch2);
    expect(t.epoch).toBe(2);
  });

  it('weight decay adds lambda/2 w^T w over weights (not biases) to E and lambda w to the gradient', () => {
    const lambda = 0.3;
    const plain = createLab(spec({}), generateBuiltin('xor-quadrants', 300, 5));
    const decayed = createLab(spec({ weightDecay: lambda }), generateBuiltin('xor-quadrants', 300, 5));
    const a = new Trainer(plain);
    const b = new Trainer(decayed);
    const eA = a.advance() * 300;
    const eB = b.advance() * 300;
    const init = createLab(spec({}), generateBuiltin('xor-quadrants', 300, 5)).net;
    let ww = 0;
    for (const l of init.layers) for (const w of l.weights) ww += w * w;
    expect(eB - eA).toBeCloseTo(0.5 * lambda * ww, 9);
    // After one step the biases moved identically; the weights moved by an extra eta*lambda*w.
    plain.net.layers.forEach((l, k) => {
      const d = decayed.net.layers[k];
      l.bias.forEach((v, j) => expect(d.bias[j]).toBe(v));
      l.weights.forEach((v, j) => expect(d.weights[j]).toBeCloseTo(v - 0.01 * lambda * init.layers[k].weights[j], 12));
    });
  });

  it('early stopping needs a validation split, and says so', () => {
    expect(() => spec({ earlyStopping: { patience: 3 } })).toThrow(/training\.earlyStopping needs a validation set: set data\.split\.validation/);
  });

  it('splits are seeded: the same seed gives the same validation set, another seed another', () => {
    const split = { data: { builtin: 'xor-quadrants', n: 300, split: { validation: 0.2, test: 0.1 } } };
    const a = createLab(spec({}, split), generateBuiltin('xor-quadrants', 300, 5));
    const b = createLab(spec({}, split), generateBuiltin('xor-quadrants', 300, 5));
    const c = createLab({ ...spec({}, split), seed: 6 }, generateBuiltin('xor-quadrants', 300, 5));
    expect([a.data.n, a.validation.n, a.test.n]).toEqual([210, 60, 30]);
    expect(Array.from(a.validation.inputs)).toEqual(Array.from(b.validation.inputs));
    expect(Array.from(a.validation.inputs)).not.toEqual(Array.from(c.validation.inputs));
  });

  it('stops at the step budget with status finished', () => {
    const t = new Trainer(createLab(spec({ steps: 7 }), generateBuiltin('xor-quadrants', 300, 5)));
    expect(t.run(100)).toBe(7);
    expect(t.state.status).toBe('finished');
    expect(t.drainCurve().steps.length).toBe(7);
  });
});

describe('divergence, for every cost', () => {
  const cases = [
    ['sigmoid-cross-entropy', 'xor-quadrants'],
    ['softmax-cross-entropy', 'blobs'],
    ['sum-of-squares', 'sine-regression'],
    ['mixture-density', 'sine-regression-inverse'],
  ] as const;
  for (const [cost, builtin] of cases) {
    it(`${cost}: a learning rate far too large ends the run as diverged, keeping weights whose E/N was in range`, () => {
      const s = parseSpec({
        format: 'mlp-lab-spec', version: 1, seed: 3, data: { builtin, n: 200 },
        network: { hidden: [{ units: 8 }], output: { cost, ...(cost === 'mixture-density' ? { components: 2 } : {}) } },
        training: { optimizer: 'gd', learningRate: 1e6, steps: 500 },
      });
      const lab = createLab(s, generateBuiltin(builtin, 200, 3));
      const trainer = new Trainer(lab);
      trainer.run(500);
      expect(trainer.state.status).toBe('diverged');
      expect(trainer.state.message).toMatch(/^diverged at step \d+: .* with learning rate 1000000: try a smaller learning rate \(the last good weights, of step \d+, are kept\)$/);
      expect(lab.net.params.every((w) => Number.isFinite(w))).toBe(true);
      // The weights kept give an E/N within the rule's bound of the start's.
      const start = lab.net.error(lab.data.inputs, lab.data.targets, lab.data.n);
      expect(Number.isFinite(start)).toBe(true);
    });
  }

  it('negative control: the seed\'s XOR run at learning rate 0.001 never trips the rule in 20,000 steps', () => {
    const lab = createLab(spec({ learningRate: 0.001, steps: 20000 }), generateBuiltin('xor-quadrants', 300, 5));
    const trainer = new Trainer(lab);
    trainer.run(20000);
    expect(trainer.state.status).toBe('finished');
  });

  it('data too large for the network is reported as such at the first step, not as a learning rate problem', () => {
    const s = parseSpec({
      format: 'mlp-lab-spec', version: 1, seed: 1, data: { builtin: 'sine-regression', n: 50 },
      network: { hidden: [{ units: 4 }], output: { cost: 'sum-of-squares' } }, training: { learningRate: 1e-9, steps: 10 },
    });
    const raw = generateBuiltin('sine-regression', 50, 1);
    // Targets near 1e200: (y - t)^2 overflows at the initial weights already.
    const huge = { ...raw, targets: raw.targets.map((v) => (v + 1) * 1e200) };
    const trainer = new Trainer(createLab(s, huge));
    trainer.run(10);
    expect(trainer.state.status).toBe('diverged');
    expect(trainer.state.message).toMatch(/^E is not a finite number at the initial weights, before any update: the data's values are too large for the network \(the largest input is [\d.]+, the largest target [\d.]+e\+200\); normalise or rescale the inputs and targets$/);
    expect(trainer.state.message).not.toMatch(/learning rate/);
  });
});
