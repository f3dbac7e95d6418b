/**
 * Built-in datasets of PRML chapter 5's figures, registered in builtin.ts beside the others:
 *
 * - figure 5.3: N = 50 points x ~ U(-1, 1) of x^2, sin(pi x), |x| and the Heaviside step;
 * - figure 5.4: the two-class synthetic problem: class 1 a single Gaussian, class 0 a mixture of
 *   two (Netlab's demmlp2 parameters), with its Bayes-optimal posterior `twoClassPosterior`;
 * - figures 5.19 / 5.21: the inverse of the seed's regression problem (x and t swapped), whose
 *   target has up to three branches for one input.
 *
 * The forward problem of figure 5.19 is the seed's `sine-regression`, and figure 5.9's sinusoidal
 * data is `sine-curve`: both live in builtin.ts. Every generator draws from the Rng it is given
 * (the seed's "data" stream), so a spec's seed fixes the data.
 */
import type { Rng } from '../engine/rng';
import type { BuiltinInfo, Dataset } from './dataset';
// Figure 5.3's curves come from the one definition the regression view also draws (issue 16, item 18).
import { TRUE_FUNCTIONS } from './true-functions';

/** The PRML figure datasets' names, in gallery order. */
export const PRML_NAMES = ['prml-x-squared', 'prml-sin-pi-x', 'prml-abs-x', 'prml-heaviside', 'prml-two-class', 'sine-regression-inverse'] as const;
/** One of `PRML_NAMES`. */
export type PrmlName = (typeof PRML_NAMES)[number];

/** True when `name` is one of the PRML figure datasets. */
export function isPrmlName(name: string): name is PrmlName {
  return (PRML_NAMES as readonly string[]).includes(name);
}

const FIG_5_3_NOISE = { default: 0, max: 0.5, meaning: 'std of Gaussian noise added to t (PRML uses none)' };

/** What each PRML figure dataset is, in the form of builtin.ts's table. */
export const PRML_BUILTINS: readonly BuiltinInfo<PrmlName>[] = [
  {
    name: 'prml-x-squared',
    title: 'x² (PRML fig. 5.3a)',
    description: 't = x^2 at x ~ U(-1, 1)',
    origin: 'PRML figure 5.3 (a), N = 50',
    defaultN: 50,
    noise: FIG_5_3_NOISE,
    task: 'regression',
    cost: 'sum-of-squares',
    inputs: 1,
    starter: { hidden: [3], optimizer: 'adam', learningRate: 0.01, steps: 3000 },
  },
  {
    name: 'prml-sin-pi-x',
    title: 'sin(πx) (PRML fig. 5.3b)',
    description: 't = sin(pi x) at x ~ U(-1, 1)',
    origin: 'PRML figure 5.3 (b), N = 50',
    defaultN: 50,
    noise: FIG_5_3_NOISE,
    task: 'regression',
    cost: 'sum-of-squares',
    inputs: 1,
    starter: { hidden: [3], optimizer: 'adam', learningRate: 0.01, steps: 3000 },
  },
  {
    name: 'prml-abs-x',
    title: '|x| (PRML fig. 5.3c)',
    description: 't = |x| at x ~ U(-1, 1)',
    origin: 'PRML figure 5.3 (c), N = 50',
    defaultN: 50,
    noise: FIG_5_3_NOISE,
    task: 'regression',
    cost: 'sum-of-squares',
    inputs: 1,
    starter: { hidden: [3], optimizer: 'adam', learningRate: 0.01, steps: 3000 },
  },
  {
    name: 'prml-heaviside',
    title: 'Heaviside step (PRML fig. 5.3d)',
    description: 't = H(x) (0 for x < 0, 1 for x >= 0) at x ~ U(-1, 1)',
    origin: 'PRML figure 5.3 (d), N = 50',
    defaultN: 50,
    noise: FIG_5_3_NOISE,
    task: 'regression',
    cost: 'sum-of-squares',
    inputs: 1,
    starter: { hidden: [3], optimizer: 'adam', learningRate: 0.01, steps: 3000 },
  },
  {
    name: 'prml-two-class',
    title: 'Two-class synthetic (PRML fig. 5.4)',
    description: 'label 1: a Gaussian at (0, -0.1) (prior 1/2); label 0: a mixture of Gaussians at (1, 1) and (1, -1) (1/4 each)',
    origin: 'PRML figure 5.4 (the data of Netlab\'s demmlp2)',
    defaultN: 200,
    noise: { default: 0, max: 0.5, meaning: 'std of Gaussian jitter added to each input (the Bayes boundary accounts for it)' },
    task: 'binary',
    cost: 'sigmoid-cross-entropy',
    inputs: 2,
    starter: { hidden: [2], optimizer: 'adam', learningRate: 0.01, steps: 2000 },
  },
  {
    name: 'sine-regression-inverse',
    title: 'Inverse sine regression (PRML fig. 5.19)',
    description: 'the seed\'s regression with x and t swapped: x = u + 0.3 sin(2 pi u) + U(-noise, noise), t = u, u ~ U(0, 1)',
    origin: 'PRML figures 5.19 (right) and 5.21: a target with three branches',
    defaultN: 100,
    noise: { default: 0.1, max: 0.5, meaning: 'half-width of the uniform noise on x' },
    task: 'regression',
    cost: 'sum-of-squares',
    inputs: 1,
    starter: { hidden: [6], optimizer: 'adam', learningRate: 0.01, steps: 3000 },
  },
];

