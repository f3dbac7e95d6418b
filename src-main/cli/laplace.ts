/**
 * `mlp-lab laplace SPEC|PROJECT --weights W.json --out W2.json`: the Laplace approximation to
 * the posterior over the weights (PRML §5.7) at the weights of W.json, over the spec's training
 * samples, optionally with alpha and beta re-estimated by the evidence procedure (§5.7.2);
 * writes W.json with a `laplace` section (shared/laplace-section.ts) for predict --uncertainty.
 */
import { targetWidth } from '../../shared/engine/cost-types';
import { laplaceTask } from '../../shared/engine/evidence';
import { checkHessianSize } from '../../shared/engine/hessian';
import { laplace as laplaceOf, maximumLikelihoodBeta } from '../../shared/engine/laplace';
import { toLaplaceSection } from '../../shared/laplace-section';
import { loadSpecData } from '../storage/load-data';
import { parseArgs, positiveOption, UsageError } from './args';
import { readWeightsFile } from '../storage/weights-io';
import { createLabWithInit, readSpec, writeText } from './files';
import type { CliIo } from './io';

export const LAPLACE_USAGE = 'mlp-lab laplace SPEC|PROJECT --weights W.json [--alpha A] [--beta B] [--evidence] --out W2.json [--json]';

/** alpha where neither --alpha nor the spec's weight decay gives one (Netlab's demos start there). */
const DEFAULT_ALPHA = 0.01;

/** Runs `laplace`; returns the exit code. */
export function laplace(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, { weights: 'value', alpha: 'value', beta: 'value', evidence: 'switch', out: 'value', json: 'switch' }, 'laplace');
  if (args.positionals.length !== 1) throw new UsageError(`laplace needs one SPEC or PROJECT file, got ${args.positionals.length}`);
  const weightsPath = args.options.get('weights');
  if (!weightsPath) throw new UsageError('laplace needs the weights to approximate the posterior at: --weights W.json');
  const out = args.options.get('out');
  if (!out) throw new UsageError('laplace needs the file to write: --out W2.json (the weights with a "laplace" section)');
  const evidence = args.options.has('evidence');
  const specPath = args.positionals[0];
  const spec = readSpec(specPath);
  const task = laplaceTask(spec.network.output.cost);
  if (!task) throw new UsageError(`the Laplace approximation of PRML §5.7 covers sum-of-squares and cross-entropy networks; this spec's cost is ${spec.network.output.cost}`);
  const betaGiven = positiveOption(args, 'beta');
  if (betaGiven !== undefined && task !== 'regression') throw new UsageError('--beta is the noise precision of a regression (sum of squares); a classifier has none (A = alpha I + H, PRML (5.185))');
  const file = readWeightsFile(weightsPath);
  const lab = createLabWithInit(spec, loadSpecData(spec, specPath), weightsPath);
  const { net, data } = lab;
  checkHessianSize(net.size, 'laplace');
  const t = data.targets.subarray(0, data.n * targetWidth(net.cost, net.outputs));
  // beta: given, or the maximum-likelihood N K / (2 E_D); alpha: given, from the weight decay the
  // spec trains with (lambda = alpha / beta, PRML (5.167); alpha = lambda for a classifier), or,
  // to start the evidence procedure, 0.01.
  const beta = task === 'regression' ? betaGiven ?? maximumLikelihoodBeta(net.error(data.inputs, t, data.n), data.n * net.outputs) : undefined;
  const lambda = spec.training.weightDecay;
  let alpha = positiveOption(args, 'alpha');
  let alphaFrom = '--alpha';
  if (alpha === undefined && lambda > 0) {
    alpha = task === 'regression' ? lambda * beta! : lambda;
    alphaFrom = task === 'regression' ? `the spec's weight decay x beta (${lambda} x ${beta!.toPrecision(6)})` : "the spec's weight decay";
  }
  if (alpha === undefined) {
    if (!evidence) throw new UsageError("laplace needs the prior's precision: give --alpha A, or --evidence to estimate it from the data (PRML §5.7.2)");
    alpha = DEFAULT_ALPHA;
    alphaFrom = 'the default start';
  }
  const r = laplaceOf(net, data.inputs, t, data.n, { alpha, ...(beta !== undefined ? { beta } : {}), evidence });
  writeText(out, `${JSON.stringify({ ...file, laplace: toLaplaceSection(r, evidence) }, null, 1)}\n`);
  if (args.options.has('json')) {
    io.stdout.write(`${JSON.stringify({
      type: 'laplace', task: r.task, alpha: r.alpha, beta: r.beta, gamma: r.gamma, logEvidence: r.logEvidence,
      parameters: r.parameters, samples: r.samples, evidence, iterations: r.iterations, converged: r.converged,
      negativeEigenvalues: r.negativeEigenvalues, out,
    })}\n`);
    return 0;
  }
  const w = io.stdout;
  w.write(`Laplace approximation at ${weightsPath}: ${r.parameters} parameters, ${r.samples} training samples, ${task === 'regression' ? 'A = alpha I + beta H (PRML (5.166))' : 'A = alpha I + H (PRML (5.185))'}\n`);
  if (evidence) {
    w.write(`evidence procedure from alpha ${alpha.toPrecision(6)} (${alphaFrom})${beta !== undefined ? `, beta ${beta.toPrecision(6)}` : ''}: `);
    w.write(r.converged ? `converged after ${r.iterations} re-estimations\n` : `NOT converged after ${r.iterations} re-estimations (the last values are written)\n`);
  } else w.write(`alpha from ${alphaFrom}${beta !== undefined && betaGiven === undefined ? '; beta = N K / (2 E_D), the maximum-likelihood noise precision' : ''}\n`);
  w.write(`alpha ${r.alpha.toPrecision(6)}${r.beta !== null ? `  beta ${r.beta.toPrecision(6)} (noise std ${(1 / Math.sqrt(r.beta)).toPrecision(4)})` : ''}\n`);
  w.write(`gamma ${r.gamma.toPrecision(6)} well-determined parameters of ${r.parameters} (PRML (5.179))\n`);
  w.write(`ln evidence ${r.logEvidence.toPrecision(8)} (PRML (${task === 'regression' ? '5.175' : '5.183'}))\n`);
  if (r.negativeEigenvalues > 0) {
    w.write(`note: the Hessian of E_D has ${r.negativeEigenvalues} negative eigenvalue${r.negativeEigenvalues > 1 ? 's' : ''} (smallest ${r.eigenvalues[0].toPrecision(4)}): the weights are not at a minimum; they count as 0, as in Netlab's evidence\n`);
  }
  w.write(`weights with the posterior covariance written to ${out}\n`);
  return 0;
}
