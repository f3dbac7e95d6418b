/**
 * The gallery: example labs that reproduce figures of PRML chapter 5, each a spec file under
 * docs/examples/prml/ (which `mlp-lab train` runs as it is) with a note of what to look for.
 * The app lists them (lab:listExamples) and opens one as a new project (lab:openExample);
 * docs/examples/prml/README.md carries the same notes for readers of the repository.
 */
import fig53a from '../docs/examples/prml/fig5.3a-x-squared.json';
import fig53b from '../docs/examples/prml/fig5.3b-sin-pi-x.json';
import fig53c from '../docs/examples/prml/fig5.3c-abs-x.json';
import fig53d from '../docs/examples/prml/fig5.3d-heaviside.json';
import fig54 from '../docs/examples/prml/fig5.4-two-class.json';
import fig59m1 from '../docs/examples/prml/fig5.9-m1.json';
import fig59m3 from '../docs/examples/prml/fig5.9-m3.json';
import fig512 from '../docs/examples/prml/fig5.12-m10-early-stopping.json';
import fig519f from '../docs/examples/prml/fig5.19-forward.json';
import fig519i from '../docs/examples/prml/fig5.19-inverse.json';
import fig521 from '../docs/examples/prml/fig5.21-mdn.json';
import fig522 from '../docs/examples/prml/fig5.22-two-class-evidence.json';
import sec571 from '../docs/examples/prml/sec5.7.1-regression-error-bars.json';

/** One example of the gallery, as the app lists it. */
export interface GalleryEntry {
  /** Stable id: the spec file's name without ".json". */
  id: string;
  /** "5.3 (a)", "5.9 / 5.12", ... */
  figure: string;
  title: string;
  /** One paragraph: what the example shows and what to look for. */
  note: string;
  /** The spec file, relative to docs/examples/prml/. */
  file: string;
}

const fig53 = (part: string, f: string, what: string): string =>
  `PRML figure 5.3 (${part}): a network with three tanh hidden units and a linear output fitted by least squares to N = 50 points of ${f} at x ~ U(-1, 1). ` +
  `Look at the regression view: the red curve is the network's fit, the green curve the true function f(x) the points were drawn from, and the dashed curves the three hidden units' outputs z_j(x) = tanh(a_j), read on the right axis from -1 to 1 as the book draws them (choose "contributions w_j z_j" to see the fit as their weighted sum plus the output bias). ${what}`;

