/**
 * The built-in datasets, generated from a seeded `Rng` so a spec's seed fixes them: the seed
 * post's two-class "XOR quadrants" and its sine regression, and the classic teaching sets
 * (circle, two-arm spiral, Gaussian blobs, two moons, and PRML figure 1.2's noisy sine curve).
 *
 * Every generator draws from the "data" stream of the seed (`Rng.derive(seed, 'data')`) and takes
 * a `noise` parameter whose meaning each dataset states (`BuiltinInfo.noise.meaning`); noise 0
 * gives points exactly on the underlying curves and exactly obeying the labelling rule. The seed
 * post's two datasets at their default noise are drawn exactly as before (the seed's runs are
 * reproduced from them).
 */
import { Rng } from '../engine/rng';
import type { BuiltinInfo, Dataset } from './dataset';
import { generatePrml, PRML_BUILTINS, PRML_NAMES } from './prml';
// The sine curves' f(x) is the one the regression view draws as the true function (issue 16, item 18).
import { TRUE_FUNCTIONS } from './true-functions';

/** The built-in dataset names a spec may use. */
export const BUILTIN_NAMES = ['xor-quadrants', 'sine-regression', 'circle', 'spiral', 'blobs', 'two-moons', 'sine-curve', ...PRML_NAMES] as const;
/** One of `BUILTIN_NAMES`. */
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

/** What each built-in dataset is. */
export const BUILTINS: readonly BuiltinInfo<BuiltinName>[] = [
  {
    name: 'xor-quadrants',
    title: 'XOR quadrants',
    description: 'x ~ U(-1, 1)^2, label 1 where x1 x2 > 0',
    origin: 'the seed post\'s two-class example',
    defaultN: 1000,
    noise: { default: 0, max: 0.5, meaning: 'std of Gaussian jitter added to each input after labelling' },
    task: 'binary',
    cost: 'sigmoid-cross-entropy',
    inputs: 2,
  },
  {
    name: 'sine-regression',
    title: 'Sine regression',
    description: 't = x + 0.3 sin(2 pi x) + U(-noise, noise), x ~ U(0, 1)',
    origin: 'the seed post\'s regression example',
    defaultN: 100,
    noise: { default: 0.1, max: 0.5, meaning: 'half-width of the uniform noise on t' },
    task: 'regression',
    cost: 'sum-of-squares',
    inputs: 1,
  },
  {
    name: 'circle',
    title: 'Circle',
    description: 'label 1 inside radius 0.5 (points at r < 0.4), label 0 on the ring 0.6 < r < 1',
    origin: 'TensorFlow Playground\'s "circle"',
    defaultN: 500,
    noise: { default: 0.05, max: 0.5, meaning: 'std of Gaussian jitter added to each input after labelling' },
    task: 'binary',
    cost: 'sigmoid-cross-entropy',
    inputs: 2,
    starter: { hidden: [6], optimizer: 'adam', learningRate: 0.01, steps: 2000 },
  },
  {
    name: 'spiral',
    title: 'Spiral (two arms)',
    description: 'two interleaved arms r = 0.1 + 0.9 s, angle 3 pi s (+ pi for the second arm), s ~ U(0, 1)',
    origin: 'the classic two-spirals benchmark (Lang & Witbrock 1988)',
    defaultN: 600,
    noise: { default: 0.03, max: 0.3, meaning: 'std of Gaussian jitter added to each input' },
    task: 'binary',
    cost: 'sigmoid-cross-entropy',
    inputs: 2,
    starter: { hidden: [16, 16], optimizer: 'adam', learningRate: 0.01, steps: 4000 },
  },
  {
    name: 'blobs',
    title: 'Gaussian blobs',
    description: 'k classes, each an isotropic Gaussian around a centre on the unit circle',
    origin: 'scikit-learn\'s make_blobs; PRML §4.1 class-conditional Gaussians',
    defaultN: 600,
    noise: { default: 0.3, max: 1.5, meaning: 'std of each blob around its centre' },
    classes: { default: 3, min: 2, max: 10 },
    task: 'multiclass',
    cost: 'softmax-cross-entropy',
    inputs: 2,
    starter: { hidden: [6], optimizer: 'adam', learningRate: 0.01, steps: 1500 },
  },
  {
    name: 'two-moons',
    title: 'Two moons',
    description: 'two interleaved half circles: (cos a, sin a) and (1 - cos a, 0.5 - sin a), a ~ U(0, pi)',
    origin: 'scikit-learn\'s make_moons',
    defaultN: 500,
    noise: { default: 0.1, max: 0.5, meaning: 'std of Gaussian jitter added to each input' },
    task: 'binary',
    cost: 'sigmoid-cross-entropy',
    inputs: 2,
    starter: { hidden: [8], optimizer: 'adam', learningRate: 0.01, steps: 2000 },
  },
  {
    name: 'sine-curve',
    title: 'Sine curve (PRML fig. 1.2)',
    description: 't = sin(2 pi x) + N(0, noise^2) at x spaced evenly over [0, 1]',
    origin: 'PRML figure 1.2 (N = 10, noise 0.3)',
    defaultN: 10,
    noise: { default: 0.3, max: 1, meaning: 'std of the Gaussian noise on t' },
    task: 'regression',
    cost: 'sum-of-squares',
    inputs: 1,
    starter: { hidden: [3], optimizer: 'adam', learningRate: 0.01, steps: 3000 },
  },
  // PRML chapter 5's figures (prml.ts).
  ...PRML_BUILTINS,
];

