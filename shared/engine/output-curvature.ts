/**
 * The second derivatives of each cost with respect to the network's output logits a (the last,
 * linear layer's outputs): per sample the k x k matrix d^2E_n / da da^T, which the R-operator
 * (PRML §5.4.6) and the outer-product approximation (PRML (5.84)-(5.86)) multiply by a vector,
 * and whose diagonal the diagonal approximation (PRML (5.79)-(5.81)) starts from.
 *
 * With the canonical pairs of costs.ts, dE_n/da = y - t, so the matrix is dy/da:
 *
 *     sum of squares, y = a              I
 *     sigmoid cross-entropy, y = s(a)    diag(y (1 - y))                    (PRML (5.85))
 *     softmax cross-entropy              diag(y) - y y^T                    (PRML (4.106) per sample)
 *
 * (the softmax form is that of dE/da = y - t, which needs each sample's targets to sum to 1;
 * prepareTargets in shared/data/dataset.ts makes sure they do).
 *
 * The mixture density cost (mdn.ts, PRML §5.6) is E_n = -ln sum_j exp(L_j), with
 * L_j = ln pi_j + ln N(t | mu_j, sigma_j^2 I) and the posteriors gamma_j = exp(L_j) / sum exp(L)
 * (PRML (5.154)). Differentiating twice,
 *
 *     d^2E_n = -sum_j gamma_j d^2L_j - Cov_gamma(dL)
 *
 * where Cov_gamma(dL) = sum_j gamma_j dL_j dL_j^T - (sum_j gamma_j dL_j)(sum_j gamma_j dL_j)^T.
 * With e_jd = (t_d - mu_jd) / sigma_j^2, r_j = |t - mu_j|^2 / sigma_j^2 and f_j = r_j - D, the
 * first derivatives are dL_j/da^pi_m = [j = m] - pi_m, dL_j/dmu_md = [j = m] e_md and
 * dL_j/da^sigma_m = [j = m] f_m (PRML (5.155)-(5.157) are -sum_j gamma_j of these), so for a
 * direction rho = (rho^pi, rho^mu, rho^sigma), with c_j = rho^pi_j - pi.rho^pi + e_j.rho^mu_j
 * + f_j rho^sigma_j and cbar = sum_j gamma_j c_j,
 *
 *     (H rho)^pi_m    = pi_m rho^pi_m - pi_m (pi.rho^pi)                - gamma_m (c_m - cbar)
 *     (H rho)^mu_md   = gamma_m (rho^mu_md / sigma_m^2 + 2 e_md rho^sigma_m) - gamma_m e_md (c_m - cbar)
 *     (H rho)^sigma_m = gamma_m (2 r_m rho^sigma_m + 2 e_m.rho^mu_m)     - gamma_m f_m (c_m - cbar)
 *
 * The covariance term makes the mixture's matrix indefinite in general (it is not convex in the
 * logits), unlike the three canonical pairs', which are positive semi-definite.
 */
import { logistic } from './activations';
import type { Cost } from './cost-types';
import { mixtureTargets } from './mdn';

/** d^2E_n / da da^T of a cost, per sample, for buffers of n rows of k logits. */
export interface OutputCurvature {
  /** out[r] = (d^2E_r / da da^T) rho[r] for every sample r (rows of k; out must not alias rho). */
  times(a: Float64Array, t: Float64Array, rho: Float64Array, out: Float64Array, n: number, k: number): void;
  /** out[r] = the diagonal of d^2E_r / da da^T for every sample r. */
  diagonal(a: Float64Array, t: Float64Array, out: Float64Array, n: number, k: number): void;
}

const sumOfSquares: OutputCurvature = {
  times(_a, _t, rho, out, n, k) {
    out.set(rho.subarray(0, n * k));
  },
  diagonal(_a, _t, out, n, k) {
    out.fill(1, 0, n * k);
  },
};

const sigmoidCrossEntropy: OutputCurvature = {
  times(a, _t, rho, out, n, k) {
    for (let i = 0; i < n * k; i++) {
      const y = logistic(a[i]);
      out[i] = y * (1 - y) * rho[i];
    }
  },
  diagonal(a, _t, out, n, k) {
    for (let i = 0; i < n * k; i++) {
      const y = logistic(a[i]);
      out[i] = y * (1 - y);
    }
  },
};

/** y = softmax of one sample's logits a[o .. o + k), into y[0 .. k). */
function softmaxRow(a: Float64Array, o: number, k: number, y: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < k; j++) if (a[o + j] > max) max = a[o + j];
  let sum = 0;
  for (let j = 0; j < k; j++) {
    y[j] = Math.exp(a[o + j] - max);
    sum += y[j];
  }
  for (let j = 0; j < k; j++) y[j] /= sum;
}

