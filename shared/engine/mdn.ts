/**
 * The mixture density network of PRML §5.6: the network's K(D+2) linear outputs are the
 * parameters of a Gaussian mixture over a D-dimensional target, and the error is its negative
 * log likelihood. This is the seed post's promised sequel: sum of squares assumes one Gaussian
 * peak, so it cannot model a target with several branches; a mixture can.
 *
 * Output layout, per sample (k = K(D+2) logits, then the same layout for the parameters):
 *
 *     a[0 .. K)                 mixing logits a^pi_j        -> pi_j = softmax(a^pi)_j   PRML (5.150)
 *     a[K + j D + d]            mean logits a^mu_jd         -> mu_jd = a^mu_jd          PRML (5.152)
 *     a[K + K D + j]            log-sigma logits a^sigma_j  -> sigma_j = exp(a^sigma_j) PRML (5.151)
 *
 * One isotropic sigma per component, as in PRML (5.148). E is summed over samples, like every
 * cost here (PRML (5.153)), and `delta` is dE/da of the three groups, PRML (5.155)-(5.157).
 *
 * The prediction helpers (`conditionalMean`, `conditionalVariance`, `conditionalMode`,
 * `conditionalDensity`, `densityGrid`) take the parameters `y` as `Cost.output` writes them:
 * n rows of [pi_1..pi_K | mu_11..mu_KD | sigma_1..sigma_K].
 */
import type { Cost } from './cost-types';
import { rmse } from './metrics';

/** ln(2 pi) / 2: the Gaussian's normalising constant per target dimension. */
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/** Target dimensions D for k = K(D+2) outputs; throws when k does not fit K components. */
export function mixtureTargets(k: number, K: number): number {
  const D = k / K - 2;
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`a mixture needs a whole number of components >= 1, got ${K}`);
  if (!(Number.isInteger(D) && D >= 1)) {
    throw new RangeError(`a mixture of ${K} components needs K(D+2) = ${3 * K}, ${4 * K}, ... outputs (D target dimensions), got ${k}`);
  }
  return D;
}

/** The number of linear outputs of a K-component mixture over D-dimensional targets: K(D+2). */
export function mixtureOutputs(K: number, D: number): number {
  return K * (D + 2);
}

/** A mixture density cost: a `Cost` that also says how many components it has. */
export interface MixtureDensityCost extends Cost {
  readonly name: 'mixture-density';
  readonly components: number;
  targetsPerSample(k: number): number;
  /** E and dE/da in one pass (each sample's log-sum-exp shared); the same bits as `value` then `delta`. */
  valueAndDelta(a: Float64Array, t: Float64Array, delta: Float64Array, n: number, k: number): number;
}

/**
 * The mixture density cost with K components, PRML (5.153): E = -sum_n ln sum_k pi_k N(t_n |
 * mu_k, sigma_k^2 I). Each sample's ln-likelihood is a log-sum-exp over the components'
 * ln pi_k + ln N_k, with ln pi_k itself from a log-sum-exp of the mixing logits, so neither an
 * underflowing density nor a large logit turns E into -ln 0 or Infinity - Infinity.
 */
