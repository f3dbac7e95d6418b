/**
 * The learning aids: for each choice in the builder (activation, cost, optimizer, regulariser,
 * initialisation) a short explanation, its formula in TeX, and where it comes from in PRML
 * (Bishop 2006). Equation numbers are PRML's; where a method is not in PRML the source is named.
 */
import type { ActivationName } from '@shared/engine/activations';
import type { CostName } from '@shared/engine/cost-types';
import type { InitScheme } from '@shared/engine/init';
import type { OptimizerName } from '@shared/engine/optimizers';

/** One explanation: a title, a sentence or two, formulas (TeX), and its source. */
export interface Explanation {
  title: string;
  text: string;
  formulas: string[];
  /** "PRML (5.59)", "PRML §5.5.2", or the paper it comes from. */
  source: string;
}

/** Hidden-unit activation functions h(a). */
export const ACTIVATION_HELP: Record<ActivationName, Explanation> = {
  tanh: {
    title: 'tanh',
    text: 'The hidden units of PRML §5.3.2: smooth, zero-centred, saturating at ±1. Its derivative is cheap to get from the unit’s output, which backpropagation uses.',
    formulas: ['h(a) = \\tanh(a) = \\frac{e^{a} - e^{-a}}{e^{a} + e^{-a}}', "h'(a) = 1 - h(a)^2"],
    source: 'PRML (5.58)–(5.60)',
  },
  sigmoid: {
    title: 'logistic sigmoid',
    text: 'Squashes a to (0, 1). As a hidden unit it works like tanh shifted and scaled (tanh(a) = 2σ(2a) − 1), but its outputs are not centred on zero.',
    formulas: ['\\sigma(a) = \\frac{1}{1 + e^{-a}}', "\\sigma'(a) = \\sigma(a)\\,(1 - \\sigma(a))"],
    source: 'PRML (4.59), (4.88); §5.1',
  },
  relu: {
    title: 'rectified linear',
    text: 'max(a, 0): does not saturate for a > 0, so deep networks train faster; a unit whose a stays negative stops learning (“dead” unit). Not in PRML (2006).',
    formulas: ['h(a) = \\max(a, 0)', "h'(a) = \\begin{cases} 1 & a > 0 \\\\ 0 & a \\le 0 \\end{cases}"],
    source: 'Nair & Hinton (2010); the seed post’s max(x, 0)',
  },
  linear: {
    title: 'linear',
    text: 'h(a) = a. A network whose hidden units are all linear computes a linear function of its inputs, however many layers it has (PRML §5.1).',
    formulas: ['h(a) = a', "h'(a) = 1"],
    source: 'PRML §5.1',
  },
};

/** Output function + error function pairs (canonical links, PRML §5.2). */
export const COST_HELP: Record<CostName, Explanation> = {
  'sum-of-squares': {
    title: 'identity output, sum-of-squares error',
    text: 'Regression: the outputs are the activations themselves and E is half the squared distance to the targets, the negative log likelihood of a Gaussian noise model. With this canonical pair the output error is simply y − t.',
    formulas: ['y_k = a_k', 'E(\\mathbf{w}) = \\frac{1}{2}\\sum_{n=1}^{N} \\lVert \\mathbf{y}(\\mathbf{x}_n, \\mathbf{w}) - \\mathbf{t}_n \\rVert^2', '\\frac{\\partial E}{\\partial a_k} = y_k - t_k'],
    source: 'PRML (5.11), (5.18)',
  },
  'sigmoid-cross-entropy': {
    title: 'sigmoid output, cross-entropy error',
    text: 'Two classes (or several independent yes/no outputs): y = σ(a) is the probability of class 1 and E is the negative log likelihood of Bernoulli targets.',
    formulas: ['y = \\sigma(a)', 'E(\\mathbf{w}) = -\\sum_{n=1}^{N} \\{ t_n \\ln y_n + (1 - t_n) \\ln(1 - y_n) \\}', '\\frac{\\partial E}{\\partial a} = y - t'],
    source: 'PRML (5.19)–(5.21)',
  },
  'softmax-cross-entropy': {
    title: 'softmax output, multiclass cross-entropy',
    text: 'K mutually exclusive classes: the softmax turns K activations into probabilities that sum to 1; targets are one-hot (1-of-K).',
    formulas: ['y_k = \\frac{\\exp(a_k)}{\\sum_j \\exp(a_j)}', 'E(\\mathbf{w}) = -\\sum_{n=1}^{N}\\sum_{k=1}^{K} t_{nk} \\ln y_k(\\mathbf{x}_n, \\mathbf{w})', '\\frac{\\partial E}{\\partial a_k} = y_k - t_k'],
    source: 'PRML (5.24), (5.25)',
  },
  'mixture-density': {
    title: 'mixture density network: Gaussian mixture output, negative log likelihood',
    text: 'A target that can take several values for one input (an inverse problem): the K(D+2) outputs are the mixing coefficients (softmax), the means and the widths (exponential) of K Gaussians, and E is the negative log likelihood of the targets under that mixture. Choose the number of components K below.',
    formulas: [
      '\\pi_k = \\frac{\\exp(a^{\\pi}_k)}{\\sum_l \\exp(a^{\\pi}_l)},\\; \\sigma_k = \\exp(a^{\\sigma}_k),\\; \\boldsymbol{\\mu}_k = \\mathbf{a}^{\\mu}_k',
      'E(\\mathbf{w}) = -\\sum_{n=1}^{N} \\ln \\sum_{k=1}^{K} \\pi_k(\\mathbf{x}_n) \\, \\mathcal{N}(\\mathbf{t}_n \\mid \\boldsymbol{\\mu}_k(\\mathbf{x}_n), \\sigma_k^2(\\mathbf{x}_n) \\mathbf{I})',
      '\\frac{\\partial E}{\\partial a^{\\pi}_k} = \\pi_k - \\gamma_k',
    ],
    source: 'PRML (5.148)–(5.157)',
  },
};