/** The examples, in the order of the book. */
export const GALLERY: readonly GalleryEntry[] = [
  {
    id: 'fig5.3a-x-squared', figure: '5.3 (a)', title: 'Fitting x²', file: 'fig5.3a-x-squared.json',
    note: fig53('a', 'f(x) = x²', 'Two units centred just outside the range, sloping opposite ways, add up to the parabola; the RMSE falls to about 0.001.'),
  },
  {
    id: 'fig5.3b-sin-pi-x', figure: '5.3 (b)', title: 'Fitting sin(πx)', file: 'fig5.3b-sin-pi-x.json',
    note: fig53('b', 'f(x) = sin(πx)', 'An odd function: one broad unit centred at 0 carries the middle, the two others (centred near -0.9 and 0.9) bend the ends over.'),
  },
  {
    id: 'fig5.3c-abs-x', figure: '5.3 (c)', title: 'Fitting |x|', file: 'fig5.3c-abs-x.json',
    note: fig53('c', 'f(x) = |x|', 'Smooth units cannot make a true kink: the fit rounds the corner at 0, elsewhere it is close to the two straight lines.'),
  },
  {
    id: 'fig5.3d-heaviside', figure: '5.3 (d)', title: 'Fitting the Heaviside step', file: 'fig5.3d-heaviside.json',
    note: fig53('d', 'the Heaviside step H(x)', 'The hidden units grow steep (input weights of 10 to 20) with their centres at the jump; the fit is close everywhere except right at x = 0, where there is no data.'),
  },
  {
    id: 'fig5.4-two-class', figure: '5.4', title: 'Two-class problem and the Bayes-optimal boundary', file: 'fig5.4-two-class.json',
    note:
      'PRML figure 5.4: two classes in the plane, label 1 drawn from one Gaussian and label 0 from a mixture of two (the data of Netlab\'s demmlp2), 400 training and 400 test points. ' +
      'A network with two tanh hidden units and a logistic sigmoid output learns a decision boundary (its y = 0.5 contour) bent where its two hidden units\' lines meet (see the hidden-unit thumbnails). ' +
      'The dotted green curve is the Bayes-optimal boundary, computed from the densities that generated the data: the network\'s boundary follows it where the data are dense, and its accuracy on 20,000 new points from the same densities (82.5%) is within a point of the Bayes rate (83%; the 400 test points are a noisier estimate, 79%).',
  },
  {
    id: 'fig5.9-m1', figure: '5.9 (M = 1)', title: 'Sinusoidal data, one hidden unit', file: 'fig5.9-m1.json',
    note:
      'PRML figure 5.9, left: 10 training points of sin(2πx) with Gaussian noise (σ = 0.3, the sine curve of PRML figure 1.2) and 10 more for validation, fitted with M = 1 tanh hidden unit by scaled conjugate gradients. ' +
      'One unit cannot bend twice: the curve under-fits, and training and validation error (the cost chart\'s solid and dashed curves) both stay high. Compare with M = 3 and M = 10.',
  },
  {
    id: 'fig5.9-m3', figure: '5.9 (M = 3)', title: 'Sinusoidal data, three hidden units', file: 'fig5.9-m3.json',
    note:
      'PRML figure 5.9, centre: the same data with M = 3 hidden units. Three units follow the sine\'s two bends; of the three networks this one ends with the lowest validation error. ' +
      'The number of hidden units controls the effective complexity, like the polynomial order of chapter 1.',
  },
  {
    id: 'fig5.12-m10-early-stopping', figure: '5.9 (M = 10) / 5.12', title: 'Ten hidden units and early stopping', file: 'fig5.12-m10-early-stopping.json',
    note:
      'PRML figures 5.9, right, and 5.12: with M = 10 hidden units the network can pass through all 10 training points. In the cost chart the training error keeps falling towards zero, ' +
      'while the validation error reaches its minimum after about 50 steps and then rises as the network fits the noise. Early stopping (patience 60 checks, one every 5 steps) ends the run 300 steps after that minimum and restores the weights of the best validation error: the early-stopping point of figure 5.12. ' +
      'Turn early stopping off in the training settings to keep the over-fitted curve.',
  },
  {
    id: 'fig5.19-forward', figure: '5.19 (forward)', title: 'The forward problem', file: 'fig5.19-forward.json',
    note:
      'PRML figure 5.19, left: the seed post\'s regression problem t = x + 0.3 sin(2πx) + U(-0.1, 0.1), 300 points, 6 tanh hidden units, sum of squares. ' +
      'Each x has one t, and the least-squares network fits it well: its RMSE is close to the noise\'s standard deviation (0.058).',
  },
  {
    id: 'fig5.19-inverse', figure: '5.19 (inverse)', title: 'The inverse problem with least squares', file: 'fig5.19-inverse.json',
    note:
      'PRML figure 5.19, right: the same data with x and t swapped. In the middle of the range one input now has three targets; least squares fits their conditional average, ' +
      'a curve that runs between the branches and follows none of them (RMSE about 0.2). This is the single Gaussian of the sum-of-squares error failing; the mixture density network of figure 5.21 does not.',
  },
  {
    id: 'fig5.21-mdn', figure: '5.21', title: 'The inverse problem with a mixture density network', file: 'fig5.21-mdn.json',
    note:
      'PRML figure 5.21: the inverse problem with a mixture density network: 5 tanh hidden units, K = 3 Gaussian components, trained on the negative log likelihood. ' +
      'The mixture view shows the conditional density p(t|x) as a heatmap with three branches in the middle of the input range, the approximate conditional mode (the mean of the most probable component, which jumps between branches) ' +
      'and the conditional mean (which, like least squares, runs between them); below it each component\'s π_k(x), μ_k(x) and σ_k(x). Its validation E/N, a negative log likelihood per sample, is far below that of the least-squares network\'s Gaussian.',
  },
  // PRML §5.7 (issue 19): Bayesian neural networks.
  {
    id: 'sec5.7.1-regression-error-bars', figure: '§5.7.1', title: 'Regression with error bars (Laplace approximation, evidence procedure)', file: 'sec5.7.1-regression-error-bars.json',
    note: "PRML §5.7.1 with the evidence procedure of §5.7.2: 20 points of sin(2πx) with Gaussian noise (σ = 0.3, PRML figure 1.2's data), 6 tanh hidden units, L-BFGS, α and β re-estimated every 40 steps from α = 0.01, β = 10. The Evidence chart shows them settle: α ≈ 0.22, β ≈ 8.8 (a noise standard deviation 1/√β ≈ 0.34 for the true 0.3) and γ ≈ 10.5 of the 19 parameters well determined. After the run the Curvature panel computes the Hessian and the Laplace approximation at the final weights, and the regression view draws the predictive distribution's ±1σ and ±2σ band, σ² = 1/β + gᵀA⁻¹g (PRML (5.173)): the noise 1/β everywhere, plus the uncertainty of the weights, which grows between and beyond the data, as in PRML's Bayesian regression figures (3.8). All 20 training points lie within ±2σ and 19 within ±1σ: their residuals (RMSE 0.23) are smaller than 1/√β, which divides the squared residuals by the N − γ degrees of freedom the fit leaves (PRML (5.180)).",
  },
  {
    id: 'fig5.22-two-class-evidence', figure: '5.22 / 5.23', title: 'Two classes with the evidence procedure; MAP and moderated outputs', file: 'fig5.22-two-class-evidence.json',
    note: "PRML figures 5.22 and 5.23: the two-class data of figure 5.4 (200 training and 200 test points), a network with 8 tanh hidden units and a logistic sigmoid output trained by scaled conjugate gradients with the evidence procedure: α re-estimated every 50 steps from α = 0.001 (figure 5.22 starts from 0), ending near α ≈ 1.2 with γ ≈ 16.6 of 33 parameters well determined. Regularised this way the network over-fits much less than by maximum likelihood: its test accuracy is 80%, against 75.5% for the same network without the evidence procedure (turn it off in the training settings to compare; the Bayes rate is 83%). After the run the Curvature panel computes the Laplace approximation, and the view below the decision boundary shows figure 5.23: the probability of class 1 from the MAP weights (left) and moderated by the weights' uncertainty, σ(κ(σₐ²)a) (PRML (5.190), right), each with contours at 0.1, 0.3, 0.5, 0.7 and 0.9. The moderated contours spread out away from the data; the 0.5 contour is the same in both.",
  },
];

const SPECS: Record<string, unknown> = {
  'fig5.3a-x-squared': fig53a,
  'fig5.3b-sin-pi-x': fig53b,
  'fig5.3c-abs-x': fig53c,
  'fig5.3d-heaviside': fig53d,
  'fig5.4-two-class': fig54,
  'fig5.9-m1': fig59m1,
  'fig5.9-m3': fig59m3,
  'fig5.12-m10-early-stopping': fig512,
  'fig5.19-forward': fig519f,
  'fig5.19-inverse': fig519i,
  'fig5.21-mdn': fig521,
  'sec5.7.1-regression-error-bars': sec571,
  'fig5.22-two-class-evidence': fig522,
};

/** The spec JSON of example `id` (a fresh copy, to be read with parseSpec), or null when there is none. */
export function exampleSpec(id: string): unknown {
  return Object.hasOwn(SPECS, id) ? structuredClone(SPECS[id]) : null;
}