export function mixtureDensityCost(K: number): MixtureDensityCost {
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`a mixture needs a whole number of components >= 1, got ${K}`);
  // Per-component scratch of one sample: ln pi_k + ln N_k, ||t - mu_k||^2, 1 / sigma_k^2.
  const logTerm = new Float64Array(K);
  const dist2 = new Float64Array(K);
  const invVar = new Float64Array(K);
  /** ln sum_j exp(a^pi_j) of the same sample. */
  let lsePi = 0;

  /** Fills the scratch for sample r and returns its ln p(t | x) = ln sum_k pi_k N_k. */
  function sampleLogLikelihood(a: Float64Array, t: Float64Array, r: number, k: number, D: number): number {
    const o = r * k;
    const to = r * D;
    let maxPi = -Infinity;
    for (let j = 0; j < K; j++) if (a[o + j] > maxPi) maxPi = a[o + j];
    let sumPi = 0;
    for (let j = 0; j < K; j++) sumPi += Math.exp(a[o + j] - maxPi);
    lsePi = maxPi + Math.log(sumPi);
    let maxL = -Infinity;
    for (let j = 0; j < K; j++) {
      const m = o + K + j * D;
      let s2 = 0;
      for (let d = 0; d < D; d++) {
        const diff = t[to + d] - a[m + d];
        s2 += diff * diff;
      }
      const logSigma = a[o + K + K * D + j];
      const iv = Math.exp(-2 * logSigma);
      dist2[j] = s2;
      invVar[j] = iv;
      // ln pi_j + ln N(t | mu_j, sigma_j^2 I) = ln pi_j - D ln sigma_j - D/2 ln 2pi - ||t - mu_j||^2 / 2 sigma_j^2
      const l = a[o + j] - lsePi - D * (logSigma + HALF_LN_2PI) - (s2 === 0 ? 0 : 0.5 * s2 * iv);
      logTerm[j] = l;
      if (l > maxL) maxL = l;
    }
    if (maxL === -Infinity) return -Infinity;
    let sum = 0;
    for (let j = 0; j < K; j++) sum += Math.exp(logTerm[j] - maxL);
    return maxL + Math.log(sum);
  }

  /**
   * dE/da of sample r from the scratch `sampleLogLikelihood` just filled for it (`lse` is what it
   * returned). delta may alias a: each entry is written after the last read of its logit.
   */
  function sampleDelta(a: Float64Array, t: Float64Array, delta: Float64Array, r: number, k: number, D: number, lse: number): void {
    const o = r * k;
    const to = r * D;
    for (let j = 0; j < K; j++) {
      // gamma_j = pi_j N_j / sum_l pi_l N_l, the posterior of component j, PRML (5.154).
      const gamma = Math.exp(logTerm[j] - lse);
      // dE/da^pi_j = pi_j - gamma_j, PRML (5.155).
      delta[o + j] = Math.exp(a[o + j] - lsePi) - gamma;
      // dE/da^mu_jd = gamma_j (mu_jd - t_d) / sigma_j^2, PRML (5.156).
      const m = o + K + j * D;
      for (let d = 0; d < D; d++) delta[m + d] = gamma * (a[m + d] - t[to + d]) * invVar[j];
      // dE/da^sigma_j = gamma_j (D - ||t - mu_j||^2 / sigma_j^2), PRML (5.157).
      delta[o + K + K * D + j] = gamma * (D - (dist2[j] === 0 ? 0 : dist2[j] * invVar[j]));
    }
  }

  const c: MixtureDensityCost = {
    name: 'mixture-density',
    outputFunction: 'mixture',
    minOutputs: 3 * K,
    components: K,
    targetsPerSample: (k: number) => mixtureTargets(k, K),
    output(a, y, n, k) {
      const D = mixtureTargets(k, K);
      for (let r = 0; r < n; r++) {
        const o = r * k;
        let max = -Infinity;
        for (let j = 0; j < K; j++) if (a[o + j] > max) max = a[o + j];
        let sum = 0;
        for (let j = 0; j < K; j++) sum += Math.exp(a[o + j] - max);
        for (let j = 0; j < K; j++) y[o + j] = Math.exp(a[o + j] - max) / sum;
        if (y !== a) for (let i = o + K; i < o + K + K * D; i++) y[i] = a[i];
        for (let i = o + K + K * D; i < o + k; i++) y[i] = Math.exp(a[i]);
      }
    },
    value(a, t, n, k) {
      const D = mixtureTargets(k, K);
      let e = 0;
      for (let r = 0; r < n; r++) e -= sampleLogLikelihood(a, t, r, k, D);
      return e;
    },
    delta(a, t, delta, n, k) {
      const D = mixtureTargets(k, K);
      for (let r = 0; r < n; r++) sampleDelta(a, t, delta, r, k, D, sampleLogLikelihood(a, t, r, k, D));
    },
    valueAndDelta(a, t, delta, n, k) {
      // A copy with a replaced part (a deliberately broken delta in a test) means those parts.
      if (this.value !== c.value || this.delta !== c.delta) {
        const e = this.value(a, t, n, k);
        this.delta(a, t, delta, n, k);
        return e;
      }
      const D = mixtureTargets(k, K);
      let e = 0;
      for (let r = 0; r < n; r++) {
        const lse = sampleLogLikelihood(a, t, r, k, D);
        e -= lse;
        sampleDelta(a, t, delta, r, k, D, lse);
      }
      return e;
    },
  };
  return c;
}

// ---------------------------------------------------------------------------------------------
// Predictions from the mixture parameters y (n rows of [pi | mu | sigma], as `output` writes)
// ---------------------------------------------------------------------------------------------

/** Per-sample mixture parameters as separate arrays, for plotting. */
export interface MixtureParameters {
  n: number;
  K: number;
  D: number;
  /** n x K mixing coefficients, each row sums to 1. */
  pi: Float64Array;
  /** n x K x D component means: mu[(r K + j) D + d]. */
  mu: Float64Array;
  /** n x K standard deviations. */
  sigma: Float64Array;
}

