/**
 * `mlp-lab gradcheck SPEC`: backprop against central differences (PRML §5.3.3) on the spec's
 * network and the first samples of its data. Exit 0 when every relative error is within the
 * tolerance, 1 otherwise.
 */
import { targetWidth } from '../../shared/engine/cost-types';
import { gradientCheck } from '../../shared/engine/gradcheck';
import { loadSpecData } from '../storage/load-data';
import { intOption, parseArgs, positiveOption, UsageError } from './args';
import { createLabWithInit, readSpec } from './files';
import type { CliIo } from './io';

export const GRADCHECK_USAGE = 'mlp-lab gradcheck SPEC|PROJECT [--init WEIGHTS.json] [--tolerance T] [--samples N] [--json]';

/** Runs `gradcheck`; returns the exit code. */
export function gradcheck(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, { init: 'value', tolerance: 'value', samples: 'value', json: 'switch' }, 'gradcheck');
  if (args.positionals.length !== 1) throw new UsageError(`gradcheck needs one SPEC file, got ${args.positionals.length}`);
  const specPath = args.positionals[0];
  const spec = readSpec(specPath);
  const tolerance = positiveOption(args, 'tolerance') ?? 1e-6;
  const data = loadSpecData(spec, specPath);
  const lab = createLabWithInit(spec, data, args.options.get('init'));
  const n = Math.min(lab.data.n, intOption(args, 'samples', 1) ?? 10);
  const k = targetWidth(lab.net.cost, lab.net.outputs);
  const result = gradientCheck(
    lab.net,
    lab.data.inputs.subarray(0, n * lab.net.inputs),
    lab.data.targets.subarray(0, n * k),
    n,
    { tolerance },
  );
  if (args.options.has('json')) {
    io.stdout.write(`${JSON.stringify({ type: 'gradcheck', samples: n, ...result })}\n`);
  } else {
    // The seed's printout, then one line per layer.
    io.stdout.write('===================================\nchecking gradient\n');
    io.stdout.write(`finite difference ${result.seedLine.finiteDifference}\n`);
    io.stdout.write(` back propagation ${result.seedLine.backpropagation}\n`);
    io.stdout.write('===================================\n');
    io.stdout.write(`central differences (eps ${result.eps}) on ${n} samples, tolerance ${tolerance}:\n`);
    for (const g of result.groups) {
      const ok = g.maxRelError <= tolerance ? 'ok' : 'FAIL';
      io.stdout.write(`  ${g.name.padEnd(9)} ${String(g.count).padStart(6)} values  max relative error ${g.maxRelError.toExponential(2)}  ${ok}\n`);
    }
    io.stdout.write(result.passed ? 'gradient check passed\n' : `gradient check FAILED: max relative error ${result.maxRelError.toExponential(2)} > ${tolerance}\n`);
  }
  return result.passed ? 0 : 1;
}
