/**
 * The built-in datasets, generated from a seeded `Rng` so a spec's seed fixes them:
 * the seed post's two-class "XOR quadrants" and its sine regression.
 */
import { Rng } from '../engine/rng';
import type { Dataset } from './dataset';

/** The built-in dataset names a spec may use. */
export const BUILTIN_NAMES = ['xor-quadrants', 'sine-regression'] as const;
/** One of `BUILTIN_NAMES`. */
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

/** A built-in dataset's description for lists and help. */
export interface BuiltinInfo {
  name: BuiltinName;
  title: string;
  description: string;
  defaultN: number;
}

/** What each built-in dataset is. */
export const BUILTINS: readonly BuiltinInfo[] = [
  {
    name: 'xor-quadrants',
    title: 'XOR quadrants',
    description: 'x ~ U(-1, 1)^2, label 1 where x1 x2 > 0 (the seed post\'s two-class example)',
    defaultN: 1000,
  },
  {
    name: 'sine-regression',
    title: 'Sine regression',
    description: 't = x + 0.3 sin(2 pi x) + U(-0.1, 0.1), x ~ U(0, 1) (the seed post\'s regression example)',
    defaultN: 100,
  },
];

/** Generates built-in dataset `name` with n samples from the "data" stream of `seed`. */
export function generateBuiltin(name: BuiltinName, n: number, seed: number): Dataset {
  const rng = Rng.derive(seed, 'data');
  return name === 'xor-quadrants' ? xorQuadrants(n, rng) : sineRegression(n, rng);
}

/** x ~ U(-1, 1)^2; t = 1 where x1 * x2 > 0, else 0. */
function xorQuadrants(n: number, rng: Rng): Dataset {
  const inputs = new Float64Array(n * 2);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x1 = rng.uniformIn(-1, 1);
    const x2 = rng.uniformIn(-1, 1);
    inputs[2 * i] = x1;
    inputs[2 * i + 1] = x2;
    targets[i] = x1 * x2 > 0 ? 1 : 0;
  }
  return { inputs, targets, n, inputNames: ['x1', 'x2'], targetNames: ['label'] };
}

/** x ~ U(0, 1); t = x + 0.3 sin(2 pi x) + U(-0.1, 0.1). All x are drawn first, then the noise, as numpy does. */
function sineRegression(n: number, rng: Rng): Dataset {
  const inputs = new Float64Array(n);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) inputs[i] = rng.uniform();
  for (let i = 0; i < n; i++) {
    const x = inputs[i];
    targets[i] = x + 0.3 * Math.sin(2 * Math.PI * x) + rng.uniformIn(-0.1, 0.1);
  }
  return { inputs, targets, n, inputNames: ['x'], targetNames: ['t'] };
}