/** Splits the rows of y (n x K(D+2)) into pi, mu and sigma arrays. */
export function mixtureParameters(y: Float64Array, n: number, K: number, D: number): MixtureParameters {
  const k = mixtureOutputs(K, D);
  const pi = new Float64Array(n * K);
  const mu = new Float64Array(n * K * D);
  const sigma = new Float64Array(n * K);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    pi.set(y.subarray(o, o + K), r * K);
    mu.set(y.subarray(o + K, o + K + K * D), r * K * D);
    sigma.set(y.subarray(o + K + K * D, o + k), r * K);
  }
  return { n, K, D, pi, mu, sigma };
}

/** E[t | x] = sum_k pi_k mu_k, PRML (5.158): n x D. */
export function conditionalMean(y: Float64Array, n: number, K: number, D: number, out = new Float64Array(n * D)): Float64Array {
  const k = mixtureOutputs(K, D);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    for (let d = 0; d < D; d++) {
      let m = 0;
      for (let j = 0; j < K; j++) m += y[o + j] * y[o + K + j * D + d];
      out[r * D + d] = m;
    }
  }
  return out;
}

/**
 * The conditional variance of each target dimension, n x D:
 * var[t_d | x] = sum_k pi_k { sigma_k^2 + (mu_kd - sum_l pi_l mu_ld)^2 }, which for D = 1 is
 * PRML (5.160). Summed over d it is E[||t - E[t|x]||^2 | x] (with D sigma_k^2 in the braces).
 */
export function conditionalVariance(y: Float64Array, n: number, K: number, D: number, out = new Float64Array(n * D)): Float64Array {
  const k = mixtureOutputs(K, D);
  const mean = conditionalMean(y, n, K, D);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    for (let d = 0; d < D; d++) {
      let v = 0;
      for (let j = 0; j < K; j++) {
        const s = y[o + K + K * D + j];
        const c = y[o + K + j * D + d] - mean[r * D + d];
        v += y[o + j] * (s * s + c * c);
      }
      out[r * D + d] = v;
    }
  }
  return out;
}

/**
 * The approximate conditional mode: the mean of the most probable component (largest pi_k;
 * PRML §5.6, after (5.160)), n x D. Ties go to the lower component index.
 */
export function conditionalMode(y: Float64Array, n: number, K: number, D: number, out = new Float64Array(n * D)): Float64Array {
  const k = mixtureOutputs(K, D);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    let best = 0;
    for (let j = 1; j < K; j++) if (y[o + j] > y[o + best]) best = j;
    for (let d = 0; d < D; d++) out[r * D + d] = y[o + K + best * D + d];
  }
  return out;
}

/** p(t_n | x_n) = sum_k pi_k N(t_n | mu_k, sigma_k^2 I), PRML (5.148), for one target row per sample: n values. */
export function conditionalDensity(y: Float64Array, n: number, K: number, D: number, t: Float64Array, out = new Float64Array(n)): Float64Array {
  const k = mixtureOutputs(K, D);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    let p = 0;
    for (let j = 0; j < K; j++) {
      const s = y[o + K + K * D + j];
      let s2 = 0;
      for (let d = 0; d < D; d++) {
        const diff = t[r * D + d] - y[o + K + j * D + d];
        s2 += diff * diff;
      }
      p += y[o + j] * Math.exp(-0.5 * s2 / (s * s) - D * (Math.log(s) + HALF_LN_2PI));
    }
    out[r] = p;
  }
  return out;
}

/**
 * The conditional density of a one-dimensional target on a grid: out[r * G + g] = p(ts[g] | x_r)
 * for the n samples' mixtures and the G target values `ts` (D = 1). What a heatmap over (x, t)
 * shows, PRML figure 5.21.
 */
export function densityGrid(y: Float64Array, n: number, K: number, ts: ArrayLike<number>, out = new Float64Array(n * ts.length)): Float64Array {
  const k = mixtureOutputs(K, 1);
  const G = ts.length;
  for (let r = 0; r < n; r++) {
    const o = r * k;
    for (let g = 0; g < G; g++) out[r * G + g] = 0;
    for (let j = 0; j < K; j++) {
      const p = y[o + j];
      const m = y[o + K + j];
      const s = y[o + 2 * K + j];
      const inv = 1 / s;
      const scale = p * inv / Math.sqrt(2 * Math.PI);
      for (let g = 0; g < G; g++) {
        const z = (ts[g] - m) * inv;
        out[r * G + g] += scale * Math.exp(-0.5 * z * z);
      }
    }
  }
  return out;
}

/**
 * RMSE of the conditional mean (5.158) against targets t (n x D), for a mixture with K
 * components and k = K(D+2) outputs whose parameters are y: how far the mean of the predicted
 * density is from the data, comparable with a sum-of-squares network's RMSE.
 */
export function conditionalMeanRmse(y: Float64Array, t: Float64Array, n: number, k: number, K: number): number {
  const D = mixtureTargets(k, K);
  return rmse(conditionalMean(y, n, K, D), t, n, D);
}
