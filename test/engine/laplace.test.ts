/**
 * The Laplace approximation and the evidence framework (shared/engine/laplace.ts, evidence.ts;
 * PRML §5.7) against an independent numpy implementation of the book's formulas
 * (test/fixtures/generate_laplace.py): the Hessian's eigenvalues, every iterate of the
 * re-estimation of alpha and beta (5.178)-(5.180) with gamma (5.179) and the log evidence
 * (5.175)/(5.183), the posterior covariance A^-1 (5.166)/(5.185), and at new inputs the logit
 * variances g^T A^-1 g, the regression error bars (5.173) and the moderated outputs (5.190).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costFor } from '../../shared/engine/costs';
import { effectiveParameters, EvidenceError, kappa, moderatedProbability, reestimate } from '../../shared/engine/evidence';
import { laplace, laplaceTask, logitVariances } from '../../shared/engine/laplace';
import { Network } from '../../shared/engine/network';

interface Point {
  alpha: number;
  beta: number;
  gamma: number;
  logEvidence: number;
}

interface LaplaceCase {
  name: string;
  inputs: number;
  layers: { units: number; activation: string }[];
  cost: string;
  n: number;
  x: number[];
  t: number[];
  params: number[];
  alpha0: number;
  beta0: number | null;
  evidence: boolean;
  ED: number;
  ww: number;
  eigenvalues: number[];
  history: Point[];
  alpha: number;
  beta: number | null;
  gamma: number;
  logEvidence: number;
  covariance: number[][];
  xTest: number[];
  logitsTest: number[];
  logitVariance: number[];
  std?: number[];
  moderated?: number[];
}

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/laplace-cases.json', import.meta.url), 'utf8')) as { cases: LaplaceCase[] };

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** max |a - b| / max |b| over two arrays. */
function relMax(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) {
    const e = Math.abs(a[i] - b[i]) / scale;
    if (!(e <= worst)) worst = e;
  }
  return worst;
}

function run(c: LaplaceCase) {
  const net = new Network(c.inputs, c.layers, costFor({ cost: c.cost }));
  net.params.set(c.params);
  const x = Float64Array.from(c.x);
  const t = Float64Array.from(c.t);
  const result = laplace(net, x, t, c.n, { alpha: c.alpha0, ...(c.beta0 !== null ? { beta: c.beta0 } : {}), evidence: c.evidence });
  return { net, result };
}

