/**
 * The noise-free generating functions f(x) of the built-in one-input regression datasets: the
 * generators (prml.ts, builtin.ts) draw t = f(x) + zero-mean noise with these very functions, and
 * the regression view draws the same f as "true function" beside the network's fit. One
 * definition for both, so the curve drawn is the curve the data came from.
 *
 * Because the noise has mean zero, f(x) is also E[t | x], the regression function that a
 * least-squares network approximates (PRML (1.89), (5.15)). The inverse problem of figure 5.19
 * has no such f (one x has up to three t), so it has none here.
 */

/** A dataset's generating function. */
export interface TrueFunction {
  /** The right-hand side as the legend writes it: "x²", "sin(πx)". */
  formula: string;
  /** f(x) for one x. */
  f: (x: number) => number;
}

/**
 * The Heaviside step as PRML figure 5.3 (d)'s data uses it: 0 for x < 0, 1 for x >= 0 (so
 * H(0) = 1).
 */
export function heaviside(x: number): number {
  return x >= 0 ? 1 : 0;
}

/**
 * Generating function per built-in dataset name: PRML figure 5.3's four curves, the seed post's
 * sine regression (t = x + 0.3 sin(2πx) + uniform noise) and PRML figure 1.2's sine curve
 * (t = sin(2πx) + Gaussian noise).
 */
export const TRUE_FUNCTIONS = {
  'prml-x-squared': { formula: 'x²', f: (x: number) => x * x },
  'prml-sin-pi-x': { formula: 'sin(πx)', f: (x: number) => Math.sin(Math.PI * x) },
  'prml-abs-x': { formula: '|x|', f: (x: number) => Math.abs(x) },
  'prml-heaviside': { formula: 'H(x)', f: heaviside },
  'sine-regression': { formula: 'x + 0.3 sin(2πx)', f: (x: number) => x + 0.3 * Math.sin(2 * Math.PI * x) },
  'sine-curve': { formula: 'sin(2πx)', f: (x: number) => Math.sin(2 * Math.PI * x) },
} as const satisfies Readonly<Record<string, TrueFunction>>;

/** A dataset name that has a generating function. */
export type TrueFunctionName = keyof typeof TRUE_FUNCTIONS;

/** The generating function of built-in dataset `name`, or null when it has none (classification, the inverse problem, CSV data). */
export function trueFunction(name: string): TrueFunction | null {
  return Object.hasOwn(TRUE_FUNCTIONS, name) ? TRUE_FUNCTIONS[name as TrueFunctionName] : null;
}
