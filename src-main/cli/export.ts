/**
 * `mlp-lab export`: a trained network or a whole lab in a form other tools take.
 *
 *   --format weights (default)  the project's latest trained run (or `--run ID`) as a weights file
 *                               (docs/weights-format.md), with its normalisation and class labels
 *   --format onnx               a project's run or a weights file as an ONNX model (docs/onnx.md)
 *   --format pytorch            a spec or project as a folder with train.py (docs/pytorch.md)
 */
import { exportRunWeights } from '../storage/weights-io';
import { parseArgs, UsageError } from './args';
import { exportOnnx } from './export-onnx';
import { exportPytorch } from './export-pytorch';
import { writeText } from './files';
import { runToExport } from './run-to-export';
import type { CliIo } from './io';

export const EXPORT_USAGE = `mlp-lab export PROJECT [--run N] [--out WEIGHTS.json]
  mlp-lab export PROJECT|WEIGHTS.json --format onnx [--run N] [--dtype float32|float64] --out MODEL.onnx
  mlp-lab export SPEC|PROJECT --format pytorch [--steps N] [--init WEIGHTS.json] --out DIR`;

const FORMATS = ['weights', 'onnx', 'pytorch'] as const;

/** Runs `export`; returns the exit code. */
export function exportWeights(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, { out: 'value', run: 'value', format: 'value', dtype: 'value', steps: 'value', init: 'value' }, 'export');
  const format = args.options.get('format') ?? 'weights';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  if (args.positionals.length !== 1) throw new UsageError(`export needs one ${format === 'pytorch' ? 'SPEC or PROJECT' : 'PROJECT'} file, got ${args.positionals.length}`);
  const only = (allowed: string[]) => {
    for (const name of args.options.keys()) {
      if (name !== 'format' && !allowed.includes(name)) throw new UsageError(`--${name} does not apply to --format ${format}`);
    }
  };
  if (format === 'onnx') {
    only(['out', 'run', 'dtype']);
    return exportOnnx(args, io);
  }
  if (format === 'pytorch') {
    only(['out', 'steps', 'init']);
    return exportPytorch(args, io);
  }
  only(['out', 'run']);
  const path = args.positionals[0];
  const { run, name } = runToExport(path, args.options.get('run'));
  const text = `${JSON.stringify(exportRunWeights(run), null, 1)}\n`;
  const out = args.options.get('out');
  if (out) {
    writeText(out, text);
    io.stderr.write(`weights of ${name} (${run.status}, ${run.createdAt}) written to ${out}\n`);
  } else io.stdout.write(text);
  return 0;
}