/** Output-function names as the builder shows them. */
export const OUTPUT_FUNCTION: Record<CostName, string> = {
  'sum-of-squares': 'identity',
  'sigmoid-cross-entropy': 'logistic sigmoid',
  'softmax-cross-entropy': 'softmax',
  'mixture-density': 'Gaussian mixture (softmax, identity, exp)',
};

/** The task each cost serves, in words. */
export const COST_TASK: Record<CostName, string> = {
  'sum-of-squares': 'regression',
  'sigmoid-cross-entropy': 'two-class (binary) classification',
  'softmax-cross-entropy': 'multiclass classification',
  'mixture-density': 'conditional density (regression with several branches)',
};

/** Optimizers. */
export const OPTIMIZER_HELP: Record<OptimizerName, Explanation> = {
  gd: {
    title: 'gradient descent (batch)',
    text: 'Every update uses the gradient of E over the whole training set: the seed post’s method. Simple and slow; learning rate η must be small because E is a sum over samples.',
    formulas: ['\\mathbf{w}^{(\\tau+1)} = \\mathbf{w}^{(\\tau)} - \\eta \\nabla E(\\mathbf{w}^{(\\tau)})'],
    source: 'PRML (5.41)',
  },
  sgd: {
    title: 'stochastic gradient descent',
    text: 'Each update uses a mini-batch of samples (PRML’s on-line version uses one). Cheap updates, noisy path; the noise can help escape poor local minima.',
    formulas: ['\\mathbf{w}^{(\\tau+1)} = \\mathbf{w}^{(\\tau)} - \\eta \\nabla E_n(\\mathbf{w}^{(\\tau)})'],
    source: 'PRML (5.43)',
  },
  momentum: {
    title: 'gradient descent with momentum',
    text: 'Adds a fraction μ of the previous update, which smooths the path and speeds progress along shallow valleys of E.',
    formulas: ['\\Delta\\mathbf{w}^{(\\tau)} = -\\eta \\nabla E_n(\\mathbf{w}^{(\\tau)}) + \\mu\\, \\Delta\\mathbf{w}^{(\\tau-1)}'],
    source: 'Rumelhart, Hinton & Williams (1986); Bishop (1995) §7.5',
  },
  adam: {
    title: 'Adam',
    text: 'Per-weight step sizes from running averages of the gradient (m) and of its square (v), with bias correction. Robust to the learning rate; not in PRML (2006).',
    formulas: [
      'm \\leftarrow \\beta_1 m + (1-\\beta_1) g,\\quad v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2',
      '\\mathbf{w} \\leftarrow \\mathbf{w} - \\eta\\, \\frac{\\hat m}{\\sqrt{\\hat v} + \\epsilon},\\quad \\hat m = \\frac{m}{1-\\beta_1^{t}},\\ \\hat v = \\frac{v}{1-\\beta_2^{t}}',
    ],
    source: 'Kingma & Ba (2015)',
  },
  scg: {
    title: 'scaled conjugate gradients',
    text: 'A batch method that picks its own step lengths from curvature (a Hessian-vector estimate), with no learning rate to tune; the method of the Netlab toolbox that accompanies Bishop’s books.',
    formulas: ['\\mathbf{w}^{(\\tau+1)} = \\mathbf{w}^{(\\tau)} + \\alpha^{(\\tau)} \\mathbf{d}^{(\\tau)}', '\\mathbf{d}^{(\\tau)} = -\\mathbf{g}^{(\\tau)} + \\beta^{(\\tau)} \\mathbf{d}^{(\\tau-1)}'],
    source: 'PRML §5.2.4; Møller (1993)',
  },
  lbfgs: {
    title: 'L-BFGS',
    text: 'A quasi-Newton batch method: the last m steps s and gradient changes y build an approximation H of the inverse Hessian, and a line search along −H∇E picks a step length that satisfies the strong Wolfe conditions. No learning rate to tune.',
    formulas: ['\\mathbf{w}^{(\\tau+1)} = \\mathbf{w}^{(\\tau)} - t^{(\\tau)} \\mathbf{H}^{(\\tau)} \\nabla E(\\mathbf{w}^{(\\tau)})', '\\mathbf{s} = \\mathbf{w}^{(\\tau+1)} - \\mathbf{w}^{(\\tau)},\\quad \\mathbf{y} = \\nabla E^{(\\tau+1)} - \\nabla E^{(\\tau)}'],
    source: 'PRML §5.2.4; Nocedal & Wright (2006) Algorithm 7.5',
  },
};

