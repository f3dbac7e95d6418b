/**
 * `mlp-lab export SPEC|PROJECT --format pytorch --out DIR`: the lab as a folder with train.py,
 * its data and initial weights (src-main/export/pytorch-folder.ts, docs/pytorch.md).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pytorchFolder } from '../export/pytorch-folder';
import { loadSpecData } from '../storage/load-data';
import { intOption, type ParsedArgs, UsageError } from './args';
import { readWeightsFile } from '../storage/weights-io';
import { InputError, readSpec } from './files';
import type { CliIo } from './io';

/** Runs `export --format pytorch`; returns the exit code. */
export function exportPytorch(args: ParsedArgs, io: CliIo): number {
  const path = args.positionals[0];
  const dir = args.options.get('out');
  if (!dir) throw new UsageError('export --format pytorch needs the folder to write: --out DIR');
  const spec = readSpec(path);
  const initPath = args.options.get('init');
  const initial = initPath ? readWeightsFile(initPath) : undefined;
  const files = pytorchFolder(spec, loadSpecData(spec, path), { initial, steps: intOption(args, 'steps', 0) });
  try {
    if (statSync(dir, { throwIfNoEntry: false })?.isFile()) throw new Error('it is a file, not a folder');
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
  } catch (e) {
    throw new InputError(`cannot write the folder ${dir}: ${(e as Error).message}`);
  }
  io.stderr.write(`PyTorch hand-off of ${path} written to ${dir}: ${files.map((f) => f.name).join(', ')}\n`);
  io.stderr.write(`train it with: cd ${dir} && python3 train.py   (or: torchrun --nproc_per_node N train.py)\n`);
  return 0;
}