/** Generates PRML figure dataset `name` with n samples from `rng` (noise as its table entry says). */
export function generatePrml(name: PrmlName, n: number, noise: number, rng: Rng): Dataset {
  switch (name) {
    case 'prml-x-squared':
    case 'prml-sin-pi-x':
    case 'prml-abs-x':
    case 'prml-heaviside': return curve(n, noise, rng, TRUE_FUNCTIONS[name].f);
    case 'prml-two-class': return twoClass(n, noise, rng);
    case 'sine-regression-inverse': return inverseSine(n, noise, rng);
  }
}

/** x ~ U(-1, 1), t = f(x) + N(0, noise^2); all x first, then the noise (none drawn at noise 0). */
function curve(n: number, noise: number, rng: Rng, f: (x: number) => number): Dataset {
  const inputs = new Float64Array(n);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) inputs[i] = rng.uniformIn(-1, 1);
  for (let i = 0; i < n; i++) targets[i] = f(inputs[i]) + (noise > 0 ? noise * rng.normal() : 0);
  return { inputs, targets, n, inputNames: ['x'], targetNames: ['t'] };
}

/** One Gaussian of the two-class problem: prior, centre, covariance [[a, b], [b, c]], label. */
interface Component {
  prior: number;
  centre: [number, number];
  cov: [number, number, number];
  label: 0 | 1;
}

/**
 * The two-class problem's generating mixture (Netlab's demmlp2, which PRML figure 5.4 follows):
 * label 1 is the first component, label 0 the other two.
 */
export const TWO_CLASS_COMPONENTS: readonly Component[] = [
  { prior: 0.5, centre: [0, -0.1], cov: [0.625, -0.2165, 0.875], label: 1 },
  { prior: 0.25, centre: [1, 1], cov: [0.2241, -0.1368, 0.9759], label: 0 },
  { prior: 0.25, centre: [1, -1], cov: [0.2375, 0.1516, 0.4125], label: 0 },
];

/** Each sample picks a component by its prior, then draws centre + L z (L L^T = cov, z ~ N(0, I)), then jitter. */
function twoClass(n: number, noise: number, rng: Rng): Dataset {
  const inputs = new Float64Array(n * 2);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    const c = u < 0.5 ? TWO_CLASS_COMPONENTS[0] : u < 0.75 ? TWO_CLASS_COMPONENTS[1] : TWO_CLASS_COMPONENTS[2];
    const [a, b, d] = c.cov;
    // Cholesky factor of [[a, b], [b, d]]: [[l11, 0], [l21, l22]].
    const l11 = Math.sqrt(a);
    const l21 = b / l11;
    const l22 = Math.sqrt(d - l21 * l21);
    const z1 = rng.normal();
    const z2 = rng.normal();
    inputs[2 * i] = c.centre[0] + l11 * z1 + (noise > 0 ? noise * rng.normal() : 0);
    inputs[2 * i + 1] = c.centre[1] + l21 * z1 + l22 * z2 + (noise > 0 ? noise * rng.normal() : 0);
    targets[i] = c.label;
  }
  return { inputs, targets, n, inputNames: ['x1', 'x2'], targetNames: ['label'] };
}

/** N(x | centre, cov + noise^2 I) in two dimensions. */
function gaussian2(x1: number, x2: number, c: Component, noise: number): number {
  const v = noise * noise;
  const a = c.cov[0] + v;
  const b = c.cov[1];
  const d = c.cov[2] + v;
  const det = a * d - b * b;
  const u1 = x1 - c.centre[0];
  const u2 = x2 - c.centre[1];
  const q = (d * u1 * u1 - 2 * b * u1 * u2 + a * u2 * u2) / det;
  return Math.exp(-0.5 * q) / (2 * Math.PI * Math.sqrt(det));
}

/**
 * The Bayes-optimal posterior P(label 1 | x) of the two-class problem, from the generating
 * densities (PRML (1.82)/(4.57)): its 0.5 contour is the optimal decision boundary of figure 5.4.
 * `noise` is the dataset's jitter, which widens every covariance by noise^2 I.
 */
export function twoClassPosterior(x1: number, x2: number, noise = 0): number {
  let one = 0;
  let all = 0;
  for (const c of TWO_CLASS_COMPONENTS) {
    const p = c.prior * gaussian2(x1, x2, c, noise);
    all += p;
    if (c.label === 1) one += p;
  }
  return all > 0 ? one / all : 0.5;
}

/**
 * The Bayes-optimal posterior P(label 1 | x) of a built-in dataset whose generating densities
 * are known and which has one, or null: what a decision-boundary view draws beside the network's.
 */
export function bayesPosterior(name: string, noise = 0): ((x1: number, x2: number) => number) | null {
  return name === 'prml-two-class' ? (x1, x2) => twoClassPosterior(x1, x2, noise) : null;
}

/** The seed's regression drawn exactly as `sine-regression` draws it, with x and t swapped. */
function inverseSine(n: number, noise: number, rng: Rng): Dataset {
  const u = new Float64Array(n);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = rng.uniform();
  for (let i = 0; i < n; i++) x[i] = u[i] + 0.3 * Math.sin(2 * Math.PI * u[i]) + rng.uniformIn(-noise, noise);
  return { inputs: x, targets: u, n, inputNames: ['x'], targetNames: ['t'] };
}