describe('Laplace approximation and evidence against the numpy reference', () => {
  for (const c of fixtures.cases) {
    describe(c.name, () => {
      it('E_D, w^T w and the eigenvalues of the Hessian of E_D agree', () => {
        const { result } = run(c);
        expect(rel(result.ED, c.ED)).toBeLessThan(1e-12);
        expect(rel(result.ww, c.ww)).toBeLessThan(1e-13);
        expect(relMax(result.eigenvalues, c.eigenvalues)).toBeLessThan(1e-11);
        // Clearly negative ones are the same (a softmax's zero eigenvalue has no sign to agree on).
        const floor = 1e-10 * Math.max(...c.eigenvalues.map(Math.abs));
        const clearly = (values: ArrayLike<number>) => Array.from(values).filter((v) => v < -floor).length;
        expect(clearly(result.eigenvalues)).toBe(clearly(c.eigenvalues));
      });

      it(`alpha, beta, gamma and ln evidence agree at every one of the ${c.history.length - 1} re-estimations`, () => {
        const { result } = run(c);
        expect(result.history).toHaveLength(c.history.length);
        expect(result.iterations).toBe(c.history.length - 1);
        result.history.forEach((p, i) => {
          const q = c.history[i];
          expect(rel(p.alpha, q.alpha), `alpha at ${i}`).toBeLessThan(1e-9);
          expect(rel(p.beta, q.beta), `beta at ${i}`).toBeLessThan(1e-9);
          expect(rel(p.gamma, q.gamma), `gamma at ${i}`).toBeLessThan(1e-9);
          expect(Math.abs(p.logEvidence - q.logEvidence) / Math.max(1, Math.abs(q.logEvidence)), `ln evidence at ${i}`).toBeLessThan(1e-10);
        });
        expect(result.alpha).toBe(result.history.at(-1)!.alpha);
        expect(result.beta).toBe(c.beta === null ? null : result.history.at(-1)!.beta);
        if (c.evidence) expect(result.converged).toBe(true);
      });

      it('the posterior covariance A^-1 agrees', () => {
        const { result } = run(c);
        expect(relMax(result.covariance, c.covariance.flat())).toBeLessThan(1e-9);
      });

      it('logit variances at new inputs, error bars (5.173) and moderated outputs (5.190) agree', () => {
        const { net, result } = run(c);
        const m = c.xTest.length / c.inputs;
        const x = Float64Array.from(c.xTest);
        expect(relMax(net.forward(x, m), c.logitsTest)).toBeLessThan(1e-12);
        const v = logitVariances(net, result.covariance, x, m);
        expect(relMax(v, c.logitVariance)).toBeLessThan(1e-9);
        if (c.std) expect(relMax(Array.from(v, (s) => Math.sqrt(1 / result.beta! + s)), c.std)).toBeLessThan(1e-9);
        if (c.moderated) {
          const a = net.forward(x, m);
          expect(relMax(Array.from(v, (s, i) => moderatedProbability(a[i], s)), c.moderated)).toBeLessThan(1e-12);
        }
      });
    });
  }

  it('negative control: gamma with the negative eigenvalues kept (not set to 0) misses the reference', () => {
    const c = fixtures.cases.find((k) => k.name.startsWith('regression at initial weights'))!;
    const raw = c.eigenvalues.reduce((s, l) => s + (c.beta0! * l) / (c.alpha0 + c.beta0! * l), 0);
    expect(rel(raw, c.gamma)).toBeGreaterThan(1e-3);
    const clamped = effectiveParameters({ task: 'regression', eigenvalues: c.eigenvalues, ww: c.ww, ED: c.ED, observations: c.n }, { alpha: c.alpha0, beta: c.beta0! });
    expect(rel(clamped, c.gamma)).toBeLessThan(1e-12);
  });

  it('negative control: beta from N instead of N K target values misses the two-output reference', () => {
    const c = fixtures.cases.find((k) => k.name.includes('two outputs'))!;
    const first = c.history[0];
    const wrong = reestimate({ task: 'regression', eigenvalues: c.eigenvalues, ww: c.ww, ED: c.ED, observations: c.n }, first);
    expect(rel(wrong.beta, c.history[1].beta)).toBeGreaterThan(1e-2);
    const right = reestimate({ task: 'regression', eigenvalues: c.eigenvalues, ww: c.ww, ED: c.ED, observations: 2 * c.n }, first);
    expect(rel(right.beta, c.history[1].beta)).toBeLessThan(1e-12);
  });
});

describe('evidence formulas at their edges', () => {
  const d = { task: 'regression' as const, eigenvalues: [1, 2, 3], ww: 4, ED: 1.5, observations: 10 };

  it('kappa(0) = 1, and the moderated output is sigma(a) without uncertainty, pulled to 1/2 with it (PRML (5.190))', () => {
    expect(kappa(0)).toBe(1);
    expect(kappa(8 / Math.PI)).toBeCloseTo(1 / Math.sqrt(2), 15);
    expect(moderatedProbability(2, 0)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(moderatedProbability(2, 5)).toBeLessThan(moderatedProbability(2, 0));
    expect(moderatedProbability(2, 5)).toBeGreaterThan(0.5);
    expect(moderatedProbability(-2, 5)).toBeCloseTo(1 - moderatedProbability(2, 5), 15);
    expect(moderatedProbability(-1e4, 1)).toBe(0);
    expect(moderatedProbability(1e4, 1)).toBe(1);
  });

  it('refuses re-estimation where a formula breaks down, saying why', () => {
    expect(() => reestimate({ ...d, ww: 0 }, { alpha: 1, beta: 1 })).toThrow(EvidenceError);
    expect(() => reestimate({ ...d, ED: 0 }, { alpha: 1, beta: 1 })).toThrow(/E_D = 0/);
    expect(() => reestimate({ ...d, observations: 2 }, { alpha: 0.001, beta: 100 })).toThrow(/not below the 2 target values/);
    expect(() => reestimate({ ...d, eigenvalues: [-1, 0] }, { alpha: 1, beta: 1 })).toThrow(/no positive eigenvalue/);
  });

  it('knows which costs it covers', () => {
    expect(laplaceTask('sum-of-squares')).toBe('regression');
    expect(laplaceTask('sigmoid-cross-entropy')).toBe('classification');
    expect(laplaceTask('softmax-cross-entropy')).toBe('classification');
    expect(laplaceTask('mixture-density')).toBeNull();
    const net = new Network(1, [{ units: 3, activation: 'linear' }], costFor({ cost: 'mixture-density', components: 1 }));
    expect(() => laplace(net, new Float64Array(2), new Float64Array(2), 2, { alpha: 1 })).toThrow(/not mixture-density/);
  });
});