/** The description of built-in dataset `name`. */
export function builtinInfo(name: BuiltinName): BuiltinInfo<BuiltinName> {
  const info = BUILTINS.find((b) => b.name === name);
  if (!info) throw new RangeError(`there is no built-in dataset "${name}"`);
  return info;
}

/** Generator parameters beyond n and the seed; unset ones take the dataset's defaults. */
export interface BuiltinParams {
  noise?: number;
  /** Blobs only: number of classes. */
  classes?: number;
}

/**
 * Generates built-in dataset `name` with n samples from the "data" stream of `seed`. A
 * `BuiltinDataSpec` can be passed as `params` directly.
 */
export function generateBuiltin(name: BuiltinName, n: number, seed: number, params: BuiltinParams = {}): Dataset {
  const info = builtinInfo(name);
  const rng = Rng.derive(seed, 'data');
  const noise = params.noise ?? info.noise.default;
  switch (name) {
    case 'xor-quadrants': return xorQuadrants(n, noise, rng);
    case 'sine-regression': return sineRegression(n, noise, rng);
    case 'circle': return circle(n, noise, rng);
    case 'spiral': return spiral(n, noise, rng);
    case 'blobs': return blobs(n, params.classes ?? info.classes!.default, noise, rng);
    case 'two-moons': return twoMoons(n, noise, rng);
    case 'sine-curve': return sineCurve(n, noise, rng);
    default: return generatePrml(name, n, noise, rng);
  }
}

/** A two-input, one-label dataset from filled arrays. */
function plane(inputs: Float64Array, targets: Float64Array, n: number, target = 'label'): Dataset {
  return { inputs, targets, n, inputNames: ['x1', 'x2'], targetNames: [target] };
}

/** x ~ U(-1, 1)^2; t = 1 where x1 * x2 > 0, else 0; then (noise > 0) Gaussian jitter on x. */
function xorQuadrants(n: number, noise: number, rng: Rng): Dataset {
  const inputs = new Float64Array(n * 2);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x1 = rng.uniformIn(-1, 1);
    const x2 = rng.uniformIn(-1, 1);
    targets[i] = x1 * x2 > 0 ? 1 : 0;
    // Without noise no extra draws are made, so the seed post's data is unchanged.
    inputs[2 * i] = noise > 0 ? x1 + noise * rng.normal() : x1;
    inputs[2 * i + 1] = noise > 0 ? x2 + noise * rng.normal() : x2;
  }
  return plane(inputs, targets, n);
}

