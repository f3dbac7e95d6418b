/**
 * `mlp-lab hessian SPEC|PROJECT --weights W.json`: the Hessian of E (PRML §5.4) at the given
 * weights over the spec's training samples, by the exact R-operator or one of the
 * approximations, with its eigenvalues. E is the error as `train` reports it: the cost summed
 * over the training samples plus the spec's weight-decay term (weights only, PRML (5.112)).
 * Parameter order is the weights file's: layer by layer, weights[i][j] row by row, then bias[j].
 */
import { symmetricEigen } from '../../shared/engine/eigen';
import { hessian as hessianOf, HESSIAN_METHODS, type HessianMethod, type HessianResult, isHessianMethod } from '../../shared/engine/hessian';
import { targetWidth } from '../../shared/engine/cost-types';
import { loadSpecData } from '../storage/load-data';
import { parseArgs, UsageError } from './args';
import { createLabWithInit, readSpec } from './files';
import type { CliIo } from './io';

export const HESSIAN_USAGE = `mlp-lab hessian SPEC|PROJECT --weights W.json [--method ${HESSIAN_METHODS.join('|')}] [--json]`;

/** Runs `hessian`; returns the exit code. */
export function hessian(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, { weights: 'value', method: 'value', json: 'switch' }, 'hessian');
  if (args.positionals.length !== 1) throw new UsageError(`hessian needs one SPEC or PROJECT file, got ${args.positionals.length}`);
  const weightsPath = args.options.get('weights');
  if (!weightsPath) throw new UsageError('hessian needs the weights to evaluate it at: --weights W.json (from mlp-lab train --out or export)');
  const method = args.options.get('method') ?? 'exact';
  if (!isHessianMethod(method)) throw new UsageError(`--method must be one of ${HESSIAN_METHODS.join(', ')}, got "${method}"`);
  const specPath = args.positionals[0];
  const spec = readSpec(specPath);
  const lab = createLabWithInit(spec, loadSpecData(spec, specPath), weightsPath);
  const { net, data } = lab;
  const k = targetWidth(net.cost, net.outputs);
  const result = hessianOf(net, data.inputs, data.targets.subarray(0, data.n * k), data.n, method as HessianMethod, { weightDecay: spec.training.weightDecay });
  const eigenvalues = result.matrix ? symmetricEigen(result.matrix, result.parameters, { vectors: false }).values : Float64Array.from(result.diagonal).sort();
  if (args.options.has('json')) writeJson(io, result, eigenvalues);
  else writeText(io, result, eigenvalues, data.n, spec.training.weightDecay);
  return 0;
}

/** One JSON object, written a row at a time (a large Hessian would not fit one string). */
function writeJson(io: CliIo, r: HessianResult, eigenvalues: Float64Array): void {
  const P = r.parameters;
  io.stdout.write(`{"parameters":${P},"method":${JSON.stringify(r.method)},"E":${num(r.E)},`);
  if (r.matrix) {
    io.stdout.write('"hessian":[');
    for (let i = 0; i < P; i++) io.stdout.write(`${i ? ',' : ''}[${Array.from(r.matrix.subarray(i * P, (i + 1) * P), num).join(',')}]`);
    io.stdout.write('],');
  }
  if (r.method === 'diagonal') io.stdout.write(`"diagonal":[${Array.from(r.diagonal, num).join(',')}],`);
  io.stdout.write(`"eigenvalues":[${Array.from(eigenvalues, num).join(',')}]}\n`);
}

/** JSON has no NaN or Infinity: such a number is written as null. */
function num(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

function writeText(io: CliIo, r: HessianResult, eigenvalues: Float64Array, n: number, lambda: number): void {
  const P = r.parameters;
  const what = {
    exact: 'exact, by the R-operator (PRML 5.4.6)',
    'outer-product': 'outer-product approximation (PRML (5.84)-(5.86))',
    diagonal: 'diagonal approximation (PRML (5.79)-(5.81)); its eigenvalues are its diagonal',
    'finite-difference': 'central differences of the gradient (PRML (5.90))',
  }[r.method];
  io.stdout.write(`Hessian of E over ${n} training samples${lambda > 0 ? ` with weight decay ${lambda}` : ''}: ${P} x ${P}, ${what}\n`);
  io.stdout.write(`E ${r.E.toPrecision(10)}\n`);
  const negative = eigenvalues.filter((v) => v < 0).length;
  const zero = eigenvalues.filter((v) => v === 0).length;
  const lo = eigenvalues[0];
  const hi = eigenvalues[P - 1];
  io.stdout.write(`eigenvalues from ${lo.toPrecision(6)} to ${hi.toPrecision(6)}; ${negative} negative${zero ? `, ${zero} zero` : ''}\n`);
  io.stdout.write(lo > 0 ? `condition number ${(hi / lo).toPrecision(6)}\n` : 'not positive definite: these weights are not at a minimum of E (or E is flat along some direction)\n');
  const shown = Array.from(eigenvalues.subarray(0, Math.min(P, 20)), (v) => v.toPrecision(6));
  io.stdout.write(`${P <= 20 ? 'eigenvalues' : 'smallest 20 eigenvalues'}: ${shown.join(' ')}\n`);
  io.stdout.write('(--json prints the whole matrix, in the weights file\'s parameter order)\n');
}
