/**
 * `mlp-lab export PROJECT|WEIGHTS.json --format onnx --out MODEL.onnx`: the network as an ONNX
 * model (src-main/export/onnx-model.ts, docs/onnx.md) that takes raw input columns.
 */
import { writeFileSync } from 'node:fs';
import { type OnnxDtype, ONNX_DTYPES, onnxModel } from '../export/onnx-model';
import { isProjectFile } from '../storage/load-data';
import { exportRunWeights } from '../storage/weights-io';
import { type ParsedArgs, UsageError } from './args';
import { readWeightsFile } from '../storage/weights-io';
import { InputError } from './files';
import type { CliIo } from './io';
import { runToExport } from './run-to-export';

/** MLP Lab's version, written as the model's producer_version. */
const VERSION = '0.1.0';

/** Runs `export --format onnx`; returns the exit code. */
export function exportOnnx(args: ParsedArgs, io: CliIo): number {
  const path = args.positionals[0];
  const out = args.options.get('out');
  if (!out) throw new UsageError('export --format onnx needs the model file to write: --out MODEL.onnx');
  const dtype = args.options.get('dtype') ?? 'float32';
  if (!(ONNX_DTYPES as readonly string[]).includes(dtype)) throw new UsageError(`--dtype must be float32 or float64, got "${dtype}"`);
  const project = isProjectFile(path);
  if (!project && args.options.has('run')) throw new UsageError('--run needs a PROJECT file; a weights file holds one network');
  const picked = project ? runToExport(path, args.options.get('run')) : null;
  const run = picked?.run ?? null;
  const file = run ? exportRunWeights(run) : readWeightsFile(path);
  const bytes = onnxModel(file, { dtype: dtype as OnnxDtype, producerVersion: VERSION });
  try {
    writeFileSync(out, bytes);
  } catch (e) {
    throw new InputError(`cannot write ${out}: ${(e as Error).message}`);
  }
  const what = picked ? `${picked.name} of ${path}` : path;
  io.stderr.write(`ONNX model (${dtype}, ${file.inputs.length} inputs -> ${file.cost}) of ${what} written to ${out}\n`);
  return 0;
}