function softmaxCrossEntropy(): OutputCurvature {
  let y = new Float64Array(0);
  const row = (k: number) => (y.length < k ? (y = new Float64Array(k)) : y);
  return {
    times(a, _t, rho, out, n, k) {
      const yr = row(k);
      for (let r = 0; r < n; r++) {
        const o = r * k;
        softmaxRow(a, o, k, yr);
        let dot = 0;
        for (let j = 0; j < k; j++) dot += yr[j] * rho[o + j];
        for (let j = 0; j < k; j++) out[o + j] = yr[j] * (rho[o + j] - dot);
      }
    },
    diagonal(a, _t, out, n, k) {
      const yr = row(k);
      for (let r = 0; r < n; r++) {
        softmaxRow(a, r * k, k, yr);
        for (let j = 0; j < k; j++) out[r * k + j] = yr[j] * (1 - yr[j]);
      }
    },
  };
}

/** The mixture density cost's curvature for K components (see the file comment). */
function mixtureDensity(K: number): OutputCurvature {
  const pi = new Float64Array(K);
  const gamma = new Float64Array(K);
  const invVar = new Float64Array(K);
  const r2 = new Float64Array(K);
  const c = new Float64Array(K);
  let e = new Float64Array(0);

  /** pi, gamma, 1 / sigma^2, r and e of sample `row` (D target dimensions). */
  function posteriors(a: Float64Array, t: Float64Array, row: number, k: number, D: number): void {
    if (e.length < K * D) e = new Float64Array(K * D);
    const o = row * k;
    const to = row * D;
    let maxPi = -Infinity;
    for (let j = 0; j < K; j++) if (a[o + j] > maxPi) maxPi = a[o + j];
    let sumPi = 0;
    for (let j = 0; j < K; j++) sumPi += Math.exp(a[o + j] - maxPi);
    const lsePi = maxPi + Math.log(sumPi);
    // gamma_j from the log terms L_j = ln pi_j + ln N_j, shifted by their maximum (PRML (5.154)).
    let maxL = -Infinity;
    for (let j = 0; j < K; j++) {
      pi[j] = Math.exp(a[o + j] - lsePi);
      const logSigma = a[o + K + K * D + j];
      const iv = Math.exp(-2 * logSigma);
      invVar[j] = iv;
      let s2 = 0;
      for (let d = 0; d < D; d++) {
        const diff = t[to + d] - a[o + K + j * D + d];
        e[j * D + d] = diff * iv;
        s2 += diff * diff;
      }
      r2[j] = s2 * iv;
      const L = a[o + j] - lsePi - D * logSigma - 0.5 * r2[j];
      gamma[j] = L; // the log term for now
      if (L > maxL) maxL = L;
    }
    let sum = 0;
    for (let j = 0; j < K; j++) {
      gamma[j] = Math.exp(gamma[j] - maxL);
      sum += gamma[j];
    }
    for (let j = 0; j < K; j++) gamma[j] /= sum;
  }

  return {
    times(a, t, rho, out, n, k) {
      const D = mixtureTargets(k, K);
      for (let row = 0; row < n; row++) {
        posteriors(a, t, row, k, D);
        const o = row * k;
        const S = o + K + K * D; // where the log-sigma logits start
        let piRho = 0;
        for (let j = 0; j < K; j++) piRho += pi[j] * rho[o + j];
        let cbar = 0;
        for (let j = 0; j < K; j++) {
          let ej = 0;
          for (let d = 0; d < D; d++) ej += e[j * D + d] * rho[o + K + j * D + d];
          c[j] = rho[o + j] - piRho + ej + (r2[j] - D) * rho[S + j];
          cbar += gamma[j] * c[j];
        }
        for (let m = 0; m < K; m++) {
          const g = gamma[m];
          const dc = c[m] - cbar;
          out[o + m] = pi[m] * (rho[o + m] - piRho) - g * dc;
          let eRho = 0;
          for (let d = 0; d < D; d++) {
            const i = o + K + m * D + d;
            const emd = e[m * D + d];
            eRho += emd * rho[i];
            out[i] = g * (rho[i] * invVar[m] + 2 * emd * rho[S + m]) - g * emd * dc;
          }
          out[S + m] = g * (2 * r2[m] * rho[S + m] + 2 * eRho) - g * (r2[m] - D) * dc;
        }
      }
    },
    diagonal(a, t, out, n, k) {
      const D = mixtureTargets(k, K);
      for (let row = 0; row < n; row++) {
        posteriors(a, t, row, k, D);
        const o = row * k;
        const S = o + K + K * D;
        for (let m = 0; m < K; m++) {
          const g = gamma[m];
          out[o + m] = pi[m] * (1 - pi[m]) - g * (1 - g);
          for (let d = 0; d < D; d++) {
            const emd = e[m * D + d];
            out[o + K + m * D + d] = g * invVar[m] - g * emd * emd * (1 - g);
          }
          const f = r2[m] - D;
          out[S + m] = 2 * g * r2[m] - g * f * f * (1 - g);
        }
      }
    },
  };
}

/** The output curvature of a cost (its own scratch: one per network). */
export function outputCurvatureFor(cost: Cost): OutputCurvature {
  switch (cost.name) {
    case 'sum-of-squares':
      return sumOfSquares;
    case 'sigmoid-cross-entropy':
      return sigmoidCrossEntropy;
    case 'softmax-cross-entropy':
      return softmaxCrossEntropy();
    case 'mixture-density':
      return mixtureDensity(cost.components ?? 1);
    default:
      throw new RangeError(`no second derivative is known for the cost "${String(cost.name)}"`);
  }
}