/** Regularisation and validation. */
export const REGULARISATION_HELP = {
  weightDecay: {
    title: 'weight decay',
    text: 'Adds a quadratic penalty on the weights (not the biases), which keeps them small and the network function smooth: a Gaussian prior on w.',
    formulas: ['\\widetilde{E}(\\mathbf{w}) = E(\\mathbf{w}) + \\frac{\\lambda}{2} \\mathbf{w}^{\\mathrm{T}} \\mathbf{w}'],
    source: 'PRML (5.112)',
  },
  earlyStopping: {
    title: 'early stopping',
    text: 'Training error keeps falling while validation error turns upward once the network starts to fit noise. Stop when the validation error has not improved for “patience” checks and keep the best weights.',
    formulas: ['\\mathbf{w}^\\star = \\arg\\min_{\\tau}\\ E_{\\text{valid}}(\\mathbf{w}^{(\\tau)})'],
    source: 'PRML §5.5.2, figure 5.12',
  },
  validation: {
    title: 'validation set',
    text: 'Samples held out from training, used to compare models and to stop early. Its error estimates how the network does on new data.',
    formulas: ['E_{\\text{valid}} / N_{\\text{valid}}'],
    source: 'PRML §1.3',
  },
} satisfies Record<string, Explanation>;

/** Initialisation schemes. */
export const INIT_HELP: Record<InitScheme, Explanation> = {
  'truncated-normal': {
    title: 'truncated normal',
    text: 'Weights drawn from a normal with standard deviation “std”, redrawn when beyond two standard deviations (the seed’s TensorFlow-style init); biases set to a constant.',
    formulas: ['w \\sim \\mathcal{N}(0, \\text{std}^2),\\ |w| \\le 2\\,\\text{std}'],
    source: 'the seed post; PRML §5.2.1 (symmetry breaking)',
  },
  xavier: {
    title: 'Xavier / Glorot',
    text: 'Chooses std from the layer’s fan-in and fan-out so activations keep their variance through tanh layers.',
    formulas: ['\\text{std} = \\sqrt{\\frac{2}{\\text{fan}_{\\text{in}} + \\text{fan}_{\\text{out}}}}'],
    source: 'Glorot & Bengio (2010)',
  },
  he: {
    title: 'He',
    text: 'Chooses std from the fan-in, compensating for ReLU zeroing half of its inputs.',
    formulas: ['\\text{std} = \\sqrt{\\frac{2}{\\text{fan}_{\\text{in}}}}'],
    source: 'He et al. (2015)',
  },
};

/** The seed's forward and backward equations (PRML §5.1, §5.3.1). */
export const NETWORK_EQUATIONS: { title: string; items: { tex: string; eq: string; note: string }[] }[] = [
  {
    title: 'Forward propagation',
    items: [
      { tex: 'a_j = \\sum_{i=1}^{D} w_{ji}^{(1)} x_i + w_{j0}^{(1)}', eq: '(5.2)', note: 'activation of hidden unit j: weighted inputs plus bias' },
      { tex: 'z_j = h(a_j)', eq: '(5.3)', note: 'hidden unit output through its activation function' },
      { tex: 'a_k = \\sum_{j=1}^{M} w_{kj}^{(2)} z_j + w_{k0}^{(2)}', eq: '(5.4)', note: 'output activations (logits)' },
      { tex: 'y_k = \\sigma(a_k)', eq: '(5.5)', note: 'the output function (identity, sigmoid or softmax) belongs to the cost' },
    ],
  },
  {
    title: 'Error backpropagation',
    items: [
      { tex: '\\delta_j \\equiv \\frac{\\partial E_n}{\\partial a_j}', eq: '(5.51)', note: 'the “error” of unit j' },
      { tex: '\\frac{\\partial E_n}{\\partial w_{ji}} = \\delta_j z_i', eq: '(5.53)', note: 'a weight’s gradient: error at its output end times the value at its input end' },
      { tex: '\\delta_k = y_k - t_k', eq: '(5.54)', note: 'output units, for a canonical output function and cost' },
      { tex: '\\delta_j = \\sum_k \\frac{\\partial E_n}{\\partial a_k} \\frac{\\partial a_k}{\\partial a_j}', eq: '(5.55)', note: 'chain rule through the units k that j feeds' },
      { tex: '\\delta_j = h\'(a_j) \\sum_k w_{kj} \\delta_k', eq: '(5.56)', note: 'the backpropagation formula: errors flow backwards along the same weights' },
    ],
  },
  {
    title: 'Checking the gradient',
    items: [
      { tex: '\\frac{\\partial E_n}{\\partial w_{ji}} = \\frac{E_n(w_{ji} + \\epsilon) - E_n(w_{ji} - \\epsilon)}{2\\epsilon} + O(\\epsilon^2)', eq: '(5.69)', note: 'central differences: the seed’s “finite difference vs back propagation” check' },
    ],
  },
];