/** x ~ U(0, 1); t = x + 0.3 sin(2 pi x) + U(-noise, noise). All x are drawn first, then the noise, as numpy does. */
function sineRegression(n: number, noise: number, rng: Rng): Dataset {
  const inputs = new Float64Array(n);
  const targets = new Float64Array(n);
  const f = TRUE_FUNCTIONS['sine-regression'].f;
  for (let i = 0; i < n; i++) inputs[i] = rng.uniform();
  for (let i = 0; i < n; i++) {
    const x = inputs[i];
    targets[i] = f(x) + rng.uniformIn(-noise, noise);
  }
  return { inputs, targets, n, inputNames: ['x'], targetNames: ['t'] };
}

/**
 * Even samples label 1, uniform over the disc r < 0.4; odd samples label 0, uniform over the
 * ring 0.6 < r < 1. The label is the radius rule r < 0.5 of the clean point; jitter comes after.
 */
function circle(n: number, noise: number, rng: Rng): Dataset {
  const inputs = new Float64Array(n * 2);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const inside = i % 2 === 0;
    // sqrt of a uniform fraction of the area gives points uniform over the disc / ring.
    const r = inside ? 0.4 * Math.sqrt(rng.uniform()) : Math.sqrt(0.36 + 0.64 * rng.uniform());
    const a = rng.uniformIn(0, 2 * Math.PI);
    inputs[2 * i] = r * Math.cos(a) + noise * rng.normal();
    inputs[2 * i + 1] = r * Math.sin(a) + noise * rng.normal();
    targets[i] = inside ? 1 : 0;
  }
  return plane(inputs, targets, n);
}

/** Arm i % 2: r = 0.1 + 0.9 s, angle 3 pi s + arm pi, s ~ U(0, 1); label = arm; then jitter. */
function spiral(n: number, noise: number, rng: Rng): Dataset {
  const inputs = new Float64Array(n * 2);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const arm = i % 2;
    const s = rng.uniform();
    const r = 0.1 + 0.9 * s;
    const a = 3 * Math.PI * s + arm * Math.PI;
    inputs[2 * i] = r * Math.cos(a) + noise * rng.normal();
    inputs[2 * i + 1] = r * Math.sin(a) + noise * rng.normal();
    targets[i] = arm;
  }
  return plane(inputs, targets, n);
}

/** The centre of blob j of k: on the unit circle, the first at the top. */
export function blobCentre(j: number, k: number): [number, number] {
  const a = Math.PI / 2 + (2 * Math.PI * j) / k;
  return [Math.cos(a), Math.sin(a)];
}

/** Sample i belongs to class i % k (balanced) and is its centre plus N(0, noise^2 I). */
function blobs(n: number, k: number, noise: number, rng: Rng): Dataset {
  if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`blobs needs a whole number of classes >= 2, got ${k}`);
  const inputs = new Float64Array(n * 2);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const [cx, cy] = blobCentre(c, k);
    inputs[2 * i] = cx + noise * rng.normal();
    inputs[2 * i + 1] = cy + noise * rng.normal();
    targets[i] = c;
  }
  return plane(inputs, targets, n, 'class');
}

/** Even samples: the upper moon (cos a, sin a), label 0; odd: the lower (1 - cos a, 0.5 - sin a), label 1; then jitter. */
function twoMoons(n: number, noise: number, rng: Rng): Dataset {
  const inputs = new Float64Array(n * 2);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lower = i % 2 === 1;
    const a = rng.uniformIn(0, Math.PI);
    const x = lower ? 1 - Math.cos(a) : Math.cos(a);
    const y = lower ? 0.5 - Math.sin(a) : Math.sin(a);
    inputs[2 * i] = x + noise * rng.normal();
    inputs[2 * i + 1] = y + noise * rng.normal();
    targets[i] = lower ? 1 : 0;
  }
  return plane(inputs, targets, n);
}

/** PRML figure 1.2: x_i = i / (n - 1) evenly over [0, 1], t_i = sin(2 pi x_i) + N(0, noise^2). */
function sineCurve(n: number, noise: number, rng: Rng): Dataset {
  const inputs = new Float64Array(n);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = n > 1 ? i / (n - 1) : 0;
    inputs[i] = x;
    targets[i] = TRUE_FUNCTIONS['sine-curve'].f(x) + noise * rng.normal();
  }
  return { inputs, targets, n, inputNames: ['x'], targetNames: ['t'] };
}
