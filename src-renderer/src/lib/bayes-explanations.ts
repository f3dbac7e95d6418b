/**
 * Learning aids for PRML §5.4 and §5.7 (the curvature panel, the evidence procedure, the
 * Laplace bands): what each quantity is, its formula in TeX, and its PRML equation.
 */
import type { Explanation } from './explanations';

export const BAYES_HELP = {
  evidence: {
    title: 'the evidence procedure',
    text: 'Instead of a fixed weight decay, the prior precision α and the noise precision β are re-estimated every K steps from the Hessian at the current weights, and training goes on at weight decay α/β (α for a classifier) on every weight and bias. γ counts the parameters the data determine well.',
    formulas: [
      '\\gamma = \\sum_i \\frac{\\lambda_i}{\\alpha + \\lambda_i},\\quad \\beta \\mathbf{H} \\mathbf{u}_i = \\lambda_i \\mathbf{u}_i',
      '\\alpha = \\frac{\\gamma}{\\mathbf{w}^{\\mathrm{T}}\\mathbf{w}},\\quad \\frac{1}{\\beta} = \\frac{1}{N - \\gamma} \\sum_n \\{y(\\mathbf{x}_n, \\mathbf{w}) - t_n\\}^2',
    ],
    source: 'PRML (5.177)–(5.180)',
  },
  curvature: {
    title: 'the Hessian and its eigenvalues',
    text: 'The exact Hessian of E at the current weights by the R-operator, one Hessian-vector product per column. Its eigenvalues are the curvatures along its eigenvectors: negative ones mean the weights are not at a minimum; the ratio of the largest to the smallest positive one (the condition number) says how elongated the valley is, which slows gradient descent.',
    formulas: ['\\mathbf{H} = \\nabla\\nabla E,\\quad \\mathbf{H}\\mathbf{v} = \\mathcal{R}\\{\\nabla E\\}', '\\kappa = \\lambda_{\\max} / \\lambda_{\\min}'],
    source: 'PRML §5.4, (5.96)',
  },
  band: {
    title: 'the Laplace predictive band',
    text: 'The posterior over the weights is approximated by a Gaussian at the trained weights with precision A = αI + βH. Linearising the network around them gives a Gaussian predictive distribution whose standard deviation adds the noise 1/β and the uncertainty of the weights gᵀA⁻¹g, which grows away from the data.',
    formulas: ['\\sigma^2(\\mathbf{x}) = \\beta^{-1} + \\mathbf{g}^{\\mathrm{T}}\\mathbf{A}^{-1}\\mathbf{g},\\quad \\mathbf{g} = \\nabla_{\\mathbf{w}} y(\\mathbf{x}, \\mathbf{w})\\big|_{\\mathbf{w}_{\\mathrm{MAP}}}'],
    source: 'PRML (5.166), (5.172)–(5.173)',
  },
  moderated: {
    title: 'the moderated output',
    text: 'For a classifier the Laplace approximation gives the logit a a variance σₐ² = gᵀA⁻¹g; averaging the sigmoid over it pulls the probability towards ½ where the weights are uncertain, so the moderated p = 0.5 contour differs from the MAP one away from the data.',
    formulas: ['p(t=1 \\mid \\mathbf{x}, \\mathcal{D}) \\simeq \\sigma\\big(\\kappa(\\sigma_a^2)\\, a_{\\mathrm{MAP}}\\big),\\quad \\kappa(\\sigma^2) = (1 + \\pi\\sigma^2/8)^{-1/2}'],
    source: 'PRML (5.188)–(5.190), (4.154)',
  },
} satisfies Record<string, Explanation>;
